// The story editor's router against a real history (sql.js, files): the story as the editor draws
// it (clip length from the pinned or default version, placeholders), edits stored before they are
// answered, undo/redo, only this tab's story and its items, zod rejecting bad payloads, changes.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, test } from 'node:test';
import { TRPCError } from '@trpc/server';
import type { HistoryService } from '../../../src/history/service';
import type { Generation, Story } from '../../../src/history/types';
import type { DrawnReport, StoryEditorRpcContext } from '../../../src/story-editor/procedures';
import { storyEditorRouter } from '../../../src/story-editor/router';
import { makeWav, sine } from '../audio/make-wav';
import { freshHistory, reopen } from '../store/helpers';

let h: HistoryService;
let dir: string;
let cleanup: () => Promise<void>;
let story: Story;
let other: Story;
let long: Generation;
let short: Generation;
let failed: Generation;
let missing: Generation;
let longOriginalVersion: string;
let reverbVersion: string;
const drawn: DrawnReport[] = [];

const wav = (seconds: number) => ({
  data: makeWav({ frames: seconds * 8000, sampleRate: 8000, sample: sine(440, 8000) }),
  format: 'wav',
  duration: seconds,
});
const log = { debug: () => undefined, warn: () => undefined, error: () => undefined };
const caller = (storyId: string, signal?: AbortSignal) => {
  const ctx: StoryEditorRpcContext = {
    history: h,
    log,
    toWebviewUri: (p: string) => `https://webview.test${p}`,
    player: { currentList: () => [], currentId: () => undefined, open: () => undefined },
    storyEditor: { storyId, reportDrawn: (r) => drawn.push(r), setTitle: () => undefined },
  };
  return storyEditorRouter.createCaller(ctx, { signal });
};

const rejects = async (p: Promise<unknown>, code: string, message?: RegExp) =>
  assert.rejects(p, (e: unknown) => e instanceof TRPCError && e.code === code && (!message || message.test(e.message)));

beforeEach(async () => {
  ({ h, dir, cleanup } = await freshHistory());
  const alice = await h.createProfile({ name: 'Alice' });
  long = await h.create({ profileId: alice.id, text: 'A long line\nwith a second line', status: 'completed' }, wav(2));
  longOriginalVersion = (await h.listVersions(long.id))[0]!.id;
  // A processed take with a reverb tail: 3 s where the original is 2 s.
  reverbVersion = (await h.addVersion(long.id, { label: 'reverb', effectsChain: [{ type: 'reverb' }], isDefault: true }, wav(3))).id;
  short = await h.create({ profileId: alice.id, text: 'Short', status: 'completed' }, wav(1));
  failed = await h.create({ profileId: alice.id, text: 'It failed', status: 'failed', error: 'engine crashed' });
  missing = await h.create({ profileId: alice.id, text: 'Gone from disk', status: 'completed' }, wav(1));
  rmSync(h.resolveAudioPath(missing));
  story = await h.createStory({ name: '<b>Hostile</b> & "story"' });
  other = await h.createStory({ name: 'Other story' });
  drawn.length = 0;
});
afterEach(() => cleanup());

