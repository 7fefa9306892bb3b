// What arrives as a command's arguments depends on where it was run from. The palette and most
// keybindings pass nothing; a row's context menu passes (row, selected rows); and the History
// view's title bar passes the tree's focused row too, once any row has been clicked. Commands that
// act on the whole view (search, filter, grouping, import, purge, …) must not read that row as
// their own argument: for them a tree row means "run as if from the palette".
import { isHistoryNode } from '../views/tree-nodes';
import type { CommandHandler } from './guard';
import type { CommandId } from './ids.generated';

/** Commands whose arguments are never rows of the History view (they act on the view or the history). */
export const VIEW_LEVEL_COMMANDS: ReadonlySet<CommandId> = new Set<CommandId>([
  'voiceHistory.search',
  'voiceHistory.filter',
  'voiceHistory.clearFilters',
  'voiceHistory.refresh',
  'voiceHistory.groupBy',
  'voiceHistory.showStatistics',
  'voiceHistory.deleteFailed',
  'voiceHistory.exportFiltered',
  'voiceHistory.import',
  'voiceHistory.importAudioFiles',
  'voiceHistory.purge',
  'voiceHistory.reconcile',
  'voiceHistory.speakSelection',
  'voiceHistory.generateSpeech',
  'voiceHistory.speakComposedText',
  'voiceHistory.importFromElevenLabs',
  'voiceHistory.setApiKey',
  'voiceHistory.clearApiKey',
  'voiceHistory.openDocs',
]);

/** The arguments a view-level command should see: none when VS Code handed it tree rows. */
export function withoutTreeRows(args: readonly unknown[]): unknown[] {
  const [first, second] = args;
  if (isHistoryNode(first)) return [];
  // (undefined, rows[]) can come from a title-bar run with a selection but no focus.
  if ((first === undefined || first === null) && Array.isArray(second) && second.length > 0 && second.every(isHistoryNode)) return [];
  return [...args];
}

/** The handler as registered: a view-level command drops a tree row VS Code passed it. */
export function acceptingEveryInvocation(id: CommandId, handler: CommandHandler): CommandHandler {
  return VIEW_LEVEL_COMMANDS.has(id) ? (...args: unknown[]) => handler(...withoutTreeRows(args)) : handler;
}
