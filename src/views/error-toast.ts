// The one way Voice History shows an error: a toast in sentences (no stack frames, no JSON; see
// plainMessage) that offers "Show Log", and the full detail (the stack, the original text) in the
// Voice History log. Commands, views and the extension's start-up all use it.
import * as vscode from 'vscode';
import { errorDetail } from '../format/errors';
import { plainMessage } from '../format/user-text';

export const SHOW_LOG = 'Show Log';

/** The log an error toast writes to and opens. */
export type ToastLog = Pick<vscode.LogOutputChannel, 'error' | 'warn' | 'show'>;

export interface ErrorToastOptions {
  /** What broke (an Error's stack, a server's body): logged, never shown. */
  detail?: unknown;
  /** Buttons before "Show Log" (e.g. Retry). */
  actions?: readonly string[];
  /** Where it happened, for the log line (e.g. the command id). */
  context?: string;
  /** A warning rather than an error (something was skipped, nothing failed outright). */
  warning?: boolean;
}

/** "Voice History: <message>" as shown: the product's name once at the start. */
export function toastMessage(message: string): string {
  const plain = plainMessage(message);
  return /^Voice History\b/.test(plain) ? plain : `Voice History: ${plain}`;
}

/**
 * Shows the toast and logs the detail. Resolves with the action the user picked (not "Show Log",
 * which opens the log itself), or undefined. Callers that only inform need not await it.
 */
export async function showErrorToast(log: ToastLog, message: string, options: ErrorToastOptions = {}): Promise<string | undefined> {
  const text = toastMessage(message);
  const detail = options.detail === undefined ? undefined : errorDetail(options.detail);
  const where = options.context ? `${options.context}: ` : '';
  const line = `${where}${message}${detail && detail !== message ? `\n${detail}` : ''}`;
  if (options.warning) log.warn(line);
  else log.error(line);
  const show = options.warning ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
  const picked = await show(text, ...(options.actions ?? []), SHOW_LOG);
  if (picked === SHOW_LOG) {
    log.show(true);
    return undefined;
  }
  return picked;
}
