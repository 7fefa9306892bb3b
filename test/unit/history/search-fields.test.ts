// Search covers titles, notes and tags as well as the text, and the list filters by tag: checked
// against the plain reference (fixtures.ts) on a tagged corpus, through every change that could
// leave it stale (tags added and removed, titles and notes set and cleared, generations deleted),
// and the index itself compared with what it should hold, recomputed from scratch.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isHistoryError, type ListQueryInput } from '../../../src/history';
import type { HistoryService } from '../../../src/history/service';
import type { Generation } from '../../../src/history/types';
import { DB_FILE } from '../../../src/store/database';
import { normalizeForSearch, searchFunctions } from '../../../src/store/search-text';
import { loadSqlJs } from '../../../src/store/sqlite';
import { freshHistory, reopen } from '../store/helpers';
import { buildCorpus, matchesSearch, organiseCorpus, rng, TAG_NAMES, type Corpus } from './fixtures';

const N = 300;

/** What the search index must hold, recomputed from the rows; throws where it differs. */
async function checkIndex(dir: string): Promise<void> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(fs.readFileSync(path.join(dir, DB_FILE)));
  for (const [name, fn] of Object.entries(searchFunctions)) db.create_function(name, fn);
  try {
    const rows = (sql: string) => (db.exec(sql)[0]?.values ?? []).map((r) => JSON.stringify(r));
    assert.deepEqual(
      rows('SELECT docid, title, notes FROM search_extra ORDER BY docid'),
      rows("SELECT docid, title, notes FROM search_extra_source WHERE title <> '' OR notes <> '' ORDER BY docid"),
      'search_extra is what the rows say',
    );
    // FTS4 compares its index with the content it reads (throws when they differ).
    db.run("INSERT INTO generation_search_extra(generation_search_extra) VALUES ('integrity-check')");
    db.run("INSERT INTO generation_search(generation_search) VALUES ('integrity-check')");
    assert.deepEqual(
      rows('SELECT term, docs FROM search_terms ORDER BY term'),
      rows(`SELECT value, count(*) FROM (
              SELECT j.value FROM generations g, json_each(vh_search_terms(g.text, g.instruct)) j
              UNION ALL SELECT j.value FROM search_extra e, json_each(vh_search_extra_terms(e.title, e.notes)) j)
            GROUP BY value ORDER BY value`),
      'every word is counted once for the text and once for title and notes of each generation that has it',
    );
  } finally {
    db.close();
  }
}