test('the story as drawn: lengths from the pinned version, else the default one; three lanes at least; placeholders say why', async () => {
  await h.editStory(story.id, {
    type: 'add',
    items: [
      { generationId: long.id },
      { generationId: long.id, versionId: longOriginalVersion, track: 1 },
      { generationId: failed.id },
      { generationId: missing.id, track: 3 },
    ],
  });
  const view = await caller(story.id).story.get();
  assert.equal(view.name, '<b>Hostile</b> & "story"', 'names are data, drawn as text by the page');
  const byGen = (id: string, track: number) => view.clips.find((c) => c.generationId === id && c.track === track)!;
  assert.equal(byGen(long.id, 0).lengthMs, 3000, 'the default (reverb) version is 3 s: its tail is kept');
  assert.equal(byGen(long.id, 0).versionId, reverbVersion);
  assert.equal(byGen(long.id, 1).lengthMs, 2000, 'pinned to the 2 s original');
  assert.equal(byGen(long.id, 1).pinnedVersionId, longOriginalVersion);
  assert.equal(byGen(long.id, 0).label, 'A long line');
  assert.equal(byGen(long.id, 0).voice, 'Alice');
  assert.equal(byGen(long.id, 0).problem, null);
  assert.match(byGen(failed.id, 0).problem!, /failed \(engine crashed\)/);
  assert.match(byGen(missing.id, 3).problem!, /missing.*Reconcile Storage/);
  assert.deepEqual(
    view.tracks.map((t) => t.track),
    [0, 1, 2, 3, 4],
    'lanes up to the last used one, and one spare to drag onto',
  );
  assert.equal(view.canUndo, true);
});

test('edits are stored before they are answered, undo and redo go through the service, and say when there is nothing', async () => {
  const c = caller(story.id);
  const added = await c.story.edit({ op: { type: 'add', items: [{ generationId: long.id }, { generationId: short.id }] } });
  assert.deepEqual(
    added.story.clips.map((x) => x.startMs),
    [0, 3200],
    'the second 200 ms after the first one’s real 3 s',
  );
  const [a] = added.itemIds;
  const moved = await c.story.edit({ op: { type: 'move', itemId: a!, startMs: 5000, track: 2 } });
  assert.equal(moved.story.clips.find((x) => x.itemId === a)!.track, 2);
  // A start-handle trim: trim and move in one step (one undo).
  await c.story.edit({ op: { type: 'trim', itemId: a!, trimStartMs: 500, trimEndMs: 250, startMs: 5500 } });
  await h.close();
  const again = await reopen(dir);
  try {
    const stored = (await again.getStory(story.id))!.items.find((i) => i.id === a)!;
    assert.deepEqual([stored.startMs, stored.track, stored.trimStartMs, stored.trimEndMs], [5500, 2, 500, 250], 'on disk after reopening');
  } finally {
    await again.close();
  }
  h = await reopen(dir);
  // A new window has no undo log: nothing to undo, said plainly.
  assert.equal((await caller(story.id).story.undo()).story, null);

  const c2 = caller(story.id);
  await c2.story.edit({ op: { type: 'volume', itemId: a!, volume: 1.5 } });
  const split = await c2.story.edit({ op: { type: 'split', itemId: a!, atMs: 6000 } });
  assert.equal(split.story.clips.length, 3);
  const undone = await c2.story.undo();
  assert.equal(undone.story!.clips.length, 2);
  assert.equal(undone.story!.canRedo, true);
  const undone2 = await c2.story.undo();
  assert.equal(undone2.story!.clips.find((x) => x.itemId === a)!.volume, 1);
  const redone = await c2.story.redo();
  assert.equal(redone.story!.clips.find((x) => x.itemId === a)!.volume, 1.5);
});

test('bad payloads are refused by zod with nothing changed; operations the service refuses come back with its message', async () => {
  const c = caller(story.id);
  const { itemIds } = await c.story.edit({ op: { type: 'add', items: [{ generationId: short.id }] } });
  const id = itemIds[0]!;
  const bad: unknown[] = [
    { op: { type: 'move', itemId: id, startMs: -5 } },
    { op: { type: 'move', itemId: id, startMs: 1.5 } },
    { op: { type: 'volume', itemId: id, volume: 3 } },
    { op: { type: 'explode', itemId: id } },
    { op: { type: 'move', itemId: id, startMs: 0, extra: true } },
    { op: { type: 'move', itemId: 'x'.repeat(5000), startMs: 0 } },
    { op: null },
    {},
    'move',
  ];
  for (const input of bad) await rejects(c.story.edit(input as never), 'BAD_REQUEST');
  await rejects(c.story.peaks({ itemId: id, buckets: 123 }), 'BAD_REQUEST', /100, 250/);
  await rejects(c.story.reportDrawn({ clips: -1, sinceStartMs: 0, drawnAt: 0 }), 'BAD_REQUEST');
  assert.equal((await h.getStory(story.id))!.items[0]!.startMs, 0, 'nothing changed');
  await rejects(c.story.edit({ op: { type: 'trim', itemId: id, trimStartMs: 600, trimEndMs: 600 } }), 'BAD_REQUEST', /would leave nothing/);
  await rejects(c.story.edit({ op: { type: 'split', itemId: id, atMs: 5000 } }), 'BAD_REQUEST', /not inside the clip/);
});

