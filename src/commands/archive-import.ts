// Import… and Import Audio Files…
//
// Arguments (all optional; without files the open dialog asks):
//   import(files?, { useFileNames?: boolean, profileName?: string })
//   importAudioFiles(files?, { useFileNames?, profileName? })
// `files` is a file URI, an absolute path, or a list of them (the Explorer's context menu passes
// the clicked file and the selection). `useFileNames` takes each audio file's name as its text
// instead of asking (for audio without a sidecar). Resolves to the import summary, or undefined
// when the user closed the dialog.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { z } from 'zod';
import { detectInput } from '../archive/detect';
import { importFiles, type ImportProgress, type ImportRejection, type ImportSummary } from '../archive/import';
import { importLimitsSchema, LIMIT_SETTINGS, type ImportLimitsInput } from '../archive/limits';
import type { HistoryService } from '../history';
import { profileNameSchema } from '../history/schemas';
import { readRetentionPolicy } from '../views/retention';
import {
  askOpenFiles,
  filePathOf,
  historyOf,
  isFileArgument,
  optionsArgument,
  parseOptions,
  plural,
  sizeText,
  withCancellableProgress,
  type ArchiveCommandDeps,
} from './archive-shared';
import { commandTable } from './registry';

export const importOptionsSchema = z
  .object({
    /** Use each audio file's name as its text instead of asking (audio without a sidecar). */
    useFileNames: z.boolean().optional(),
    /** Voice profile for audio that names none (default "Imported audio"). */
    profileName: profileNameSchema.optional(),
  })
  .strict();

const AUDIO_EXTENSIONS = ['wav', 'mp3', 'flac', 'ogg'];

/** What Import… resolves to: the archive layer's summary, plus the retention warning when one was shown. */
export type ImportCommandResult = ImportSummary & { retentionNote?: string };

/** The three import limits from settings; a bad value names the setting to fix. */
export function importLimitsFromSettings(
  config: Pick<vscode.WorkspaceConfiguration, 'get'> = vscode.workspace.getConfiguration(),
): ImportLimitsInput {
  const raw: Record<keyof typeof LIMIT_SETTINGS, unknown> = {
    maxTotalMegabytes: config.get<unknown>(LIMIT_SETTINGS.maxTotalMegabytes),
    maxEntries: config.get<unknown>(LIMIT_SETTINGS.maxEntries),
    maxCompressionRatio: config.get<unknown>(LIMIT_SETTINGS.maxCompressionRatio),
  };
  const input = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== null));
  const parsed = importLimitsSchema.safeParse(input);
  if (parsed.success) return input as ImportLimitsInput;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '') as keyof typeof LIMIT_SETTINGS;
  throw new Error(
    `The setting ${LIMIT_SETTINGS[key] ?? 'voiceHistory.import'} is ${JSON.stringify(raw[key])}, which cannot be used (${issue?.message ?? 'invalid'}). Fix it in Settings and import again.`,
  );
}

/** Files among a command's arguments: (file), (files[]), or the Explorer's (clicked, selection[]). */
function filesFromArgs(args: readonly unknown[]): string[] | undefined {
  const [first, second] = args;
  const list =
    Array.isArray(second) && second.length > 0 && second.every(isFileArgument)
      ? second
      : Array.isArray(first)
        ? first
        : first === undefined || first === null
          ? []
          : [first];
  if (list.length === 0) return undefined;
  return list.map((f) => filePathOf(f, 'file to import'));
}

function stem(name: string): string {
  return path.basename(name, path.extname(name));
}

/**
 * Asks for the text of each audio file that has none; a title-bar button switches to file names
 * for the rest. Escape stops the whole import (`stop`), like closing any other import dialog.
 */
