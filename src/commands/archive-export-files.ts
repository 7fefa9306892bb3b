// Export to Folder… and the format choice shared by Export Audio/Selected/Filtered.
//
//   exportToFolder(targets?, folder?, { format?, template?, metadata? })
// `targets` as resolveTargets takes them (none: the selection, or everything the History view's
// filter shows); `folder` a folder URI or absolute path; `format` a code such as 'mp3_128' or
// 'flac' (src/archive/export-format.ts), `template` a name template (src/archive/name-template.ts),
// `metadata` 'none' | 'csv' | 'json' | 'both', `loudness` a LUFS target (e.g. -16). Resolves to the result, or undefined when cancelled.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { z } from 'zod';
import { collectIds } from '../archive/export';
import {
  DEFAULT_EXPORT_FORMAT,
  describeExportFormat,
  EXPORT_FORMAT_CHOICES,
  LOUDNESS_CHOICES,
  parseExportFormat,
  withLoudness,
  type ExportFormat,
} from '../archive/export-format';
import { exportToFolder, type FolderExportResult, type MetadataSidecar } from '../archive/folder-export';
import { checkTemplate, DEFAULT_NAME_TEMPLATE, NAME_PLACEHOLDERS } from '../archive/name-template';
import { createEffectsRenderer, type EffectsRenderer } from '../effects/render';
import { HistoryError } from '../history';
import { filterQuery, isFiltered } from '../history/tree-filter';
import { errorMessage } from '../format/errors';
import {
  describeWriteError,
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
import { showExportDone } from './export-done';
import { commandTable } from './registry';
import { resolveTargets } from './targets';

const LAST_FORMAT_KEY = 'voiceHistory.export.lastFormat';
const LAST_EXPORT_FOLDER_KEY = 'voiceHistory.export.lastFolder';

/** Export Selected/Filtered take these beside their own options (unknown keys are theirs). */
export const exportFilesOptionsSchema = z.object({
  format: z.string().optional(),
  /** Integrated loudness target in LUFS (e.g. -16); needs a format other than 'original'. */
  loudness: z.number().optional(),
  template: z.string().optional(),
  metadata: z.enum(['none', 'csv', 'json', 'both']).optional(),
});

export const exportToFolderOptionsSchema = exportFilesOptionsSchema.strict();

/** Asks for an export format; the last one chosen comes first. Undefined when dismissed. */
export async function pickExportFormat(deps: ArchiveCommandDeps, title: string): Promise<ExportFormat | undefined> {
  const last = deps.state.get<string>(LAST_FORMAT_KEY) ?? DEFAULT_EXPORT_FORMAT;
  const items = [...EXPORT_FORMAT_CHOICES]
    .sort((a, b) => (a.code === last ? -1 : b.code === last ? 1 : 0))
    .map((c) => ({ label: c.label, description: c.code, detail: c.detail, code: c.code }));
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Which format?' });
  if (!picked) return undefined;
  await deps.state.update(LAST_FORMAT_KEY, picked.code);
  const format = parseExportFormat(picked.code);
  if (format.codec === 'original') return format;
  const loudness = await vscode.window.showQuickPick(
    LOUDNESS_CHOICES.map((c) => ({ label: c.label, detail: c.detail, lufs: c.lufs })),
    { title, placeHolder: 'Loudness target?' },
  );
  if (!loudness) return undefined;
  return withLoudness(format, loudness.lufs);
}

/** An effects renderer for one export (resampling, loudness, FLAC sources); undefined without a worker. */
export function exportEffects(deps: ArchiveCommandDeps): EffectsRenderer | undefined {
  return deps.effectsWorkerPath ? createEffectsRenderer({ workerPath: deps.effectsWorkerPath }) : undefined;
}

function configuredTemplate(): string {
  return vscode.workspace.getConfiguration('voiceHistory.export').get<string>('nameTemplate') || DEFAULT_NAME_TEMPLATE;
}

function configuredMetadata(): MetadataSidecar {
  const v = vscode.workspace.getConfiguration('voiceHistory.export').get<string>('metadata');
  return v === 'none' || v === 'json' || v === 'both' ? v : 'csv';
}

async function askTemplate(): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Export to Folder: file names',
    value: configuredTemplate(),
    prompt: `Placeholders: ${Object.keys(NAME_PLACEHOLDERS)
      .map((k) => `{${k}}`)
      .join(' ')}; {a|b} = a, else b. "/" makes folders.`,
    validateInput: (v) => {
      try {
        checkTemplate(v);
        return undefined;
      } catch (e) {
        return errorMessage(e);
      }
    },
  });
}

