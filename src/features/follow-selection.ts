// The player follows the History tree: a single click (or moving the selection with the arrow
// keys) loads the row in the player without playing; a double click plays it, like Enter.
import * as vscode from 'vscode';
import type { PlayerSlot } from '../player/port';
import type { HistoryView } from '../views/history-view';
import { isGenerationNode, ROW_CLICK_COMMAND, type GenerationNode } from '../views/tree-nodes';

/** The tree runs a row's command on each click; a second one on the same row this soon is a double click. */
export const DOUBLE_CLICK_MS = 500;

export function followSelection(view: HistoryView, player: PlayerSlot, now: () => number = Date.now): vscode.Disposable {
  let lastClick: { id: string; at: number } | undefined;
  const onSelection = view.treeView.onDidChangeSelection((e) => {
    // Only a single generation row: a multi-selection is for bulk actions, not for listening.
    if (e.selection.length !== 1 || !isGenerationNode(e.selection[0])) return;
    const node = e.selection[0];
    if (node.generation.status === 'pending' || node.generation.status === 'generating') return;
    player.show(node.generation.id, view.provider.currentList(node));
  });
  const onClick = vscode.commands.registerCommand(ROW_CLICK_COMMAND, (arg: unknown) => {
    const selected = view.treeView.selection;
    const node = isGenerationNode(arg) ? arg : selected.length === 1 ? selected[0] : undefined;
    if (!isGenerationNode(node)) return;
    const at = now();
    const double = lastClick?.id === node.id && at - lastClick.at <= DOUBLE_CLICK_MS;
    lastClick = double ? undefined : { id: node.id, at };
    if (double) return vscode.commands.executeCommand('voiceHistory.play', node as GenerationNode);
    return undefined;
  });
  return vscode.Disposable.from(onSelection, onClick);
}
