// The History tree's rows as VS Code hands them back to commands: group headers, generations and
// "Load more…" rows, with the guards commands use to tell a row from their own arguments. Tree
// item ids are stable (`<group>/<generation id>`), so VS Code keeps expansion and selection across
// refreshes.
import * as vscode from 'vscode';
import type { Generation, HistoryService, ListQueryInput } from '../history';
import type { Segment } from './tree-pager';

/** What the tree reads from the history service. */
export type TreeHistory = Pick<HistoryService, 'list' | 'listProfiles' | 'listTags' | 'stats' | 'get' | 'getMany' | 'onDidChange'>;

export const GROUP_BY_VALUES = ['date', 'profile', 'engine', 'tag', 'flat'] as const;
export type GroupBy = (typeof GROUP_BY_VALUES)[number];

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
  /** How many generations it holds, once counted (the header shows it). */
  count?: number;
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

/** The flat grouping's top level is one hidden group. */
export const FLAT_ID = 'all';
export const NO_ENGINE_GROUP = 'engine-none';
export const UNTAGGED_GROUP = 'tag-none';

/** The row's resource URI: the file decoration provider marks favorites and failures by it. */
export function generationUri(id: string): vscode.Uri {
  return vscode.Uri.from({ scheme: 'voice-history-generation', path: `/${id}` });
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
