// Export Story…: the story mixed into one audio file, with captions beside it and stems (one file
// per track) when asked, off the extension host's thread, with progress and Cancel (a cancelled or
// failed export leaves no file: src/story/export.ts writes all or nothing).
//   story.export(story?, file?, { format?, channels?, level?, captions?, stems? })
// `file` a file URI or absolute path (skips the save dialog); `format` a code below ('mp3_192');
// `channels` 1 | 2; `level` 'limit' | 'peak' | a LUFS target (e.g. -16); `captions` some of
// 'srt' 'vtt' 'labels' 'cue' 'ffmetadata'; `stems` true for a folder of stems beside the mix. Every
// option given skips its question; with an options object, captions and stems are only what it
// names. Resolves to { file, files, durationMs, … }, or undefined when
// dismissed or cancelled.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { z } from 'zod';
import { formatBytes } from '../format/bytes';
import { safeSegment } from '../format/file-name';
import { errorMessage } from '../format/errors';
import { formatDuration } from '../format/time';
import type { HistoryService } from '../history';
import { CAPTION_FORMATS, exportStory, type CaptionFormat } from '../story/export';
import { MixError } from '../story/mix-error';
import { FILE_EXTENSIONS, type MixLevel, type MixTarget } from '../story/mix-options';
import { createStoryMixer, type StoryMixerOptions } from '../story/mixer';
import type { StoriesView } from '../views/stories-view';
import {
  askSaveLocation,
  describeWriteError,
  fileArgument,
  optionsArgument,
  parseOptions,
  withCancellableProgress,
} from './archive-shared';
import { showExportDone } from './export-done';
import { commandTable } from './registry';
import { targetStory } from './story-prompts';
import { requireHistory } from './targets';

/** The formats offered, as codes a caller can pass; the first is the default. */
export const STORY_FORMATS: ReadonlyArray<{ code: string; label: string; detail: string; target: MixTarget }> = [
  { code: 'wav_16', label: 'WAV, 16-bit', detail: 'Uncompressed; every editor opens it.', target: { codec: 'wav', bits: 16 } },
  { code: 'wav_24', label: 'WAV, 24-bit', detail: 'Uncompressed, for further mixing.', target: { codec: 'wav', bits: 24 } },
  { code: 'flac_16', label: 'FLAC, 16-bit', detail: 'Lossless, about half the size of WAV.', target: { codec: 'flac', bits: 16 } },
  { code: 'flac_24', label: 'FLAC, 24-bit', detail: 'Lossless, for further mixing.', target: { codec: 'flac', bits: 24 } },
  { code: 'mp3_192', label: 'MP3, 192 kbps', detail: 'Plays everywhere; podcasts.', target: { codec: 'mp3', kbps: 192 } },
  { code: 'mp3_128', label: 'MP3, 128 kbps', detail: 'Smaller; speech stays clear.', target: { codec: 'mp3', kbps: 128 } },
  { code: 'ogg_q5', label: 'Ogg Vorbis, quality 5', detail: 'Open format, small files.', target: { codec: 'ogg', quality: 0.5 } },
];

type LevelChoice = { label: string; detail: string; level: MixLevel };
export const STORY_LEVELS: readonly LevelChoice[] = [
  { label: 'Limiter', detail: 'As mixed; a limiter keeps peaks under −1 dBTP (the default).', level: { mode: 'limit' } },
  { label: 'Normalise peaks', detail: 'One gain for the whole story: its loudest peak at −1 dBTP.', level: { mode: 'peak' } },
  { label: '−16 LUFS', detail: 'Podcasts and streaming speech (limiter on).', level: { mode: 'limit', loudnessLufs: -16 } },
  { label: '−19 LUFS', detail: 'Mono speech (limiter on).', level: { mode: 'limit', loudnessLufs: -19 } },
  { label: '−23 LUFS', detail: 'Broadcast, EBU R128 (limiter on).', level: { mode: 'limit', loudnessLufs: -23 } },
];

const exportOptionsSchema = z
  .object({
    format: z.enum(STORY_FORMATS.map((f) => f.code) as [string, ...string[]]).optional(),
    channels: z.union([z.literal(1), z.literal(2)]).optional(),
    level: z.union([z.enum(['limit', 'peak']), z.number().min(-40).max(-5)]).optional(),
    captions: z.array(z.enum(CAPTION_FORMATS)).optional(),
    stems: z.boolean().optional(),
  })
  .strict();

export interface StoryExportDeps {
  history: HistoryService | undefined;
  openError: string | undefined;
  stories: StoriesView;
  log: vscode.LogOutputChannel;
  state: vscode.Memento;
  /** dist/mix-worker.mjs and the encoders' files. */
  mixer: StoryMixerOptions;
}

const LAST_FORMAT_KEY = 'voiceHistory.story.lastFormat';

type Extra = { label: string; detail: string; caption?: CaptionFormat; stems?: true };
const EXTRAS: readonly Extra[] = [
  { label: 'SRT captions', detail: 'name.srt: subtitles for video editors and players', caption: 'srt' },
  { label: 'WebVTT captions', detail: 'name.vtt: subtitles for the web', caption: 'vtt' },
  { label: 'Audacity labels', detail: 'name.labels.txt: File → Import → Labels', caption: 'labels' },
  { label: 'CUE sheet', detail: 'name.cue: one chapter per item, pointing at the mix', caption: 'cue' },
  { label: 'Chapters (FFmetadata)', detail: 'name.chapters.txt: for ffmpeg, into M4B/MP3 chapters', caption: 'ffmetadata' },
  { label: 'Stems', detail: 'One file per track, in a folder beside the mix', stems: true },
];