function textAsker(useFileNames: boolean, stop: () => void, signal: AbortSignal): (fileName: string) => Promise<string | undefined> {
  let fileNames = useFileNames;
  return (fileName) => {
    if (fileNames || signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const box = vscode.window.createInputBox();
      const useNames: vscode.QuickInputButton = {
        iconPath: new vscode.ThemeIcon('list-flat'),
        tooltip: 'Use the file names as text (this and every remaining file)',
      };
      box.title = `Text of ${fileName}`;
      box.prompt = "What is spoken in this audio? It becomes the generation's searchable text. Escape cancels the import.";
      box.value = stem(fileName);
      box.ignoreFocusOut = true;
      box.buttons = [useNames];
      let settled = false;
      const finish = (text: string | undefined) => {
        if (settled) return;
        settled = true;
        resolve(text);
        box.dispose();
      };
      box.onDidChangeValue((v) => (box.validationMessage = v.trim() ? undefined : 'Type the text, or use the file name button.'));
      box.onDidAccept(() => {
        if (box.value.trim()) finish(box.value.trim());
      });
      box.onDidTriggerButton(() => {
        fileNames = true;
        finish(undefined);
      });
      box.onDidHide(() => {
        if (!settled) stop();
        finish(undefined);
      });
      // Cancel on the progress notification closes the question too.
      signal.addEventListener('abort', () => finish(undefined), { once: true });
      box.show();
    });
  };
}

function progressOf(p: ImportProgress): { fraction: number; message: string } {
  const within = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  // Checking reads every byte; saving is quick by comparison.
  const fileFraction = p.phase === 'checking' ? within * 0.8 : 0.8 + within * 0.2;
  const step =
    p.phase === 'checking' ? `checking ${sizeText(Math.min(p.done, p.total))} of ${sizeText(p.total)}` : `saving ${p.done} of ${p.total}`;
  return {
    fraction: (p.index + fileFraction) / p.count,
    message: `${p.file}${p.count > 1 ? ` (${p.index + 1} of ${p.count})` : ''}: ${step}`,
  };
}

/**
 * Imports keep their original times, so `voiceHistory.retention.days` may delete them right after
 * the import: say so, and how to keep them, instead of letting them vanish unexplained.
 */
async function retentionNote(history: HistoryService, ids: readonly string[]): Promise<string> {
  let policy;
  try {
    policy = readRetentionPolicy();
  } catch {
    return '';
  }
  if (policy.days === 0 || ids.length === 0) return '';
  const cutoff = Date.now() - policy.days * 86_400_000;
  let old = 0;
  for (let i = 0; i < ids.length; i += 1000) {
    for (const g of await history.getMany(ids.slice(i, i + 1000)))
      if (g.createdAt < cutoff && !(policy.keepFavorites && g.isFavorited)) old++;
  }
  if (old === 0) return '';
  return `${plural(old, 'imported generation')} ${old === 1 ? 'is' : 'are'} older than the ${policy.days} days kept by voiceHistory.retention.days and will be deleted automatically; set it to 0 (or more days) within a minute to keep them.`;
}

