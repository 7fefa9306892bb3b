import * as vscode from 'vscode';
import { acceptingEveryInvocation } from './invocation';

export type CommandHandler = (...args: unknown[]) => unknown;

/** Every command the manifest contributes; the ones without a handler yet say so instead of failing silently. */
export function registerCommands(
  contributed: readonly string[],
  handlers: Partial<Record<string, CommandHandler>>,
): vscode.Disposable[] {
  const accepting = acceptingEveryInvocation(handlers);
  return contributed.map((id) =>
    vscode.commands.registerCommand(id, accepting[id] ?? (() => notYetAvailable(id))),
  );
}

function notYetAvailable(id: string): void {
  void vscode.window.showInformationMessage(`Voice History: "${id}" is not yet available in this version.`);
}
