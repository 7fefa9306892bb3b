// What the export, import and purge commands share: their dependencies, how they read file
// arguments (a file URI or an absolute path, so tests and other extensions can skip the dialogs),
// the save dialog with a remembered folder, progress with cancellation, and wording of errors.
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TranscoderOptions } from '../archive/transcoder';
import type { z } from 'zod';
import type { HistoryService } from '../history';
import type { HistoryView } from '../views/history-view';
import { formatBytes } from '../format/bytes';
import { requireHistory } from './targets';
import { describeIssues } from '../format/issues';

export interface ArchiveCommandDeps {
  history: HistoryService | undefined;
  /** Why the history could not be opened, with what to do. */
  openError: string | undefined;
  log: vscode.LogOutputChannel;
  view: HistoryView;
  /** Remembers the folder of the last export/import (globalState). */
  state: vscode.Memento;
  /** Written into every archive's manifest. */
  extensionVersion: string;
  /** The background storage budget, held off while an import writes. */
  retention?: { pause(): vscode.Disposable; postpone(ms: number): void };
  /** The encode worker and its wasm files, for exports in another format than the stored one. */
  encoder?: TranscoderOptions;
  /** dist/effects-worker.mjs: resampling, loudness and FLAC sources on export. */
  effectsWorkerPath?: string;
}

export function historyOf(deps: ArchiveCommandDeps): HistoryService {
  return requireHistory(deps.history, deps.openError);
}

const LAST_FOLDER_KEY = 'voiceHistory.archive.lastFolder';

function isUriLike(x: unknown): x is vscode.Uri {
  return (
    x instanceof vscode.Uri ||
    (typeof x === 'object' &&
      x !== null &&
      typeof (x as { scheme?: unknown }).scheme === 'string' &&
      typeof (x as { fsPath?: unknown }).fsPath === 'string')
  );
}

/** True for what `filePathOf` accepts: a Uri or an absolute path string. */
export function isFileArgument(x: unknown): boolean {
  return isUriLike(x) || (typeof x === 'string' && path.isAbsolute(x));
}

/**
 * The local path of a file argument. Only files on the extension host's disk can be read or
 * written by the archive code; anything else gets a message saying what to pass instead.
 */
export function filePathOf(x: unknown, what: string): string {
  if (isUriLike(x)) {
    if (x.scheme !== 'file') {
      throw new Error(`The ${what} ${x.toString(true)} is not on this machine's disk (${x.scheme}:). Choose a file in a local folder.`);
    }
    return x.fsPath;
  }
  if (typeof x === 'string' && path.isAbsolute(x)) return path.normalize(x);
  throw new Error(`The ${what} must be a file URI or an absolute path, not ${JSON.stringify(x)}.`);
}

/** Parses a command's options object with its zod schema; the message names the bad option. */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, command: string): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const details = describeIssues(parsed.error.issues, { whole: 'options' });
  throw new Error(`The options given to "${command}" are not valid (${details}).`);
}

/** A plain object among the arguments (not a Uri, array, or tree row): the command's options. */
export function optionsArgument(args: readonly unknown[], from: number): unknown {
  for (const a of args.slice(from)) {
    if (typeof a === 'object' && a !== null && !Array.isArray(a) && !isUriLike(a) && !('kind' in a && 'generation' in a)) return a;
  }
  return undefined;
}

/** The first file argument at or after `from`, as a local path. */
export function fileArgument(args: readonly unknown[], from: number, what: string): string | undefined {
  const found = args.slice(from).find(isFileArgument);
  return found === undefined ? undefined : filePathOf(found, what);
}

function startFolder(deps: Pick<ArchiveCommandDeps, 'state'>): string {
  const last = deps.state.get<string>(LAST_FOLDER_KEY);
  if (last && path.isAbsolute(last)) return last;
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return folder?.uri.fsPath ?? homedir();
}

export async function rememberFolder(deps: Pick<ArchiveCommandDeps, 'state'>, file: string): Promise<void> {
  await deps.state.update(LAST_FOLDER_KEY, path.dirname(file));
}

/** Asks where to save; the name ends with `extension` (added when the user left it out). */
export async function askSaveLocation(
  deps: Pick<ArchiveCommandDeps, 'state'>,
  options: { defaultName: string; title: string; saveLabel: string; filters: Record<string, string[]>; extension: string },
): Promise<string | undefined> {
  const uri = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(path.join(startFolder(deps), options.defaultName)),
    title: options.title,
    saveLabel: options.saveLabel,
    filters: options.filters,
  });
  if (!uri) return undefined;
  let file = filePathOf(uri, 'save location');
  if (!file.toLowerCase().endsWith(options.extension.toLowerCase())) file += options.extension;
  await rememberFolder(deps, file);
  return file;
}

export async function askOpenFiles(
  deps: ArchiveCommandDeps,
  options: { title: string; openLabel: string; filters: Record<string, string[]> },
): Promise<string[] | undefined> {
  const uris = await vscode.window.showOpenDialog({
    defaultUri: vscode.Uri.file(startFolder(deps)),
    title: options.title,
    openLabel: options.openLabel,
    filters: options.filters,
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
  });
  if (!uris || uris.length === 0) return undefined;
  const files = uris.map((u) => filePathOf(u, 'file to import'));
  await rememberFolder(deps, files[0]!);
  return files;
}

export interface ProgressReporter {
  /** Overall fraction done (0..1) and what to show. */
  report(fraction: number, message: string): void;
}

/**
 * Runs `work` under a cancellable notification. Cancel aborts the signal; work that throws
 * after that counts as cancelled (it is expected to have cleaned up after itself).
 */
export async function withCancellableProgress<T>(
  title: string,
  work: (signal: AbortSignal, progress: ProgressReporter) => Promise<T>,
): Promise<{ value: T; cancelled: false } | { value: undefined; cancelled: true }> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      let shown = 0;
      const reporter: ProgressReporter = {
        report(fraction, message) {
          const percent = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
          progress.report({ increment: percent > shown ? percent - shown : undefined, message });
          if (percent > shown) shown = percent;
        },
      };
      try {
        return { value: await work(controller.signal, reporter), cancelled: false as const };
      } catch (e) {
        if (controller.signal.aborted) return { value: undefined, cancelled: true as const };
        throw e;
      } finally {
        sub.dispose();
      }
    },
  );
}

/** An OS error while writing `file`, in words that say what to do. */
export function describeWriteError(e: unknown, file: string): Error {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const name = path.basename(file);
  const folder = path.dirname(file);
  const why: Record<string, string> = {
    ENOENT: `the folder ${folder} does not exist`,
    ENOTDIR: `${folder} is not a folder`,
    EACCES: `you may not write to ${folder}`,
    EPERM: `you may not write to ${folder}`,
    EROFS: `${folder} is read-only`,
    ENOSPC: 'the disk is full',
    EISDIR: `${name} is a folder`,
  };
  if (why[code])
    return new Error(`Could not write "${name}": ${why[code]}. Nothing was written; choose another location and export again.`);
  return e instanceof Error ? e : new Error(String(e));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function sizeText(bytes: number): string {
  return formatBytes(bytes) || '0 B';
}
