// Crash safety: a child process writing generations is SIGKILLed at random points many times.
// Every change it reported as committed must be there after reopening, and the history opens.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { isHistoryError } from '../../../src/history';
import { lines, reopen, spawnTs, tempDir } from './helpers';

const ROUNDS = 30;
const child = path.join(__dirname, 'children', 'writer.ts');

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

test(`every reported commit survives ${ROUNDS} SIGKILLs at random points`, { timeout: 120_000 }, async () => {
  const t = tempDir();
  try {
    const created = new Set<string>();
    const deleted = new Set<string>();
    const deleting = new Set<string>();
    const favorited = new Set<string>();
    const versions = new Map<string, string>(); // generation -> last default version reported
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    let killedBeforeReady = 0;
    let reported = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const proc = spawnTs(child, [t.dir, String(round + 1)]);
      const out = lines(proc);
      const early = round % 6 === 5;
      if (early) {
        // Kill somewhere inside startup: loading, replaying, migrating or compacting.
        await sleep(200 + random() * 500);
      } else {
        const deadline = Date.now() + 20_000;
        while (!out.lines.some((l) => l.startsWith('ready')) && Date.now() < deadline) await sleep(5);
        assert.ok(out.lines.some((l) => l.startsWith('ready')), `child did not start: ${out.stderr()}`);
        await sleep(random() * 150);
      }
      proc.kill('SIGKILL');
      const exit = await out.exited;
      assert.equal(exit.signal, 'SIGKILL', `child ended by itself (code ${exit.code}): ${out.stderr()}`);
      if (!out.lines.some((l) => l.startsWith('ready'))) killedBeforeReady++;
      for (const line of out.lines) {
        const [kind, id, extra] = line.split(' ');
        if (kind === 'created') created.add(id);
        else if (kind === 'deleted') deleted.add(id);
        else if (kind === 'deleting') deleting.add(id);
        else if (kind === 'favorited') favorited.add(id);
        else if (kind === 'version') versions.set(id, extra);
        if (kind !== 'ready' && kind !== 'deleting' && kind) reported++;
      }

      // Reopen without compacting on close so the next round replays a longer journal.
      const h = await reopen(t.dir, { tuning: { compactOnClose: false } });
      try {
        const alive = [...created].filter((id) => !deleting.has(id));
        const found = await h.getMany(alive);
        assert.equal(found.length, alive.length, `round ${round}: ${alive.length - found.length} reported generations are missing`);
        for (const id of deleted) assert.equal(await h.get(id), undefined, `round ${round}: deleted ${id} came back`);
        for (const g of found) {
          if (favorited.has(g.id)) assert.equal(g.isFavorited, true, `round ${round}: favourite of ${g.id} lost`);
          const v = versions.get(g.id);
          if (v) {
            const vs = await h.listVersions(g.id);
            const def = vs.filter((x) => x.isDefault);
            assert.equal(def.length, 1, 'exactly one default version');
            // The reported version is there; a later unreported one may have become default.
            assert.ok(vs.some((x) => x.id === v), `round ${round}: version ${v} lost`);
          }
        }
        const report = await h.checkIntegrity();
        assert.deepEqual(report.databaseProblems, []);
        assert.deepEqual(report.missingAudio, [], 'a row points to a missing audio file');
      } finally {
        await h.close();
      }
    }
    assert.ok(reported > ROUNDS * 5, `too few changes were reported (${reported}) for the test to mean anything`);
    // The journal really was replayed (not just the snapshot): at least one file is there.
    assert.ok(fs.existsSync(path.join(t.dir, 'history.journal')));
    const h = await reopen(t.dir);
    const page = await h.list({ pageSize: 1000 });
    assert.ok(page.total! >= [...created].filter((id) => !deleting.has(id)).length);
    await h.close();
    if (killedBeforeReady === 0) console.log('note: no kill landed inside startup this run');
  } catch (e) {
    if (isHistoryError(e)) console.error(e.code, e.message);
    throw e;
  } finally {
    t.cleanup();
  }
});