test('a tab reaches only its own story and its items', async () => {
  const mine = await caller(story.id).story.edit({ op: { type: 'add', items: [{ generationId: short.id }] } });
  const theirs = await caller(other.id).story.edit({ op: { type: 'add', items: [{ generationId: long.id }] } });
  const c = caller(story.id);
  await rejects(c.story.peaks({ itemId: theirs.itemIds[0]!, buckets: 100 }), 'NOT_FOUND', /no longer in the story/);
  await rejects(c.story.audio({ itemId: theirs.itemIds[0]! }), 'NOT_FOUND');
  await rejects(c.story.edit({ op: { type: 'remove', itemIds: [theirs.itemIds[0]!] } }), 'NOT_FOUND');
  const peaks = await c.story.peaks({ itemId: mine.itemIds[0]!, buckets: 100 });
  assert.equal(peaks.peaks!.buckets, 100);
  assert.ok(Math.abs(Math.max(...peaks.peaks!.max[0]!) - 0.5) < 0.01, 'the sine’s peaks (amplitude 0.5)');
  const audio = await c.story.audio({ itemId: mine.itemIds[0]! });
  assert.match(audio.uri, /^https:\/\/webview\.test\/.*\.wav$/);
  assert.equal(audio.format.container, 'wav');
  await h.deleteStory(story.id);
  await rejects(c.story.get(), 'NOT_FOUND', /no longer exists/);
});

test('a clip without audio has no peaks but a reason, and no audio to play', async () => {
  const c = caller(story.id);
  const { itemIds } = await c.story.edit({ op: { type: 'add', items: [{ generationId: missing.id }, { generationId: failed.id }] } });
  const p = await c.story.peaks({ itemId: itemIds[0]!, buckets: 100 });
  assert.equal(p.peaks, null);
  assert.match(p.reason!, /missing/);
  await rejects(c.story.audio({ itemId: itemIds[1]! }), 'NOT_FOUND', /failed/);
});

test('changes: this story’s edits, generations and versions, a deleted story; not other stories', async () => {
  const controller = new AbortController();
  const stream = (await caller(story.id, controller.signal).story.onChanged()) as AsyncIterable<{ kind: string }>;
  const seen: string[] = [];
  const reading = (async () => {
    for await (const c of stream) seen.push(c.kind);
  })();
  const settle = () => new Promise((r) => setTimeout(r, 20));
  await h.editStory(other.id, { type: 'add', items: [{ generationId: short.id }] });
  await settle();
  assert.deepEqual(seen, [], 'another story’s edit is not ours');
  await h.editStory(story.id, { type: 'add', items: [{ generationId: short.id }] });
  await settle();
  await h.setDefaultVersion(longOriginalVersion);
  await settle();
  await h.deleteStory(story.id);
  await settle();
  controller.abort();
  await reading.catch(() => undefined);
  assert.deepEqual(seen, ['changed', 'changed', 'deleted']);
});

test('the page reports what it drew', async () => {
  await caller(story.id).story.reportDrawn({ clips: 3, sinceStartMs: 120, drawnAt: 1 });
  assert.deepEqual(drawn, [{ clips: 3, sinceStartMs: 120, drawnAt: 1 }]);
});
