// The History tree's data: groups (favorites, date buckets, profiles, engines, or flat), pages of
// generations inside each group, "Load more…" rows, and live updates from the service's change
// events. Tree item ids are stable (`<group>/<generation id>`), so VS Code keeps expansion and
// selection across refreshes.
import * as vscode from 'vscode';
import { openableSourceOf, sourceLabel, sourceLink } from '../generation/origin';
import type { ChangeEvent, Generation, HistoryService, ListPage, ListQueryInput, Profile } from '../history';
import { filterQuery, isFiltered, normalize, type TreeFilter } from '../history/tree-filter';
import {
  firstLine,
  formatBytes,
  formatDateTime,
  formatDuration,
  intersectSpan,
  monthBucket,
  recentBuckets,
  relativeTime,
} from './tree-format';
import { GroupPager, type Segment } from './tree-pager';
import { errorMessage } from '../format/errors';

export const GROUP_BY_VALUES = ['date', 'profile', 'engine', 'flat'] as const;
export type GroupBy = (typeof GROUP_BY_VALUES)[number];

/** What the tree reads from the history service. */
export type TreeHistory = Pick<HistoryService, 'list' | 'listProfiles' | 'stats' | 'get' | 'getMany' | 'onDidChange'>;

export interface GroupNode {
  readonly kind: 'group';
  readonly id: string;
  label: string;
  icon: string;
  query: ListQueryInput;
  /** The favorites group repeats generations that also sit in their regular group. */
  readonly favorites: boolean;
  /** Expanded the first time it is shown. */
  expandFirst: boolean;
}

/** Internal: every generation row's command (not contributed, not in the palette); see follow-selection.ts. */
export const ROW_CLICK_COMMAND = 'voiceHistory.tree.rowClicked';

export interface GenerationNode {
  readonly kind: 'generation';
  readonly id: string;
  generation: Generation;
  /** Undefined at the top level (flat grouping). */
  readonly group: GroupNode | undefined;
}

export interface LoadMoreNode {
  readonly kind: 'more';
  readonly id: string;
  readonly group: GroupNode | undefined;
  segment: Segment;
}

export type HistoryNode = GroupNode | GenerationNode | LoadMoreNode;

export interface HistoryTreeOptions {
  pageSize(): number;
  groupBy(): GroupBy;
  log: { info(message: string): void; error(message: string): void; warn(message: string): void };
  /** "now" for relative times and date buckets (tests may pin it). */
  now?: () => number;
}

/** The flat grouping's top level is one hidden group. */
const FLAT_ID = 'all';
const NO_ENGINE_GROUP = 'engine-none';
/** Row changes remembered for re-reading loads that began before them. */
const ROW_CHANGES_KEPT = 10_000;

export function generationUri(id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: 'voice-history-generation', path: `/${id}` });
}

