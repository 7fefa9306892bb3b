// The Stories view in the Voice History side bar: the tree, its selection for commands, and the
// `voiceHistory.hasStories` context key (the welcome shows while there is none).
import * as vscode from 'vscode';
import { disposeAll } from '../dispose';
import { StoriesTreeProvider } from './stories-tree';
import { isStoryItemNode, isStoryNode, type StoriesHistory, type StoriesNode, type StoryItemNode, type StoryNode } from './story-nodes';

export const STORIES_VIEW_ID = 'voiceHistory.stories';

export class StoriesView implements vscode.Disposable {
  readonly provider: StoriesTreeProvider;
  readonly treeView: vscode.TreeView<StoriesNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private hasStories: boolean | undefined;

  constructor(
    history: StoriesHistory | undefined,
    log: vscode.LogOutputChannel,
    options: { openError?: string; clickable?: () => boolean } = {},
  ) {
    this.provider = new StoriesTreeProvider(history, log, { clickable: options.clickable ?? (() => false) });
    this.treeView = vscode.window.createTreeView(STORIES_VIEW_ID, {
      treeDataProvider: this.provider,
      canSelectMany: true,
      showCollapseAll: true,
    });
    this.disposables.push(
      this.treeView,
      this.provider,
      this.provider.onDidLoad((count) => {
        if (count < 0) {
          this.treeView.message = `The stories could not be loaded: ${this.provider.error ?? 'unknown reason'} The log (Output → Voice History) has details.`;
          return;
        }
        this.treeView.message = undefined;
        const has = count > 0;
        if (has === this.hasStories) return;
        this.hasStories = has;
        void vscode.commands.executeCommand('setContext', 'voiceHistory.hasStories', has);
      }),
    );
    if (options.openError) this.treeView.message = options.openError;
  }

  dispose(): void {
    disposeAll(this.disposables);
  }

  /** Story rows selected (an item row counts as its story), in selection order, each once. */
  selectedStoryIds(): string[] {
    const ids = this.treeView.selection.map((n) => (isStoryNode(n) ? n.story.id : n.storyId));
    return [...new Set(ids)];
  }

  selectedItems(): StoryItemNode[] {
    return this.treeView.selection.filter(isStoryItemNode);
  }

  selectedStories(): StoryNode[] {
    return this.treeView.selection.filter(isStoryNode);
  }

  /** Shows a story selected (reading the top level first when needed); false when it is not there. */
  async reveal(storyId: string, options: { focus?: boolean; expand?: boolean } = {}): Promise<boolean> {
    await this.provider.settle();
    let node = this.provider.storyNode(storyId);
    if (!node) {
      await this.provider.getChildren();
      node = this.provider.storyNode(storyId);
    }
    if (!node) return false;
    const how = { select: true, focus: options.focus ?? false, expand: options.expand ?? false };
    try {
      await this.treeView.reveal(node, how);
    } catch {
      // VS Code was still reading the tree it was told to reload: once more, after it has.
      await new Promise((r) => setTimeout(r, 300));
      await this.treeView.reveal(this.provider.storyNode(storyId) ?? node, how);
    }
    return true;
  }
}
