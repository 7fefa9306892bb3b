// Which generations a command acts on. VS Code calls tree commands with (clicked row, selected
// rows); keybindings and the palette pass nothing (then the tree's selection counts); other code
// and tests pass ids, id lists, or objects with an `id`.
import * as vscode from 'vscode';
import { idSchema, type HistoryService } from '../history';
import { isGenerationNode, isHistoryNode, type GenerationNode } from '../views/tree-nodes';
import type { HistoryView } from '../views/history-view';

export interface Targets {
  ids: string[];
  /** The row the command was invoked on, when it came from the tree. */
  node: GenerationNode | undefined;
  /** True when the targets came from the tree (selection or clicked rows). */
  fromTree: boolean;
}

export function resolveTargets(view: HistoryView, args: unknown[]): Targets {
  const [first, second] = args;
  if (isGenerationNode(first)) {
    // A row inside a multi-selection acts on the whole selection (VS Code passes it second).
    const many = Array.isArray(second) ? second.filter(isGenerationNode) : [];
    const nodes = many.some((n) => n.id === first.id) ? many : [first];
    return { ids: unique(nodes.map((n) => n.generation.id)), node: first, fromTree: true };
  }
  // Nothing, or a group header / "Load more…" row (a keybinding on a focused group): the selection counts.
  if (first === undefined || first === null || isHistoryNode(first)) {
    const nodes = view.selectedGenerations();
    return { ids: unique(nodes.map((n) => n.generation.id)), node: nodes[0], fromTree: true };
  }
  const ids = (Array.isArray(first) ? first : [first]).map(idOf);
  const bad = ids.findIndex((id) => id === undefined);
  if (bad >= 0) {
    throw new Error(
      `Voice History: argument ${bad + 1} is not a generation. Pass a generation id (UUID), a list of ids, or a row of the History view.`,
    );
  }
  return { ids: unique(ids as string[]), node: undefined, fromTree: false };
}

function idOf(x: unknown): string | undefined {
  if (isGenerationNode(x)) return x.generation.id;
  const candidate = typeof x === 'string' ? x : typeof x === 'object' && x !== null && 'id' in x ? (x as { id: unknown }).id : undefined;
  return idSchema.safeParse(candidate).success ? (candidate as string) : undefined;
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

/** The history service, or an error telling the user why it is missing. */
export function requireHistory(history: HistoryService | undefined, openError: string | undefined): HistoryService {
  if (history) return history;
  throw new Error(
    openError ?? 'Voice History: the history is not open yet. Reload the window; the Voice History output shows why it failed.',
  );
}

export function nothingSelected(action: string): undefined {
  void vscode.window.showInformationMessage(`Voice History: select one or more generations in the History view to ${action}.`);
  return undefined;
}