export function importCommandHandlers(deps: ArchiveCommandDeps) {
  async function run(args: unknown[], audioOnly: boolean): Promise<ImportCommandResult | undefined> {
    const history = historyOf(deps);
    const options = parseOptions(importOptionsSchema, optionsArgument(args, 0), audioOnly ? 'Import Audio Files' : 'Import');
    const limits = importLimitsFromSettings();
    let files = filesFromArgs(args.filter((a) => !(typeof a === 'object' && a !== null && !Array.isArray(a) && !isFileArgument(a))));
    if (!files) {
      files = await askOpenFiles(deps, {
        title: audioOnly ? 'Import Audio Files into Voice History' : 'Import into Voice History',
        openLabel: 'Import',
        filters: audioOnly
          ? { Audio: AUDIO_EXTENSIONS, 'All files': ['*'] }
          : { 'Archives and audio': ['zip', ...AUDIO_EXTENSIONS], 'ZIP archives': ['zip'], Audio: AUDIO_EXTENSIONS, 'All files': ['*'] },
      });
      if (!files) return undefined;
    }
    // "Import Audio Files…" takes audio only (told by the bytes; names lie).
    const early: ImportRejection[] = [];
    if (audioOnly) {
      const kinds = await Promise.all(files.map((f) => detectInput(f).catch(() => undefined)));
      files = files.filter((f, i) => {
        if (kinds[i]?.kind !== 'zip') return true;
        early.push({
          name: path.basename(f),
          reason: `"${path.basename(f)}" is a ZIP archive. Use "Voice History: Import…" for archives.`,
          problem: 'unsupported-file',
        });
        return false;
      });
    }
    const picked = files;
    const userStop = new AbortController();
    const held = deps.retention?.pause();
    try {
      return await importPicked(history, picked, early, options, limits, userStop);
    } finally {
      held?.dispose();
    }
  }

  async function importPicked(
    history: HistoryService,
    picked: string[],
    early: ImportRejection[],
    options: z.output<typeof importOptionsSchema>,
    limits: ImportLimitsInput,
    userStop: AbortController,
  ): Promise<ImportCommandResult> {
    const outcome = await withCancellableProgress(`Importing ${plural(picked.length, 'file')}`, async (signal, progress) => {
      const stop = AbortSignal.any([signal, userStop.signal]);
      const ask = textAsker(options.useFileNames ?? false, () => userStop.abort(), stop);
      let fraction = 0;
      return importFiles(history, picked, {
        limits,
        // Staged beside the database, audio is moved into place on commit instead of copied.
        stagingDir: history.storageDir,
        profileName: options.profileName,
        askText: (fileName) => {
          if (!options.useFileNames) progress.report(fraction, `${fileName}: what is spoken in it?`);
          return ask(fileName);
        },
        signal: stop,
        onProgress: (p) => {
          const step = progressOf(p);
          fraction = step.fraction;
          progress.report(step.fraction, step.message);
        },
      });
    });
    const summary: ImportSummary = outcome.cancelled
      ? { imported: 0, skipped: 0, stories: 0, rejected: [], leftOut: [], generationIds: [], cancelled: true }
      : outcome.value;
    summary.rejected.unshift(...early);
    const note = await retentionNote(history, summary.generationIds);
    // Give the user a minute to read the note and change the setting before retention acts.
    if (note) deps.retention?.postpone(60_000);
    report(summary, note);
    if (summary.generationIds[0] && deps.view.treeView.visible)
      void deps.view.reveal(summary.generationIds[0], { focus: false }).catch(() => undefined);
    return note ? { ...summary, retentionNote: note } : summary;
  }

  function report(s: ImportSummary, note: string): void {
    const parts: string[] = [];
    if (s.imported > 0 || (s.skipped === 0 && s.rejected.length === 0)) parts.push(`imported ${plural(s.imported, 'generation')}`);
    if (s.skipped > 0) parts.push(`skipped ${plural(s.skipped, 'generation')} already in the history`);
    if (s.stories > 0) parts.push(`added ${plural(s.stories, 'story', 'stories')}`);
    if (s.rejected.length > 0) parts.push(`rejected ${plural(s.rejected.length, 'file')}`);
    deps.log.info(`Import: ${parts.join(', ')}${s.cancelled ? ' (cancelled)' : ''}.`);
    let message = `Voice History: ${s.cancelled ? 'import cancelled; ' : ''}${parts.join(', ')}.`;
    if (s.cancelled) message += ' What was imported before you cancelled stays; the file in progress was undone.';
    // What a file listed but did not hold (a Voicebox version whose audio the exporter left out).
    for (const l of s.leftOut) {
      message += ` Left out of "${l.name}": ${l.items.join('; ')}.`;
      deps.log.warn(`Import: left out of ${l.name}: ${l.items.join('; ')}`);
    }
    if (note) message += ` ${note}`;
    if (s.rejected.length === 0) {
      void (note || s.leftOut.length > 0 ? vscode.window.showWarningMessage(message) : vscode.window.showInformationMessage(message));
      return;
    }
    // One refused file: its reason (which says what to do) is the message itself.
    if (s.rejected.length === 1) message += ` ${s.rejected[0]!.reason}`;
    void vscode.window.showWarningMessage(message, 'Show Details').then((action) => {
      if (!action) return;
      deps.log.info(`Import: ${s.rejected.length} file(s) rejected:`);
      for (const r of s.rejected) deps.log.warn(`  ${r.name} [${r.problem}]: ${r.reason}`);
      deps.log.show(true);
    });
  }

  return commandTable({
    'voiceHistory.import': (...args) => run(args, false),
    'voiceHistory.importAudioFiles': (...args) => run(args, true),
  });
}
