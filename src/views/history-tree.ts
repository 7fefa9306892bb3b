// The History tree's data provider: what VS Code asks (top level, a group's rows, items, parents)
// and what commands ask (loaded rows, reveal, load more). Its parts: the groups and their pagers
// (tree-groups.ts, read by tree-roots.ts), the loaded nodes (tree-index.ts), live updates from the
// service's change events (tree-live.ts), and how rows look (tree-items.ts; types in tree-nodes.ts).
import * as vscode from 'vscode';
import { errorMessage } from '../format/errors';
import type { Generation } from '../history';
import { isFiltered, normalize, type TreeFilter } from '../history/tree-filter';
import { TreeGroups } from './tree-groups';
import { NodeIndex } from './tree-index';
import { generationItem, generationTooltip, groupItem, moreItem } from './tree-items';
import { LiveUpdates } from './tree-live';
import { groupFor } from './tree-roots';
import {
  FLAT_ID,
  type GenerationNode,
  type GroupBy,
  type GroupNode,
  type HistoryNode,
  type LoadMoreNode,
  type TreeHistory,
} from './tree-nodes';
import type { GroupPager } from './tree-pager';

export interface HistoryTreeOptions {
  pageSize(): number;
  groupBy(): GroupBy;
  log: { info(message: string): void; error(message: string): void; warn(message: string): void };
  /** "now" for relative times and date buckets (tests may pin it). */
  now?: () => number;
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
  private readonly groups: TreeGroups;
  private readonly index = new NodeIndex();
  private readonly live: LiveUpdates;
  private loadError: string | undefined;
  /** When the view first asked for its top level (reported once: how long until the first page was ready). */
  private firstAsked: number | undefined;
  private firstReported = false;
  /** Time spent in getChildren until the first page was ready (the rest is VS Code's round trips). */
  private firstWork = 0;
  private readonly subscription: { dispose(): void } | undefined;
  private countsTimer: NodeJS.Timeout | undefined;
  /** The top level loaded before the first page was shown: count once it is. */
  private countsWaiting = false;
  private readonly now: () => number;

  constructor(
    private readonly history: TreeHistory | undefined,
    private readonly options: HistoryTreeOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.live = new LiveUpdates({
      history,
      filter: () => this.filterState,
      groupBy: () => options.groupBy(),
      nodesOf: (id) => this.index.nodesOf(id),
      isLoaded: (id) => this.index.has(id),
      refresh: () => this.refresh(),
      rowsUpdated: (nodes, flips) => {
        for (const node of nodes) this.changed.fire(node);
        if (flips.length > 0) this.favoritesChanged.fire(flips);
        this.rootsChanged.fire();
      },
      warn: (message) => options.log.warn(message),
    });
    this.groups = new TreeGroups({
      history,
      filter: () => this.filterState,
      groupBy: () => options.groupBy(),
      pageSize: () => options.pageSize(),
      now: () => this.now(),
      changes: () => this.live.count,
      loaded: (shown) => {
        for (const id of this.index.groupIds()) if (!shown.has(id)) this.index.forgetGroup(id);
        this.rootsChanged.fire();
        this.scheduleCounts();
      },
    });
    this.subscription = history?.onDidChange((e) => this.live.onHistoryChange(e));
  }

  dispose(): void {
    this.subscription?.dispose();
    this.live.dispose();
    clearTimeout(this.countsTimer);
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
    return this.groups.profileName(id);
  }

  setFilter(filter: TreeFilter): void {
    this.filterState = normalize(filter);
    this.reset();
  }

  /** Drops everything loaded (grouping or filter changed) and shows the top again. */
  reset(): void {
    for (const id of this.index.groupIds()) this.index.forgetGroup(id);
    this.groups.reset();
    this.changed.fire(undefined);
    this.prefetch();
  }

  /**
   * Reads the top level and the first group's page before the view asks (VS Code asks only once
   * the view is shown), so opening the view costs VS Code's round trips and nothing more. A shown
   * view's own request joins the same read.
   */
  prefetch(): void {
    if (this.history) void this.groups.load().catch(() => undefined);
  }

  /** Reloads what is shown, keeping how far each group was paged. */
  refresh(): void {
    this.live.settle();
    this.groups.markStale();
    this.changed.fire(undefined);
    this.prefetch();
  }

