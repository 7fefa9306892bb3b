// The History tree's VS Code-free parts: row texts, date buckets, filters, and paging against a
// real history service (real sql.js, real files).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHistory, type Generation, type HistoryService } from '../../../src/history';
import { parseTypedTags, tagKey } from '../../../src/history/tag-names';
import { describeFilter, filterQuery, parseDateRange, parseTreeFilter } from '../../../src/history/tree-filter';
import { formatBytes } from '../../../src/format/bytes';
import { intersectSpan, monthBucket, recentBuckets } from '../../../src/format/date-buckets';
import { firstLine } from '../../../src/format/text';
import { formatDuration, formatLongDuration, relativeTime } from '../../../src/format/time';
import { GroupPager, merge } from '../../../src/views/tree-pager';

const local = (y: number, m: number, d: number, h = 12) => new Date(y, m - 1, d, h).getTime();

describe('row texts', () => {
  test('first non-empty line, whitespace folded, shortened with an ellipsis', () => {
    assert.equal(firstLine('\n  \n  Hello   there\nsecond'), 'Hello there');
    assert.equal(firstLine('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
    assert.equal(firstLine(''), '');
  });

  test('durations, sizes and relative times', () => {
    assert.equal(formatDuration(3.84), '3.8 s');
    assert.equal(formatDuration(59.96), '1:00');
    assert.equal(formatDuration(65.2), '1:05');
    assert.equal(formatDuration(3725), '1:02:05');
    assert.equal(formatDuration(null), '');
    assert.equal(formatLongDuration(11520), '3 h 12 min');
    assert.equal(formatLongDuration(42), '42 s');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(3 * 1024 * 1024 + 200_000), '3.2 MB');
    const now = local(2025, 3, 14, 15);
    assert.equal(relativeTime(now - 10_000, now), 'just now');
    assert.equal(relativeTime(now - 5 * 60_000, now), '5 min ago');
    assert.equal(relativeTime(now - 3 * 3600_000, now), '3 h ago');
    assert.equal(relativeTime(local(2025, 3, 13, 9), now), 'yesterday');
    assert.equal(relativeTime(local(2025, 3, 10), now), '4 days ago');
    assert.equal(relativeTime(local(2025, 1, 2), now), 'Jan 2');
    assert.equal(relativeTime(local(2023, 1, 2), now), 'Jan 2, 2023');
  });
});

describe('date buckets', () => {
  test('a Friday mid-month: Today, Yesterday, This Week, This Month, each ending where the newer starts', () => {
    const now = local(2025, 3, 14, 15); // Friday
    const { buckets, olderBefore } = recentBuckets(now);
    assert.deepEqual(
      buckets.map((b) => b.key),
      ['today', 'yesterday', 'week', 'month'],
    );
    assert.equal(buckets[0]!.after, local(2025, 3, 14, 0));
    assert.equal(buckets[0]!.before, null);
    assert.equal(buckets[1]!.before, buckets[0]!.after);
    assert.equal(buckets[2]!.after, local(2025, 3, 10, 0)); // Monday
    assert.equal(buckets[2]!.before, buckets[1]!.after);
    assert.equal(buckets[3]!.after, local(2025, 3, 1, 0));
    assert.equal(olderBefore, local(2025, 3, 1, 0));
  });

  test('a Tuesday: no "This Week" (it would be empty); on the 1st no "This Month"; a week reaching into last month cuts that month', () => {
    assert.deepEqual(
      recentBuckets(local(2025, 3, 11)).buckets.map((b) => b.key),
      ['today', 'yesterday', 'month'],
    );
    const first = recentBuckets(local(2025, 4, 1)); // a Tuesday, the 1st
    assert.deepEqual(
      first.buckets.map((b) => b.key),
      ['today', 'yesterday'],
    );
    const sunday = recentBuckets(local(2025, 6, 1)); // Sunday the 1st: the week began on May 26
    assert.deepEqual(
      sunday.buckets.map((b) => b.key),
      ['today', 'yesterday', 'week'],
    );
    assert.equal(sunday.olderBefore, local(2025, 5, 26, 0));
    const may = monthBucket(local(2025, 5, 3), sunday.olderBefore);
    assert.equal(may.key, '2025-05');
    assert.equal(may.label, 'May 2025');
    assert.equal(may.after, local(2025, 5, 1, 0));
    assert.equal(may.before, local(2025, 5, 26, 0), 'cut where This Week begins');
  });

  test('spans intersect with a filter, or vanish', () => {
    assert.deepEqual(intersectSpan({ after: 10, before: 20 }, { after: 15 }), { after: 15, before: 20 });
    assert.deepEqual(intersectSpan({ after: 10, before: null }, { before: 12 }), { after: 10, before: 12 });
    assert.equal(intersectSpan({ after: 10, before: 20 }, { after: 20 }), null);
  });
});

describe('tree filter', () => {
  test('parses, normalises and becomes a list query', () => {
    const id = '3f0c2a5e-4b1d-4c8e-9f2a-1b2c3d4e5f60';
    const f = parseTreeFilter({ profileId: [id, id], status: ['failed'], favoritesOnly: false, engine: [] });
    assert.deepEqual(f, { profileId: [id], status: ['failed'] });
    assert.deepEqual(filterQuery(f), { profileId: [id], status: ['failed'] });
    assert.equal(
      describeFilter({ ...f, search: 'hi', favoritesOnly: true }, () => 'Alice'),
      '"hi", Alice, failed, favorites',
    );
  });

  test('a list of ids (a purge preview shown in the tree) is kept, named and passed to the query', () => {
    const a = '3f0c2a5e-4b1d-4c8e-9f2a-1b2c3d4e5f60';
    const b = '3f0c2a5e-4b1d-4c8e-9f2a-1b2c3d4e5f61';
    const f = parseTreeFilter({ ids: [a, b, a], idsName: 'to purge' });
    assert.deepEqual(f, { ids: [a, b], idsName: 'to purge' });
    assert.deepEqual(filterQuery(f), { ids: [a, b] });
    assert.equal(
      describeFilter({ ...f, status: ['failed'] }, () => undefined),
      '2 to purge, failed',
    );
    assert.equal(
      describeFilter({ ids: [a] }, () => undefined),
      '1 listed generation',
    );
  });

  test('bad filters are refused with what to pass', () => {
    assert.throws(() => parseTreeFilter({ status: ['sleeping'] }), /status.*Its fields are profileId, engine/);
    assert.throws(() => parseTreeFilter({ after: 5, before: 5 }), /start of the date range must be before its end/);
    assert.throws(() => parseTreeFilter({ colour: 'red' }), /not valid/);
  });

  test('tags: one spelling per tag whatever its case, untagged, shown as #tag; both at once refused', () => {
    const f = parseTreeFilter({ tag: [' Intro ', 'INTRO', 'keeper'] });
    assert.deepEqual(f, { tag: ['Intro', 'keeper'] });
    assert.deepEqual(filterQuery(f), { tag: ['Intro', 'keeper'] });
    assert.equal(
      describeFilter(f, () => undefined),
      '#Intro or #keeper',
    );
    assert.deepEqual(filterQuery(parseTreeFilter({ untagged: true })), { untagged: true });
    assert.equal(
      describeFilter({ untagged: true, favoritesOnly: true }, () => undefined),
      'favorites, untagged',
    );
    assert.throws(() => parseTreeFilter({ tag: ['a'], untagged: true }), /either by tags or for untagged generations/);
    assert.throws(() => parseTreeFilter({ tag: ['a,b'] }), /cannot contain a comma/);
  });

  test('tags typed in one box: comma-separated, trimmed, one per name whatever its case, the first problem named', () => {
    assert.deepEqual(parseTypedTags(' draft , Final,, final ,  '), { names: ['draft', 'Final'] });
    assert.deepEqual(parseTypedTags(''), { names: [] });
    assert.deepEqual(parseTypedTags('ok, ' + 'x'.repeat(65)), { names: ['ok'], problem: 'A tag is at most 64 characters.' });
    assert.equal(tagKey('ÜNÏCODE'), tagKey('ünïcode'));
  });

  test('date ranges typed as YYYY-MM-DD..YYYY-MM-DD, end day included', () => {
    assert.deepEqual(parseDateRange('2025-03-01..2025-03-31'), { after: local(2025, 3, 1, 0), before: local(2025, 4, 1, 0) });
    assert.deepEqual(parseDateRange('2025-03-01..'), { after: local(2025, 3, 1, 0) });
    assert.deepEqual(parseDateRange('2025-03-05'), { after: local(2025, 3, 5, 0), before: local(2025, 3, 6, 0) });
    assert.throws(() => parseDateRange('March'), /Type a date range such as/);
    assert.throws(() => parseDateRange('2025-02-30..'), /not a date in the calendar/);
    assert.throws(() => parseDateRange('2025-03-05..2025-03-01'), /put the earlier date first/);
  });
});

describe('group paging against the real history service', () => {
  let dir: string;
  let history: HistoryService;
  let made: Generation[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vh-tree-pager-'));
    history = await openHistory({ storageDir: dir, checkOnOpen: false });
    const p = await history.createProfile({ name: 'Pager' });
    made = [];
    // 35 generations, five of them in the same millisecond (ties are ordered by the service).
    for (let i = 0; i < 35; i++) {
      made.push(await history.create({ profileId: p.id, text: `Item ${i}`, status: 'pending', createdAt: 1_000_000 + (i < 5 ? 0 : i) }));
    }
  });

  after(async () => {
    await history.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const newestFirst = async () => (await history.list({ pageSize: 100 })).items.map((g) => g.id);

  test('a list query of ids returns exactly those, newest first, with their count; combined with other filters', async () => {
    const picked = [made[3]!.id, made[20]!.id, made[30]!.id];
    const page = await history.list({ ids: picked, pageSize: 10 });
    assert.deepEqual(
      page.items.map((g) => g.id),
      [made[30]!.id, made[20]!.id, made[3]!.id],
    );
    assert.equal(page.total, 3);
    assert.equal((await history.list({ ids: picked, after: 1_000_010, pageSize: 1, withTotal: true })).total, 2);
    // Thousands of ids in one query (one JSON parameter, not one parameter each).
    const many = [...Array.from({ length: 50_000 }, (_, i) => `3f0c2a5e-4b1d-4c8e-9f2a-${String(i).padStart(12, '0')}`), made[0]!.id];
    assert.equal((await history.list({ ids: many, pageSize: 1, withTotal: true })).total, 1);
  });

  test('loads the head page, then "more" pages, each once, in list order', async () => {
    const pager = new GroupPager({}, (q) => history.list(q));
    await pager.ensure(10);
    assert.equal(pager.items.length, 10);
    assert.equal(pager.segments[0]!.hasMore, true);
    await pager.loadMore(pager.segments[0]!, 10);
    await pager.loadMore(pager.segments[0]!, 10);
    await pager.loadMore(pager.segments[0]!, 10);
    assert.deepEqual(
      pager.items.map((g) => g.id),
      await newestFirst(),
    );
    assert.equal(pager.segments[0]!.hasMore, false);
  });

  test('a jump to an old generation loads a second segment; loading more joins them without duplicates', async () => {
    const pager = new GroupPager({}, (q) => history.list(q));
    const all = await newestFirst();
    const target = made[2]!; // among the same-millisecond ones, near the end
    assert.ok(await pager.include(target, 10));
    assert.equal(pager.segments.length, 2);
    assert.ok(pager.items.length < all.length);
    while (pager.segments[0]!.hasMore) await pager.loadMore(pager.segments[0]!, 10);
    assert.equal(pager.segments.length, 1);
    assert.deepEqual(
      pager.items.map((g) => g.id),
      all,
    );
  });

  test('reloading after a change keeps how far it was paged', async () => {
    const pager = new GroupPager({}, (q) => history.list(q));
    await pager.ensure(10);
    await pager.loadMore(pager.segments[0]!, 10);
    await history.delete(made[34]!.id);
    pager.markStale();
    await pager.ensure(10);
    assert.equal(pager.items.length, 20);
    assert.ok(!pager.contains(made[34]!.id));
  });

  test('merge joins touching segments and keeps separate ones apart', () => {
    const g = (id: string, t: number) => ({ id, createdAt: t }) as Generation;
    const joined = merge([
      { fromTime: null, items: [g('a', 9), g('b', 8)], lastId: 'b', hasMore: true },
      { fromTime: 8, items: [g('b', 8), g('c', 7)], lastId: 'c', hasMore: false },
    ]);
    assert.deepEqual(
      joined.map((s) => s.items.map((x) => x.id)),
      [['a', 'b', 'c']],
    );
    assert.equal(joined[0]!.hasMore, false);
    const apart = merge([
      { fromTime: 3, items: [g('x', 3)], lastId: 'x', hasMore: false },
      { fromTime: null, items: [g('a', 9)], lastId: 'a', hasMore: true },
    ]);
    assert.deepEqual(
      apart.map((s) => s.fromTime),
      [null, 3],
    );
  });
});
