/**
 * Exporting a story: its mix, its stems and its captions, from one reading of the history, in one
 * call the Export Story command makes (plain Node, no vscode).
 *
 *   const mixer = createStoryMixer({ workerPath: context.asAbsolutePath('dist/mix-worker.mjs'), files });
 *   const result = await exportStory(history, storyId, {
 *     mix: { path: '/out/Episode 1.flac', target: { codec: 'flac', bits: 24 }, level: { mode: 'limit' } },
 *     stems: { dir: '/out/Episode 1 stems' },                  // target: the mix's (else 24-bit WAV)
 *     captions: { dir: '/out', formats: ['srt', 'vtt', 'labels', 'cue', 'ffmetadata'] },
 *   }, { mixer, signal, onProgress: (fraction) => … });
 *   result.files  // every file written, e.g. '/out/Episode 1.srt'
 *
 * - All or nothing: every file is written under a hidden partial name and put in place only when
 *   all are complete; on cancel (`signal`) or failure nothing is left and no existing file is replaced.
 * - Refusals are MixError, thrown before anything is written: 'missing-audio' names the clip whose
 *   generation has no audio or whose file is gone; 'invalid-plan', 'unsupported-target' (e.g. MP3 at
 *   96 kHz) say what to change; 'cancelled'. A story that does not exist is a StoryNotFoundError.
 * - Captions need no audio (they are made from the history: see captions.ts for what they leave
 *   out); a captions-only export of a story with missing audio succeeds.
 * - Caption files are named after the mix (else the story): `<name>.srt`, `.vtt`, `.labels.txt`
 *   (Audacity: File → Import → Labels), `.cue` (pointing at the mix file), `.chapters.txt` (FFmetadata).
 */
import { basename, extname, join } from 'node:path';
import { safeSegment } from '../format/file-name';
import { storyCues } from './captions';
import type { CueTiming } from './captions-cues';
import { toAudacityLabels, toSrt, toWebVtt } from './captions-format';
import { storyChapters, toCueSheet, toFfmetadata } from './chapters';
import { MixError } from './mix-error';
import { FILE_EXTENSIONS, type MixLevel, type MixTarget } from './mix-options';
import type { MixResult } from './mixdown';
import type { StoryMixer } from './mixer';
import { StagedFiles } from './staged-files';
import { plannedStems, writeStems, type Stem } from './stems';
import { mixPlanOf, resolveStory, type StoryReader } from './story-clips';

export const CAPTION_FORMATS = ['srt', 'vtt', 'labels', 'cue', 'ffmetadata'] as const;
export type CaptionFormat = (typeof CAPTION_FORMATS)[number];

const CAPTION_SUFFIX: Record<CaptionFormat, string> = {
  srt: '.srt',
  vtt: '.vtt',
  labels: '.labels.txt',
  cue: '.cue',
  ffmetadata: '.chapters.txt',
};

export interface StoryExportRequest {
  /** Output rate (default: the highest among the clips) and channels (default stereo), for the mix and the stems. */
  sampleRate?: number;
  channels?: 1 | 2;
  mix?: { path: string; target: MixTarget; level: MixLevel };
  /** One file per track the mix plays (stems.ts); `target` defaults to the mix's, else 24-bit WAV. */
  stems?: { dir: string; target?: MixTarget };
  captions?: { dir: string; formats: CaptionFormat[]; timing?: CueTiming };
}

export interface StoryExportOptions {
  mixer: StoryMixer;
  signal?: AbortSignal;
  /** Fraction done, 0..1. */
  onProgress?: (fraction: number) => void;
}

export interface StoryExportResult {
  /** Every file written, in the order made. */
  files: string[];
  mix?: MixResult;
  stems: Stem[];
  /** How many caption cues and chapters were written (0 when not asked). */
  cues: number;
  chapters: number;
}

const cancelled = (): MixError => new MixError('cancelled', 'The export was cancelled; nothing was saved.');

export async function exportStory(
  reader: StoryReader,
  storyId: string,
  request: StoryExportRequest,
  options: StoryExportOptions,
): Promise<StoryExportResult> {
  const { mixer, signal } = options;
  const checkCancel = (): void => {
    if (signal?.aborted) throw cancelled();
  };
  checkCancel();
  const resolved = await resolveStory(reader, storyId);
  const needsAudio = !!request.mix || !!request.stems;
  const plan = needsAudio ? mixPlanOf(resolved, { sampleRate: request.sampleRate, channels: request.channels }) : undefined;
  const stemTarget: MixTarget = request.stems?.target ?? request.mix?.target ?? { codec: 'wav', bits: 24 };
  const stems = request.stems ? plannedStems(resolved, request.stems.dir, stemTarget) : [];
  // Weights of the steps in the progress fraction: the mix 1 (2 with a first pass), a stem 1 each.
  const mixWeight = request.mix ? (request.mix.level.mode === 'peak' || request.mix.level.loudnessLufs !== undefined ? 2 : 1) : 0;
  const total = Math.max(1, mixWeight + stems.length);
  const staged = new StagedFiles();
  try {
    let mix: MixResult | undefined;
    if (request.mix && plan) {
      const { path, target, level } = request.mix;
      mix = await mixer.mix(plan, await staged.stage(path), {
        target,
        level,
        signal,
        onProgress: (f) => options.onProgress?.((f * mixWeight) / total),
      });
    }
    if (plan && stems.length) {
      await writeStems(mixer, plan, stems, {
        target: stemTarget,
        gainDb: mix?.gainDb ?? 0,
        pathOf: (stem) => staged.stage(stem.path),
        signal,
        onProgress: (f) => options.onProgress?.((mixWeight + f * stems.length) / total),
      });
    }
    let cues = 0;
    let chapters = 0;
    if (request.captions) {
      const { dir, formats, timing } = request.captions;
      const base = request.mix ? basename(request.mix.path, extname(request.mix.path)) : safeSegment(resolved.story.name);
      const target = (format: CaptionFormat) => join(dir, safeSegment(`${base}${CAPTION_SUFFIX[format]}`, true));
      const storyCueList = storyCues(resolved, timing);
      const chapterList = storyChapters(resolved);
      const audioName = request.mix ? basename(request.mix.path) : `${base}.${FILE_EXTENSIONS.wav}`;
      const text: Record<CaptionFormat, () => string> = {
        srt: () => toSrt(storyCueList),
        vtt: () => toWebVtt(storyCueList),
        labels: () => toAudacityLabels(resolved),
        cue: () => toCueSheet(chapterList, { title: resolved.story.name, fileName: audioName }),
        ffmetadata: () => toFfmetadata(chapterList, { title: resolved.story.name }),
      };
      for (const format of new Set(formats)) {
        checkCancel();
        await staged.writeText(target(format), text[format]());
      }
      if (formats.some((f) => f === 'srt' || f === 'vtt')) cues = storyCueList.length;
      if (formats.some((f) => f === 'cue' || f === 'ffmetadata')) chapters = chapterList.length;
    }
    checkCancel();
    const files = await staged.commit();
    options.onProgress?.(1);
    return { files, mix, stems, cues, chapters };
  } catch (error) {
    await staged.discard();
    throw error;
  }
}
