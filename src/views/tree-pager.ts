// Pages of one tree group, loaded with the service's cursor paging (never everything at once).
// A group holds one or more segments of consecutive generations, newest first: the head (from the
// top) and, after a jump to an older generation (search → reveal), a segment starting at it.
// "Load more…" extends a segment; segments that meet are merged.
import type { Generation, ListPage, ListQueryInput } from '../history';
import { MAX_PAGE_SIZE } from '../history';

export type ListFn = (query: ListQueryInput) => Promise<ListPage>;

/**
 * The provider's change count (one per history change event). A segment remembers the count when
 * its read began, so rows changed after that can be re-read instead of shown from an older read.
 */
export type ChangeClock = () => number;

export interface Segment {
  /** Created-at of the first generation (inclusive upper bound); null for the head segment. */
  fromTime: number | null;
  items: Generation[];
  /** Cursor for the next page: id of the last item. */
  lastId: string | null;
  hasMore: boolean;
  /** Change count when the oldest read of these items began (absent: unknown, so the oldest). */
  readAt?: number;
}

export class GroupPager {
  segments: Segment[] = [];
  /** Data may be outdated: the next `ensure` reloads the same extents. */
  private stale = true;
  private pending: Promise<void> | undefined;

  constructor(
    readonly query: ListQueryInput,
    private readonly list: ListFn,
    private readonly clock: ChangeClock = () => 0,
  ) {}

  markStale(): void {
    this.stale = true;
  }

  get isStale(): boolean {
    return this.stale;
  }

  /** Seeds the head from a page already fetched (the root's probe), so the first expand costs nothing more. */
  seed(page: ListPage, readAt: number): void {
    this.segments = [{ fromTime: null, items: page.items, lastId: page.lastId, hasMore: page.hasMore, readAt }];
    this.stale = false;
  }

  /** Loads (or reloads after a change) so the head holds at least one page. */
  async ensure(pageSize: number): Promise<void> {
    await this.settle();
    if (!this.stale && this.segments.length > 0 && (this.segments[0]!.items.length >= pageSize || !this.segments[0]!.hasMore)) return;
    await this.run(async () => {
      const wanted = this.segments.length > 0 ? this.segments : [{ fromTime: null, items: [], lastId: null, hasMore: true }];
      this.stale = false;
      const fresh: Segment[] = [];
      for (const seg of wanted) {
        const count = Math.max(seg === wanted[0] ? pageSize : 1, seg.items.length);
        fresh.push(await this.fetch(seg.fromTime, count));
      }
      this.segments = merge(fresh.filter((s) => s.items.length > 0 || s.fromTime === null));
    });
  }

  /** Appends the next page to a segment (the "Load more…" row). */
  async loadMore(segment: Segment, pageSize: number): Promise<void> {
    await this.settle();
    const seg = this.segments.find((s) => s === segment || (s.lastId !== null && s.lastId === segment.lastId));
    if (!seg || !seg.hasMore || seg.lastId === null) return;
    await this.run(async () => {
      const readAt = this.clock();
      let page: ListPage;
      try {
        page = await this.list({ ...this.bounded(seg.fromTime), pageSize: clampPage(pageSize), startAfterId: seg.lastId });
      } catch {
        // The cursor's generation was deleted meanwhile: reload the segment one page longer instead.
        const again = await this.fetch(seg.fromTime, seg.items.length + pageSize);
        Object.assign(seg, again);
        this.segments = merge(this.segments);
        return;
      }
      seg.items = seg.items.concat(page.items);
      seg.lastId = page.lastId ?? seg.lastId;
      seg.hasMore = page.hasMore;
      seg.readAt = Math.min(seg.readAt ?? 0, readAt);
      this.segments = merge(this.segments);
    });
  }

  /** Makes sure `generation` is loaded: from the head when near, else as a new segment starting at it. */
  async include(generation: Generation, pageSize: number): Promise<boolean> {
    await this.ensure(pageSize);
    if (this.contains(generation.id)) return true;
    await this.settle();
    await this.run(async () => {
      let seg = await this.fetch(generation.createdAt, pageSize);
      // Generations created in the same millisecond come first; keep paging until ours shows up.
      while (!seg.items.some((g) => g.id === generation.id) && seg.hasMore && seg.lastId) {
        const page = await this.list({ ...this.bounded(generation.createdAt), pageSize: MAX_PAGE_SIZE, startAfterId: seg.lastId });
        seg = { ...seg, items: seg.items.concat(page.items), lastId: page.lastId ?? seg.lastId, hasMore: page.hasMore };
        if (page.items.length === 0) break;
      }
      this.segments = merge([...this.segments, seg]);
    });
    return this.contains(generation.id);
  }

