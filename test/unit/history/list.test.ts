// list(): every filter, sort, offset and cursor paging (equivalent), and search that means
// "the text, instruct or profile name contains what was typed", checked against a plain reference.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isHistoryError, type ListQueryInput } from '../../../src/history';
import type { HistoryService } from '../../../src/history/service';
import type { Generation } from '../../../src/history/types';
import { normalizeForSearch } from '../../../src/store/search-text';
import { freshHistory } from '../store/helpers';
import { buildCorpus, matchesSearch, rng, type Corpus } from './fixtures';

const N = 420;

describe('list()', () => {
  let h: HistoryService;
  let cleanup: () => Promise<void>;
  let corpus: Corpus;
  let seqOf: Map<string, number>;

  before(async () => {
    ({ h, cleanup } = await freshHistory());
    corpus = await buildCorpus(h, N);
    seqOf = new Map(corpus.generations.map((g, i) => [g.id, i]));
  });
  after(() => cleanup());

  const expected = (pred: (g: Generation) => boolean, sort: 'newest' | 'oldest' = 'newest') => {
    const list = corpus.generations.filter(pred).sort((a, b) => b.createdAt - a.createdAt || seqOf.get(b.id)! - seqOf.get(a.id)!);
    return (sort === 'newest' ? list : list.reverse()).map((g) => g.id);
  };

  async function everything(q: ListQueryInput): Promise<string[]> {
    const page = await h.list({ ...q, pageSize: 1000 });
    assert.equal(page.hasMore, false);
    assert.equal(page.total, page.items.length);
    return page.items.map((g) => g.id);
  }

  test('no filter: newest first, ties broken by insertion order; oldest reverses it exactly', async () => {
    assert.deepEqual(
      await everything({}),
      expected(() => true),
    );
    assert.deepEqual(
      await everything({ sort: 'oldest' }),
      expected(() => true, 'oldest'),
    );
    const first = await h.list();
    assert.equal(first.items.length, 50);
    assert.equal(first.total, N);
    assert.equal(first.hasMore, true);
    assert.equal(first.lastId, first.items[49].id);
    assert.equal(first.items[0].profileName, corpus.profiles.get(first.items[0].profileId));
  });

  test('each filter, alone and combined, matches the reference', async () => {
    const [p1, p2] = [...corpus.profiles.keys()];
    const cases: Array<[ListQueryInput, (g: Generation) => boolean]> = [
      [{ profileId: p1 }, (g) => g.profileId === p1],
      [{ profileId: [p1, p2] }, (g) => g.profileId === p1 || g.profileId === p2],
      [{ engine: 'flite' }, (g) => g.engine === 'flite'],
      [{ engine: ['flite', 'openai'] }, (g) => g.engine === 'flite' || g.engine === 'openai'],
      [{ model: 'openai-large' }, (g) => g.model === 'openai-large'],
      [{ language: 'de' }, (g) => g.language === 'de'],
      [{ status: 'failed' }, (g) => g.status === 'failed'],
      [{ status: ['pending', 'generating'] }, (g) => g.status === 'pending' || g.status === 'generating'],
      [{ source: 'import' }, (g) => g.source === 'import'],
      [{ favoritesOnly: true }, (g) => g.isFavorited],
      [{ favoritesOnly: false }, () => true],
      [{ withoutEngine: true }, (g) => g.engine === null],
      [
        { withoutEngine: true, status: 'completed', profileId: p1 },
        (g) => g.engine === null && g.status === 'completed' && g.profileId === p1,
      ],
      [{ after: corpus.t0 + 100 * 3_600_000 }, (g) => g.createdAt >= corpus.t0 + 100 * 3_600_000],
      [{ before: corpus.t0 + 100 * 3_600_000 }, (g) => g.createdAt < corpus.t0 + 100 * 3_600_000],
      [
        { after: corpus.t0 + 50 * 3_600_000, before: corpus.t0 + 60 * 3_600_000 },
        (g) => g.createdAt >= corpus.t0 + 50 * 3_600_000 && g.createdAt < corpus.t0 + 60 * 3_600_000,
      ],
      [
        { profileId: p1, status: 'completed', favoritesOnly: true, engine: 'flite' },
        (g) => g.profileId === p1 && g.status === 'completed' && g.isFavorited && g.engine === 'flite',
      ],
      [{ profileId: p2, search: 'the' }, (g) => g.profileId === p2 && matchesSearch(g, 'the')],
      [{ status: 'completed', search: 'meeting' }, (g) => g.status === 'completed' && matchesSearch(g, 'meeting')],
    ];
    for (const [q, pred] of cases) {
      assert.deepEqual(await everything(q), expected(pred), JSON.stringify(q));
      const page = await h.list({ ...q, pageSize: 5 });
      assert.equal(page.total, expected(pred).length, `total for ${JSON.stringify(q)}`);
    }
  });

  test('the date range is inclusive at "after" and exclusive at "before"', async () => {
    const at = corpus.generations[30].createdAt;
    const ids = expected((g) => g.createdAt === at);
    assert.ok(ids.length >= 1);
    assert.deepEqual(await everything({ after: at, before: at + 1 }), ids);
    assert.deepEqual(await everything({ after: at + 1, before: at + 2 }), []);
    assert.ok(!(await everything({ before: at })).some((id) => ids.includes(id)));
  });

  test('cursor paging returns exactly what offset paging returns, for any filter, sort and page size', async () => {
    const queries: ListQueryInput[] = [
      {},
      { sort: 'oldest' },
      { profileId: [...corpus.profiles.keys()][0] },
      { search: 'e' },
      { search: 'the', sort: 'oldest' },
      { favoritesOnly: true },
      { status: 'completed', engine: 'flite' },
    ];
    const plan = queries.flatMap((q) => [7, 50].map((pageSize) => [q, pageSize] as const));
    plan.push([{ favoritesOnly: true }, 1], [{ search: 'meeting' }, 1]);
    for (const [q, pageSize] of plan) {
      {
        const byOffset: string[] = [];
        for (let offset = 0; ; offset += pageSize) {
          const p = await h.list({ ...q, pageSize, offset });
          byOffset.push(...p.items.map((g) => g.id));
          assert.equal(p.hasMore, offset + p.items.length < p.total!);
          if (!p.hasMore) break;
        }
        const byCursor: string[] = [];
        let cursor: string | null = null;
        for (;;) {
          const p = await h.list({ ...q, pageSize, ...(cursor ? { startAfterId: cursor } : {}) });
          assert.equal(p.total, cursor ? null : p.total, 'cursor pages have no total');
          byCursor.push(...p.items.map((g) => g.id));
          if (!p.hasMore) break;
          cursor = p.lastId;
        }
        assert.deepEqual(byCursor, byOffset, `${JSON.stringify(q)} pageSize ${pageSize}`);
        assert.deepEqual(byOffset, await everything(q));
      }
    }
  });

  test('withTotal: false returns the same page without counting (total null), for every kind of filter', async () => {
    const queries: ListQueryInput[] = [
      {},
      { favoritesOnly: true },
      { search: 'e' },
      { search: 'meeting' },
      { status: 'completed', engine: 'flite' },
      { search: 'zzzz-no-such-text' },
    ];
    for (const q of queries) {
      for (const offset of [0, 5]) {
        const counted = await h.list({ ...q, pageSize: 7, offset });
        const uncounted = await h.list({ ...q, pageSize: 7, offset, withTotal: false });
        assert.equal(typeof counted.total, 'number', JSON.stringify(q));
        assert.equal(uncounted.total, null, JSON.stringify(q));
        assert.deepEqual({ ...uncounted, total: counted.total }, counted, JSON.stringify(q));
      }
    }
  });

  test('bad queries are refused with messages that say what to do', async () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ pageSize: 1001 }, /at most 1000/],
      [{ pageSize: 0 }, /pageSize/],
      [{ offset: 10, startAfterId: corpus.generations[0].id }, /either offset or startAfterId/],
      [{ engine: 'flite', withoutEngine: true }, /either "engine" or "withoutEngine"/],
      [{ profileId: 'not-a-uuid' }, /Expected an id/],
      [{ status: 'done' }, /status/],
      [{ after: 10, before: 5 }, /"after" must be earlier than "before"/],
      [{ search: 'x'.repeat(501) }, /limited to 500 characters/],
      [{ pagesize: 10 }, /Unrecognized key/],
    ];
    for (const [q, msg] of bad) {
      const e = await h.list(q as ListQueryInput).catch((x) => x);
      assert.ok(isHistoryError(e, 'INVALID'), `${JSON.stringify(q)} -> ${String(e)}`);
      assert.match((e as Error).message, msg);
    }
    const gone = await h.list({ startAfterId: '00000000-0000-4000-8000-000000000000' }).catch((x) => x);
    assert.ok(isHistoryError(gone, 'NOT_FOUND'));
    assert.match((gone as Error).message, /load the list again from the start/);
  });

  test('search edge cases: case, %, _, quotes, backslashes, FTS operators, non-Latin, emoji, inside words, across words', async () => {
    const queries = [
      'MEETING',
      'eetin',
      'adline rep',
      '50%',
      '%',
      '_',
      'day_on',
      'e_n',
      '"quoted"',
      "it's",
      '"',
      "'",
      'back\\slash',
      'C:\\path',
      '\\',
      'OR',
      'NOT NEAR',
      '* -',
      '( )',
      'or and not',
      'привет',
      'ПРИВЕТСТ',
      'иве',
      'κόσμε',
      'ΚΑΛΗΜΈΡΑ',
      '世界',
      '元気',
      'grüße',
      'GRÜSSE',
      'brûl',
      'naïve coö',
      '🎉',
      'party 🎉',
      'tab separated spaces',
      '  spaces  ',
      'slowly',
      'narrator',
      'zoë',
      'ДМИТ',
      '100%',
      'the the',
      'xyzzy-not-there',
      'e',
      'th',
      'a',
    ];
    for (const q of queries) {
      const want = expected((g) => matchesSearch(g, q));
      assert.deepEqual(await everything({ search: q }), want, `search ${JSON.stringify(q)}`);
    }
    // A few must really find something, or the comparison above proves little.
    for (const q of ['eetin', '50%', '_', '"quoted"', 'иве', '世界', '🎉', 'zoë', 'ДМИТ', 'C:\\path']) {
      assert.ok(expected((g) => matchesSearch(g, q)).length > 0, `fixture has no match for ${q}`);
    }
    assert.deepEqual(
      await everything({ search: '' }),
      expected(() => true),
    );
    assert.deepEqual(
      await everything({ search: '   ' }),
      expected(() => true),
    );
  });

  test('random substrings of the texts (inside and across words) are found exactly like the reference', async () => {
    const r = rng(99);
    for (let i = 0; i < 150; i++) {
      const g = corpus.generations[Math.floor(r() * corpus.generations.length)];
      const text = normalizeForSearch(g.text);
      const start = Math.floor(r() * text.length);
      const len = 1 + Math.floor(r() * Math.min(20, text.length - start));
      let q = [...text].slice(start, start + len).join('');
      if (r() < 0.3) q = q.toUpperCase();
      const want = expected((x) => matchesSearch(x, q));
      assert.ok(want.includes(g.id), `reference must find the source of ${JSON.stringify(q)}`);
      const got = await h.list({ search: q, pageSize: 1000 });
      assert.deepEqual(
        got.items.map((x) => x.id),
        want,
        `search ${JSON.stringify(q)}`,
      );
      assert.equal(got.total, want.length);
    }
  });

  test('search follows changes: edited text of a pending generation, deletion', async () => {
    const pending = corpus.generations.find((g) => g.status === 'pending')!;
    await h.update(pending.id, { text: 'Quixotic zebra xylophone' });
    assert.deepEqual(
      (await h.list({ search: 'xotic zeb' })).items.map((g) => g.id),
      [pending.id],
    );
    assert.ok(!(await everything({ search: pending.text.slice(0, 25) })).includes(pending.id), 'the old text is no longer found');
    const { h: h2, cleanup: c2 } = await freshHistory();
    const p = await h2.createProfile({ name: 'P' });
    const g = await h2.create({ profileId: p.id, text: 'Unique wombat sentence' });
    assert.equal((await h2.list({ search: 'wombat' })).total, 1);
    await h2.delete(g.id);
    assert.equal((await h2.list({ search: 'wombat' })).total, 0);
    assert.equal((await h2.list({ search: 'omba' })).total, 0);
    await c2();
  });
});
