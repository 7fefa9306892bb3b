// Which groups the History tree's top level shows under each grouping (favorites, date buckets
// and older months, voice profiles, engines, tags, or one flat list), found with cheap probes: one
// single-row read per group, and the first group's page read at once so opening it costs nothing.
// The groups' state (reuse across reloads, pagers, reload epochs) is in tree-groups.ts.
import { intersectSpan, monthBucket, recentBuckets } from '../format/date-buckets';
import type { Generation, ListPage, ListQueryInput, Profile } from '../history';
import { tagKey } from '../history/tag-names';
import { filterQuery, type TreeFilter } from '../history/tree-filter';
import { NO_ENGINE_GROUP, UNTAGGED_GROUP, type GroupBy, type GroupNode, type TreeHistory } from './tree-nodes';
import type { GroupPager } from './tree-pager';

/** What reading the top level needs from the provider. */
export interface GroupSource {
  readonly history: TreeHistory;
  readonly filter: TreeFilter;
  readonly groupBy: GroupBy;
  readonly pageSize: number;
  readonly now: number;
  readonly profiles: ReadonlyMap<string, Profile>;
  /** The group node of this id, reused across reloads so VS Code keeps its expansion. */
  group(id: string, label: string, icon: string, query: ListQueryInput, favorites: boolean): GroupNode;
  flatGroup(): GroupNode;
  pagerFor(group: GroupNode): GroupPager;
  /** The group's pager if it was made before (a reload), without making one. */
  loadedPager(id: string): GroupPager | undefined;
  /** The provider's change count now (a seeded page remembers when its read began). */
  changes(): number;
  /** False once a refresh came after this read began: then no pager is seeded from it. */
  current(): boolean;
}

