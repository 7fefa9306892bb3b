/**
 * A story's mixdown, streamed: the timeline is rendered in blocks, a clip is decoded only while the
 * block being rendered reaches it and dropped after its end, so memory follows the longest clip,
 * not the story. Overlapping clips (on one track or several) are summed; a look-ahead limiter keeps
 * the result under the ceiling; the WAV is written block by block. Runs in plain Node (a worker
 * thread in the extension, see mix-worker.ts).
 */
import { closeSync, openSync, promises as fsp, writeSync } from 'node:fs';
import { sniffAudioFormat, SNIFF_BYTES } from '../audio/format';
import { wavEncoder } from '../audio/encode/encoders';
import { readWavInfo } from '../audio/wav';
import { decodeAudio } from '../effects/decode';
import { resample } from '../effects/dsp/resample';
import { errorMessage } from '../format/errors';
import { createLimiter } from './limiter';
import { clipName, mixPlanSchema, trackAudible, type MixClip, type MixPlan, type ParsedMixPlan } from './mix-plan';

export type MixErrorCode = 'invalid-plan' | 'missing-audio' | 'unreadable-audio' | 'cancelled' | 'failed';

export class MixError extends Error {
  override readonly name = 'MixError';
  constructor(
    readonly code: MixErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface MixOptions {
  /** WAV sample precision (default 16). */
  bits?: 16 | 24;
  /** Sample-peak ceiling of the limiter in dBFS (default −1.5: leaves room for inter-sample peaks so the true peak stays ≤ −1 dBTP); null: no limiter. */
  ceilingDb?: number | null;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Frames per block (default 65536). */
  blockFrames?: number;
}

export interface MixResult {
  sampleRate: number;
  channels: 1 | 2;
  frames: number;
  durationMs: number;
}

interface Probe {
  sampleRate: number;
  frames: number;
}

async function probe(clip: MixClip, index: number): Promise<Probe> {
  const name = clipName(clip, index);
  let head: Uint8Array;
  try {
    const handle = await fsp.open(clip.path, 'r');
    try {
      head = new Uint8Array(SNIFF_BYTES);
      const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new MixError(
        'missing-audio',
        `The audio of ${name} is missing (${clip.path}). Restore it or remove the clip, then export again.`,
      );
    throw new MixError('unreadable-audio', `The audio of ${name} could not be read (${errorMessage(error)}).`, { cause: error });
  }
  try {
    if (sniffAudioFormat(head) === 'wav') {
      const info = await readWavInfo(clip.path);
      return { sampleRate: info.sampleRate, frames: info.frames };
    }
    // Other formats say their length only once decoded; the sound is dropped again at once.
    const pcm = await decodeAudio(new Uint8Array(await fsp.readFile(clip.path)));
    return { sampleRate: pcm.sampleRate, frames: pcm.channels[0]?.length ?? 0 };
  } catch (error) {
    throw new MixError('unreadable-audio', `The audio of ${name} could not be read (${errorMessage(error)}).`, { cause: error });
  }
}

/** Where a clip sits on the output timeline, in output frames. */
interface Placed {
  index: number;
  clip: MixClip;
  gain: number;
  start: number;
  frames: number;
  /** Decoded, trimmed, at the output rate and channel count, faded and scaled; only while in use. */
  sound?: Float32Array[];
}

async function load(p: Placed, rate: number, channels: 1 | 2): Promise<Float32Array[]> {
  let pcm;
  try {
    pcm = await decodeAudio(new Uint8Array(await fsp.readFile(p.clip.path)));
  } catch (error) {
    throw new MixError('unreadable-audio', `The audio of ${clipName(p.clip, p.index)} could not be read (${errorMessage(error)}).`, {
      cause: error,
    });
  }
  const src = pcm.channels;
  const from = Math.round((p.clip.trimStartMs * pcm.sampleRate) / 1000);
  const to = Math.max(from, (src[0]?.length ?? 0) - Math.round((p.clip.trimEndMs * pcm.sampleRate) / 1000));
  let chans = src.map((x) => x.subarray(from, to));
  if (channels === 1 && chans.length > 1) {
    const mono = new Float32Array(to - from);
    for (const x of chans) for (let i = 0; i < mono.length; i++) mono[i]! += x[i]! / chans.length;
    chans = [mono];
  }
  chans = await resample(chans, pcm.sampleRate, rate);
  const out = Array.from({ length: channels }, (_, c) => Float32Array.from(chans[Math.min(c, chans.length - 1)]!));
  const n = out[0]!.length;
  const fadeIn = Math.min(n, Math.round((p.clip.fadeInMs * rate) / 1000));
  const fadeOut = Math.min(n, Math.round((p.clip.fadeOutMs * rate) / 1000));
  for (const x of out) {
    for (let i = 0; i < n; i++) {
      let g = p.gain;
      if (i < fadeIn) g *= i / fadeIn;
      if (i >= n - fadeOut) g *= (n - 1 - i) / fadeOut;
      x[i]! *= g;
    }
  }
  p.frames = Math.min(p.frames, n);
  return out;
}

export function parseMixPlan(plan: MixPlan): ParsedMixPlan {
  const parsed = mixPlanSchema.safeParse(plan);
  if (!parsed.success)
    throw new MixError(
      'invalid-plan',
      `The story cannot be mixed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
    );
  return parsed.data;
}

/** Mixes `plan` into a WAV file at `outputPath` (written from scratch; the caller renames it into place). */
export async function mixdownToWav(input: MixPlan, outputPath: string, options: MixOptions = {}): Promise<MixResult> {
  const plan = parseMixPlan(input);
  const { signal } = options;
  const checkCancel = (): void => {
    if (signal?.aborted) throw new MixError('cancelled', 'The export was cancelled; nothing was saved.');
  };
  // Every clip is checked before anything is written: a missing file refuses the export, named.
  const probes: Probe[] = [];
  for (const [i, clip] of plan.clips.entries()) {
    checkCancel();
    probes.push(await probe(clip, i));
  }
  const rate = plan.sampleRate ?? Math.max(8000, ...probes.map((p) => p.sampleRate));
  const channels = plan.channels;
  const placed: Placed[] = [];
  let total = 0;
  for (const [index, clip] of plan.clips.entries()) {
    const pr = probes[index]!;
    const kept = Math.max(0, pr.frames / pr.sampleRate - (clip.trimStartMs + clip.trimEndMs) / 1000);
    const start = Math.round((clip.startMs * rate) / 1000);
    const frames = Math.round(kept * rate);
    total = Math.max(total, start + frames);
    const gain = clip.volume * (plan.tracks[clip.track]?.gain ?? 1);
    if (frames > 0 && gain > 0 && trackAudible(plan, clip.track)) placed.push({ index, clip, gain, start, frames });
  }
  placed.sort((a, b) => a.start - b.start);

  const bits = options.bits ?? 16;
  const block = options.blockFrames ?? 65536;
  const ceilingDb = options.ceilingDb === undefined ? -1.5 : options.ceilingDb;
  const limiter = ceilingDb === null ? null : createLimiter({ channels, sampleRate: rate, ceiling: 10 ** (ceilingDb / 20) });
  const encoder = wavEncoder({ sampleRate: rate, channels, bits: 24, frames: total }, bits);
  const fd = openSync(outputPath, 'w');
  try {
    const write = (parts: Uint8Array[]): void => {
      for (const part of parts) if (part.length > 0) writeSync(fd, part);
    };
    const emit = (mixed: Float32Array): void => {
      if (mixed.length === 0) return;
      const ints = new Int32Array(mixed.length);
      for (let i = 0; i < mixed.length; i++) {
        const s = Math.round(mixed[i]! * 8388607);
        ints[i] = s > 8388607 ? 8388607 : s < -8388608 ? -8388608 : s;
      }
      write(encoder.push({ samples: ints, frames: mixed.length / channels }));
    };
    let next = 0; // first clip of `placed` not yet started
    const active: Placed[] = [];
    for (let at = 0; at < total; at += block) {
      checkCancel();
      const frames = Math.min(block, total - at);
      const end = at + frames;
      while (next < placed.length && placed[next]!.start < end) active.push(placed[next++]!);
      const mix = new Float32Array(frames * channels);
      for (const p of active) {
        p.sound ??= await load(p, rate, channels);
        const from = Math.max(at, p.start);
        const to = Math.min(end, p.start + p.frames);
        for (let c = 0; c < channels; c++) {
          const x = p.sound[c]!;
          for (let f = from; f < to; f++) mix[(f - at) * channels + c]! += x[f - p.start]!;
        }
      }
      // Clips that ended inside this block are dropped (their sound with them).
      for (let i = active.length - 1; i >= 0; i--) if (active[i]!.start + active[i]!.frames <= end) active.splice(i, 1);
      emit(limiter ? limiter.process(mix) : mix);
      options.onProgress?.(end, total);
    }
    if (limiter) emit(limiter.flush());
    write(encoder.finish());
  } finally {
    closeSync(fd);
  }
  return { sampleRate: rate, channels, frames: total, durationMs: (total / rate) * 1000 };
}
