// Command handlers report failures to the user (a message that says what to do) and to the log,
// instead of leaving VS Code to show a bare stack.
import * as vscode from 'vscode';
import type { CommandHandler } from './registry';

export function guarded(log: vscode.LogOutputChannel, id: string, handler: CommandHandler): CommandHandler {
  return async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      log.error(`${id} failed: ${e instanceof Error && e.stack ? e.stack : message}`);
      void vscode.window.showErrorMessage(message.startsWith('Voice History') ? message : `Voice History: ${message}`);
      return undefined;
    }
  };
}

export function guardAll(log: vscode.LogOutputChannel, handlers: Record<string, CommandHandler>): Record<string, CommandHandler> {
  return Object.fromEntries(Object.entries(handlers).map(([id, h]) => [id, guarded(log, id, h)]));
}
