// Registers one handler for every command package.json contributes. The handler tables are typed
// against the generated ids (ids.generated.ts), so a missing or misspelt handler is a compile
// error; and every handler is registered through the same error guard.
import * as vscode from 'vscode';
import { guarded, type CommandHandler } from './guard';
import { COMMAND_IDS, type CommandId } from './ids.generated';
import { acceptingEveryInvocation } from './invocation';

export type { CommandHandler } from './guard';
export type { CommandId } from './ids.generated';

/** Handlers for some of the contributed commands, by id. */
export type CommandTable<K extends CommandId = CommandId> = Record<K, CommandHandler>;

/** A table of handlers whose ids are checked against package.json (an unknown id does not compile). */
export function commandTable<K extends CommandId>(handlers: CommandTable<K>): CommandTable<K> {
  return handlers;
}

/**
 * Every contributed command, each through the error guard (and, for view-level commands, without
 * the tree row VS Code passes from the title bar). Throws when one has no handler.
 */
export function registerCommands(log: vscode.LogOutputChannel, handlers: CommandTable): vscode.Disposable[] {
  const missing = COMMAND_IDS.filter((id) => typeof handlers[id] !== 'function');
  if (missing.length > 0) throw new Error(`Voice History: no handler for ${missing.join(', ')}.`);
  return COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, guarded(log, id, acceptingEveryInvocation(id, handlers[id]))));
}
