import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { collectIds, exportArchive } from '../../../src/archive/export';
import { importFiles } from '../../../src/archive/import';
import { ZipArchive } from '../../../src/archive/zip-reader';
import { importLimitsSchema } from '../../../src/archive/limits';
import { isPortableFileName } from '../../../src/archive/names';
import {
  allGenerations,
  describeAll,
  describeStories,
  generationKey as key,
  openTestHistory,
  seedMany,
  seedRich,
  tempDir,
} from './helpers';

test('export → import into a fresh history reproduces every field, version, story placement and audio byte', async (t) => {
  const a = await openTestHistory(t, 'a');
  await seedRich(a.history);
  const dir = tempDir(t);
  const target = join(dir, 'all.voicehistory.zip');
  const ids = await collectIds(a.history);
  const result = await exportArchive(a.history, ids, target, { extensionVersion: '9.8.7' });
  assert.deepEqual([result.generations, result.versions, result.skippedAudio, result.changedAudio], [3, 4, [], 0]);

  // Entry names are portable and WAV is stored, not deflated.
  const zip = await ZipArchive.open(target, importLimitsSchema.parse({}));
  for (const e of zip.files()) {
    for (const part of e.name.split('/')) assert.ok(isPortableFileName(part), e.name);
    if (e.name.endsWith('.wav')) assert.equal(e.raw.compressionMethod, 0);
  }
  const manifest = JSON.parse(await zip.readText(zip.get('manifest.json')!, 1 << 20));
  zip.close();
  assert.equal(manifest.format, 'voice-history');
  assert.equal(manifest.formatVersion, 2);
  assert.equal(manifest.exportedBy.version, '9.8.7');

  const b = await openTestHistory(t, 'b');
  const progress: Array<[string, number, number]> = [];
  const summary = await importFiles(b.history, [target], { stagingDir: dir, onProgress: (p) => progress.push([p.phase, p.done, p.total]) });
  assert.deepEqual(
    { ...summary, generationIds: summary.generationIds.length },
    { imported: 3, skipped: 0, stories: 1, rejected: [], leftOut: [], generationIds: 3, cancelled: false },
  );
  const checking = progress.filter(([phase]) => phase === 'checking');
  assert.ok(checking.length > 1 && checking.every(([, done, total], i) => done <= total && (i === 0 || done >= checking[i - 1]![1])));
  assert.deepEqual(
    progress.filter(([phase]) => phase === 'saving'),
    [
      ['saving', 1, 3],
      ['saving', 2, 3],
      ['saving', 3, 3],
    ],
  );
  assert.deepEqual(await describeAll(b.history), await describeAll(a.history));
  assert.deepEqual(await describeStories(b.history), await describeStories(a.history));

  // New ids everywhere.
  const aIds = new Set((await allGenerations(a.history)).map((g) => g.id));
  for (const g of await allGenerations(b.history)) assert.ok(!aIds.has(g.id));
  // The staging folder is gone.
  assert.deepEqual(readdirSync(dir), ['all.voicehistory.zip']);

  // Importing the same archive again adds nothing: all three are duplicates.
  const again = await importFiles(b.history, [target]);
  assert.deepEqual([again.imported, again.skipped, again.rejected], [0, 3, []]);
  assert.equal((await allGenerations(b.history)).length, 3);
});

test('one generation round-trips with its versions and the story items that place it', async (t) => {
  const a = await openTestHistory(t, 'a');
  await seedRich(a.history);
  const first = (await allGenerations(a.history))[0]!;
  const dir = tempDir(t);
  const target = join(dir, 'one.voicehistory.zip');
  const result = await exportArchive(a.history, [first.id], target, { extensionVersion: '0.1.0' });
  assert.deepEqual([result.generations, result.versions], [1, 3]);
  const b = await openTestHistory(t, 'b');
  const summary = await importFiles(b.history, [target]);
  assert.deepEqual([summary.imported, summary.skipped, summary.rejected], [1, 0, []]);
  assert.deepEqual(await describeAll(b.history), await describeAll(a.history, new Set([key(first)])));
  assert.deepEqual(await describeStories(b.history), await describeStories(a.history));
});

test('profiles are matched by name (ignoring case) and otherwise created, never attached to another voice', async (t) => {
  const a = await openTestHistory(t, 'a');
  await seedRich(a.history);
  const dir = tempDir(t);
  const target = join(dir, 'all.voicehistory.zip');
  await exportArchive(a.history, await collectIds(a.history), target, { extensionVersion: '0.1.0' });
  const b = await openTestHistory(t, 'b');
  const existing = await b.history.createProfile({ name: 'alice (FLITE)', language: 'en' });
  const unrelated = await b.history.createProfile({ name: 'Carla', language: 'en' });
  await importFiles(b.history, [target]);
  const profiles = await b.history.listProfiles();
  assert.deepEqual(profiles.map((p) => p.name).sort(), ['Bruno', 'Carla', 'alice (FLITE)']);
  const gens = await allGenerations(b.history);
  assert.equal(gens.filter((g) => g.profileId === existing.id).length, 2);
  assert.equal(gens.filter((g) => g.profileId === unrelated.id).length, 0);
});

test('1,000 generations round-trip with equal audio hashes', async (t) => {
  const a = await openTestHistory(t, 'a');
  await seedMany(a.history, 1000);
  const dir = tempDir(t);
  const target = join(dir, 'bulk.voicehistory.zip');
  const progress: number[] = [];
  const result = await exportArchive(a.history, await collectIds(a.history), target, {
    extensionVersion: '0.1.0',
    onProgress: (p) => progress.push(p.written),
  });
  assert.equal(result.generations, 1000);
  assert.ok(progress.length > 1 && progress.every((w, i) => i === 0 || w >= progress[i - 1]!));
  const b = await openTestHistory(t, 'b');
  const summary = await importFiles(b.history, [target]);
  assert.deepEqual([summary.imported, summary.skipped, summary.rejected], [1000, 0, []]);
  assert.deepEqual(await describeAll(b.history), await describeAll(a.history));
});
