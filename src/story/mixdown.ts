/**
 * A story's mixdown, streamed: the timeline is rendered in blocks, a clip is read only while the
 * block being rendered reaches it and dropped after its end, so memory follows the longest clip,
 * not the story. Overlapping clips (on one track or several) are summed; the level is then set by
 * a look-ahead limiter, by one peak-safe gain, or not at all, optionally aiming at a loudness
 * target measured in a first pass; the output (WAV, FLAC, MP3, Ogg Vorbis) is encoded and written
 * block by block. Runs in plain Node: a worker thread in the extension (mix-worker.ts), in-process in tests.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { StreamEncoder } from '../audio/encode/encoders';
import { checkTarget, openEncoder, UnsupportedTargetError } from '../audio/encode/open';
import type { EncoderFiles } from '../audio/encode/protocol';
import { createLoudnessMeter, createTruePeakMeter, toDb } from '../effects/dsp/loudness';
import { errorMessage } from '../format/errors';
import { loadClip, probeClip, type ClipProbe } from './clip-audio';
import { createLimiter } from './limiter';
import { MixError } from './mix-error';
import { mixPlanSchema, trackAudible, type MixClip, type MixPlan, type ParsedMixPlan } from './mix-plan';
import type { MixLevel, MixTarget } from './mix-options';

export { MixError, type MixErrorCode } from './mix-error';

export interface MixOptions {
  /** Default: 16-bit WAV. */
  target?: MixTarget;
  /** Default: the limiter at −1 dBTP, no loudness target. */
  level?: MixLevel;
  /** Where the FLAC, MP3 and Ogg encoders' files are (not needed for WAV). */
  files?: EncoderFiles;
  /** Only the clips of these tracks (a stem), ignoring solo; mute still silences. */
  onlyTracks?: number[];
  /** A gain already decided (stems share the full mix's), instead of measuring a first pass. */
  gainDb?: number;
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
  /** The gain applied to the sum (0 with the plain limiter and no loudness target). */
  gainDb: number;
  /** What the first pass measured of the sum, before the gain (only when there was a first pass). */
  measured?: { loudnessLufs: number | null; truePeakDb: number | null };
}

/** Limiter ceiling below the true-peak ceiling, for inter-sample peaks the sample limiter cannot see. */
const LIMITER_MARGIN_DB = 0.5;
/** Kept below the ceiling as our meter reads it, for other meters' interpolators (ffmpeg's reads up to ~0.1 dB higher). */
const METER_MARGIN_DB = 0.2;

