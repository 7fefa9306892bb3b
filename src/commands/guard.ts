// Command handlers report failures to the user (a message that says what to do) and to the log,
// instead of leaving VS Code to show a bare stack. registerCommands puts every handler behind it.
import * as vscode from 'vscode';
import { errorDetail, errorMessage } from '../format/errors';

export type CommandHandler = (...args: unknown[]) => unknown;

export function guarded(log: vscode.LogOutputChannel, id: string, handler: CommandHandler): CommandHandler {
  return async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (e) {
      const message = errorMessage(e);
      log.error(`${id} failed: ${errorDetail(e)}`);
      void vscode.window.showErrorMessage(message.startsWith('Voice History') ? message : `Voice History: ${message}`);
      return undefined;
    }
  };
}
