// The History tree's groups as the provider keeps them between reads: the top level (read by
// tree-roots.ts), one pager per group, and the reload epochs that keep a read begun before a
// refresh from standing for the tree after it. Group nodes are reused by id across reloads so
// VS Code keeps their expansion.
import type { ListQueryInput, Profile } from '../history';
import { filterQuery, type TreeFilter } from '../history/tree-filter';
import { readGroups } from './tree-roots';
import { FLAT_ID, type GenerationNode, type GroupBy, type GroupNode, type TreeHistory } from './tree-nodes';
import { GroupPager } from './tree-pager';

export interface TreeGroupsOptions {
  /** Only read once the provider has a history (it asks for nothing without one). */
  readonly history: TreeHistory | undefined;
  filter(): TreeFilter;
  groupBy(): GroupBy;
  pageSize(): number;
  now(): number;
  /** The change count now (pages remember when their read began). */
  changes(): number;
  /** A new top level stands for the tree; groups not in `shown` left it. */
  loaded(shown: ReadonlySet<string>): void;
}

export class TreeGroups {
  private roots: GroupNode[] | undefined;
  private stale = true;
  private loading: { roots: Promise<GroupNode[]>; epoch: number } | undefined;
  /** Bumped by every refresh/reset: a top-level load begun before it must not stand for the tree after it. */
  private epoch = 0;
  private flat: GroupNode | undefined;
  private readonly groups = new Map<string, GroupNode>();
  private readonly pagers = new Map<string, GroupPager>();
  private profiles = new Map<string, Profile>();

  constructor(private readonly options: TreeGroupsOptions) {}

  profileName(id: string): string | undefined {
    return this.profiles.get(id)?.name;
  }

  /** A voice profile as of the last top-level read. */
  profile(id: string): Profile | undefined {
    return this.profiles.get(id);
  }

  /** Forgets every group (grouping or filter changed). */
  reset(): void {
    this.pagers.clear();
    this.groups.clear();
    this.roots = undefined;
    this.stale = true;
    this.epoch++;
  }

  /** The next read reloads the top level and every group's pages, keeping how far each was paged. */
  markStale(): void {
    this.stale = true;
    this.epoch++;
    for (const pager of this.pagers.values()) pager.markStale();
  }

  /** The groups currently on the top level (after the first load). */
  top(): GroupNode[] {
    return [...(this.roots ?? [])];
  }

  /** True once the top level is loaded (for the current grouping and filter) and shows nothing. */
  get isEmpty(): boolean {
    if (!this.roots || this.stale) return false;
    if (this.roots.length > 0) return false;
    return this.options.groupBy() !== 'flat' || (this.pagers.get(FLAT_ID)?.items.length ?? 0) === 0;
  }

  /**
   * Ids in display order for next/previous in the player: the favorites group's own list when
   * playing from it, else every loaded generation of the regular groups.
   */
  currentList(from?: GenerationNode): string[] {
    const roots = this.roots ?? [];
    const groups = this.options.groupBy() === 'flat' ? [...roots.filter((g) => g.favorites), this.flatGroup()] : roots;
    const pick = from?.group?.favorites ? groups.filter((g) => g.favorites) : groups.filter((g) => !g.favorites);
    const ids: string[] = [];
    const seen = new Set<string>();
    for (const g of pick) {
      for (const item of this.pagers.get(g.id)?.items ?? []) {
        if (!seen.has(item.id)) {
          seen.add(item.id);
          ids.push(item.id);
        }
      }
    }
    return ids;
  }

  /**
   * Counts each top-level group's generations with the store's counting queries (running totals
   * for profile/engine/status, an index count for date spans; no rows are read) and returns the
   * groups whose count changed. A refresh meanwhile ends the pass: the new top level counts anew.
   */
  async count(): Promise<GroupNode[]> {
    const roots = this.roots;
    const history = this.options.history;
    if (!roots || this.stale || !history) return [];
    const epoch = this.epoch;
    const changed: GroupNode[] = [];
    for (const g of roots) {
      const page = await history.list({ ...g.query, pageSize: 1, withTotal: true });
      if (epoch !== this.epoch) break;
      if (page.total !== null && page.total !== g.count) {
        g.count = page.total;
        changed.push(g);
      }
    }
    return changed;
  }

  async load(): Promise<GroupNode[]> {
    for (;;) {
      if (this.roots && !this.stale) return this.roots;
      const inFlight = this.loading;
      if (!inFlight) break;
      if (inFlight.epoch === this.epoch) return inFlight.roots;
      // Begun before the latest refresh, so it may predate the change: let it end, then load anew.
      await inFlight.roots.catch(() => undefined);
    }
    this.stale = false;
    const epoch = this.epoch;
    const loading = this.read(epoch)
      .then((roots) => {
        // A refresh came meanwhile: this caller gets what was read, the tree keeps waiting for the newer load.
        if (epoch !== this.epoch) return roots;
        this.roots = roots;
        const ids = new Set(roots.map((g) => g.id));
        ids.add(FLAT_ID);
        for (const id of [...this.pagers.keys()]) if (!ids.has(id)) this.pagers.delete(id);
        this.options.loaded(ids);
        return roots;
      })
      .catch((e) => {
        this.stale = true;
        throw e;
      })
      .finally(() => {
        if (this.loading?.roots === loading) this.loading = undefined;
      });
    this.loading = { roots: loading, epoch };
    return loading;
  }

  /** Reads the top level; the first group's page is kept only if no refresh came since `epoch`. */
  private async read(epoch: number): Promise<GroupNode[]> {
    const history = this.options.history!;
    this.profiles = new Map((await history.listProfiles()).map((p) => [p.id, p]));
    return readGroups({
      history,
      filter: this.options.filter(),
      groupBy: this.options.groupBy(),
      pageSize: this.options.pageSize(),
      now: this.options.now(),
      profiles: this.profiles,
      group: (id, label, icon, query, favorites) => this.group(id, label, icon, query, favorites),
      flatGroup: () => this.flatGroup(),
      pagerFor: (group) => this.pagerFor(group),
      loadedPager: (id) => this.pagers.get(id),
      changes: () => this.options.changes(),
      current: () => epoch === this.epoch,
    });
  }

  private group(id: string, label: string, icon: string, query: ListQueryInput, favorites: boolean): GroupNode {
    let g = this.groups.get(id);
    if (!g) {
      g = { kind: 'group', id, label, icon, query, favorites, expandFirst: false };
      this.groups.set(id, g);
    } else {
      g.label = label;
      g.icon = icon;
      if (JSON.stringify(g.query) !== JSON.stringify(query)) this.pagers.delete(id);
      g.query = query;
    }
    return g;
  }

  flatGroup(): GroupNode {
    const query = filterQuery(this.options.filter());
    this.flat ??= { kind: 'group', id: FLAT_ID, label: 'All', icon: 'list-flat', query: {}, favorites: false, expandFirst: true };
    if (this.flat.query !== query && JSON.stringify(this.flat.query) !== JSON.stringify(query)) {
      this.flat.query = query;
      this.pagers.delete(FLAT_ID);
    }
    return this.flat;
  }

  pager(id: string): GroupPager | undefined {
    return this.pagers.get(id);
  }

  pagerFor(group: GroupNode): GroupPager {
    let pager = this.pagers.get(group.id);
    if (!pager) {
      const history = this.options.history!;
      pager = new GroupPager(
        group.query,
        (q) => history.list(q),
        () => this.options.changes(),
      );
      this.pagers.set(group.id, pager);
    }
    return pager;
  }
}
