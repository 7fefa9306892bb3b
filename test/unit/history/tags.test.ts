// Titles, notes and tags through the history service, with real sql.js and real files.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isHistoryError, type ChangeEvent } from '../../../src/history';
import type { HistoryService } from '../../../src/history/service';
import { freshHistory, reopen } from '../store/helpers';

const isCode = (code: string, msg?: RegExp) => (e: unknown) => isHistoryError(e) && e.code === code && (!msg || msg.test(e.message));

let h: HistoryService;
let dir: string;
let cleanup: () => Promise<void>;
let profileId: string;

beforeEach(async () => {
  ({ h, dir, cleanup } = await freshHistory());
  profileId = (await h.createProfile({ name: 'Alice' })).id;
});
afterEach(() => cleanup());

/** `n` generations in one import transaction; ids in creation order. */
async function many(n: number): Promise<string[]> {
  const r = await h.importBatch({
    profiles: [{ key: 'p', name: 'Bulk' }],
    generations: Array.from({ length: n }, (_, i) => ({ key: `g${i}`, profileKey: 'p', text: `bulk line ${i}`, createdAt: 1000 + i })),
  });
  return Array.from({ length: n }, (_, i) => r.generationIds.get(`g${i}`) as string);
}

describe('titles and notes', () => {
  test('a title is trimmed to one line, kept across reopen, and cleared by blank text', async () => {
    const g = await h.create({ profileId, text: 'First line\nsecond line' });
    assert.equal(g.title, null);
    assert.deepEqual(g.tags, []);
    const titled = await h.setTitle(g.id, '  Intro\n take  ');
    assert.equal(titled.title, 'Intro take');
    assert.ok(titled.updatedAt >= g.updatedAt);
    await h.close();
    h = await reopen(dir);
    assert.equal((await h.get(g.id))?.title, 'Intro take');
    assert.equal((await h.setTitle(g.id, '   ')).title, null);
    assert.equal((await h.get(g.id))?.title, null);
  });

  test('notes keep their Markdown and line breaks; null clears them', async () => {
    const g = await h.create({ profileId, text: 'Hello' });
    const notes = '# Take notes\r\n- *warmer* next time\r\n- [link](https://example.com)';
    assert.equal((await h.setNotes(g.id, notes)).notes, '# Take notes\n- *warmer* next time\n- [link](https://example.com)');
    assert.equal((await h.setNotes(g.id, null)).notes, null);
  });

  test('bad input is refused with a clear message and changes nothing', async () => {
    const g = await h.create({ profileId, text: 'Hello' });
    await assert.rejects(h.setTitle(g.id, 'x'.repeat(201)), isCode('INVALID', /at most 200/));
    await assert.rejects(h.setNotes(g.id, 'x'.repeat(100_001)), isCode('INVALID', /at most 100,000/));
    await assert.rejects(h.setTitle('not-an-id', 'x'), isCode('INVALID', /UUID/));
    await assert.rejects(h.setTitle('3f0c5d8e-1b2a-4c3d-8e9f-0a1b2c3d4e5f', 'x'), isCode('NOT_FOUND'));
    assert.equal((await h.get(g.id))?.title, null);
  });

  test('setting a title tells listeners the generation changed; the same title again tells nothing', async () => {
    const g = await h.create({ profileId, text: 'Hello' });
    const events: ChangeEvent[] = [];
    h.onDidChange((e) => events.push(e));
    await h.setTitle(g.id, 'Named');
    await h.setTitle(g.id, 'Named');
    assert.deepEqual(events, [{ kind: 'entity', entity: 'generation', op: 'updated', ids: [g.id], generationIds: [g.id] }]);
  });
});

