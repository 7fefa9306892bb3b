// Two processes writing to one storage folder at the same time lose nothing and agree on shared rows.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { lines, reopen, spawnBundled, tempDir } from './helpers';

const child = path.join(__dirname, 'children', 'contender.ts');
const COUNT = 60;

test('two processes writing at once: no lost updates, one shared profile, both see everything', { timeout: 60_000 }, async () => {
  const t = tempDir();
  try {
    const setup = await reopen(t.dir);
    const story = await setup.createStory({ name: 'Shared story' });
    await setup.close();

    const a = spawnBundled(child, [t.dir, 'a', String(COUNT), story.id]);
    const b = spawnBundled(child, [t.dir, 'b', String(COUNT), story.id]);
    const oa = lines(a);
    const ob = lines(b);
    const [ea, eb] = await Promise.all([oa.exited, ob.exited]);
    assert.equal(ea.code, 0, oa.stderr());
    assert.equal(eb.code, 0, ob.stderr());

    const profileA = oa.lines.find((l) => l.startsWith('profile '));
    const profileB = ob.lines.find((l) => l.startsWith('profile '));
    assert.equal(profileA, profileB, 'both processes must end up with the same profile');

    const h = await reopen(t.dir);
    try {
      const profiles = await h.listProfiles();
      assert.equal(profiles.length, 1);
      const all = await h.list({ pageSize: 1000 });
      assert.equal(all.total, 2 * COUNT);
      const texts = new Set(all.items.map((g) => g.text));
      for (const who of ['a', 'b']) for (let i = 0; i < COUNT; i++) assert.ok(texts.has(`${who} says number ${i}`), `${who} #${i} lost`);
      const fav = await h.list({ favoritesOnly: true, pageSize: 1000 });
      assert.equal(fav.total, 2 * Math.ceil(COUNT / 10));
      const s = await h.getStory(story.id);
      assert.equal(s?.items.length, 2 * COUNT, 'story items from both processes');
      const stats = await h.stats();
      assert.equal(stats.totalGenerations, 2 * COUNT);
      // Each process saw the other's rows too (its last list counted at least its own).
      const doneA = Number(oa.lines.find((l) => l.startsWith('done '))?.split(' ')[1]);
      const doneB = Number(ob.lines.find((l) => l.startsWith('done '))?.split(' ')[1]);
      assert.ok(Math.max(doneA, doneB) === 2 * COUNT, `the process finishing last sees all rows (${doneA}, ${doneB})`);
      // The writes really interleaved (the lock was handed back and forth), not one after the other.
      const ordered = (await h.list({ pageSize: 1000, sort: 'oldest' })).items.map((g) => g.text[0]);
      const switches = ordered.filter((c, i) => i > 0 && c !== ordered[i - 1]).length;
      assert.ok(switches >= 3, `writers did not interleave (${switches} switches)`);
      const report = await h.checkIntegrity({ database: true });
      assert.deepEqual(report.databaseProblems, []);
    } finally {
      await h.close();
    }
  } finally {
    t.cleanup();
  }
});