  // ---- TreeDataProvider -----------------------------------------------------------------

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group':
        return groupItem(node);
      case 'generation':
        return generationItem(node, { now: this.now(), groupBy: this.options.groupBy() });
      case 'more':
        return moreItem(node);
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
        const roots = await this.groups.load();
        this.loadError = undefined;
        if (this.options.groupBy() === 'flat') {
          const favorites = roots.filter((g) => g.favorites);
          const flat = this.groups.flatGroup();
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
      if (node.expandFirst) this.reportFirstPage(started, this.groups.top().length, children.length);
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
    if (this.countsWaiting) this.scheduleCounts();
    this.options.log.info(
      `History tree: first page ready in ${ms.toFixed(1)} ms after the view asked, ${work.toFixed(1)} ms of it in the extension (${groups} groups, ${rows} rows)`,
    );
  }

  /**
   * The group headers' counts are read after the top level is shown (and again after each reload),
   * never before the first page: they must not slow it down.
   */
  private scheduleCounts(): void {
    if (!this.firstReported) {
      this.countsWaiting = true;
      return;
    }
    this.countsWaiting = false;
    clearTimeout(this.countsTimer);
    this.countsTimer = setTimeout(() => {
      this.groups
        .count()
        .then((changed) => {
          for (const g of changed) this.changed.fire(g);
        })
        .catch((e) => this.options.log.warn(`History tree: could not count the groups: ${errorMessage(e)}`));
    }, 50);
  }

  getParent(node: HistoryNode): HistoryNode | undefined {
    if (node.kind === 'group') return undefined;
    return node.group && node.group.id !== FLAT_ID ? node.group : undefined;
  }

  resolveTreeItem(item: vscode.TreeItem, node: HistoryNode): vscode.TreeItem {
    if (node.kind === 'generation') item.tooltip = generationTooltip(node.generation, this.groups.profile(node.generation.profileId));
    return item;
  }

  // ---- what commands read ---------------------------------------------------------------

  /** Loaded generation nodes of a generation id (it may appear in Favorites and its own group). */
  nodesOf(generationId: string): GenerationNode[] {
    return this.index.nodesOf(generationId);
  }

  /** A loaded generation by id, from any group. */
  loadedGeneration(generationId: string): Generation | undefined {
    return this.index.loadedGeneration(generationId);
  }

  /**
   * Ids in display order for next/previous in the player: the favorites group's own list when
   * playing from it, else every loaded generation of the regular groups.
   */
  currentList(from?: GenerationNode): string[] {
    return this.groups.currentList(from);
  }

  /** True once the top level is loaded (for the current grouping and filter) and shows nothing. */
  get isEmpty(): boolean {
    return this.groups.isEmpty;
  }

  /** The groups currently on the top level (after the first load). */
  topGroups(): GroupNode[] {
    return this.groups.top();
  }

  /** Loads the next page of the group a "Load more…" row belongs to. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const group = node.group ?? this.groups.flatGroup();
    const pager = this.groups.pager(group.id);
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
    const roots = await this.groups.load();
    const group = groupFor(generation, roots, this.options.groupBy(), () => this.groups.flatGroup());
    if (!group) return undefined;
    const pager = this.groups.pagerFor(group);
    const found = await pager.include(generation, this.options.pageSize());
    if (!found) return undefined;
    await this.catchUp(pager);
    this.indexGroup(group, pager);
    const node = this.index.node(`${group.id}/${generation.id}`);
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

  // ---- children ---------------------------------------------------------------------------

  private async groupChildren(group: GroupNode): Promise<HistoryNode[]> {
    const pager = this.groups.pagerFor(group);
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
      const ids = pager.outdated((id) => this.live.changedAt(id));
      if (ids.length === 0 || !this.history) return;
      const readAt = this.live.count;
      pager.replaceRows(await this.history.getMany(ids), readAt);
    }
  }

  private indexGroup(group: GroupNode, pager: GroupPager): HistoryNode[] {
    const { nodes, flips } = this.index.index(group, pager);
    if (flips.length > 0) this.favoritesChanged.fire(flips);
    return nodes;
  }
}
