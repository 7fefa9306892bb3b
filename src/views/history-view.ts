// The History tree view: the provider plus what the view shows around it (filter description,
// message, pending badge, favorite/failed row decorations, context keys) and the settings that
// drive it (`voiceHistory.tree.groupBy`, `voiceHistory.tree.pageSize`).
import * as vscode from 'vscode';
import type { HistoryService } from '../history';
import { HistoryTreeProvider } from './history-tree';
import { GROUP_BY_VALUES, isGenerationNode, type GenerationNode, type GroupBy, type HistoryNode, type TreeHistory } from './tree-nodes';
import { describeFilter, filterQuery, type TreeFilter } from '../history/tree-filter';
import { formatCount } from '../format/text';
import { disposeAll } from '../dispose';
import { errorMessage } from '../format/errors';

export const VIEW_ID = 'voiceHistory.history';
const DEFAULT_PAGE_SIZE = 100;

export function readGroupBy(): GroupBy {
  const value = vscode.workspace.getConfiguration('voiceHistory').get<string>('tree.groupBy', 'date');
  return (GROUP_BY_VALUES as readonly string[]).includes(value) ? (value as GroupBy) : 'date';
}

export function readPageSize(): number {
  const value = vscode.workspace.getConfiguration('voiceHistory').get<number>('tree.pageSize', DEFAULT_PAGE_SIZE);
  return Number.isInteger(value) && value >= 10 && value <= 1000 ? value : DEFAULT_PAGE_SIZE;
}

export const GROUP_BY_LABELS: Record<GroupBy, string> = {
  date: 'Date',
  profile: 'Voice Profile',
  engine: 'Engine',
  tag: 'Tag',
  flat: 'None (flat list)',
};

export class HistoryView implements vscode.Disposable {
  readonly provider: HistoryTreeProvider;
  readonly treeView: vscode.TreeView<HistoryNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private badgeTimer: NodeJS.Timeout | undefined;
  private lastSelection: readonly HistoryNode[] = [];
  private hasGenerations: boolean | undefined;
  private noMatchesShown = false;

