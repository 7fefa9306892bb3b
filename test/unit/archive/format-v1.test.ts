// Archives of format version 1 (written before titles, tags and story tracks) still import as
// they always did: a committed v1 archive against the history it was exported from.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { importFiles } from '../../../src/archive/import';
import { importLimitsSchema } from '../../../src/archive/limits';
import { parseManifest } from '../../../src/archive/manifest';
import { ZipArchive } from '../../../src/archive/zip-reader';
import { describeAll, describeStories, openTestHistory, seedRich, tempDir } from './helpers';

const V1 = join(import.meta.dirname, '../../fixtures/archives/v1/rich.voicehistory.zip');

test('a committed version 1 archive imports into an empty history equal to the history it came from', async (t) => {
  const source = await openTestHistory(t, 'source');
  await seedRich(source.history);
  const h = await openTestHistory(t, 'v1');
  const summary = await importFiles(h.history, [V1], { stagingDir: tempDir(t) });
  assert.deepEqual([summary.imported, summary.skipped, summary.stories, summary.rejected], [3, 0, 1, []]);
  assert.deepEqual(await describeAll(h.history), await describeAll(source.history));
  assert.deepEqual(await describeStories(h.history), await describeStories(source.history));
  // What version 1 could not carry is "none": no title, notes or tags, no take seed, default tracks.
  for (const g of (await describeAll(h.history)).values()) {
    const d = g as { title: unknown; notes: unknown; tags: unknown; versions: Array<{ seed: unknown; loudnessLufs: unknown }> };
    assert.deepEqual([d.title, d.notes, d.tags], [null, null, []]);
    for (const v of d.versions) assert.deepEqual([v.seed, v.loudnessLufs], [null, null]);
  }
  assert.deepEqual(await h.history.listTags(), []);
});

test('the version 1 reader upgrades what it reads; the committed file says version 1', async () => {
  const zip = await ZipArchive.open(V1, importLimitsSchema.parse({}));
  const text = await zip.readText(zip.get('manifest.json')!, 1 << 20);
  zip.close();
  assert.equal(JSON.parse(text).formatVersion, 1);
  assert.equal(parseManifest(text).generations[0]!.title, null);
  const manifest = parseManifest(
    JSON.stringify({
      format: 'voice-history',
      formatVersion: 1,
      exportedAt: '2025-01-31T12:00:00.000Z',
      exportedBy: { name: 'voice-history', version: '0.1.0' },
      profiles: [],
      generations: [],
    }),
  );
  assert.deepEqual([manifest.formatVersion, manifest.stories, manifest.presets], [2, [], []]);
});
