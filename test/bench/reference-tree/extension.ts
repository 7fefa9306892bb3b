// A tree with the History view's shape (date groups, the first expanded with a page of rows that
// carry the same fields) answered from memory: what opening such a view costs in VS Code itself.
import * as vscode from 'vscode';

const PAGE = 100;
const GROUPS = ['Today', 'Yesterday', 'This week', 'This month', ...Array.from({ length: 11 }, (_, i) => `Month ${i + 1}`)];

type Node = { group: string } | { row: number };

export function activate(context: vscode.ExtensionContext): void {
  const rows: Node[] = Array.from({ length: PAGE }, (_, row) => ({ row }));
  const groups: Node[] = GROUPS.map((group) => ({ group }));
  const provider: vscode.TreeDataProvider<Node> = {
    getChildren: (node) => (!node ? groups : 'group' in node && node.group === 'Today' ? rows : []),
    getTreeItem: (node) => {
      if ('group' in node) {
        const item = new vscode.TreeItem(
          node.group,
          node.group === 'Today' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = `group:${node.group}`;
        item.iconPath = new vscode.ThemeIcon('calendar');
        return item;
      }
      const item = new vscode.TreeItem(`Welcome back to the evening news, take ${node.row}`, vscode.TreeItemCollapsibleState.None);
      item.id = `row:${node.row}`;
      item.description = `Alice · 0:03 · ${node.row + 1} min ago`;
      item.iconPath = new vscode.ThemeIcon('unmute');
      item.resourceUri = vscode.Uri.from({ scheme: 'reference-tree-row', path: `/${node.row}` });
      item.contextValue = 'generation completed';
      item.accessibilityInformation = { label: `${item.label}, voice Alice, 3 seconds`, role: 'treeitem' };
      return item;
    },
  };
  context.subscriptions.push(vscode.window.createTreeView('referenceTree.rows', { treeDataProvider: provider, canSelectMany: true }));
}