async function askFolder(deps: ArchiveCommandDeps): Promise<string | undefined> {
  const last = deps.state.get<string>(LAST_EXPORT_FOLDER_KEY);
  const uris = await vscode.window.showOpenDialog({
    title: 'Export to Folder',
    openLabel: 'Export Here',
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: last && path.isAbsolute(last) ? vscode.Uri.file(last) : vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  if (!uris?.[0]) return undefined;
  const folder = filePathOf(uris[0], 'export folder');
  await deps.state.update(LAST_EXPORT_FOLDER_KEY, folder);
  return folder;
}

/** Runs a folder export under a cancellable progress notification and words the outcome. */
export async function runFolderExport(
  deps: ArchiveCommandDeps,
  ids: string[],
  folder: string,
  settings: { format: ExportFormat; template: string; metadata: MetadataSidecar },
): Promise<FolderExportResult | undefined> {
  const history = historyOf(deps);
  let outcome;
  try {
    outcome = await withCancellableProgress(
      `Exporting ${plural(ids.length, 'generation')} (${describeExportFormat(settings.format)})`,
      (signal, progress) =>
        exportToFolder(history, ids, folder, {
          ...settings,
          encoder: deps.encoder,
          signal,
          onProgress: ({ done, total }) => progress.report(done / total, `${done} of ${total}`),
        }),
    );
  } catch (e) {
    throw e instanceof HistoryError ? e : describeWriteError(e, path.join(folder, 'export'));
  }
  if (outcome.cancelled) {
    void vscode.window.showInformationMessage('Voice History: export cancelled; no file was written.');
    return undefined;
  }
  const r = outcome.value;
  deps.log.info(`Exported ${r.files.length} file(s), ${r.bytes} bytes (${describeExportFormat(settings.format)}) to ${r.folder}`);
  for (const s of r.skipped) deps.log.warn(`Export to folder left out generation ${s.generationId}: ${s.reason}`);
  const skipped = r.skipped.length > 0 ? ` ${plural(r.skipped.length, 'generation')} without audio left out (see the log).` : '';
  void showExportDone(
    `Voice History: exported ${plural(r.files.length, 'file')} (${sizeText(r.bytes)}) to "${path.basename(r.folder)}".${skipped}`,
    r.folder,
    { warn: skipped !== '', folder: true },
  );
  return r;
}

/**
 * Audio files of `ids` into a folder. Whatever `options` or `folder` leave open is asked
 * (format, then template, then folder); given a folder, settings fill the rest and nothing is asked.
 */
export async function exportFiles(
  deps: ArchiveCommandDeps,
  ids: string[],
  folder: string | undefined,
  options: z.output<typeof exportFilesOptionsSchema>,
  title: string,
): Promise<FolderExportResult | undefined> {
  const format =
    options.format !== undefined
      ? withLoudness(parseExportFormat(options.format), options.loudness)
      : folder
        ? withLoudness(parseExportFormat(DEFAULT_EXPORT_FORMAT), options.loudness)
        : await pickExportFormat(deps, title);
  if (!format) return undefined;
  const template = options.template ?? (folder ? configuredTemplate() : await askTemplate());
  if (template === undefined) return undefined;
  checkTemplate(template);
  const target = folder ?? (await askFolder(deps));
  if (!target) return undefined;
  return runFolderExport(deps, ids, target, { format, template, metadata: options.metadata ?? configuredMetadata() });
}

export function exportFilesCommandHandlers(deps: ArchiveCommandDeps) {
  const { view } = deps;

  async function idsFor(args: unknown[]): Promise<string[] | undefined> {
    if (args.length > 0 && !isFileArgument(args[0])) return resolveTargets(view, args).ids;
    const selected = view.selectedGenerations().map((n) => n.generation.id);
    const everything = () => collectIds(historyOf(deps), filterQuery(view.filter));
    if (selected.length === 0 || args.length > 0) return everything();
    const filtered = isFiltered(view.filter);
    const picked = await vscode.window.showQuickPick(
      [
        { label: `The ${plural(selected.length, 'selected generation')}`, all: false },
        { label: filtered ? 'Every generation matching the filter' : 'Every generation in the history', all: true },
      ],
      { title: 'Export to Folder', placeHolder: 'What to export?' },
    );
    if (!picked) return undefined;
    return picked.all ? everything() : [...new Set(selected)];
  }

  return commandTable({
    'voiceHistory.exportToFolder': async (...args) => {
      const ids = await idsFor(args);
      if (!ids) return undefined;
      if (ids.length === 0) {
        void vscode.window.showInformationMessage('Voice History: there is nothing to export; generate something or clear the filter.');
        return undefined;
      }
      const folderArg = args.find(isFileArgument);
      const options = parseOptions(exportToFolderOptionsSchema, optionsArgument(args, 0), 'Export to Folder');
      return exportFiles(
        deps,
        ids,
        folderArg === undefined ? undefined : filePathOf(folderArg, 'export folder'),
        options,
        'Export to Folder',
      );
    },
  });
}
