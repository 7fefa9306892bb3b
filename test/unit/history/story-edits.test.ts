// Story timeline operations with real sql.js, checked against a small reference model of
// Voicebox's semantics, with undo/redo and the edge cases Voicebox users hit.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isHistoryError } from '../../../src/history';
import type { HistoryService } from '../../../src/history/service';
import type { StoryOpInput } from '../../../src/history/story-ops';
import type { StoryWithItems } from '../../../src/history/types';
import { fakeAudio, freshHistory, reopen } from '../store/helpers';
import { rng } from './fixtures';

const isCode = (code: string, msg?: RegExp) => (e: unknown) => isHistoryError(e) && e.code === code && (!msg || msg.test(e.message));

let h: HistoryService;
let dir: string;
let cleanup: () => Promise<void>;
/** Generation id → clip length in ms of its default version. */
const lengths = new Map<string, number>();
let gens: string[];

beforeEach(async () => {
  ({ h, dir, cleanup } = await freshHistory());
  const profileId = (await h.createProfile({ name: 'Alice' })).id;
  lengths.clear();
  gens = [];
  for (const [i, seconds] of [1, 2.5, 0.4].entries()) {
    const g = await h.create({ profileId, text: `line ${i}` }, { data: fakeAudio(i + 1), duration: seconds });
    lengths.set(g.id, seconds * 1000);
    gens.push(g.id);
  }
});
afterEach(() => cleanup());