export class HistoryTreeProvider implements vscode.TreeDataProvider<HistoryNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HistoryNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly rootsChanged = new vscode.EventEmitter<void>();
  /** Fires after what the tree shows changed (top level reloaded, rows updated, a load failed). */
  readonly onDidUpdate = this.rootsChanged.event;
  private readonly favoritesChanged = new vscode.EventEmitter<vscode.Uri[]>();
  /** Generations whose favorite star or status changed (for the row decoration). */
  readonly onDidChangeDecorations = this.favoritesChanged.event;
  private readonly childrenLoaded = new vscode.EventEmitter<GroupNode | undefined>();
  readonly onDidLoadChildren = this.childrenLoaded.event;

  private filterState: TreeFilter = {};
  private roots: GroupNode[] | undefined;
  private rootsStale = true;
  private rootsLoading: { roots: Promise<GroupNode[]>; epoch: number } | undefined;
  /** Bumped by every refresh/reset: a top-level load begun before it must not stand for the tree after it. */
  private rootsEpoch = 0;
  /** One count per history change event; reads remember it to know which changes they may have missed. */
  private changes = 0;
  /** Change count of each generation's latest row change (update, new version). */
  private readonly rowChanged = new Map<string, number>();
  private rowUpdates: Promise<void> = Promise.resolve();
  private flat: GroupNode | undefined;
  private readonly groups = new Map<string, GroupNode>();
  private readonly pagers = new Map<string, GroupPager>();
  private readonly nodes = new Map<string, GenerationNode>();
  private readonly byGeneration = new Map<string, Set<GenerationNode>>();
  private readonly groupNodes = new Map<string, Set<string>>();
  private readonly moreNodes = new Map<string, LoadMoreNode>();
  private profiles = new Map<string, Profile>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private pendingUpdates = new Set<string>();
  private loadError: string | undefined;
  /** When the view first asked for its top level (reported once: how long until the first page was ready). */
  private firstAsked: number | undefined;
  private firstReported = false;
  /** Time spent in getChildren until the first page was ready (the rest is VS Code's round trips). */
  private firstWork = 0;
  private readonly subscription: { dispose(): void } | undefined;
  private readonly now: () => number;

  constructor(
    private readonly history: TreeHistory | undefined,
    private readonly options: HistoryTreeOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.subscription = history?.onDidChange((e) => this.onHistoryChange(e));
  }

  dispose(): void {
    this.subscription?.dispose();
    clearTimeout(this.refreshTimer);
    this.changed.dispose();
    this.rootsChanged.dispose();
    this.favoritesChanged.dispose();
    this.childrenLoaded.dispose();
  }

  // ---- state the view and commands change ------------------------------------------------

  get filter(): TreeFilter {
    return this.filterState;
  }

  get filtered(): boolean {
    return isFiltered(this.filterState);
  }

  /** Why the tree is empty when loading failed (shown as the view's message). */
  get error(): string | undefined {
    return this.loadError;
  }

  profileName(id: string): string | undefined {
    return this.profiles.get(id)?.name;
  }

  setFilter(filter: TreeFilter): void {
    this.filterState = normalize(filter);
    this.reset();
  }

  /** Drops everything loaded (grouping or filter changed) and shows the top again. */
  reset(): void {
    for (const id of [...this.groupNodes.keys()]) this.forgetGroup(id);
    this.pagers.clear();
    this.groups.clear();
    this.roots = undefined;
    this.rootsStale = true;
    this.rootsEpoch++;
    this.changed.fire(undefined);
    this.prefetch();
  }

  /**
   * Reads the top level and the first group's page before the view asks (VS Code asks only once
   * the view is shown), so opening the view costs VS Code's round trips and nothing more. A shown
   * view's own request joins the same read.
   */
  prefetch(): void {
    if (this.history) void this.loadRoots().catch(() => undefined);
  }

  /** Reloads what is shown, keeping how far each group was paged. */
  refresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.refreshWaitingSince = undefined;
    this.pendingUpdates.clear();
    this.rootsStale = true;
    this.rootsEpoch++;
    for (const pager of this.pagers.values()) pager.markStale();
    this.changed.fire(undefined);
    this.prefetch();
  }

  // ---- TreeDataProvider -----------------------------------------------------------------

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group':
        return this.groupItem(node);
      case 'generation':
        return this.generationItem(node);
      case 'more':
        return this.moreItem(node);
    }
  }

  async getChildren(node?: HistoryNode): Promise<HistoryNode[]> {
    if (!this.history) return [];
    const started = performance.now();
    try {
      return await this.children(node, started);
    } finally {
      if (!this.firstReported) this.firstWork += performance.now() - started;
    }
  }

  private async children(node: HistoryNode | undefined, started: number): Promise<HistoryNode[]> {
    try {
      if (!node) {
        this.firstAsked ??= started;
        const roots = await this.loadRoots();
        this.loadError = undefined;
        if (this.options.groupBy() === 'flat') {
          const favorites = roots.filter((g) => g.favorites);
          const flat = this.flatGroup();
          const children = await this.groupChildren(flat);
          this.childrenLoaded.fire(undefined);
          this.reportFirstPage(started, roots.length, children.length);
          return [...favorites, ...children];
        }
        if (!roots.some((g) => g.expandFirst)) this.reportFirstPage(started, roots.length, 0);
        return roots;
      }
      if (node.kind !== 'group') return [];
      const children = await this.groupChildren(node);
      this.childrenLoaded.fire(node);
      if (node.expandFirst) this.reportFirstPage(started, this.roots?.length ?? 0, children.length);
      return children;
    } catch (e) {
      this.loadError = errorMessage(e);
      this.options.log.error(`History tree: could not load ${node ? `"${node.id}"` : 'the top level'}: ${this.loadError}`);
      this.rootsChanged.fire();
      return [];
    }
  }

  /** One line in the log per activation: how long the extension took to have the first page ready. */
  private reportFirstPage(started: number, groups: number, rows: number): void {
    if (this.firstReported || this.firstAsked === undefined) return;
    this.firstReported = true;
    const now = performance.now();
    const ms = now - this.firstAsked;
    // The caller's own share of this getChildren is still running; count it up to now.
    const work = this.firstWork + (now - started);
    this.options.log.info(
      `History tree: first page ready in ${ms.toFixed(1)} ms after the view asked, ${work.toFixed(1)} ms of it in the extension (${groups} groups, ${rows} rows)`,
    );
  }

  getParent(node: HistoryNode): HistoryNode | undefined {
    if (node.kind === 'group') return undefined;
    return node.group && node.group.id !== FLAT_ID ? node.group : undefined;
  }

  resolveTreeItem(item: vscode.TreeItem, node: HistoryNode): vscode.TreeItem {
    if (node.kind === 'generation') item.tooltip = generationTooltip(node.generation);
    return item;
  }

  // ---- what commands read ---------------------------------------------------------------

  /** Loaded generation nodes of a generation id (it may appear in Favorites and its own group). */
  nodesOf(generationId: string): GenerationNode[] {
    return [...(this.byGeneration.get(generationId) ?? [])];
  }

  /** A loaded generation by id, from any group. */
  loadedGeneration(generationId: string): Generation | undefined {
    return this.byGeneration.get(generationId)?.values().next().value?.generation;
  }

  /**
   * Ids in display order for next/previous in the player: the favorites group's own list when
   * playing from it, else every loaded generation of the regular groups.
   */
  currentList(from?: GenerationNode): string[] {
    const groups = this.shownGroups();
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

  /** True once the top level is loaded (for the current grouping and filter) and shows nothing. */
  get isEmpty(): boolean {
    if (!this.roots || this.rootsStale) return false;
    if (this.roots.length > 0) return false;
    return this.options.groupBy() !== 'flat' || (this.pagers.get(FLAT_ID)?.items.length ?? 0) === 0;
  }

  /** The groups currently on the top level (after the first load). */
  topGroups(): GroupNode[] {
    return [...(this.roots ?? [])];
  }

  /** Loads the next page of the group a "Load more…" row belongs to. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const group = node.group ?? this.flatGroup();
    const pager = this.pagers.get(group.id);
    if (!pager) return;
    await pager.loadMore(node.segment, this.options.pageSize());
    await this.catchUp(pager);
    this.changed.fire(group.id === FLAT_ID ? undefined : group);
  }

  /**
   * Loads whatever is needed for a generation to be in the tree (its group, the page holding it)
   * and returns its node, or undefined when the filter hides it.
   */
  async locate(generationId: string): Promise<GenerationNode | undefined> {
    if (!this.history) return undefined;
    const generation = await this.history.get(generationId);
    if (!generation) return undefined;
    const roots = await this.loadRoots();
    const group = this.groupFor(generation, roots);
    if (!group) return undefined;
    const pager = this.pagerFor(group);
    const found = await pager.include(generation, this.options.pageSize());
    if (!found) return undefined;
    await this.catchUp(pager);
    this.indexGroup(group, pager);
    const node = this.nodes.get(`${group.id}/${generation.id}`);
    if (node) this.changed.fire(group.id === FLAT_ID ? undefined : group);
    return node;
  }

  /** Waits until VS Code has re-read a group's children (after a change event), or `ms` passed. */
  whenChildrenLoaded(group: GroupNode | undefined, ms = 2000): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const sub = this.childrenLoaded.event((g) => {
        if ((g?.id ?? FLAT_ID) === (group?.id ?? FLAT_ID)) done();
      });
      function done() {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  }

  // ---- top level --------------------------------------------------------------------------

  private async loadRoots(): Promise<GroupNode[]> {
    for (;;) {
      if (this.roots && !this.rootsStale) return this.roots;
      const inFlight = this.rootsLoading;
      if (!inFlight) break;
      if (inFlight.epoch === this.rootsEpoch) return inFlight.roots;
      // Begun before the latest refresh, so it may predate the change: let it end, then load anew.
      await inFlight.roots.catch(() => undefined);
    }
    this.rootsStale = false;
    const epoch = this.rootsEpoch;
    const loading = this.computeRoots(epoch)
      .then((roots) => {
        // A refresh came meanwhile: this caller gets what was read, the tree keeps waiting for the newer load.
        if (epoch !== this.rootsEpoch) return roots;
        this.roots = roots;
        const ids = new Set(roots.map((g) => g.id));
        ids.add(FLAT_ID);
        for (const id of [...this.pagers.keys()]) if (!ids.has(id)) this.pagers.delete(id);
        for (const id of [...this.groupNodes.keys()]) if (!ids.has(id)) this.forgetGroup(id);
        this.rootsChanged.fire();
        return roots;
      })
      .catch((e) => {
        this.rootsStale = true;
        throw e;
      })
      .finally(() => {
        if (this.rootsLoading?.roots === loading) this.rootsLoading = undefined;
      });
    this.rootsLoading = { roots: loading, epoch };
    return loading;
  }

  /** Computes the top level; the first group's page is kept only if no refresh came since `epoch`. */
  private async computeRoots(epoch: number): Promise<GroupNode[]> {
    const history = this.history!;
    const base = filterQuery(this.filterState);
    const pageSize = this.options.pageSize();
    const groupBy = this.options.groupBy();
    this.profiles = new Map((await history.listProfiles()).map((p) => [p.id, p]));
    const roots: GroupNode[] = [];

    if (!this.filterState.favoritesOnly) {
      const page = await history.list({ ...base, favoritesOnly: true, pageSize: 1, withTotal: false });
      if (page.items.length > 0) roots.push(this.group('favorites', 'Favorites', 'star-full', { ...base, favoritesOnly: true }, true));
    }

    // The first regular group opens expanded; its page is read here so opening costs nothing more.
    let first = true;
    // Any generation already seen: later probes page after it, so the index scan starts there.
    let anchor: Generation | undefined;
    /** Adds a group if it has generations; `known` is one of them when the caller already found it. */
    const probe = async (id: string, label: string, icon: string, query: ListQueryInput, known?: Generation): Promise<boolean> => {
      const existing = this.pagers.get(id);
      const seed = first && (!existing || existing.segments.length === 0);
      let page: ListPage | undefined;
      const readAt = this.changes;
      if (!known || seed) {
        page = await history.list({ ...query, pageSize: seed ? pageSize : 1, withTotal: false });
        if (page.items.length === 0) return false;
        anchor ??= page.items[0];
      }
      const group = this.group(id, label, icon, query, false);
      group.expandFirst = first;
      if (first && epoch === this.rootsEpoch) {
        const pager = this.pagerFor(group);
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

    switch (groupBy) {
      case 'date': {
        const { buckets, olderBefore } = recentBuckets(this.now());
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
        const profiles = [...this.profiles.values()]
          .filter((p) => !this.filterState.profileId || this.filterState.profileId.includes(p.id))
          .sort((a, b) => a.name.localeCompare(b.name));
        for (const p of profiles) await probe(`profile:${p.id}`, p.name, 'person', { ...base, profileId: p.id });
        break;
      }
      case 'engine': {
        const stats = await history.stats();
        const engines = stats.byEngine
          .map((e) => e.engine)
          .filter((e): e is string => e !== null)
          .filter((e) => !this.filterState.engine || this.filterState.engine.includes(e))
          .sort((a, b) => a.localeCompare(b));
        for (const engine of engines) await probe(`engine:${engine}`, engine, 'server-process', { ...base, engine });
        // Imported audio has no engine: its own group last, so grouping never hides a generation.
        if (!this.filterState.engine && stats.byEngine.some((e) => e.engine === null)) {
          await probe(NO_ENGINE_GROUP, 'No engine (imported)', 'cloud-download', { ...base, withoutEngine: true });
        }
        break;
      }
      case 'flat': {
        const flat = this.flatGroup();
        flat.query = base;
        const pager = this.pagerFor(flat);
        if (pager.isStale && pager.segments.length === 0) {
          const readAt = this.changes;
          const page = await history.list({ ...base, pageSize, withTotal: false });
          if (epoch === this.rootsEpoch) pager.seed(page, readAt);
        } else if (epoch === this.rootsEpoch) {
          await pager.ensure(pageSize);
        }
        break;
      }
    }
    return roots;
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

  private flatGroup(): GroupNode {
    this.flat ??= { kind: 'group', id: FLAT_ID, label: 'All', icon: 'list-flat', query: {}, favorites: false, expandFirst: true };
    if (
      this.flat.query !== filterQuery(this.filterState) &&
      JSON.stringify(this.flat.query) !== JSON.stringify(filterQuery(this.filterState))
    ) {
      this.flat.query = filterQuery(this.filterState);
      this.pagers.delete(FLAT_ID);
    }
    return this.flat;
  }

  private shownGroups(): GroupNode[] {
    const roots = this.roots ?? [];
    return this.options.groupBy() === 'flat' ? [...roots.filter((g) => g.favorites), this.flatGroup()] : roots;
  }

  private pagerFor(group: GroupNode): GroupPager {
    let pager = this.pagers.get(group.id);
    if (!pager) {
      const history = this.history!;
      pager = new GroupPager(
        group.query,
        (q) => history.list(q),
        () => this.changes,
      );
      this.pagers.set(group.id, pager);
    }
    return pager;
  }

  /** The (non-favorites) group a generation belongs in under the current grouping. */
  private groupFor(g: Generation, roots: GroupNode[]): GroupNode | undefined {
    switch (this.options.groupBy()) {
      case 'flat':
        return this.flatGroup();
      case 'profile':
        return roots.find((r) => r.id === `profile:${g.profileId}`);
      case 'engine':
        return roots.find((r) => r.id === (g.engine === null ? NO_ENGINE_GROUP : `engine:${g.engine}`));
      case 'date':
        return roots.find(
          (r) =>
            !r.favorites &&
            (r.query.after == null || g.createdAt >= r.query.after) &&
            (r.query.before == null || g.createdAt < r.query.before),
        );
    }
  }

  // ---- children ---------------------------------------------------------------------------

  private async groupChildren(group: GroupNode): Promise<HistoryNode[]> {
    const pager = this.pagerFor(group);
    await pager.ensure(this.options.pageSize());
    await this.catchUp(pager);
    return this.indexGroup(group, pager);
  }

  /**
   * Re-reads loaded rows that changed after the read that loaded them, so a page read before a
   * status step never replaces the newer row the live update already showed.
   */
  private async catchUp(pager: GroupPager): Promise<void> {
    // A row that keeps changing is left to the live updates after a few rounds.
    for (let round = 0; round < 3; round++) {
      const ids = pager.outdated((id) => this.rowChanged.get(id));
      if (ids.length === 0 || !this.history) return;
      const readAt = this.changes;
      pager.replaceRows(await this.history.getMany(ids), readAt);
    }
  }

  /** Rebuilds the group's nodes (reusing objects by id) and the indexes commands read. */
  private indexGroup(group: GroupNode, pager: GroupPager): HistoryNode[] {
    const owner = group.id === FLAT_ID ? undefined : group;
    const previous = this.groupNodes.get(group.id) ?? new Set<string>();
    const current = new Set<string>();
    const out: HistoryNode[] = [];
    const favoriteFlips: vscode.Uri[] = [];
    for (const seg of pager.segments) {
      for (const g of seg.items) {
        const id = `${group.id}/${g.id}`;
        if (current.has(id)) continue;
        current.add(id);
        let node = this.nodes.get(id);
        if (node && node.group !== owner) {
          // The group was rebuilt (grouping or filter changed): the row needs the new parent.
          this.unindex(node);
          node = undefined;
        }
        if (node) {
          if (node.generation.isFavorited !== g.isFavorited || node.generation.status !== g.status) favoriteFlips.push(generationUri(g.id));
          node.generation = g;
        } else {
          node = { kind: 'generation', id, generation: g, group: owner };
          this.nodes.set(id, node);
          let set = this.byGeneration.get(g.id);
          if (!set) this.byGeneration.set(g.id, (set = new Set()));
          set.add(node);
        }
        out.push(node);
      }
      if (seg.hasMore && seg.lastId) {
        const id = `${group.id}/more/${seg.fromTime ?? 'top'}`;
        let more = this.moreNodes.get(id);
        if (more && more.group === owner) more.segment = seg;
        else this.moreNodes.set(id, (more = { kind: 'more', id, group: owner, segment: seg }));
        out.push(more);
      }
    }
    for (const id of previous) {
      if (current.has(id)) continue;
      const node = this.nodes.get(id);
      if (node) this.unindex(node);
    }
    this.groupNodes.set(group.id, current);
    if (favoriteFlips.length > 0) this.favoritesChanged.fire(favoriteFlips);
    return out;
  }

  private forgetGroup(groupId: string): void {
    for (const id of this.groupNodes.get(groupId) ?? []) {
      const node = this.nodes.get(id);
      if (node) this.unindex(node);
    }
    this.groupNodes.delete(groupId);
    for (const id of [...this.moreNodes.keys()]) if (id.startsWith(`${groupId}/`)) this.moreNodes.delete(id);
  }

  private unindex(node: GenerationNode): void {
    if (this.nodes.get(node.id) === node) this.nodes.delete(node.id);
    const set = this.byGeneration.get(node.generation.id);
    set?.delete(node);
    if (set && set.size === 0) this.byGeneration.delete(node.generation.id);
  }

  // ---- live updates ---------------------------------------------------------------------

  private onHistoryChange(e: ChangeEvent): void {
    this.changes++;
    // Stories only reference generations; the tree does not show them.
    if (e.kind === 'entity' && e.entity === 'story') return;
    if (e.kind === 'entity' && ((e.entity === 'generation' && e.op === 'updated') || e.entity === 'version'))
      this.noteRowChanges(e.generationIds);
    // Field changes of shown generations that cannot move them between groups update just their rows.
    if (e.kind === 'entity' && e.entity === 'generation' && e.op === 'updated' && !this.refreshTimer) {
      for (const id of e.ids) this.pendingUpdates.add(id);
      this.scheduleRowUpdate();
      return;
    }
    if (e.kind === 'entity' && e.entity === 'version' && !this.refreshTimer) {
      for (const id of e.generationIds) this.pendingUpdates.add(id);
      this.scheduleRowUpdate();
      return;
    }
    this.scheduleRefresh();
  }

  private noteRowChanges(ids: readonly string[]): void {
    // Bounded: past the cap, a full reload makes every older read irrelevant.
    if (this.rowChanged.size + ids.length > ROW_CHANGES_KEPT) {
      this.rowChanged.clear();
      this.scheduleRefresh();
    }
    for (const id of ids) this.rowChanged.set(id, this.changes);
  }

  private rowTimer: NodeJS.Timeout | undefined;
  private scheduleRowUpdate(): void {
    if (this.rowTimer) return;
    this.rowTimer = setTimeout(() => {
      this.rowTimer = undefined;
      // One at a time, so an older read never lands after a newer one.
      this.rowUpdates = this.rowUpdates.then(() => this.updateRows()).catch(() => undefined);
    }, 30);
  }

  private async updateRows(): Promise<void> {
    const ids = [...this.pendingUpdates].filter((id) => this.byGeneration.has(id));
    this.pendingUpdates.clear();
    if (ids.length === 0 || !this.history) {
      // Not shown: it may still enter a group (e.g. it became a favorite); a cheap refresh decides.
      if (ids.length === 0) this.scheduleRefresh();
      return;
    }
    try {
      const fresh = await this.history.getMany(ids);
      const byId = new Map(fresh.map((g) => [g.id, g]));
      const touched: HistoryNode[] = [];
      const flips: vscode.Uri[] = [];
      for (const id of ids) {
        const g = byId.get(id);
        const nodes = this.nodesOf(id);
        const old = nodes[0]?.generation;
        if (!g || !old || this.movesGroups(old, g)) return this.scheduleRefresh();
        if (old.isFavorited !== g.isFavorited || old.status !== g.status) flips.push(generationUri(id));
        for (const node of nodes) {
          node.generation = g;
          touched.push(node);
        }
      }
      for (const node of touched) this.changed.fire(node);
      if (flips.length > 0) this.favoritesChanged.fire(flips);
      this.rootsChanged.fire();
    } catch (e) {
      this.options.log.warn(`History tree: row update failed, refreshing: ${errorMessage(e)}`);
      this.scheduleRefresh();
    }
  }

  /** Whether an update can change which groups show the generation (then the groups reload). */
  private movesGroups(old: Generation, g: Generation): boolean {
    const f = this.filterState;
    if (old.isFavorited !== g.isFavorited) return true;
    if (old.profileId !== g.profileId || old.engine !== g.engine || old.createdAt !== g.createdAt) return true;
    if (f.status && old.status !== g.status) return true;
    if (f.search && (old.text !== g.text || old.instruct !== g.instruct)) return true;
    if (f.engine && old.engine !== g.engine) return true;
    if (f.language && old.language !== g.language) return true;
    return false;
  }

  private refreshWaitingSince: number | undefined;
  private scheduleRefresh(): void {
    // Bursts of changes (an import, a generation's status steps) become one reload, but a
    // never-ending stream still reloads about once a second.
    const now = Date.now();
    this.refreshWaitingSince ??= now;
    if (this.refreshTimer && now - this.refreshWaitingSince > 1000) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshWaitingSince = undefined;
      this.refresh();
    }, 60);
  }

  // ---- rows -------------------------------------------------------------------------------

  private groupItem(g: GroupNode): vscode.TreeItem {
    const item = new vscode.TreeItem(
      g.label,
      g.expandFirst ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = g.id;
    item.iconPath = new vscode.ThemeIcon(g.icon);
    item.contextValue = g.favorites ? 'group favorites' : `group ${g.id.split(':')[0]}`;
    item.accessibilityInformation = { label: `${g.label}, group of generations`, role: 'treeitem' };
    return item;
  }

  private generationItem(node: GenerationNode): vscode.TreeItem {
    const g = node.generation;
    const label = firstLine(g.text) || '(no text)';
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    const when = relativeTime(g.createdAt, this.now());
    // Grouped by engine, the model tells rows of one engine apart.
    const model = this.options.groupBy() === 'engine' ? g.model : null;
    item.description = [g.profileName, model, formatDuration(g.duration), when].filter(Boolean).join(' · ');
    item.iconPath = statusIcon(g);
    item.resourceUri = generationUri(g.id);
    item.contextValue = [
      'generation',
      g.status,
      g.isFavorited ? 'favorite' : 'notFavorite',
      g.audioPath ? 'hasAudio' : 'noAudio',
      ...(openableSourceOf(g) ? ['hasSource'] : []),
    ].join(' ');
    const spoken = [
      label,
      `voice ${g.profileName}`,
      g.duration != null ? `${Math.round(g.duration)} seconds` : undefined,
      when,
      g.status === 'completed' ? undefined : g.status,
      g.isFavorited ? 'favorite' : undefined,
    ].filter(Boolean);
    item.accessibilityInformation = { label: spoken.join(', '), role: 'treeitem' };
    // Runs on every click: two on the same row in quick succession play it (see follow-selection.ts).
    item.command = { command: ROW_CLICK_COMMAND, title: 'Show in Player', arguments: [node] };
    return item;
  }

  private moreItem(node: LoadMoreNode): vscode.TreeItem {
    const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.description = `${node.segment.items.length} shown`;
    item.contextValue = 'loadMore';
    item.command = { command: 'voiceHistory.loadMore', title: 'Load More', arguments: [node] };
    const where = node.group ? ` in ${node.group.label}` : '';
    item.accessibilityInformation = { label: `Load more generations${where}`, role: 'button' };
    return item;
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

export function statusIcon(g: Generation): vscode.ThemeIcon {
  switch (g.status) {
    case 'pending':
    case 'generating':
      return new vscode.ThemeIcon('loading~spin');
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    case 'completed':
      return new vscode.ThemeIcon('unmute');
  }
}

const TOOLTIP_TEXT_LIMIT = 20_000;

/** Markdown tooltip: the whole text (escaped, so it shows literally) and every detail. */
export function generationTooltip(g: Generation): vscode.MarkdownString {
  // No theme icons: a generation text like "$(pass-filled) Verified" is text, not an icon.
  const md = new vscode.MarkdownString(undefined, false);
  md.supportThemeIcons = false;
  md.supportHtml = false;
  md.isTrusted = false;
  const text = g.text.length > TOOLTIP_TEXT_LIMIT ? `${g.text.slice(0, TOOLTIP_TEXT_LIMIT)}…` : g.text;
  // One line per line of text, every Markdown character escaped so it shows as written.
  for (const line of text.split(/\r?\n/)) md.appendMarkdown(`${escapeMarkdown(line)}  \n`);
  if (g.text.length > TOOLTIP_TEXT_LIMIT)
    md.appendMarkdown(`_(${(g.text.length - TOOLTIP_TEXT_LIMIT).toLocaleString('en-US')} more characters)_\n`);
  md.appendMarkdown('\n---\n\n');
  const rows: Array<[string, string | null | undefined]> = [
    ['Voice', g.profileName],
    ['Status', g.status === 'failed' ? `failed: ${g.error ?? 'no reason recorded'}` : g.status],
    ['Engine', g.engine],
    ['Model', g.model],
    ['Seed', g.seed == null ? null : String(g.seed)],
    ['Language', g.language],
    ['Instruct', g.instruct],
    ['Duration', formatDuration(g.duration) || null],
    ['Created', formatDateTime(g.createdAt)],
    ['File size', formatBytes(g.audioBytes) || null],
    ['Favorite', g.isFavorited ? 'yes' : null],
  ];
  for (const [name, value] of rows) {
    if (value == null || value === '') continue;
    md.appendMarkdown(`**${name}:** ${escapeMarkdown(value)}  \n`);
  }
  // Speak Selection records where the text came from; the link opens the document at that line.
  // Only documents of this machine or its remote: imported data may name any URI.
  const source = openableSourceOf(g);
  if (source) {
    const link = sourceLink(source).replace(/[()\s]/g, encodeURIComponent);
    md.appendMarkdown(`**Generated from:** [${escapeMarkdown(sourceLabel(source))}](${link})  \n`);
  }
  return md;
}

/**
 * Backslash-escapes every ASCII punctuation character (CommonMark allows it for all of them),
 * so text shows literally; unlike MarkdownString.appendText it keeps ordinary, wrapping spaces.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

export function isGenerationNode(x: unknown): x is GenerationNode {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'generation' && 'generation' in x;
}

export function isGroupNode(x: unknown): x is GroupNode {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'group' && 'query' in x;
}

export function isLoadMoreNode(x: unknown): x is LoadMoreNode {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'more' && 'segment' in x;
}

/** Any row of the History view: a generation, a group header or a "Load more…" row. */
export function isHistoryNode(x: unknown): x is HistoryNode {
  return isGenerationNode(x) || isGroupNode(x) || isLoadMoreNode(x);
}

export type { ListPage };
