// Format version 2 with real ZIPs and real histories: titles, notes, tags, a take's seed and
// loudness, stories with tracks and fades go out and come back equal; which stories an export
// carries; story names that are taken, tags that differ in case, generations already here.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { collectIds, exportArchive } from '../../../src/archive/export';
import { importFiles } from '../../../src/archive/import';
import { importLimitsSchema } from '../../../src/archive/limits';
import { exportStoryArchive, suggestStoryArchiveName } from '../../../src/archive/story-archive';
import { ZipArchive } from '../../../src/archive/zip-reader';
import type { HistoryService } from '../../../src/history/service';
import { allGenerations, describeAll, describeStories, openTestHistory, seedOrganised, seedRich, tempDir } from './helpers';

async function readManifest(path: string) {
  const zip = await ZipArchive.open(path, importLimitsSchema.parse({}));
  try {
    return JSON.parse(await zip.readText(zip.get('manifest.json')!, 1 << 22));
  } finally {
    zip.close();
  }
}

async function organised(t: Parameters<typeof openTestHistory>[0]) {
  const a = await openTestHistory(t, 'a');
  await seedRich(a.history);
  await seedOrganised(a.history);
  return a;
}

const tagsOf = async (h: HistoryService) => (await h.listTags()).map((t) => [t.name, t.count]);

test('version 2 round trip into an empty history: every field, tag, take seed, loudness, story, track and fade equal', async (t) => {
  const a = await organised(t);
  const dir = tempDir(t);
  const target = join(dir, 'all.voicehistory.zip');
  await exportArchive(a.history, await collectIds(a.history), target, { extensionVersion: '2.0.0' });
  const manifest = await readManifest(target);
  assert.equal(manifest.formatVersion, 2);
  assert.deepEqual(
    manifest.stories.map((s: { name: string; tracks: unknown[] }) => [s.name, s.tracks.length]),
    [
      ['Episode 1', 2],
      ['Duet', 0],
    ],
  );

  const b = await openTestHistory(t, 'b');
  const summary = await importFiles(b.history, [target], { stagingDir: dir });
  assert.deepEqual([summary.imported, summary.skipped, summary.stories, summary.rejected], [3, 0, 2, []]);
  assert.deepEqual(await describeAll(b.history), await describeAll(a.history));
  assert.deepEqual(await describeStories(b.history), await describeStories(a.history));
  assert.deepEqual(await tagsOf(b.history), await tagsOf(a.history));
  assert.deepEqual(await tagsOf(b.history), [
    ['chapter 1', 2],
    ['Intro', 3],
    ['Portuguese', 2],
  ]);
  // The described stories really carry what was set (not just equal emptiness).
  const episode = (await describeStories(b.history)).find((s) => s.name === 'Episode 1')!;
  assert.deepEqual(
    episode.tracks.map((x) => [x.track, x.name, x.mute, x.solo, x.gain]),
    [
      [0, null, false, false, 1],
      [1, 'Narrator', false, true, 0.75],
      [2, null, true, false, 1],
    ],
  );
  assert.deepEqual([episode.items[0]!.fadeInMs, episode.items[0]!.fadeOutMs], [15, 40]);
  const take = (await b.history.listVersions((await allGenerations(b.history))[1]!.id)).at(-1)!;
  assert.deepEqual([take.label, take.seed, take.loudnessLufs], ['take-2', 1234, -19.25]);

  // Importing it again adds nothing: generations are duplicates and the stories equal those here.
  const again = await importFiles(b.history, [target], { stagingDir: dir });
  assert.deepEqual([again.imported, again.skipped, again.stories, again.rejected], [0, 3, 0, []]);
  assert.equal((await b.history.listStories()).length, 2);
});

