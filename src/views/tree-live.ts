// How the History tree follows the history's change events without reloading on every one: field
// changes of shown rows update just those rows, anything that can move rows between groups
// becomes one debounced reload, and each row's latest change is remembered so a page read before
// it is re-read (see the provider's catch-up) instead of showing the older row.
import type * as vscode from 'vscode';
import { errorMessage } from '../format/errors';
import type { ChangeEvent, Generation } from '../history';
import type { TreeFilter } from '../history/tree-filter';
import { generationUri, type GenerationNode, type GroupBy, type TreeHistory } from './tree-nodes';

/** Row changes remembered for re-reading loads that began before them. */
const ROW_CHANGES_KEPT = 10_000;

/** What the live updates read and change in the provider. */
export interface LiveTree {
  readonly history: TreeHistory | undefined;
  filter(): TreeFilter;
  groupBy(): GroupBy;
  /** Loaded nodes of a generation (it may appear in Favorites and its own group). */
  nodesOf(generationId: string): GenerationNode[];
  isLoaded(generationId: string): boolean;
  /** Reloads what is shown, keeping how far each group was paged. */
  refresh(): void;
  /** The rows got new data in place; `flips` are the rows whose star or status changed. */
  rowsUpdated(nodes: GenerationNode[], flips: vscode.Uri[]): void;
  warn(message: string): void;
}

export class LiveUpdates {
  /** One count per history change event; reads remember it to know which changes they may have missed. */
  private changes = 0;
  /** Change count of each generation's latest row change (update, new version). */
  private readonly rowChanged = new Map<string, number>();
  private rowUpdates: Promise<void> = Promise.resolve();
  private rowTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshWaitingSince: number | undefined;
  private pendingUpdates = new Set<string>();

  constructor(private readonly tree: LiveTree) {}

  /** The change count now. */
  get count(): number {
    return this.changes;
  }

  /** The change count of a generation's latest row change, if one is remembered. */
  changedAt(id: string): number | undefined {
    return this.rowChanged.get(id);
  }

  /** A reload is starting: whatever was waiting is part of it. */
  settle(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.refreshWaitingSince = undefined;
    this.pendingUpdates.clear();
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
  }

  onHistoryChange(e: ChangeEvent): void {
    this.changes++;
    // Stories only reference generations; the tree does not show them. A tag edit comes with an
    // update of the generations it touched, which decides what they need (movesGroups).
    if (e.kind === 'entity' && (e.entity === 'story' || e.entity === 'tag')) return;
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

  private scheduleRowUpdate(): void {
    if (this.rowTimer) return;
    this.rowTimer = setTimeout(() => {
      this.rowTimer = undefined;
      // One at a time, so an older read never lands after a newer one.
      this.rowUpdates = this.rowUpdates.then(() => this.updateRows()).catch(() => undefined);
    }, 30);
  }

  private async updateRows(): Promise<void> {
    const history = this.tree.history;
    const ids = [...this.pendingUpdates].filter((id) => this.tree.isLoaded(id));
    this.pendingUpdates.clear();
    if (ids.length === 0 || !history) {
      // Not shown: it may still enter a group (e.g. it became a favorite); a cheap refresh decides.
      if (ids.length === 0) this.scheduleRefresh();
      return;
    }
    try {
      const fresh = await history.getMany(ids);
      const byId = new Map(fresh.map((g) => [g.id, g]));
      const touched: GenerationNode[] = [];
      const flips: vscode.Uri[] = [];
      for (const id of ids) {
        const g = byId.get(id);
        const nodes = this.tree.nodesOf(id);
        const old = nodes[0]?.generation;
        if (!g || !old || this.movesGroups(old, g)) return this.scheduleRefresh();
        if (old.isFavorited !== g.isFavorited || old.status !== g.status) flips.push(generationUri(id));
        for (const node of nodes) {
          node.generation = g;
          touched.push(node);
        }
      }
      this.tree.rowsUpdated(touched, flips);
    } catch (e) {
      this.tree.warn(`History tree: row update failed, refreshing: ${errorMessage(e)}`);
      this.scheduleRefresh();
    }
  }

  /** Whether an update can change which groups show the generation (then the groups reload). */
  private movesGroups(old: Generation, g: Generation): boolean {
    const f = this.tree.filter();
    if (old.isFavorited !== g.isFavorited) return true;
    if (old.profileId !== g.profileId || old.engine !== g.engine || old.createdAt !== g.createdAt) return true;
    if (f.status && old.status !== g.status) return true;
    const tagsChanged = old.tags.join('\n') !== g.tags.join('\n');
    // Search finds title, notes and tags too.
    if (f.search && (old.text !== g.text || old.instruct !== g.instruct || old.title !== g.title || old.notes !== g.notes || tagsChanged))
      return true;
    if (tagsChanged && (f.tag || f.untagged || this.tree.groupBy() === 'tag')) return true;
    if (f.engine && old.engine !== g.engine) return true;
    if (f.language && old.language !== g.language) return true;
    return false;
  }

  private scheduleRefresh(): void {
    // Bursts of changes (an import, a generation's status steps) become one reload, but a
    // never-ending stream still reloads about once a second.
    const now = Date.now();
    this.refreshWaitingSince ??= now;
    if (this.refreshTimer && now - this.refreshWaitingSince > 1000) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshWaitingSince = undefined;
      this.tree.refresh();
    }, 60);
  }
}