  constructor(
    private readonly history: TreeHistory | undefined,
    private readonly log: vscode.LogOutputChannel,
    options: {
      dragAndDropController?: vscode.TreeDragAndDropController<HistoryNode>;
      /** Why the history could not be opened (shown instead of the tree). */
      openError?: string;
    } = {},
  ) {
    this.provider = new HistoryTreeProvider(history, { pageSize: readPageSize, groupBy: readGroupBy, log });
    this.treeView = vscode.window.createTreeView(VIEW_ID, {
      treeDataProvider: this.provider,
      canSelectMany: true,
      showCollapseAll: true,
      dragAndDropController: options.dragAndDropController,
    });
    const decorations = new vscode.EventEmitter<vscode.Uri[]>();
    this.disposables.push(
      this.treeView,
      this.provider,
      decorations,
      this.provider.onDidChangeDecorations((uris) => decorations.fire(uris)),
      vscode.window.registerFileDecorationProvider({
        onDidChangeFileDecorations: decorations.event,
        provideFileDecoration: (uri) => this.decoration(uri),
      }),
      this.provider.onDidUpdate(() => {
        this.updateTitle();
        this.scheduleBadge();
      }),
      this.treeView.onDidChangeSelection((e) => (this.lastSelection = e.selection)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('voiceHistory.tree.groupBy')) {
          void vscode.commands.executeCommand('setContext', 'voiceHistory.groupBy', readGroupBy());
          this.provider.reset();
        } else if (e.affectsConfiguration('voiceHistory.tree.pageSize')) {
          this.provider.reset();
        }
      }),
    );
    void vscode.commands.executeCommand('setContext', 'voiceHistory.groupBy', readGroupBy());
    void vscode.commands.executeCommand('setContext', 'voiceHistory.filtered', false);
    if (options.openError) this.treeView.message = options.openError;
    // The badge counts pending generations even while the view is hidden (then the tree does not reload).
    const sub = history?.onDidChange(() => this.scheduleBadge());
    if (sub) this.disposables.push(sub);
    this.scheduleBadge();
    this.provider.prefetch();
  }

  dispose(): void {
    clearTimeout(this.badgeTimer);
    clearTimeout(this.filterMessageTimer);
    disposeAll(this.disposables);
  }

  get filter(): TreeFilter {
    return this.provider.filter;
  }

  setFilter(filter: TreeFilter): void {
    this.provider.setFilter(filter);
    void vscode.commands.executeCommand('setContext', 'voiceHistory.filtered', this.provider.filtered);
    this.updateTitle();
  }

  async setGroupBy(groupBy: GroupBy): Promise<void> {
    if (readGroupBy() === groupBy) return;
    // Global: the choice follows the user across workspaces; the configuration listener reloads the tree.
    await vscode.workspace.getConfiguration('voiceHistory').update('tree.groupBy', groupBy, vscode.ConfigurationTarget.Global);
  }

  /** True while a filter is set and matches nothing (the view then offers Clear Filters). */
  get noMatches(): boolean {
    return this.noMatchesShown;
  }

  /** Generation rows currently selected, in display order. */
  selectedGenerations(): GenerationNode[] {
    const selection = this.treeView.selection.length > 0 ? this.treeView.selection : this.lastSelection;
    return selection.filter(isGenerationNode);
  }

  /** Shows a generation in the tree (loading its page if needed), selected and focused. */
  async reveal(generationId: string, options: { focus?: boolean } = {}): Promise<boolean> {
    const node = await this.provider.locate(generationId);
    if (!node) return false;
    // The group was re-announced to VS Code; let it re-read the children before revealing.
    await this.provider.whenChildrenLoaded(node.group, 1500);
    await this.treeView.reveal(node, { select: true, focus: options.focus ?? true, expand: true });
    return true;
  }

  private decoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'voice-history-generation') return undefined;
    const g = this.provider.loadedGeneration(uri.path.slice(1));
    if (!g) return undefined;
    if (g.isFavorited) {
      return new vscode.FileDecoration('★', 'Favorite', g.status === 'failed' ? new vscode.ThemeColor('list.errorForeground') : undefined);
    }
    if (g.status === 'failed') return new vscode.FileDecoration(undefined, 'Failed', new vscode.ThemeColor('list.errorForeground'));
    return undefined;
  }

  private updateTitle(): void {
    const error = this.provider.error;
    const filtered = this.provider.filtered;
    const words = filtered ? describeFilter(this.provider.filter, (id) => this.provider.profileName(id)) : '';
    this.treeView.description = filtered ? `Filtered: ${words}` : undefined;
    // Generate Speech / Speak Selection join the title bar once the empty-history welcome (which offers them) is gone.
    const hasGenerations = filtered || !this.provider.isEmpty;
    if (hasGenerations !== this.hasGenerations) {
      this.hasGenerations = hasGenerations;
      void vscode.commands.executeCommand('setContext', 'voiceHistory.hasGenerations', hasGenerations);
    }
    // Nothing matches the filter: the "no matches" welcome (package.json) offers Clear Filters. VS Code
    // shows a welcome only while the view has no message; the description still names the filter.
    const noMatches = filtered && this.provider.isEmpty && !error;
    if (noMatches !== this.noMatchesShown) {
      this.noMatchesShown = noMatches;
      void vscode.commands.executeCommand('setContext', 'voiceHistory.noMatches', noMatches);
    }
    if (error) {
      this.treeView.message = `The history could not be loaded: ${error} Try Refresh; the log (Output → Voice History) has details.`;
    } else if (filtered && !noMatches && this.history) {
      // The header's description is squeezed by the title-bar buttons (at the default width too,
      // while the view has focus): the message line above the rows says it in full, and wraps.
      this.scheduleFilterMessage(words);
    } else if (this.history) {
      this.filterMessageToken++;
      this.treeView.message = undefined;
    }
  }

  private filterMessageToken = 0;
  private filterMessageTimer: NodeJS.Timeout | undefined;

  /** "12 of 1,234 generations match the filter: favorites, slt." once counted (the store's count queries). */
  private scheduleFilterMessage(words: string): void {
    const token = ++this.filterMessageToken;
    clearTimeout(this.filterMessageTimer);
    this.filterMessageTimer = setTimeout(() => void this.showFilterMessage(token, words), 100);
  }

  private async showFilterMessage(token: number, words: string): Promise<void> {
    const history = this.history as Pick<HistoryService, 'list' | 'stats'>;
    try {
      const [matching, all] = await Promise.all([
        history.list({ ...filterQuery(this.provider.filter), pageSize: 1, withTotal: true }),
        history.stats(),
      ]);
      if (token !== this.filterMessageToken) return;
      const n = matching.total ?? 0;
      this.treeView.message = `${formatCount(n)} of ${formatCount(all.totalGenerations)} generation${all.totalGenerations === 1 ? '' : 's'} match the filter: ${words}.`;
    } catch (e) {
      if (token !== this.filterMessageToken) return;
      this.treeView.message = `Filtered: ${words}.`;
      this.log.warn(`History view: could not count the filtered generations: ${errorMessage(e)}`);
    }
  }

  private scheduleBadge(): void {
    if (!this.history || this.badgeTimer) return;
    this.badgeTimer = setTimeout(() => {
      this.badgeTimer = undefined;
      void this.updateBadge();
    }, 150);
  }

  private async updateBadge(): Promise<void> {
    try {
      const page = await (this.history as Pick<HistoryService, 'list'>).list({ status: ['pending', 'generating'], pageSize: 1, offset: 0 });
      const pending = page.total ?? page.items.length;
      this.treeView.badge =
        pending > 0 ? { value: pending, tooltip: `${pending} generation${pending === 1 ? '' : 's'} pending` } : undefined;
    } catch (e) {
      this.log.warn(`History view: could not count pending generations: ${errorMessage(e)}`);
    }
  }
}
