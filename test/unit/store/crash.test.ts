// Crash safety: a child process writing generations is SIGKILLed at random points many times.
// Every change it reported as committed must be there after reopening (checked by the next
// child right after it opens the history, and by this process at the end), and it always opens.
//
// Kills are scheduled by what the child has reported, never by the wall clock alone, so a slow or
// loaded machine changes how long the test takes, not what it checks: a writing round is killed
// at a random moment after its k-th reported commit (k random, at least MIN_COMMITS), and a
// startup round at a random fraction of how long startups have been taking so far.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { test } from 'node:test';
import type { Expectations } from './children/writer';
import { lines, reopen, spawnBundled, tempDir } from './helpers';

const ROUNDS = 30;
/** Every 6th round is killed during startup (loading, replaying, verifying, compacting). */
const isStartupRound = (round: number) => round % 6 === 5;
const MIN_COMMITS = 8;
const MAX_COMMITS = 24;
const child = path.join(__dirname, 'children', 'writer.ts');

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

const COMMIT_KINDS = new Set(['created', 'deleted', 'favorited', 'version']);
const isCommit = (line: string) => COMMIT_KINDS.has(line.slice(0, line.indexOf(' ')));

/** Resolves once `done()` holds (checked after every stdout chunk) or the child has exited. */
function until(proc: ChildProcess, done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      proc.stdout?.off('data', onData);
      proc.off('exit', finish);
      resolve();
    };
    // setImmediate: lines() registered its listener first, but let it split the chunk either way.
    const onData = () => setImmediate(() => done() && finish());
    proc.stdout?.on('data', onData);
    proc.on('exit', finish);
    if (done() || proc.exitCode !== null) finish();
  });
}

test(`every reported commit survives ${ROUNDS} SIGKILLs at random points`, { timeout: 600_000 }, async () => {
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
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    let reported = 0;
    let verifiedRounds = 0;
    let killedInStartup = 0;
    const startupMs: number[] = [];
    let writingRounds = 0;
    for (let round = 0; round < ROUNDS; round++) {
      fs.writeFileSync(expectFile, JSON.stringify(expectations()));
      const started = performance.now();
      const proc = spawnBundled(child, [storage, String(round + 1), ...(round > 0 ? [expectFile] : [])]);
      const out = lines(proc);
      const ready = () => out.lines.some((l) => l.startsWith('ready'));
      if (isStartupRound(round)) {
        // A random point inside startup, scaled by how long startups took on this machine today.
        const typical = startupMs.length ? startupMs.reduce((a, b) => a + b, 0) / startupMs.length : 500;
        await sleep(random() * typical);
      } else {
        writingRounds++;
        await until(proc, ready);
        assert.ok(ready(), `child did not start: ${out.stderr()}`);
        startupMs.push(performance.now() - started);
        const k = MIN_COMMITS + Math.floor(random() * (MAX_COMMITS - MIN_COMMITS + 1));
        const commits = () => out.lines.filter(isCommit).length;
        const readyAt = performance.now();
        await until(proc, () => commits() >= k);
        assert.ok(commits() >= k, `child stopped after ${commits()} commits: ${out.stderr()}`);
        // Then a random moment within the next few writes (often in the middle of one): up to
        // three times this child's own average time per commit, so it scales with machine speed.
        const perCommit = (performance.now() - readyAt) / commits();
        if (random() < 0.8) await sleep(random() * 3 * perCommit);
      }
      proc.kill('SIGKILL');
      const exit = await out.exited;
      assert.equal(exit.signal, 'SIGKILL', `child ended by itself (code ${exit.code}): ${out.stderr()}`);
      if (!ready()) killedInStartup++;
      for (const line of out.lines) {
        const [kind, id, extra] = line.split(' ');
        if (kind === 'problem') assert.fail(`round ${round}: after reopening, ${line.slice(8)}`);
        if (kind === 'verified') verifiedRounds++;
        else if (kind === 'created') created.add(id);
        else if (kind === 'deleted') deleted.add(id);
        else if (kind === 'deleting') deleting.add(id);
        else if (kind === 'favorited') favorited.add(id);
        else if (kind === 'version') versions.push([id, extra]);
        if (isCommit(line)) reported++;
      }
    }
    // Guaranteed by construction (each writing round reports at least MIN_COMMITS before its kill);
    // kept as a check that the bookkeeping above counted them.
    assert.ok(reported >= writingRounds * MIN_COMMITS, `too few changes were reported (${reported}) for the test to mean anything`);
    // Every writing round after the first verifies before it reports "ready".
    assert.ok(verifiedRounds >= writingRounds - 1, `only ${verifiedRounds} rounds got as far as verifying`);

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
        assert.ok(
          vs.some((v) => v.id === vid),
          `version ${vid} lost`,
        );
        assert.equal(vs.filter((v) => v.isDefault).length, 1);
      }
      const report = await h.checkIntegrity({ database: true });
      assert.deepEqual(report.databaseProblems, []);
      assert.deepEqual(report.missingAudio, [], 'a row points to a missing audio file');
    } finally {
      await h.close();
    }
    console.log(
      `crash test: ${reported} commits reported in ${writingRounds} writing rounds, ${verifiedRounds} rounds verified, ${killedInStartup} kills inside startup, ${expectations().alive.length} generations alive`,
    );
  } finally {
    t.cleanup();
  }
});