// ---- reference model: plain objects, written from the semantics, not from the service ----
interface M {
  id: string;
  g: string;
  start: number;
  track: number;
  ts: number;
  te: number;
  vol: number;
}
const heard = (m: M) => lengths.get(m.g)! - m.ts - m.te;
function afterLast(model: M[], track: number): number {
  const ends = model.filter((m) => m.track === track).map((m) => m.start + heard(m));
  return ends.length ? Math.max(...ends) + 200 : 0;
}
const view = (s: StoryWithItems): M[] =>
  s.items
    .map((i) => ({ id: i.id, g: i.generationId, start: i.startMs, track: i.track, ts: i.trimStartMs, te: i.trimEndMs, vol: i.volume }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
const sorted = (m: M[]) => [...m].sort((a, b) => (a.id < b.id ? -1 : 1));

describe('story edits', () => {
  test('add without a start goes 200 ms after the last clip on its track, in the given order', async () => {
    const s = await h.createStory({ name: 'Ep' });
    const r = await h.editStory(s.id, {
      type: 'add',
      items: [
        { generationId: gens[0] },
        { generationId: gens[1] },
        { generationId: gens[2], track: 1 },
        { generationId: gens[0], track: 1, startMs: 5000 },
      ],
    });
    assert.deepEqual(
      r.itemIds.map((id) => r.story.items.find((i) => i.id === id)!.startMs),
      [0, 1200, 0, 5000],
    );
    const again = await h.editStory(s.id, { type: 'add', items: [{ generationId: gens[2], track: 1 }] });
    assert.equal(again.story.items.find((i) => i.id === again.itemIds[0])!.startMs, 6200);
  });

  test('trim to nothing is refused and changes nothing; split keeps the pin and the sound', async () => {
    const s = await h.createStory({ name: 'Ep' });
    const v = await h.addVersion(gens[1], { label: 'long', isDefault: false }, { data: fakeAudio(9), duration: 4 });
    const { itemIds } = await h.editStory(s.id, { type: 'add', items: [{ generationId: gens[1], versionId: v.id, startMs: 1000 }] });
    const id = itemIds[0];
    await assert.rejects(
      h.editStory(s.id, { type: 'trim', itemId: id, trimStartMs: 2000, trimEndMs: 2000 }),
      isCode('INVALID', /leave nothing/),
    );
    assert.equal((await h.getStory(s.id))!.items[0].trimStartMs, 0);
    await h.editStory(s.id, { type: 'trim', itemId: id, trimStartMs: 500, trimEndMs: 500 });
    await assert.rejects(h.editStory(s.id, { type: 'split', itemId: id, atMs: 1000 }), isCode('INVALID', /not inside/));
    await assert.rejects(h.editStory(s.id, { type: 'split', itemId: id, atMs: 4000 }), isCode('INVALID', /not inside/));
    const split = await h.editStory(s.id, { type: 'split', itemId: id, atMs: 2000 });
    const [a, b] = split.itemIds.map((x) => split.story.items.find((i) => i.id === x)!);
    assert.equal(a.versionId, v.id);
    assert.equal(b.versionId, v.id);
    assert.deepEqual([a.startMs, a.trimStartMs, a.trimEndMs], [1000, 500, 2500], 'first half: 1000 ms heard');
    assert.deepEqual([b.startMs, b.trimStartMs, b.trimEndMs], [2000, 1500, 500], 'second half: 2000 ms heard');
  });

  test('tracks, fades, pin and reorder; undo and redo walk back and forth; edits survive a reopen', async () => {
    const s = await h.createStory({ name: 'Ep' });
    const add = await h.editStory(s.id, { type: 'add', items: gens.map((generationId) => ({ generationId })) });
    const t = await h.editStory(s.id, { type: 'track', track: 0, name: 'Narrator', solo: true, gain: 1.5 });
    assert.deepEqual(t.story.tracks, [{ track: 0, name: 'Narrator', mute: false, solo: true, gain: 1.5 }]);
    await assert.rejects(h.editStory(s.id, { type: 'volume', itemId: add.itemIds[0], volume: 2.5 }), isCode('INVALID'));
    await assert.rejects(
      h.editStory(s.id, { type: 'fades', itemId: add.itemIds[2], fadeInMs: 300, fadeOutMs: 200 }),
      isCode('INVALID', /longer/),
    );
    await h.editStory(s.id, { type: 'fades', itemId: add.itemIds[0], fadeInMs: 100, fadeOutMs: 300 });
    await assert.rejects(h.editStory(s.id, { type: 'reorder', itemIds: add.itemIds.slice(1) }), isCode('INVALID', /every item/));
    const re = await h.editStory(s.id, { type: 'reorder', itemIds: [add.itemIds[2], add.itemIds[0], add.itemIds[1]] });
    assert.deepEqual(
      [2, 0, 1].map((k) => re.story.items.find((i) => i.id === add.itemIds[k])!.startMs),
      [0, 600, 1800],
    );
    const other = gens[0];
    await assert.rejects(
      h.editStory(s.id, { type: 'pin', itemId: add.itemIds[1], versionId: (await h.listVersions(other))[0].id }),
      isCode('INVALID'),
    );

    const u1 = await h.undoStory(s.id);
    assert.equal(u1?.story.items.find((i) => i.id === add.itemIds[2])!.startMs, 3900, 'reorder undone');
    await h.undoStory(s.id);
    assert.equal((await h.getStory(s.id))!.items.find((i) => i.id === add.itemIds[0])!.fadeOutMs, 0, 'fades undone');
    await h.undoStory(s.id);
    assert.deepEqual((await h.getStory(s.id))!.tracks, [{ track: 0, name: null, mute: false, solo: false, gain: 1 }]);
    const u4 = await h.undoStory(s.id);
    assert.deepEqual(u4?.story.items, []);
    assert.equal(u4?.canUndo, false);
    assert.equal(await h.undoStory(s.id), undefined);
    await h.redoStory(s.id);
    await h.redoStory(s.id);
    const r3 = await h.redoStory(s.id);
    assert.equal(r3?.canRedo, true);
    await h.close();
    h = await reopen(dir);
    const back = (await h.getStory(s.id))!;
    assert.equal(back.items.length, 3);
    assert.equal(back.items.find((i) => i.id === add.itemIds[0])!.fadeInMs, 100);
    assert.equal(back.tracks[0].name, 'Narrator');
  });

  test('an undo after the story changed elsewhere is refused (a deleted generation took its items)', async () => {
    const s = await h.createStory({ name: 'Ep' });
    await h.editStory(s.id, { type: 'add', items: [{ generationId: gens[0] }, { generationId: gens[1] }] });
    await h.delete([gens[0]]);
    await assert.rejects(h.undoStory(s.id), isCode('CONFLICT'));
    assert.equal((await h.getStory(s.id))!.items.length, 1, 'nothing was put back');
  });

  test('random operation sequences match the reference model, and undoing all of them gives the start back', async () => {
    const r = rng(15);
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
    const s = await h.createStory({ name: 'Random' });
    let model: M[] = [];
    let steps = 0;
    for (let n = 0; n < 120; n++) {
      const kind =
        model.length === 0 ? 'add' : pick(['add', 'move', 'trim', 'volume', 'split', 'duplicate', 'remove', 'reorder', 'setTimes']);
      const it = model.length ? pick(model) : undefined;
      let op: StoryOpInput;
      let expectOk = true;
      let expected: (ids: string[]) => M[];
      if (kind === 'add' || !it) {
        const g = pick(gens);
        const track = Math.floor(r() * 3);
        op = { type: 'add', items: [{ generationId: g, track }] };
        expected = (ids) => [...model, { id: ids[0], g, start: afterLast(model, track), track, ts: 0, te: 0, vol: 1 }];
      } else if (kind === 'move') {
        const start = Math.floor(r() * 10000);
        const track = Math.floor(r() * 3);
        op = { type: 'move', itemId: it.id, startMs: start, track };
        expected = () => model.map((m) => (m.id === it.id ? { ...m, start, track } : m));
      } else if (kind === 'trim') {
        const len = lengths.get(it.g)!;
        const ts = Math.floor(r() * len);
        const te = Math.floor(r() * len);
        op = { type: 'trim', itemId: it.id, trimStartMs: ts, trimEndMs: te };
        expectOk = ts + te < len;
        expected = () => model.map((m) => (m.id === it.id ? { ...m, ts, te } : m));
      } else if (kind === 'volume') {
        const vol = Math.round(r() * 200) / 100;
        op = { type: 'volume', itemId: it.id, volume: vol };
        expected = () => model.map((m) => (m.id === it.id ? { ...m, vol } : m));
      } else if (kind === 'split') {
        const at = it.start + Math.floor(r() * (heard(it) + 100));
        const off = at - it.start;
        op = { type: 'split', itemId: it.id, atMs: at };
        expectOk = off > 0 && off < heard(it);
        expected = (ids) => [
          ...model.map((m) => (m.id === it.id ? { ...m, te: m.te + heard(m) - off } : m)),
          { ...it, id: ids[1], start: at, ts: it.ts + off },
        ];
      } else if (kind === 'duplicate') {
        op = { type: 'duplicate', itemId: it.id };
        expected = (ids) => [...model, { ...it, id: ids[0], start: afterLast(model, it.track) }];
      } else if (kind === 'remove') {
        op = { type: 'remove', itemIds: [it.id] };
        expected = () => model.filter((m) => m.id !== it.id);
      } else if (kind === 'reorder') {
        const order = [...model].sort(() => r() - 0.5);
        op = { type: 'reorder', itemIds: order.map((m) => m.id) };
        expected = () => {
          let t = 0;
          return order.map((m) => {
            const placed = { ...m, start: t };
            t += heard(m) + 200;
            return placed;
          });
        };
      } else {
        const start = Math.floor(r() * 5000);
        op = { type: 'setTimes', times: [{ itemId: it.id, startMs: start }] };
        expected = () => model.map((m) => (m.id === it.id ? { ...m, start } : m));
      }
      if (!expectOk) {
        await assert.rejects(h.editStory(s.id, op), isCode('INVALID'), `${kind} should be refused`);
        assert.deepEqual(view((await h.getStory(s.id))!), sorted(model), `refused ${kind} changed nothing`);
        continue;
      }
      const res = await h.editStory(s.id, op);
      model = expected(res.itemIds);
      steps++;
      assert.deepEqual(view(res.story), sorted(model), `after ${kind} (#${n})`);
      if (r() < 0.15) {
        const before = view(res.story);
        await h.undoStory(s.id);
        const redone = await h.redoStory(s.id);
        assert.deepEqual(view(redone!.story), before, 'undo then redo is a no-op');
      }
    }
    for (let i = 0; i < steps; i++) assert.ok(await h.undoStory(s.id), `undo ${i + 1} of ${steps}`);
    assert.deepEqual((await h.getStory(s.id))!.items, []);
  });
});
