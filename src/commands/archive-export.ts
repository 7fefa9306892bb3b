// Export Generation…, Export Audio…, Export Selected…, Export Filtered…
//
// Arguments (all optional; without them the tree's selection and the save dialog are used):
//   exportGeneration(target, destination?, { layout?: 'voicehistory' | 'voicebox' })
//   exportAudio(target, destination?)
//   exportSelected(targets, destination?)
//   exportFiltered(destination?)            (the History view's active filter)
// `target(s)` is what `resolveTargets` accepts (tree rows, an id, ids); `destination` a file URI
// or an absolute path. Each resolves to the export's result, or undefined when the user cancelled.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { z } from 'zod';
import {
  collectIds,
  exportArchive,
  exportAudio,
  exportVoicebox,
  suggestArchiveName,
  suggestAudioName,
  suggestVoiceboxName,
  type ExportResult,
} from '../archive/export';
import { convertAudio } from '../archive/audio-convert';
import { describeExportFormat, extensionOf, parseExportFormat, withLoudness, type ExportFormat } from '../archive/export-format';
import type { FolderExportResult } from '../archive/folder-export';
import { Transcoder } from '../archive/transcoder';
import { HistoryError } from '../history';
import { filterQuery, describeFilter, isFiltered } from '../history/tree-filter';
import { firstLine } from '../format/text';
import {
  askSaveLocation,
  describeWriteError,
  fileArgument,
  historyOf,
  optionsArgument,
  parseOptions,
  plural,
  sizeText,
  withCancellableProgress,
  type ArchiveCommandDeps,
} from './archive-shared';
import { exportEffects, exportFiles, exportFilesOptionsSchema, pickExportFormat } from './archive-export-files';
import { showExportDone } from './export-done';
import { commandTable } from './registry';
import { nothingSelected, resolveTargets } from './targets';

export const ARCHIVE_LAYOUTS = ['voicehistory', 'voicebox'] as const;
export type ArchiveLayout = (typeof ARCHIVE_LAYOUTS)[number];

export const exportGenerationOptionsSchema = z
  .object({
    /** 'voicehistory' (default when a destination is given): every field; 'voicebox': Voicebox's own layout. */
    layout: z.enum(ARCHIVE_LAYOUTS).optional(),
  })
  .strict();

const ZIP_FILTERS = { 'ZIP archives': ['zip'] };

export const exportAudioOptionsSchema = z
  .object({
    /** An export format code: 'original', 'wav_16', 'wav_24', 'flac', 'mp3_128', 'mp3_44100_128', 'ogg_q5'… */
    format: z.string().optional(),
    /** Integrated loudness target in LUFS (e.g. -16). */
    loudness: z.number().optional(),
  })
  .strict();

/** A destination's extension picks the format when none is given: "take.flac" means FLAC. */
function formatFromName(destination: string, stored: string): ExportFormat {
  const ext = path.extname(destination).slice(1).toLowerCase();
  return ext === stored || !['wav', 'flac', 'mp3', 'ogg'].includes(ext) ? { codec: 'original' } : parseExportFormat(ext);
}