describe('tags', () => {
  test('add and remove tags on several generations; names are one tag whatever their case; counts listed', async () => {
    const a = await h.create({ profileId, text: 'A' });
    const b = await h.create({ profileId, text: 'B' });
    const c = await h.create({ profileId, text: 'C' });
    const added = await h.addTags({ generationIds: [a.id, b.id], tags: ['Intro', ' chapter  1 ', 'INTRO'] });
    assert.deepEqual(added, { generationIds: [a.id, b.id], missing: 0, changed: 4 });
    await h.addTags({ generationIds: [c.id], tags: ['intro'] });
    assert.deepEqual((await h.get(a.id))?.tags, ['chapter 1', 'Intro']);
    assert.deepEqual((await h.get(c.id))?.tags, ['Intro']);
    assert.deepEqual(
      (await h.listTags()).map((t) => [t.name, t.count]),
      [
        ['chapter 1', 2],
        ['Intro', 3],
      ],
    );
    // Adding again changes nothing.
    assert.equal((await h.addTags({ generationIds: [a.id], tags: ['intro'] })).changed, 0);
    const removed = await h.removeTags({ generationIds: [a.id, b.id], tags: ['CHAPTER 1'] });
    assert.equal(removed.changed, 2);
    // A tag left on no generation leaves the list.
    assert.deepEqual(
      (await h.listTags()).map((t) => [t.name, t.count]),
      [['Intro', 3]],
    );
    assert.deepEqual((await h.get(b.id))?.tags, ['Intro']);
  });

  test('deleting a generation removes its tags with it; the tag counts follow', async () => {
    const a = await h.create({ profileId, text: 'A' });
    const b = await h.create({ profileId, text: 'B' });
    await h.addTags({ generationIds: [a.id, b.id], tags: ['keep'] });
    await h.delete(a.id);
    assert.deepEqual(
      (await h.listTags()).map((t) => [t.name, t.count]),
      [['keep', 1]],
    );
    await h.delete(b.id);
    assert.deepEqual(await h.listTags(), []);
  });

  test('tag names with commas, empty names, or no selection are refused; deleted generations are skipped', async () => {
    const a = await h.create({ profileId, text: 'A' });
    await assert.rejects(h.addTags({ generationIds: [a.id], tags: ['a,b'] }), isCode('INVALID', /comma/));
    await assert.rejects(h.addTags({ generationIds: [a.id], tags: ['  '] }), isCode('INVALID', /empty/));
    await assert.rejects(h.addTags({ generationIds: [], tags: ['x'] }), isCode('INVALID', /at least one generation/));
    await assert.rejects(h.addTags({ generationIds: [a.id], tags: ['x'.repeat(65)] }), isCode('INVALID', /at most 64/));
    const gone = await h.create({ profileId, text: 'gone' });
    await h.delete(gone.id);
    await assert.rejects(h.addTags({ generationIds: [gone.id], tags: ['x'] }), isCode('NOT_FOUND', /refresh/));
    assert.deepEqual(await h.listTags(), []);
    const r = await h.addTags({ generationIds: [gone.id, a.id], tags: ['x'] });
    assert.deepEqual(r, { generationIds: [a.id], missing: 1, changed: 1 });
  });

  test('a tag edit fires one tag event and one generation event naming the tagged generations', async () => {
    const a = await h.create({ profileId, text: 'A' });
    const events: ChangeEvent[] = [];
    h.onDidChange((e) => events.push(e));
    await h.addTags({ generationIds: [a.id], tags: ['x'] });
    assert.deepEqual(
      events.map((e) => (e.kind === 'entity' ? [e.entity, e.op, e.generationIds] : e.kind)),
      [
        ['tag', 'updated', [a.id]],
        ['generation', 'updated', [a.id]],
      ],
    );
  });

  test('bulk: 10,000 selected generations tagged and untagged in one transaction each, durable across reopen', async () => {
    const ids = await many(10_000);
    const before = (await h.stats()).totalGenerations;
    assert.equal(before, 10_000);
    const added = await h.addTags({ generationIds: ids, tags: ['Batch', 'review'] });
    assert.equal(added.changed, 20_000);
    assert.equal(added.generationIds.length, 10_000);
    await h.close();
    h = await reopen(dir);
    assert.deepEqual(
      (await h.listTags()).map((t) => [t.name, t.count]),
      [
        ['Batch', 10_000],
        ['review', 10_000],
      ],
    );
    const sample = await h.getMany([ids[0], ids[4999], ids[9999]]);
    for (const g of sample) assert.deepEqual(g.tags, ['Batch', 'review']);
    const removed = await h.removeTags({ generationIds: ids.slice(0, 5000), tags: ['batch'] });
    assert.equal(removed.changed, 5000);
    assert.deepEqual(
      (await h.listTags()).map((t) => [t.name, t.count]),
      [
        ['Batch', 5000],
        ['review', 10_000],
      ],
    );
    assert.deepEqual((await h.get(ids[0]))?.tags, ['review']);
    assert.deepEqual((await h.get(ids[9999]))?.tags, ['Batch', 'review']);
  });
});