  contains(id: string): boolean {
    return this.segments.some((s) => s.items.some((g) => g.id === id));
  }

  get items(): Generation[] {
    return this.segments.flatMap((s) => s.items);
  }

  /** Ids of loaded rows that changed after the read that loaded them (`changedAt`: the change count of a row's latest change). */
  outdated(changedAt: (id: string) => number | undefined): string[] {
    const ids = new Set<string>();
    for (const seg of this.segments) {
      for (const g of seg.items) if ((changedAt(g.id) ?? -1) > (seg.readAt ?? 0)) ids.add(g.id);
    }
    return [...ids];
  }

  /**
   * Puts rows re-read from `readAt` on into the segments read before it (the caller re-read every
   * row `outdated` named, so those segments are now as new as `readAt`).
   */
  replaceRows(fresh: Generation[], readAt: number): void {
    const byId = new Map(fresh.map((g) => [g.id, g]));
    for (const seg of this.segments) {
      if ((seg.readAt ?? 0) >= readAt) continue;
      seg.items = seg.items.map((g) => byId.get(g.id) ?? g);
      seg.readAt = readAt;
    }
  }

  /** One load at a time per group; a failed load leaves the pager stale so the next view retries. */
  private async run(work: () => Promise<void>): Promise<void> {
    const p = work();
    this.pending = p;
    try {
      await p;
    } catch (e) {
      this.stale = true;
      throw e;
    } finally {
      if (this.pending === p) this.pending = undefined;
    }
  }

  private async settle(): Promise<void> {
    while (this.pending) await this.pending.catch(() => undefined);
  }

  /** The group's query, starting at `fromTime` (inclusive) when given. */
  private bounded(fromTime: number | null): ListQueryInput {
    if (fromTime === null) return { ...this.query };
    const before = this.query.before == null ? fromTime + 1 : Math.min(this.query.before, fromTime + 1);
    return { ...this.query, before };
  }

  /** `count` generations from `fromTime` down, in pages the service accepts. */
  private async fetch(fromTime: number | null, count: number): Promise<Segment> {
    const readAt = this.clock();
    const q = this.bounded(fromTime);
    if (q.after != null && q.before != null && q.after >= q.before) return { fromTime, items: [], lastId: null, hasMore: false, readAt };
    let items: Generation[] = [];
    let lastId: string | null = null;
    let hasMore = true;
    while (items.length < count && hasMore) {
      const page: ListPage = await this.list({
        ...q,
        pageSize: clampPage(count - items.length),
        ...(lastId ? { startAfterId: lastId } : { withTotal: false }),
      });
      items = items.concat(page.items);
      lastId = page.lastId ?? lastId;
      hasMore = page.hasMore && page.items.length > 0;
    }
    return { fromTime, items, lastId, hasMore, readAt };
  }
}

function clampPage(n: number): number {
  return Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(n)));
}

/** Orders segments newest first and joins those that overlap or touch, dropping duplicates. */
export function merge(segments: Segment[]): Segment[] {
  const sorted = [...segments].sort((a, b) => (b.fromTime ?? Infinity) - (a.fromTime ?? Infinity));
  const out: Segment[] = [];
  for (const seg of sorted) {
    const prev = out[out.length - 1];
    if (!prev) {
      out.push({ ...seg });
      continue;
    }
    const seen = new Set(prev.items.map((g) => g.id));
    const overlapAt = seg.items.findIndex((g) => seen.has(g.id));
    const prevEnd = prev.items[prev.items.length - 1];
    const touches =
      overlapAt >= 0 || !prev.hasMore || (seg.items.length > 0 && prevEnd !== undefined && seg.items[0]!.createdAt > prevEnd.createdAt);
    if (touches) {
      const tail = seg.items.filter((g) => !seen.has(g.id));
      // A previous segment that has reached its end (or passed the next one's start) absorbs it.
      if (tail.length > 0 || seg.hasMore === false) {
        prev.items = prev.items.concat(tail);
        if (tail.length > 0) prev.readAt = Math.min(prev.readAt ?? 0, seg.readAt ?? 0);
        prev.lastId = tail.length > 0 ? seg.lastId : prev.lastId;
        prev.hasMore = tail.length > 0 ? seg.hasMore : prev.hasMore && seg.hasMore;
      }
      continue;
    }
    out.push({ ...seg });
  }
  return out;
}