export function exportCommandHandlers(deps: ArchiveCommandDeps) {
  const { view } = deps;

  async function oneGeneration(id: string) {
    const g = await historyOf(deps).get(id);
    if (!g) throw new Error('This generation no longer exists; refresh the History view and try again.');
    return g;
  }

  async function pickLayout(): Promise<ArchiveLayout | undefined> {
    const items: Array<vscode.QuickPickItem & { layout: ArchiveLayout }> = [
      {
        label: '$(archive) Voice History archive',
        description: '.voicehistory.zip',
        detail: 'Every field, every version and its audio; imports into Voice History on any machine.',
        layout: 'voicehistory',
      },
      {
        label: '$(package) Voicebox archive',
        description: '.voicebox.zip',
        detail: "Imports into Voicebox. WAV audio only; engine, model, status and favorite are not part of Voicebox's format.",
        layout: 'voicebox',
      },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Export Generation', placeHolder: 'Which kind of archive?' });
    return picked?.layout;
  }

  /** Runs one export under progress; words the outcome; undefined when cancelled. */
  async function run(
    title: string,
    destination: string,
    work: (signal: AbortSignal, onProgress: (p: { written: number; total: number }) => void) => Promise<ExportResult>,
  ) {
    let outcome;
    try {
      outcome = await withCancellableProgress(title, (signal, progress) =>
        work(signal, ({ written, total }) =>
          progress.report(total > 0 ? written / total : 0, `${sizeText(written)} of ${sizeText(total)}`),
        ),
      );
    } catch (e) {
      throw e instanceof HistoryError ? e : describeWriteError(e, destination);
    }
    if (outcome.cancelled) {
      void vscode.window.showInformationMessage('Voice History: export cancelled; no file was written.');
      return undefined;
    }
    const result = outcome.value;
    deps.log.info(`Exported ${result.generations} generation(s), ${result.versions} version(s), ${result.bytes} bytes to ${result.path}`);
    const notes: string[] = [];
    if (result.skippedAudio.length > 0) {
      notes.push(
        `${plural(result.skippedAudio.length, 'version')} left out because the audio is missing or in a format the archive cannot hold; "Voice History: Reconcile Storage" cleans up missing audio.`,
      );
      for (const s of result.skippedAudio)
        deps.log.warn(`Export left out version ${s.versionId} of generation ${s.generationId}: ${s.reason}`);
    }
    if (result.changedAudio > 0)
      notes.push(`${plural(result.changedAudio, 'audio file')} changed since recorded; exported as they are now.`);
    const message = `Voice History: exported ${plural(result.generations, 'generation')} (${sizeText(result.bytes)}) to "${path.basename(result.path)}".${notes.length ? ` ${notes.join(' ')}` : ''}`;
    void showExportDone(message, result.path, { warn: notes.length > 0 });
    return result;
  }

  async function exportMany(
    ids: string[],
    args: unknown[],
    destinationFrom: number,
    what: string,
  ): Promise<ExportResult | FolderExportResult | undefined> {
    const history = historyOf(deps);
    let destination = fileArgument(args, destinationFrom, 'export destination');
    const options = parseOptions(exportFilesOptionsSchema, optionsArgument(args, destinationFrom), `Export ${what}`);
    // A format (or a template) asks for plain audio files in a folder instead of an archive.
    if (options.format !== undefined || options.template !== undefined)
      return exportFiles(deps, ids, destination, options, `Export ${what}`);
    if (!destination) {
      const kind = await vscode.window.showQuickPick(
        [
          {
            label: '$(archive) Voice History archive',
            description: '.voicehistory.zip',
            detail: 'Every field and version; imports again anywhere.',
            files: false,
          },
          {
            label: '$(folder-opened) Audio files in a folder…',
            description: 'WAV, FLAC, MP3, Ogg',
            detail: 'Named by a template, with a metadata.csv.',
            files: true,
          },
        ],
        { title: `Export ${what}`, placeHolder: 'Export as?' },
      );
      if (!kind) return undefined;
      if (kind.files) return exportFiles(deps, ids, undefined, options, `Export ${what}`);
      const sample = ids.length === 1 ? await history.getMany(ids) : ids.map((id) => ({ id, text: '' }));
      destination = await askSaveLocation(deps, {
        defaultName: suggestArchiveName(sample),
        title: `Export ${what}`,
        saveLabel: 'Export',
        filters: ZIP_FILTERS,
        extension: '.zip',
      });
      if (!destination) return undefined;
    }
    const target = destination;
    return run(`Exporting ${plural(ids.length, 'generation')}`, target, (signal, onProgress) =>
      exportArchive(history, ids, target, { extensionVersion: deps.extensionVersion, signal, onProgress }),
    );
  }

  return commandTable({
    'voiceHistory.exportGeneration': async (...args) => {
      const { ids } = resolveTargets(view, args);
      if (ids.length === 0) return nothingSelected('export');
      // From a multi-selection the context menu's "Export Generation…" exports the whole selection.
      if (ids.length > 1) return exportMany(ids, args, 1, plural(ids.length, 'generation'));
      const g = await oneGeneration(ids[0]!);
      let destination = fileArgument(args, 1, 'export destination');
      const options = parseOptions(exportGenerationOptionsSchema, optionsArgument(args, 1), 'Export Generation');
      const layout =
        options.layout ?? (destination ? (/\.voicebox\.zip$/i.test(destination) ? 'voicebox' : 'voicehistory') : await pickLayout());
      if (!layout) return undefined;
      if (!destination) {
        destination = await askSaveLocation(deps, {
          defaultName: layout === 'voicebox' ? suggestVoiceboxName(g) : suggestArchiveName([g]),
          title: `Export "${firstLine(g.text, 50)}"${layout === 'voicebox' ? ' for Voicebox' : ''}`,
          saveLabel: 'Export',
          filters: ZIP_FILTERS,
          extension: '.zip',
        });
        if (!destination) return undefined;
      }
      const target = destination;
      const history = historyOf(deps);
      return run(`Exporting "${firstLine(g.text, 40)}"`, target, (signal, onProgress) =>
        layout === 'voicebox'
          ? exportVoicebox(history, g.id, target, { signal, onProgress })
          : exportArchive(history, [g.id], target, { extensionVersion: deps.extensionVersion, signal, onProgress }),
      );
    },

    'voiceHistory.exportAudio': async (...args) => {
      const { ids } = resolveTargets(view, args);
      if (ids.length === 0) return nothingSelected('export its audio');
      const g = await oneGeneration(ids[0]!);
      if (!g.audioPath) {
        throw new Error(`"${firstLine(g.text, 50)}" has no audio${g.status === 'failed' ? ' (it failed); retry it first' : ' yet'}.`);
      }
      const stored = path.extname(g.audioPath).slice(1).toLowerCase() || 'wav';
      let destination = fileArgument(args, 1, 'export destination');
      const options = parseOptions(exportAudioOptionsSchema, optionsArgument(args, 1), 'Export Audio');
      let format =
        options.format !== undefined
          ? withLoudness(parseExportFormat(options.format), options.loudness)
          : destination
            ? withLoudness(formatFromName(destination, stored), options.loudness)
            : undefined;
      if (!format) format = await pickExportFormat(deps, `Export the audio of "${firstLine(g.text, 50)}"`);
      if (!format) return undefined;
      const ext = extensionOf(format, stored);
      if (!destination) {
        destination = await askSaveLocation(deps, {
          defaultName: suggestAudioName({ ...g, audioPath: `x.${ext}` }),
          title: `Export the audio of "${firstLine(g.text, 50)}" (${describeExportFormat(format)})`,
          saveLabel: 'Export',
          filters: { [`${ext.toUpperCase()} audio`]: [ext] },
          extension: `.${ext}`,
        });
        if (!destination) return undefined;
      }
      const target = destination;
      const chosen = format;
      const history = historyOf(deps);
      let outcome;
      try {
        outcome = await withCancellableProgress(`Exporting the audio of "${firstLine(g.text, 40)}"`, async (signal, progress) => {
          if (chosen.codec === 'original') return exportAudio(history, g.id, target, { signal });
          const transcoder = deps.encoder ? new Transcoder(deps.encoder) : undefined;
          const effects = exportEffects(deps);
          try {
            const r = await convertAudio(transcoder, history.resolveAudioPath(g), target, chosen, {
              signal,
              effects,
              what: `"${firstLine(g.text, 40)}"`,
              onProgress: (f) => progress.report(f, describeExportFormat(chosen)),
            });
            return { path: target, bytes: r.bytes };
          } finally {
            effects?.dispose();
            await transcoder?.dispose();
          }
        });
      } catch (e) {
        throw e instanceof HistoryError ? e : describeWriteError(e, target);
      }
      if (outcome.cancelled) {
        void vscode.window.showInformationMessage('Voice History: export cancelled; no file was written.');
        return undefined;
      }
      void showExportDone(`Voice History: exported the audio (${sizeText(outcome.value.bytes)}) to "${path.basename(target)}".`, target, {
        warn: false,
      });
      return outcome.value;
    },

    'voiceHistory.exportSelected': async (...args) => {
      const { ids } = resolveTargets(view, args);
      if (ids.length === 0) return nothingSelected('export');
      return exportMany(ids, args, 1, `${plural(ids.length, 'selected generation')}`);
    },

    'voiceHistory.exportFiltered': async (...args) => {
      const history = historyOf(deps);
      const filter = view.filter;
      const ids = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Voice History: finding generations to export' },
        () => collectIds(history, filterQuery(filter)),
      );
      const filtered = isFiltered(filter);
      if (ids.length === 0) {
        void vscode.window.showInformationMessage(
          filtered
            ? 'Voice History: no generations match the filter, so there is nothing to export. Clear or change the filter.'
            : 'Voice History: the history is empty; there is nothing to export.',
        );
        return undefined;
      }
      const words = filtered ? describeFilter(filter, (id) => view.provider.profileName(id)) : '';
      return exportMany(
        ids,
        args,
        0,
        filtered ? `${plural(ids.length, 'generation')} matching ${words}` : `all ${plural(ids.length, 'generation')}`,
      );
    },
  });
}