function levelOf(option: 'limit' | 'peak' | number): MixLevel {
  return typeof option === 'number' ? { mode: 'limit', loudnessLufs: option } : { mode: option };
}

export function storyExportHandlers(deps: StoryExportDeps) {
  const history = () => requireHistory(deps.history, deps.openError);

  async function pick<T extends vscode.QuickPickItem>(items: T[], title: string, placeHolder: string): Promise<T | undefined> {
    return vscode.window.showQuickPick(items, { title, placeHolder });
  }

  async function exportStoryCommand(args: unknown[]) {
    const h = history();
    const story = await targetStory(h, deps.stories, args[0], 'export');
    if (!story) return undefined;
    const given = optionsArgument(args, 1);
    const options = parseOptions(exportOptionsSchema, given, 'Export Story');
    if (story.itemCount === 0)
      throw new Error(`The story “${story.name}” is empty: add generations to it (Add to Story… in the History view) first.`);
    const title = `Export Story “${story.name}”`;

    let format = STORY_FORMATS.find((f) => f.code === options.format);
    if (!format) {
      const last = deps.state.get<string>(LAST_FORMAT_KEY);
      const ordered = [...STORY_FORMATS].sort((a, b) => (a.code === last ? -1 : b.code === last ? 1 : 0));
      const picked = await pick(
        ordered.map((f) => ({ label: f.label, description: f.code, detail: f.detail, format: f })),
        title,
        'Which format?',
      );
      if (!picked) return undefined;
      format = picked.format;
      await deps.state.update(LAST_FORMAT_KEY, format.code);
    }
    let channels = options.channels;
    if (channels === undefined) {
      const picked = await pick(
        [
          { label: 'Stereo', detail: 'Two channels (stereo clips keep their stereo).', channels: 2 as const },
          { label: 'Mono', detail: 'One channel, half the size.', channels: 1 as const },
        ],
        title,
        'Stereo or mono?',
      );
      if (!picked) return undefined;
      channels = picked.channels;
    }
    let level = options.level === undefined ? undefined : levelOf(options.level);
    if (!level) {
      const picked = await pick(
        STORY_LEVELS.map((l) => ({ ...l })),
        title,
        'Loudness?',
      );
      if (!picked) return undefined;
      level = picked.level;
    }
    let captions = options.captions;
    let stems = options.stems;
    // Asked only in a run without options: a caller that chose the format wants just what it named.
    if (given === undefined) {
      const picked = await vscode.window.showQuickPick(
        EXTRAS.map((e) => ({ ...e })),
        { title, placeHolder: 'Also write captions or stems? (none: just the mix; Enter to go on)', canPickMany: true },
      );
      if (!picked) return undefined;
      captions = picked.flatMap((e) => (e.caption ? [e.caption] : []));
      stems = picked.some((e) => e.stems);
    }
    const extension = FILE_EXTENSIONS[format.target.codec];
    const file =
      fileArgument(args, 1, 'export file') ??
      (await askSaveLocation(deps, {
        defaultName: `${safeSegment(story.name)}.${extension}`,
        title,
        saveLabel: 'Export',
        filters: { [format.label.split(',')[0]!]: [extension] },
        extension: `.${extension}`,
      }));
    if (!file) return undefined;
    const dir = path.dirname(file);
    const stemsDir = path.join(dir, safeSegment(`${path.basename(file, path.extname(file))} stems`));

    const mixer = createStoryMixer(deps.mixer);
    try {
      const outcome = await withCancellableProgress(`Exporting “${story.name}”`, (signal, progress) =>
        exportStory(
          h,
          story.id,
          {
            channels,
            mix: { path: file, target: format.target, level },
            ...(stems && { stems: { dir: stemsDir } }),
            ...(captions?.length && { captions: { dir, formats: captions } }),
          },
          { mixer, signal, onProgress: (f) => progress.report(f, `${Math.floor(f * 100)} %`) },
        ),
      );
      if (outcome.cancelled) {
        void vscode.window.showInformationMessage(`Voice History: the export of “${story.name}” was cancelled; nothing was saved.`);
        return undefined;
      }
      const result = outcome.value;
      const bytes = (await fs.stat(file)).size;
      const besides = [
        result.stems.length ? `${result.stems.length} stem${result.stems.length === 1 ? '' : 's'}` : '',
        captions?.length ? `${captions.length} caption file${captions.length === 1 ? '' : 's'}` : '',
      ].filter(Boolean);
      const durationMs = result.mix?.durationMs ?? 0;
      void showExportDone(
        `Voice History: exported “${story.name}” (${formatDuration(durationMs / 1000)}, ${formatBytes(bytes)}) to ${path.basename(file)}` +
          `${besides.length ? `, with ${besides.join(' and ')}` : ''}.`,
        file,
        { warn: false },
      );
      return { file, bytes, files: result.files, durationMs, ...result.mix };
    } catch (e) {
      if (e instanceof MixError) {
        if (e.code === 'cancelled') return undefined;
        deps.log.error(`Export Story failed: ${errorMessage(e)}${e.cause ? `\n${String(e.cause)}` : ''}`);
        throw new Error(`Could not export “${story.name}”: ${e.message}`);
      }
      throw describeWriteError(e, file);
    } finally {
      mixer.dispose();
    }
  }

  return commandTable({
    'voiceHistory.story.export': (...args) => exportStoryCommand(args),
  });
}
