import * as vscode from 'vscode';

/** Placeholder provider: an empty tree lets the welcome view show until the history tree lands. */
export class HistoryTreeProvider implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }
  getChildren(): never[] {
    return [];
  }
}
