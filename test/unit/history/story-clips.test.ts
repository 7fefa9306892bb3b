// Reading stories as the Stories view, the export and the public API do (outline, summaries, which
// stories use a generation), duplicating one, and deleting generations a story places; real sql.js.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { ChangeEvent } from '../../../src/history';
import type { HistoryService } from '../../../src/history/service';
import { fakeAudio, freshHistory, reopen } from '../store/helpers';

let h: HistoryService;
let dir: string;
let cleanup: () => Promise<void>;
let profileId: string;
let gens: string[];

beforeEach(async () => {
  ({ h, dir, cleanup } = await freshHistory());
  profileId = (await h.createProfile({ name: 'Alice' })).id;
  gens = [];
  for (const [i, seconds] of [1, 2.5, 0.4].entries()) {
    gens.push((await h.create({ profileId, text: `line ${i}\nsecond line` }, { data: fakeAudio(i + 1), duration: seconds })).id);
  }
});
afterEach(() => cleanup());

describe('story outline and summaries', () => {
  test('clips in time order with the playing version, heard length after trims, and the total length', async () => {
    const s = await h.createStory({ name: 'Ep 1', description: 'pilot' });
    const long = await h.addVersion(gens[1]!, { label: 'reverb', isDefault: false }, { data: fakeAudio(9), duration: 4 });
    const { itemIds } = await h.editStory(s.id, {
      type: 'add',
      items: [
        { generationId: gens[0]!, track: 1, startMs: 3000 },
        { generationId: gens[1]!, versionId: long.id, startMs: 500 },
        { generationId: gens[2]!, startMs: 0 },
      ],
    });
    await h.editStory(s.id, { type: 'trim', itemId: itemIds[0]!, trimStartMs: 100, trimEndMs: 200 });
    const o = await h.getStoryOutline(s.id);
    assert.ok(o);
    assert.deepEqual(
      o.clips.map((c) => [c.item.generationId, c.item.startMs, c.lengthMs, c.endMs, c.version?.label]),
      [
        [gens[2], 0, 400, 400, 'original'],
        // The pinned version is longer than the generation's default: its real length counts.
        [gens[1], 500, 4000, 4500, 'reverb'],
        [gens[0], 3000, 700, 3700, 'original'],
      ],
    );
    assert.equal(o.durationMs, 4500);
    assert.equal(o.clips[0]!.generation?.text, 'line 2\nsecond line');

    const other = await h.createStory({ name: 'Empty' });
    const summaries = await h.listStorySummaries();
    const mine = summaries.find((x) => x.id === s.id);
    assert.deepEqual([mine?.name, mine?.description, mine?.itemCount, mine?.durationMs], ['Ep 1', 'pilot', 3, 4500]);
    const empty = summaries.find((x) => x.id === other.id);
    assert.deepEqual([empty?.itemCount, empty?.durationMs], [0, 0]);
    assert.equal(await h.getStoryOutline('00000000-0000-4000-8000-000000000000'), undefined);
  });

  test('storiesUsing names each story with how many of its items use the generations', async () => {
    const a = await h.createStory({ name: 'Beta' });
    const b = await h.createStory({ name: 'Alpha' });
    await h.editStory(a.id, { type: 'add', items: [{ generationId: gens[0]! }, { generationId: gens[0]! }, { generationId: gens[1]! }] });
    await h.editStory(b.id, { type: 'add', items: [{ generationId: gens[1]! }] });
    assert.deepEqual(
      (await h.storiesUsing([gens[0]!, gens[1]!])).map((s) => [s.name, s.itemCount]),
      [
        ['Alpha', 1],
        ['Beta', 3],
      ],
    );
    assert.deepEqual(
      (await h.storiesUsing([gens[0]!])).map((s) => [s.name, s.itemCount]),
      [['Beta', 2]],
    );
    assert.deepEqual(await h.storiesUsing([gens[2]!]), []);
    assert.deepEqual(await h.storiesUsing([]), []);
  });
});

describe('duplicate and delete', () => {
  test('a duplicate has its own items with the same placements, pins, fades and tracks; editing one leaves the other', async () => {
    const s = await h.createStory({ name: 'Original', description: 'desc' });
    const v = await h.addVersion(gens[0]!, { label: 'warm', isDefault: false }, { data: fakeAudio(7), duration: 1.5 });
    const { itemIds } = await h.editStory(s.id, {
      type: 'add',
      items: [{ generationId: gens[0]!, versionId: v.id, track: 2, startMs: 700 }, { generationId: gens[1]! }],
    });
    await h.editStory(s.id, { type: 'fades', itemId: itemIds[0]!, fadeInMs: 50, fadeOutMs: 80 });
    await h.editStory(s.id, { type: 'track', track: 2, name: 'Narrator', mute: true, gain: 0.5 });
    const copy = await h.duplicateStory(s.id, 'Original (copy)');
    assert.notEqual(copy.id, s.id);
    assert.equal(copy.description, 'desc');
    const [a, b] = [await h.getStory(s.id), await h.getStory(copy.id)];
    const shape = (x: typeof a) =>
      x!.items
        .map((i) => [i.generationId, i.versionId, i.track, i.startMs, i.trimStartMs, i.trimEndMs, i.volume, i.fadeInMs, i.fadeOutMs].join())
        .sort();
    assert.deepEqual(shape(b), shape(a));
    assert.deepEqual(b!.tracks, a!.tracks);
    assert.equal(b!.items.filter((i) => a!.items.some((j) => j.id === i.id)).length, 0, 'new item ids');
    await h.editStory(copy.id, { type: 'remove', itemIds: [b!.items[0]!.id] });
    assert.equal((await h.getStory(s.id))!.items.length, 2);
    await assert.rejects(h.duplicateStory(s.id, '  '), /story name is empty/);
    // Durable: a reopened history has both.
    await h.close();
    h = await reopen(dir);
    assert.equal((await h.getStory(copy.id))!.items.length, 1);
  });

  test('deleting generations removes their items from every story and tells listeners which stories changed', async () => {
    const a = await h.createStory({ name: 'A' });
    const b = await h.createStory({ name: 'B' });
    await h.editStory(a.id, { type: 'add', items: [{ generationId: gens[0]! }, { generationId: gens[1]! }] });
    await h.editStory(b.id, { type: 'add', items: [{ generationId: gens[2]! }] });
    const seen: ChangeEvent[] = [];
    const sub = h.onDidChange((e) => void seen.push(e));
    await h.delete([gens[0]!]);
    sub.dispose();
    assert.deepEqual(
      (await h.getStory(a.id))!.items.map((i) => i.generationId),
      [gens[1]],
    );
    assert.equal((await h.getStory(b.id))!.items.length, 1);
    assert.ok(seen.some((e) => e.kind === 'entity' && e.entity === 'story' && e.ids.join() === a.id));
    // The bulk deletes too (failed generations are rarely in stories, but can be).
    const failed = await h.create({ profileId, text: 'oops', status: 'failed', error: 'x' });
    await h.editStory(b.id, { type: 'add', items: [{ generationId: failed.id }] });
    const seen2: ChangeEvent[] = [];
    const sub2 = h.onDidChange((e) => void seen2.push(e));
    await h.deleteFailed();
    sub2.dispose();
    assert.equal((await h.getStory(b.id))!.items.length, 1);
    assert.ok(seen2.some((e) => e.kind === 'entity' && e.entity === 'story' && e.ids.join() === b.id));
  });
});
