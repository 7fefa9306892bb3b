// Crash safety: a child process writing generations is SIGKILLed at random points many times.
// Every change it reported as committed must be there after reopening (checked by the next
// child right after it opens the history, and by this process at the end), and it always opens.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Expectations } from './children/writer';
import { lines, reopen, spawnBundled, tempDir } from './helpers';

const ROUNDS = 30;
const child = path.join(__dirname, 'children', 'writer.ts');

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

test(`every reported commit survives ${ROUNDS} SIGKILLs at random points`, { timeout: 180_000 }, async () => {
  const t = tempDir();
  const storage = path.join(t.dir, 'storage');
  const expectFile = path.join(t.dir, 'expect.json');
  try {
    const created = new Set<string>();
    const deleted = new Set<string>();
    const deleting = new Set<string>();
    const favorited = new Set<string>();
    const versions: Array<[string, string]> = [];
    const expectations = (): Expectations => ({
      alive: [...created].filter((id) => !deleting.has(id)),
      deleted: [...deleted],
      favorited: [...favorited],
      versions,
    });
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    let reported = 0;
    let verifiedRounds = 0;
    let killedInStartup = 0;
    for (let round = 0; round < ROUNDS; round++) {
      fs.writeFileSync(expectFile, JSON.stringify(expectations()));
      const proc = spawnBundled(child, [storage, String(round + 1), ...(round > 0 ? [expectFile] : [])]);
      const out = lines(proc);
      if (round % 6 === 5) {
        // Kill somewhere inside startup: loading, replaying, verifying, compacting.
        await sleep(100 + random() * 600);
      } else {
        const deadline = Date.now() + 30_000;
        while (!out.lines.some((l) => l.startsWith('ready')) && Date.now() < deadline) {
          if (proc.exitCode !== null) break;
          await sleep(5);
        }
        assert.ok(out.lines.some((l) => l.startsWith('ready')), `child did not start: ${out.stderr()}`);
        await sleep(random() * 150);
      }
      proc.kill('SIGKILL');
      const exit = await out.exited;
      assert.equal(exit.signal, 'SIGKILL', `child ended by itself (code ${exit.code}): ${out.stderr()}`);
      if (!out.lines.some((l) => l.startsWith('ready'))) killedInStartup++;
      for (const line of out.lines) {
        const [kind, id, extra] = line.split(' ');
        if (kind === 'problem') assert.fail(`round ${round}: after reopening, ${line.slice(8)}`);
        if (kind === 'verified') verifiedRounds++;
        else if (kind === 'created') created.add(id);
        else if (kind === 'deleted') deleted.add(id);
        else if (kind === 'deleting') deleting.add(id);
        else if (kind === 'favorited') favorited.add(id);
        else if (kind === 'version') versions.push([id, extra]);
        if (['created', 'deleted', 'favorited', 'version'].includes(kind)) reported++;
      }
    }
    assert.ok(reported > ROUNDS * 5, `too few changes were reported (${reported}) for the test to mean anything`);
    assert.ok(verifiedRounds >= ROUNDS - 10, `only ${verifiedRounds} rounds got as far as verifying`);

    // Final check here, in another process than the writers.
    const h = await reopen(storage);
    try {
      const e = expectations();
      const found = await h.getMany(e.alive);
      assert.equal(found.length, e.alive.length, 'reported generations are missing');
      for (const id of e.deleted) assert.equal(await h.get(id), undefined, `deleted ${id} came back`);
      for (const g of found) if (favorited.has(g.id)) assert.equal(g.isFavorited, true);
      for (const [gid, vid] of versions) {
        if (!found.some((g) => g.id === gid)) continue;
        const vs = await h.listVersions(gid);
        assert.ok(vs.some((v) => v.id === vid), `version ${vid} lost`);
        assert.equal(vs.filter((v) => v.isDefault).length, 1);
      }
      const report = await h.checkIntegrity({ database: true });
      assert.deepEqual(report.databaseProblems, []);
      assert.deepEqual(report.missingAudio, [], 'a row points to a missing audio file');
    } finally {
      await h.close();
    }
    if (killedInStartup === 0) console.log('note: no kill landed inside startup this run');
  } finally {
    t.cleanup();
  }
});
