import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importFiles } from '../../../src/archive/import';
import { COMMITTED_DIR, HOSTILE_CASES, validArchive, writeHostileCorpus } from '../../fixtures/archives/hostile';
import { openTestHistory, seedRich, snapshot, tempDir } from './helpers';

test('every hostile archive is refused with its own message, and the history and its folder stay as they were', async (t) => {
  const h = await openTestHistory(t);
  await seedRich(h.history);
  const dir = tempDir(t);
  const staging = join(dir, 'staging');
  mkdirSync(staging);
  // Small cases from the committed corpus, big ones generated now.
  const big = writeHostileCorpus(join(dir, 'big'), { big: true }).filter((c) => c.big);
  const cases = [...HOSTILE_CASES.filter((c) => !c.big).map((c) => ({ ...c, path: join(COMMITTED_DIR, c.file) })), ...big];
  assert.equal(cases.length, HOSTILE_CASES.length);
  const before = await snapshot(h);
  for (const c of cases) {
    const summary = await importFiles(h.history, [c.path], { stagingDir: staging });
    assert.equal(summary.imported, 0, c.file);
    assert.equal(summary.rejected.length, 1, c.file);
    const [r] = summary.rejected;
    assert.equal(r!.name, c.file);
    assert.equal(r!.problem, c.reason, `${c.file}: ${r!.reason}`);
    assert.match(r!.reason, c.message, c.file);
    assert.deepEqual(readdirSync(staging), [], `${c.file} left staged files`);
    assert.deepEqual(await snapshot(h), before, `${c.file} changed the history`);
  }
});

test('a bad file among good ones is refused alone', async (t) => {
  const h = await openTestHistory(t);
  const dir = tempDir(t);
  const good = join(dir, 'good.voicehistory.zip');
  writeFileSync(good, validArchive());
  const bad = join(COMMITTED_DIR, 'zip-slip-dotdot.voicehistory.zip');
  const summary = await importFiles(h.history, [bad, good]);
  assert.equal(summary.imported, 1);
  assert.deepEqual(
    summary.rejected.map((r) => r.problem),
    ['zip-slip'],
  );
});