export function parseMixPlan(plan: MixPlan): ParsedMixPlan {
  const parsed = mixPlanSchema.safeParse(plan);
  if (!parsed.success)
    throw new MixError(
      'invalid-plan',
      `The story cannot be mixed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
    );
  return parsed.data;
}

/** Where a clip sits on the output timeline, in output frames. */
interface Placed {
  index: number;
  clip: MixClip;
  probe: ClipProbe;
  gain: number;
  start: number;
  frames: number;
  sound?: Float32Array[];
}

interface Timeline {
  rate: number;
  channels: 1 | 2;
  total: number;
  placed: Placed[];
}

async function lay(plan: ParsedMixPlan, options: MixOptions, checkCancel: () => void): Promise<Timeline> {
  // Every clip is checked before anything is written: a missing file refuses the export, named.
  const probes: ClipProbe[] = [];
  for (const [i, clip] of plan.clips.entries()) {
    checkCancel();
    probes.push(await probeClip(clip, i));
  }
  const rate = plan.sampleRate ?? Math.max(8000, ...probes.map((p) => p.sampleRate));
  const only = options.onlyTracks && new Set(options.onlyTracks);
  const audible = (track: number): boolean => (only ? only.has(track) && !plan.tracks[track]?.mute : trackAudible(plan, track));
  const placed: Placed[] = [];
  let total = 0;
  for (const [index, clip] of plan.clips.entries()) {
    const probe = probes[index]!;
    const kept = Math.max(0, probe.frames / probe.sampleRate - (clip.trimStartMs + clip.trimEndMs) / 1000);
    const start = Math.round((clip.startMs * rate) / 1000);
    const frames = Math.round(kept * rate);
    // The story ends where its last clip ends, heard or not (a stem is as long as the mix).
    total = Math.max(total, start + frames);
    const gain = clip.volume * (plan.tracks[clip.track]?.gain ?? 1);
    if (frames > 0 && gain > 0 && audible(clip.track)) placed.push({ index, clip, probe, gain, start, frames });
  }
  placed.sort((a, b) => a.start - b.start);
  return { rate, channels: plan.channels, total, placed };
}

/**
 * One pass over the timeline: `onBlock` gets each block's sum, planar, in order. Each clip's gain
 * (and `scale`, the mix's own) is applied as it is added: the one pass over its samples it gets anyway.
 */
async function render(
  t: Timeline,
  block: number,
  checkCancel: () => void,
  onBlock: (mix: Float32Array[], end: number) => void,
  scale = 1,
): Promise<void> {
  let next = 0; // first clip of `placed` not yet started
  const active: Placed[] = [];
  for (let at = 0; at < t.total; at += block) {
    checkCancel();
    const frames = Math.min(block, t.total - at);
    const end = at + frames;
    while (next < t.placed.length && t.placed[next]!.start < end) active.push(t.placed[next++]!);
    const mix = Array.from({ length: t.channels }, () => new Float32Array(frames));
    for (const p of active) {
      p.sound ??= await loadClip(p.clip, p.index, p.probe, t.rate, t.channels);
      // The resampler's rounding may make the sound a frame shorter than the plan.
      const to = Math.min(end, p.start + Math.min(p.frames, p.sound[0]!.length));
      const from = Math.max(at, p.start);
      const g = p.gain * scale;
      for (let c = 0; c < t.channels; c++) {
        const x = p.sound[c]!;
        const y = mix[c]!;
        for (let f = from; f < to; f++) y[f - at]! += x[f - p.start]! * g;
      }
    }
    // Clips that ended inside this block are dropped (their sound with them).
    for (let i = active.length - 1; i >= 0; i--) {
      const p = active[i]!;
      if (p.start + p.frames <= end) {
        p.sound = undefined;
        active.splice(i, 1);
      }
    }
    onBlock(mix, end);
  }
}

const interleave = (planar: Float32Array[]): Float32Array => {
  if (planar.length === 1) return planar[0]!;
  const n = planar[0]!.length;
  const out = new Float32Array(n * planar.length);
  for (let c = 0; c < planar.length; c++) {
    const x = planar[c]!;
    for (let f = 0, i = c; f < n; f++, i += planar.length) out[i] = x[f]!;
  }
  return out;
};

/** Integers at `bits` precision, rounded and clipped (the last safety: a limited mix never reaches it). */
function quantize(mixed: Float32Array, bits: 16 | 24): Int32Array {
  const scale = 2 ** (bits - 1);
  const max = scale - 1;
  const ints = new Int32Array(mixed.length);
  for (let i = 0; i < mixed.length; i++) {
    // Clipped as a float, then rounded half up (Math.round's rule) by floor(x + 0.5).
    let s = mixed[i]! * scale;
    s = s > max ? max : s < -scale ? -scale : s;
    ints[i] = Math.floor(s + 0.5);
  }
  return ints;
}

/** Mixes `plan` into `outputPath` (written from scratch; the caller renames it into place). */
export async function mixdown(input: MixPlan, outputPath: string, options: MixOptions = {}): Promise<MixResult> {
  const plan = parseMixPlan(input);
  const { signal } = options;
  const checkCancel = (): void => {
    if (signal?.aborted) throw new MixError('cancelled', 'The export was cancelled; nothing was saved.');
  };
  const target: MixTarget = options.target ?? { codec: 'wav', bits: 16 };
  const level: MixLevel = options.level ?? { mode: 'limit' };
  const ceilingDb = level.truePeakDb ?? -1;
  const t = await lay(plan, options, checkCancel);
  try {
    checkTarget(target, { sampleRate: t.rate, channels: t.channels });
  } catch (error) {
    if (error instanceof UnsupportedTargetError) throw new MixError('unsupported-target', error.message);
    throw error;
  }
  const block = options.blockFrames ?? 65536;
  const twoPass = options.gainDb === undefined && (level.loudnessLufs !== undefined || level.mode === 'peak');
  const passes = twoPass ? 2 : 1;
  const progress = (pass: number, end: number): void => options.onProgress?.(pass * t.total + end, passes * t.total);

  let gainDb = options.gainDb ?? 0;
  let measured: MixResult['measured'];
  if (twoPass) {
    const loudness = createLoudnessMeter(t.rate, t.channels);
    const peak = createTruePeakMeter(t.channels);
    await render(t, block, checkCancel, (mix, end) => {
      if (level.loudnessLufs !== undefined) loudness.push(mix);
      peak.push(mix);
      progress(0, end);
    });
    measured = { loudnessLufs: level.loudnessLufs !== undefined ? loudness.integrated() : null, truePeakDb: toDb(peak.peak()) };
    const headroom = measured.truePeakDb === null ? 0 : ceilingDb - METER_MARGIN_DB - measured.truePeakDb;
    if (level.loudnessLufs !== undefined && measured.loudnessLufs !== null) gainDb = level.loudnessLufs - measured.loudnessLufs;
    else if (level.mode === 'peak') gainDb = headroom;
    // Peak-safe: the loudness target gives way to the ceiling (a limiter would hold the peaks instead).
    if (level.mode === 'peak') gainDb = Math.min(gainDb, headroom);
  }
  const gain = 10 ** (gainDb / 20);

  const bits: 16 | 24 = target.codec === 'wav' || target.codec === 'flac' ? target.bits : 24;
  const shape = { sampleRate: t.rate, channels: t.channels, bits, frames: t.total };
  let encoder: StreamEncoder;
  try {
    encoder = await openEncoder(target, shape, options.files ?? { flacDir: '', mp3Wasm: '', oggWasm: '' });
  } catch (error) {
    if (error instanceof UnsupportedTargetError) throw new MixError('unsupported-target', error.message);
    throw new MixError('failed', `The ${target.codec.toUpperCase()} encoder could not start (${errorMessage(error)}).`, { cause: error });
  }
  const limiter =
    level.mode === 'limit'
      ? createLimiter({ channels: t.channels, sampleRate: t.rate, ceiling: 10 ** ((ceilingDb - LIMITER_MARGIN_DB) / 20) })
      : null;
  const fd = openSync(outputPath, 'w');
  try {
    const write = (parts: Uint8Array[]): void => {
      const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      if (data.length > 0) writeSync(fd, data);
    };
    const emit = (mixed: Float32Array): void => {
      if (mixed.length > 0) write(encoder.push({ samples: quantize(mixed, bits), frames: mixed.length / t.channels }));
    };
    await render(
      t,
      block,
      checkCancel,
      (mix, end) => {
        const mixed = interleave(mix);
        emit(limiter ? limiter.process(mixed) : mixed);
        progress(passes - 1, end);
      },
      gain,
    );
    if (limiter) emit(limiter.flush());
    write(encoder.finish());
    for (const p of encoder.patches()) writeSync(fd, p.bytes, 0, p.bytes.length, p.offset);
  } finally {
    closeSync(fd);
  }
  return { sampleRate: t.rate, channels: t.channels, frames: t.total, durationMs: (t.total / t.rate) * 1000, gainDb, measured };
}