/** Reads the top level; the first group's page is kept only while the read is current. */
export async function readGroups(s: GroupSource): Promise<GroupNode[]> {
  const { history, filter, pageSize } = s;
  const base = filterQuery(filter);
  const roots: GroupNode[] = [];

  if (!filter.favoritesOnly) {
    const page = await history.list({ ...base, favoritesOnly: true, pageSize: 1, withTotal: false });
    if (page.items.length > 0) roots.push(s.group('favorites', 'Favorites', 'star-full', { ...base, favoritesOnly: true }, true));
  }

  // The first regular group opens expanded; its page is read here so opening costs nothing more.
  let first = true;
  // Any generation already seen: later probes page after it, so the index scan starts there.
  let anchor: Generation | undefined;
  /** Adds a group if it has generations; `known` is one of them when the caller already found it. */
  const probe = async (id: string, label: string, icon: string, query: ListQueryInput, known?: Generation): Promise<boolean> => {
    const existing = s.loadedPager(id);
    const seed = first && (!existing || existing.segments.length === 0);
    let page: ListPage | undefined;
    const readAt = s.changes();
    if (!known || seed) {
      page = await history.list({ ...query, pageSize: seed ? pageSize : 1, withTotal: false });
      if (page.items.length === 0) return false;
      anchor ??= page.items[0];
    }
    const group = s.group(id, label, icon, query, false);
    group.expandFirst = first;
    if (first && s.current()) {
      const pager = s.pagerFor(group);
      // Paged before (this is a reload): its pages are read again now, not when the view expands it.
      if (seed && page) pager.seed(page, readAt);
      else await pager.ensure(pageSize);
    }
    first = false;
    roots.push(group);
    return true;
  };
  const newestBefore = async (before: number): Promise<Generation | undefined> => {
    if (anchor) {
      try {
        return (await history.list({ ...base, before, pageSize: 1, startAfterId: anchor.id })).items[0];
      } catch {
        // The anchor was deleted meanwhile: ask without it.
      }
    }
    return (await history.list({ ...base, before, pageSize: 1, withTotal: false })).items[0];
  };

  switch (s.groupBy) {
    case 'date': {
      const { buckets, olderBefore } = recentBuckets(s.now);
      for (const b of buckets) {
        const span = intersectSpan(b, base);
        if (span) await probe(`date:${b.key}`, b.label, 'calendar', withSpan(base, span));
      }
      // Older months: each probe finds the newest generation before the cut, which names the next month.
      let before = base.before == null ? olderBefore : Math.min(olderBefore, base.before);
      for (;;) {
        if (base.after != null && base.after >= before) break;
        const newest = await newestBefore(before);
        if (!newest) break;
        anchor = newest;
        const month = monthBucket(newest.createdAt, before);
        const span = intersectSpan(month, base);
        if (!span) break;
        // `newest` proves the month is not empty: no probe of its own.
        await probe(`date:${month.key}`, month.label, 'calendar', withSpan(base, span), newest);
        before = month.after!;
      }
      break;
    }
    case 'profile': {
      const profiles = [...s.profiles.values()]
        .filter((p) => !filter.profileId || filter.profileId.includes(p.id))
        .sort((a, b) => a.name.localeCompare(b.name));
      for (const p of profiles) await probe(`profile:${p.id}`, p.name, 'person', { ...base, profileId: p.id });
      break;
    }
    case 'engine': {
      const stats = await history.stats();
      const engines = stats.byEngine
        .map((e) => e.engine)
        .filter((e): e is string => e !== null)
        .filter((e) => !filter.engine || filter.engine.includes(e))
        .sort((a, b) => a.localeCompare(b));
      for (const engine of engines) await probe(`engine:${engine}`, engine, 'server-process', { ...base, engine });
      // Imported audio has no engine: its own group last, so grouping never hides a generation.
      if (!filter.engine && stats.byEngine.some((e) => e.engine === null)) {
        await probe(NO_ENGINE_GROUP, 'No engine (imported)', 'cloud-download', { ...base, withoutEngine: true });
      }
      break;
    }
    case 'tag': {
      // A generation with several tags shows under each of them (as a favorite shows in Favorites
      // too): a tag's group is everything that carries it. Untagged ones get a group of their own,
      // last, so grouping never hides a generation.
      const wanted = filter.tag?.map(tagKey);
      const tags = (await history.listTags()).filter((t) => !wanted || wanted.includes(tagKey(t.name)));
      if (!filter.untagged) for (const t of tags) await probe(`tag:${t.id}`, t.name, 'tag', { ...base, tag: t.name });
      if (!filter.tag?.length) await probe(UNTAGGED_GROUP, 'Untagged', 'circle-slash', { ...base, untagged: true });
      break;
    }
    case 'flat': {
      const flat = s.flatGroup();
      flat.query = base;
      const pager = s.pagerFor(flat);
      if (pager.isStale && pager.segments.length === 0) {
        const readAt = s.changes();
        const page = await history.list({ ...base, pageSize, withTotal: false });
        if (s.current()) pager.seed(page, readAt);
      } else if (s.current()) {
        await pager.ensure(pageSize);
      }
      break;
    }
  }
  return roots;
}

/** The (non-favorites) group a generation belongs in under the current grouping. */
export function groupFor(g: Generation, roots: readonly GroupNode[], groupBy: GroupBy, flat: () => GroupNode): GroupNode | undefined {
  switch (groupBy) {
    case 'flat':
      return flat();
    case 'profile':
      return roots.find((r) => r.id === `profile:${g.profileId}`);
    case 'engine':
      return roots.find((r) => r.id === (g.engine === null ? NO_ENGINE_GROUP : `engine:${g.engine}`));
    case 'tag':
      // Under several tags it is in several groups: the first of its tags (they come sorted by name).
      return g.tags.length === 0
        ? roots.find((r) => r.id === UNTAGGED_GROUP)
        : roots.find((r) => !r.favorites && r.query.tag === g.tags[0]);
    case 'date':
      return roots.find(
        (r) =>
          !r.favorites &&
          (r.query.after == null || g.createdAt >= r.query.after) &&
          (r.query.before == null || g.createdAt < r.query.before),
      );
  }
}

function withSpan(base: ListQueryInput, span: { after: number | null; before: number | null }): ListQueryInput {
  const q: ListQueryInput = { ...base };
  delete q.after;
  delete q.before;
  if (span.after !== null) q.after = span.after;
  if (span.before !== null) q.before = span.before;
  return q;
}
