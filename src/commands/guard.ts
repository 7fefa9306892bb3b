// Command handlers report failures to the user (a message that says what to do, with Show Log) and
// to the log (the stack), instead of leaving VS Code to show a bare stack. registerCommands puts
// every handler behind it.
import type * as vscode from 'vscode';
import { errorMessage } from '../format/errors';
import { showErrorToast } from '../views/error-toast';

export type CommandHandler = (...args: unknown[]) => unknown;

export function guarded(log: vscode.LogOutputChannel, id: string, handler: CommandHandler): CommandHandler {
  return async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (e) {
      void showErrorToast(log, errorMessage(e), { detail: e, context: `${id} failed` });
      return undefined;
    }
  };
}