test('import merges tags ignoring case, gives a taken story name a suffix, and places generations already here', async (t) => {
  const a = await organised(t);
  const dir = tempDir(t);
  const target = join(dir, 'all.voicehistory.zip');
  await exportArchive(a.history, await collectIds(a.history), target, { extensionVersion: '2.0.0' });

  const b = await openTestHistory(t, 'b');
  // Already here: the Portuguese generation (same audio and text), an "INTRO" tag, another "Episode 1".
  const ola = (await allGenerations(a.history))[1]!;
  const one = join(dir, 'one.voicehistory.zip');
  await exportArchive(a.history, [ola.id], one, { extensionVersion: '2.0.0', stories: 'none' });
  await importFiles(b.history, [one], { stagingDir: dir });
  const [olaHere] = await allGenerations(b.history);
  await b.history.removeTags({ generationIds: [olaHere!.id], tags: ['Intro', 'chapter 1', 'Portuguese'] });
  await b.history.addTags({ generationIds: [olaHere!.id], tags: ['INTRO'] });
  const mine = await b.history.createStory({ name: 'episode 1', description: 'my own' });
  await b.history.addStoryItem(mine.id, { generationId: olaHere!.id });

  const summary = await importFiles(b.history, [target], { stagingDir: dir });
  assert.deepEqual([summary.imported, summary.skipped, summary.stories, summary.rejected], [2, 1, 2, []]);
  // "Intro" and "INTRO" from the archive join the "INTRO" here; the generation that was here keeps its own tags.
  assert.deepEqual(await tagsOf(b.history), [
    ['chapter 1', 1],
    ['INTRO', 3],
    ['Portuguese', 1],
  ]);
  assert.deepEqual((await b.history.get(olaHere!.id))!.tags, ['INTRO']);
  const names = (await describeStories(b.history)).map((s) => s.name);
  assert.deepEqual(names, ['Duet', 'Episode 1 (2)', 'episode 1']);
  // The user's story is as it was; the imported Duet places the generation that was here, pinned to the same take.
  assert.deepEqual((await describeStories(b.history)).find((s) => s.name === 'episode 1')!.items.length, 1);
  const duet = (await b.history.listStories()).find((s) => s.name === 'Duet')!;
  const items = (await b.history.getStory(duet.id))!.items;
  assert.equal(items.length, 2);
  const onOla = items.find((i) => i.generationId === olaHere!.id)!;
  assert.ok(onOla, 'the Duet places the generation already in the history');
  const takeHere = (await b.history.listVersions(olaHere!.id)).find((v) => v.label === 'take-2')!;
  assert.equal(onOla.versionId, takeHere.id);
  const imported = (await describeStories(b.history)).find((s) => s.name === 'Episode 1 (2)')!;
  const original = (await describeStories(a.history)).find((s) => s.name === 'Episode 1')!;
  assert.deepEqual({ ...imported, name: 'Episode 1' }, original);
});

test('Export Selected carries only the stories whose generations are all selected; "none" carries none', async (t) => {
  const a = await organised(t);
  const [hello, ola] = await allGenerations(a.history);
  const dir = tempDir(t);
  const storyNames = async (ids: string[], stories?: 'none') => {
    const target = join(dir, `${ids.length}-${stories ?? 'complete'}.voicehistory.zip`);
    await exportArchive(a.history, ids, target, { extensionVersion: '2.0.0', ...(stories && { stories }) });
    return (await readManifest(target)).stories.map((s: { name: string }) => s.name);
  };
  assert.deepEqual(await storyNames([hello!.id]), ['Episode 1']);
  assert.deepEqual(await storyNames([ola!.id]), []);
  assert.deepEqual(await storyNames([hello!.id, ola!.id]), ['Episode 1', 'Duet']);
  assert.deepEqual(await storyNames([hello!.id, ola!.id], 'none'), []);
});

test('Export Story as Archive writes the story and exactly its generations, and imports as it was', async (t) => {
  const a = await organised(t);
  const duet = (await a.history.listStories()).find((s) => s.name === 'Duet')!;
  const story = (await a.history.getStory(duet.id))!;
  const dir = tempDir(t);
  const name = suggestStoryArchiveName(duet);
  assert.match(name, /^Duet-story-[0-9a-f]{8}\.voicehistory\.zip$/);
  const target = join(dir, name);
  const result = await exportStoryArchive(a.history, duet.id, target, { extensionVersion: '2.0.0' });
  assert.equal(result.generations, 2);
  const manifest = await readManifest(target);
  assert.deepEqual(
    manifest.stories.map((s: { name: string }) => s.name),
    ['Duet'],
  );
  assert.deepEqual(
    manifest.generations.map((g: { id: string }) => g.id).sort(),
    [...new Set(story.items.map((i) => i.generationId))].sort(),
  );
  const b = await openTestHistory(t, 'b');
  const summary = await importFiles(b.history, [target], { stagingDir: dir });
  assert.deepEqual([summary.imported, summary.stories, summary.rejected], [2, 1, []]);
  assert.deepEqual(
    await describeStories(b.history),
    (await describeStories(a.history)).filter((s) => s.name === 'Duet'),
  );

  const empty = await a.history.createStory({ name: 'Empty' });
  await assert.rejects(exportStoryArchive(a.history, empty.id, join(dir, 'e.zip'), { extensionVersion: '2.0.0' }), /has no clips yet/);
  await assert.rejects(
    exportStoryArchive(a.history, '3f0c5d8e-1b2a-4c3d-8e9f-0a1b2c3d4e5f', join(dir, 'g.zip'), { extensionVersion: '2.0.0' }),
    /no longer exists/,
  );
});
