// A SIGKILL in the middle of a big import (while its audio is stored, or while its one
// transaction is being committed) leaves all of the archive or none of it after reopening:
// never some of its generations, and never a row whose audio is missing.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { collectIds, exportArchive } from '../../../src/archive/export';
import { openHistory } from '../../../src/history';
import { makeWav } from '../../fixtures/archives/samples';
import { lines, spawnBundled } from '../store/helpers';
import { tempDir } from './helpers';

const GENERATIONS = 600;
const ROUNDS = 8;
const child = join(import.meta.dirname, 'children', 'importer.ts');

async function buildArchive(dir: string): Promise<string> {
  const storageDir = join(dir, 'source');
  const h = await openHistory({ storageDir, checkOnOpen: false, tuning: { pollIntervalMs: 0 } });
  try {
    const audio = join(dir, 'audio-in');
    mkdirSync(audio);
    const generations = Array.from({ length: GENERATIONS }, (_, i) => {
      const file = join(audio, `${i}.wav`);
      writeFileSync(file, makeWav(0.05, 8000, 1, i + 1));
      return {
        key: `g${i}`,
        profileKey: i % 2 ? 'a' : 'b',
        text: `Crash import line ${i}: the quick brown fox`,
        createdAt: 1_700_000_000_000 + i * 1000,
        isFavorited: i % 7 === 0,
        versions: [{ key: 'v', label: 'original', filePath: file, format: 'wav', duration: 0.05, sampleRate: 8000, channels: 1 }],
      };
    });
    await h.importBatch({
      profiles: [
        { key: 'a', name: 'Crash voice A' },
        { key: 'b', name: 'Crash voice B' },
      ],
      generations,
      stories: [{ name: 'Crash story', items: generations.slice(0, 50).map((g, i) => ({ generationKey: g.key, startMs: i * 100 })) }],
    });
    const archive = join(dir, 'big.voicehistory.zip');
    await exportArchive(h, await collectIds(h), archive, { extensionVersion: '0.0.0' });
    return archive;
  } finally {
    await h.close();
  }
}

/** What the storage holds after reopening: generation, profile and story counts, and rows without audio. */
async function inspect(storageDir: string) {
  const h = await openHistory({ storageDir, checkOnOpen: false, tuning: { pollIntervalMs: 0, compactOnClose: false } });
  try {
    const total = (await h.list({ pageSize: 1 })).total;
    const profiles = (await h.listProfiles()).length;
    const stories = await h.listStories();
    const items = stories.length ? ((await h.getStory(stories[0].id))?.items.length ?? 0) : 0;
    const report = await h.checkIntegrity({ database: true });
    return {
      total,
      profiles,
      stories: stories.length,
      items,
      missingAudio: report.missingAudio.length,
      databaseProblems: report.databaseProblems,
    };
  } finally {
    await h.close();
  }
}

test(`a SIGKILL during a ${GENERATIONS}-generation import leaves all of it or none of it`, { timeout: 600_000 }, async (t) => {
  const dir = tempDir(t, 'vh-import-crash-');
  const archive = await buildArchive(dir);
  let seed = 4242;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const run = async (round: number, kill: (out: { lines: string[] }, proc: ReturnType<typeof spawnBundled>) => Promise<void>) => {
    const storageDir = join(dir, `target-${round}`);
    const staging = join(dir, `staging-${round}`);
    mkdirSync(staging);
    const proc = spawnBundled(child, [storageDir, archive, staging]);
    const out = lines(proc);
    await kill(out, proc);
    const exit = await out.exited;
    return { exit, out, state: await inspect(storageDir) };
  };
  const waitFor = (proc: ReturnType<typeof spawnBundled>, out: { lines: string[] }, done: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!done() && proc.exitCode === null) return;
        proc.stdout?.off('data', onData);
        proc.off('exit', check);
        resolve();
      };
      const onData = () => setImmediate(check);
      proc.stdout?.on('data', onData);
      proc.on('exit', check);
      check();
    });

  // Calibration: an import that finishes, timing the commit (from all audio stored to "committed").
  let commitMs = 0;
  const full = await run(0, async (out, proc) => {
    await waitFor(proc, out, () => out.lines.some((l) => l === `saving ${GENERATIONS} ${GENERATIONS}`));
    const t0 = performance.now();
    await waitFor(proc, out, () => out.lines.some((l) => l.startsWith('committed')));
    commitMs = performance.now() - t0;
  });
  assert.equal(full.exit.code, 0, full.out.lines.join('\n'));
  assert.deepEqual(full.state, { total: GENERATIONS, profiles: 2, stories: 1, items: 50, missingAudio: 0, databaseProblems: [] });

  const outcomes: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const duringCommit = round % 4 !== 0;
    const { exit, out, state } = await run(round, async (o, proc) => {
      if (duringCommit) {
        // After every file is stored: somewhere inside the commit (sometimes just after it).
        await waitFor(proc, o, () => o.lines.some((l) => l === `saving ${GENERATIONS} ${GENERATIONS}`));
        await new Promise((r) => setTimeout(r, random() * commitMs * 1.2));
      } else {
        // While the audio is being stored.
        const at = 1 + Math.floor(random() * (GENERATIONS - 1));
        await waitFor(proc, o, () => o.lines.some((l) => l.startsWith(`saving ${at} `)));
      }
      proc.kill('SIGKILL');
    });
    const committed = out.lines.some((l) => l.startsWith('committed'));
    // A child that reported its commit may still be killed before it exits; then all must be there.
    if (committed) assert.ok(exit.code === 0 || exit.signal === 'SIGKILL', `round ${round}: exit ${JSON.stringify(exit)}`);
    else assert.equal(exit.signal, 'SIGKILL');
    assert.deepEqual(state.databaseProblems, []);
    assert.equal(state.missingAudio, 0, 'a row points to missing audio');
    if (state.total === 0) {
      assert.ok(!committed, `round ${round}: the import said it committed but nothing is there`);
      assert.deepEqual(
        { profiles: state.profiles, stories: state.stories },
        { profiles: 0, stories: 0 },
        `round ${round}: part of the archive was left`,
      );
      outcomes.push('none');
    } else {
      assert.deepEqual(
        state,
        { total: GENERATIONS, profiles: 2, stories: 1, items: 50, missingAudio: 0, databaseProblems: [] },
        `round ${round}: part of the archive was left`,
      );
      outcomes.push(committed ? 'all (reported)' : 'all');
    }
  }
  console.log(`import crash test: commit took ${commitMs.toFixed(0)} ms; outcomes ${outcomes.join(', ')}`);
  // Kills while storing audio can only leave nothing.
  for (let round = 1; round <= ROUNDS; round++) if (round % 4 === 0) assert.equal(outcomes[round - 1], 'none');
});