describe('search over titles, notes and tags; tag filters', () => {
  let h: HistoryService;
  let dir: string;
  let cleanup: () => Promise<void>;
  let corpus: Corpus;
  let seqOf: Map<string, number>;

  before(async () => {
    ({ h, dir, cleanup } = await freshHistory());
    corpus = await organiseCorpus(h, await buildCorpus(h, N));
    seqOf = new Map(corpus.generations.map((g, i) => [g.id, i]));
  });
  after(() => cleanup());

  const expected = (pred: (g: Generation) => boolean) =>
    corpus.generations
      .filter(pred)
      .sort((a, b) => b.createdAt - a.createdAt || seqOf.get(b.id)! - seqOf.get(a.id)!)
      .map((g) => g.id);

  /** The whole answer in one page, in pages of 7 with totals, and by cursor: all three agree. */
  async function answer(q: ListQueryInput): Promise<string[]> {
    const all = await h.list({ ...q, pageSize: 1000 });
    assert.equal(all.total, all.items.length, `total of ${JSON.stringify(q)}`);
    const ids = all.items.map((g) => g.id);
    const first = await h.list({ ...q, pageSize: 7 });
    assert.equal(first.total, ids.length);
    assert.deepEqual(
      first.items.map((g) => g.id),
      ids.slice(0, 7),
    );
    const uncounted = await h.list({ ...q, pageSize: 7, withTotal: false });
    assert.deepEqual(
      uncounted.items.map((g) => g.id),
      ids.slice(0, 7),
    );
    const byCursor: string[] = [];
    for (let cursor: string | null = null; ;) {
      const p = await h.list({ ...q, pageSize: 40, ...(cursor ? { startAfterId: cursor } : {}) });
      byCursor.push(...p.items.map((g) => g.id));
      if (!p.hasMore) break;
      cursor = p.lastId;
    }
    assert.deepEqual(byCursor, ids, `cursor pages of ${JSON.stringify(q)}`);
    return ids;
  }

  const sameAsReference = async (q: string, extra: ListQueryInput = {}, pred: (g: Generation) => boolean = () => true) =>
    assert.deepEqual(
      await answer({ ...extra, search: q }),
      expected((g) => pred(g) && matchesSearch(g, q)),
      `search ${JSON.stringify(q)}`,
    );

  test('the corpus is organised enough to mean something', () => {
    const count = (p: (g: Generation) => boolean) => corpus.generations.filter(p).length;
    assert.ok(count((g) => g.title != null) > 30);
    assert.ok(count((g) => g.notes != null) > 15);
    assert.ok(count((g) => g.tags.length >= 2) > 15);
    assert.ok(count((g) => g.tags.length === 0) > 100);
    for (const t of TAG_NAMES) assert.ok(count((g) => g.tags.includes(t)) > 0, `nobody carries ${t}`);
  });

  test('titles, notes and tags are found like the text, exactly as the reference says', async () => {
    const queries = [
      'intro',
      'INTRO',
      'chapter',
      'chapter 1',
      'pter 2',
      'keeper',
      'ünïcode',
      'UNICODE',
      'проверка',
      'ровер',
      '50%',
      '% mix',
      'retake',
      'retake_later',
      '_later',
      'needs review',
      'opening line',
      'zebra',
      'crossing take',
      'grüße',
      'café (alt)',
      '(alt)',
      '世界',
      'louder',
      'retake: louder',
      '# notes',
      '*warmer*',
      'https://example.com',
      'trailer',
      '0.9x',
      'ölmühle',
      'music_bed',
      // Across two tags, or a tag and the text: no field holds it, so nothing may match by it.
      'intro chapter',
      'keeper intro',
      'intro\u0001chapter',
      'the',
      'e',
      'xyzzy-nowhere',
    ];
    for (const q of queries) await sameAsReference(q);
    for (const q of ['intro', 'ровер', 'crossing take', '*warmer*', 'music_bed', '% mix']) {
      assert.ok(
        expected((g) => matchesSearch(g, q) && !normalizeForSearch(g.text).includes(normalizeForSearch(q))).length > 0,
        `only the text matches ${q}: the test proves little`,
      );
    }
    assert.ok(expected((g) => matchesSearch(g, 'intro chapter')).length === 0, 'a match across tags would be a bug');
  });

  test('random pieces of titles, notes and tags are found exactly like the reference', async () => {
    const r = rng(5);
    const organised = corpus.generations.filter((g) => g.title || g.notes || g.tags.length);
    for (let i = 0; i < 80; i++) {
      const g = organised[Math.floor(r() * organised.length)];
      const fields = [g.title, g.notes, ...g.tags].filter((x): x is string => x != null);
      const field = normalizeForSearch(fields[Math.floor(r() * fields.length)]);
      const chars = [...field];
      const start = Math.floor(r() * chars.length);
      const q = chars.slice(start, start + 1 + Math.floor(r() * Math.min(12, chars.length - start))).join('');
      assert.ok(matchesSearch(g, q));
      await sameAsReference(r() < 0.3 ? q.toUpperCase() : q);
    }
  });

  test('search with other filters: profile, status, favorites, tag', async () => {
    const [p1] = [...corpus.profiles.keys()];
    await sameAsReference('intro', { profileId: p1 }, (g) => g.profileId === p1);
    await sameAsReference('e', { status: 'completed' }, (g) => g.status === 'completed');
    await sameAsReference('chapter', { favoritesOnly: true }, (g) => g.isFavorited);
    await sameAsReference('the', { tag: 'keeper' }, (g) => g.tags.includes('keeper'));
    // A profile's name matches as a whole; the others by their fields.
    await sameAsReference('alice');
    await sameAsReference('bob');
  });

  test('filter by tag (any case, one of several) and untagged, alone and with other filters', async () => {
    const [p1] = [...corpus.profiles.keys()];
    const has = (g: Generation, ...tags: string[]) => g.tags.some((t) => tags.includes(t));
    const cases: Array<[ListQueryInput, (g: Generation) => boolean]> = [
      [{ tag: 'Intro' }, (g) => has(g, 'Intro')],
      [{ tag: ' INTRO ' }, (g) => has(g, 'Intro')],
      [{ tag: ['keeper', 'chapter 2'] }, (g) => has(g, 'keeper', 'Chapter 2')],
      [{ tag: 'проверка' }, (g) => has(g, 'ПРОВЕРКА')],
      [{ tag: 'nobody-has-this' }, () => false],
      [{ untagged: true }, (g) => g.tags.length === 0],
      [{ untagged: false }, () => true],
      [{ tag: 'needs review', profileId: p1 }, (g) => has(g, 'needs review') && g.profileId === p1],
      [{ untagged: true, status: 'failed' }, (g) => g.tags.length === 0 && g.status === 'failed'],
      [{ tag: 'keeper', favoritesOnly: true }, (g) => has(g, 'keeper') && g.isFavorited],
      [{ untagged: true, search: 'meeting' }, (g) => g.tags.length === 0 && matchesSearch(g, 'meeting')],
    ];
    for (const [q, pred] of cases) {
      const want = expected(pred);
      assert.deepEqual(await answer(q), want, JSON.stringify(q));
      assert.deepEqual(await answer({ ...q, sort: 'oldest' }), [...want].reverse(), `${JSON.stringify(q)}, oldest first`);
    }
  });

  test('bad tag filters are refused with a message that says what to do', async () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ tag: 'a', untagged: true }, /either "tag" or "untagged"/],
      [{ tag: 'a,b' }, /cannot contain a comma/],
      [{ tag: '  ' }, /tag name is empty/],
      [{ tag: 'x'.repeat(65) }, /at most 64/],
      [{ tag: [] }, /tag/],
    ];
    for (const [q, msg] of bad) {
      const e = await h.list(q as ListQueryInput).catch((x) => x);
      assert.ok(isHistoryError(e, 'INVALID'), `${JSON.stringify(q)} -> ${String(e)}`);
      assert.match((e as Error).message, msg);
    }
  });

  test('the index follows every change: tags removed, titles and notes changed or cleared, generations deleted; and survives reopening', async () => {
    const tagged = corpus.generations.filter((g) => g.tags.includes('keeper'));
    const half = tagged.slice(0, Math.ceil(tagged.length / 2)).map((g) => g.id);
    await h.removeTags({ generationIds: half, tags: ['KEEPER'] });
    const titled = corpus.generations.filter((g) => g.title != null).slice(0, 10);
    for (const g of titled.slice(0, 5)) await h.setTitle(g.id, null);
    for (const g of titled.slice(5)) await h.setTitle(g.id, 'Quokka sunrise');
    const noted = corpus.generations.find((g) => g.notes != null)!;
    await h.setNotes(noted.id, 'Nothing about wombats here');
    const doomed = corpus.generations.filter((g) => g.tags.length >= 2 && g.title != null && !titled.includes(g)).slice(0, 4);
    assert.ok(doomed.length > 0);
    for (const g of doomed) await h.delete(g.id);
    await h.addTags({ generationIds: corpus.generations.slice(0, 3).map((g) => g.id), tags: ['Fresh tag'] });

    corpus = { ...corpus, generations: await h.getMany(corpus.generations.map((g) => g.id)) };
    assert.equal(corpus.generations.length, N - doomed.length);
    for (const q of ['keeper', 'quokka', 'sunrise', 'wombat', 'fresh', 'intro', 'chapter', 'zebra', 'trailer']) await sameAsReference(q);
    assert.equal((await h.list({ search: 'quokka sunrise' })).total, 5);
    assert.deepEqual(
      await answer({ tag: 'keeper' }),
      expected((g) => g.tags.includes('keeper')),
    );

    await h.close();
    await checkIndex(dir);
    h = await reopen(dir);
    await sameAsReference('keeper');
    await sameAsReference('fresh tag');
  });

  test('deleting the generations empties their part of the index; tags go with them', async () => {
    const { h: h2, dir: d2, cleanup: c2 } = await freshHistory();
    try {
      const p = await h2.createProfile({ name: 'P' });
      const a = await h2.create({ profileId: p.id, text: 'plain words' });
      const b = await h2.create({ profileId: p.id, text: 'other words' });
      await h2.addTags({ generationIds: [a.id, b.id], tags: ['Narwhal', 'shared'] });
      await h2.setTitle(a.id, 'Walrus');
      await h2.setNotes(b.id, 'Octopus notes');
      assert.equal((await h2.list({ search: 'narwhal' })).total, 2);
      await h2.delete(a.id);
      assert.equal((await h2.list({ search: 'walrus' })).total, 0);
      assert.equal((await h2.list({ search: 'narwhal' })).total, 1);
      await h2.delete(b.id);
      for (const q of ['narwhal', 'arwh', 'shared', 'octopus']) assert.equal((await h2.list({ search: q })).total, 0, q);
      await h2.close();
      await checkIndex(d2);
    } finally {
      await c2();
    }
  });
});
