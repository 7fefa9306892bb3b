/**
 * Waveform peaks: the minimum and maximum sample of each channel in each of N equal slices of a
 * WAV file's sound, as a player draws them. The core (`PeakAccumulator`) is pure and works on
 * frame-aligned chunks, so a long file is processed in pieces without ever holding it whole.
 */
import { promises as fsp } from 'node:fs';
import { parseWavHeader, readWavInfo, type WavInfo } from './wav';

/**
 * The slice counts a view may ask for: each is computed once and cached on disk per version, so a
 * fixed set bounds that cache (a free choice of 1..20,000 would allow 20,000 files per version).
 */
export const PEAK_BUCKET_COUNTS = [100, 250, 500, 1000, 2000, 4000, 8000] as const;
export type PeakBucketCount = (typeof PEAK_BUCKET_COUNTS)[number];

export interface WaveformPeaks {
  /** Slices per channel; fewer than requested when the sound has fewer frames. */
  buckets: number;
  sampleRate: number;
  channels: number;
  frames: number;
  durationSeconds: number;
  /** Per channel, per slice, in [-1, 1], rounded to 4 decimals. */
  min: number[][];
  max: number[][];
}

type SampleFormat = Pick<WavInfo, 'encoding' | 'bitsPerSample' | 'channels' | 'blockAlign' | 'frames' | 'sampleRate'>;

/** Why peaks cannot be computed for this WAV, or null when they can. */
export function unsupportedReason(info: Pick<WavInfo, 'encoding' | 'bitsPerSample'>): string | null {
  if (info.encoding === 'pcm' && [8, 16, 24, 32].includes(info.bitsPerSample)) return null;
  if (info.encoding === 'float' && (info.bitsPerSample === 32 || info.bitsPerSample === 64)) return null;
  const what = info.encoding === 'other' ? 'compressed' : `${info.bitsPerSample}-bit ${info.encoding}`;
  return `No waveform for ${what} WAV audio: only 8/16/24/32-bit PCM and 32/64-bit float WAV are drawn.`;
}

/** Reads one sample at a byte offset of the sound data, as a number in [-1, 1). */
export type Reader = (view: DataView, at: number) => number;

export function readerFor(info: Pick<WavInfo, 'encoding' | 'bitsPerSample'>): Reader {
  if (info.encoding === 'float') return info.bitsPerSample === 64 ? (v, at) => v.getFloat64(at, true) : (v, at) => v.getFloat32(at, true);
  switch (info.bitsPerSample) {
    case 8:
      return (v, at) => (v.getUint8(at) - 128) / 128;
    case 16:
      return (v, at) => v.getInt16(at, true) / 32768;
    case 24:
      return (v, at) => {
        const x = v.getUint8(at) | (v.getUint8(at + 1) << 8) | (v.getInt8(at + 2) << 16);
        return x / 8388608;
      };
    default:
      return (v, at) => v.getInt32(at, true) / 2147483648;
  }
}

/** Accumulates peaks over consecutive frame-aligned chunks of sound data. */
export class PeakAccumulator {
  readonly buckets: number;
  private readonly read: Reader;
  private readonly bytesPerSample: number;
  private readonly mins: Float64Array[];
  private readonly maxs: Float64Array[];
  private frame = 0;
  private bucket = 0;
  private nextBoundary: number;

  constructor(
    private readonly format: SampleFormat,
    requestedBuckets: number,
  ) {
    const reason = unsupportedReason(format);
    if (reason) throw new Error(reason);
    this.buckets = Math.max(0, Math.min(Math.floor(requestedBuckets), format.frames));
    this.read = readerFor(format);
    this.bytesPerSample = format.bitsPerSample / 8;
    this.mins = Array.from({ length: format.channels }, () => new Float64Array(this.buckets).fill(Infinity));
    this.maxs = Array.from({ length: format.channels }, () => new Float64Array(this.buckets).fill(-Infinity));
    this.nextBoundary = this.boundary(0);
  }

  /** Last frame (exclusive) of a bucket: frames are spread evenly, remainder included. */
  private boundary(bucket: number): number {
    return Math.floor(((bucket + 1) * this.format.frames) / this.buckets);
  }

  /** Feeds whole frames; a trailing partial frame is ignored (the caller keeps chunks aligned). */
  push(chunk: Uint8Array): void {
    const { channels, blockAlign, frames } = this.format;
    if (this.buckets === 0) return;
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const count = Math.min(Math.floor(chunk.byteLength / blockAlign), frames - this.frame);
    const read = this.read;
    const step = this.bytesPerSample;
    for (let f = 0; f < count; f++) {
      while (this.frame >= this.nextBoundary && this.bucket < this.buckets - 1) {
        this.bucket++;
        this.nextBoundary = this.boundary(this.bucket);
      }
      const b = this.bucket;
      const base = f * blockAlign;
      for (let c = 0; c < channels; c++) {
        const s = read(view, base + c * step);
        const mn = this.mins[c];
        const mx = this.maxs[c];
        if (s < mn[b]) mn[b] = s;
        if (s > mx[b]) mx[b] = s;
      }
      this.frame++;
    }
  }

  finish(): WaveformPeaks {
    const round = (x: number): number => (Number.isFinite(x) ? Math.round(Math.max(-1, Math.min(1, x)) * 1e4) / 1e4 : 0);
    return {
      buckets: this.buckets,
      sampleRate: this.format.sampleRate,
      channels: this.format.channels,
      frames: this.format.frames,
      durationSeconds: this.format.frames / this.format.sampleRate,
      min: this.mins.map((a) => Array.from(a, round)),
      max: this.maxs.map((a) => Array.from(a, round)),
    };
  }
}

/** Peaks of a whole WAV file held in memory. */
export function computeWavPeaks(wav: Uint8Array, buckets: number): WaveformPeaks {
  const info = parseWavHeader(wav);
  const acc = new PeakAccumulator(info, buckets);
  acc.push(wav.subarray(info.dataOffset, info.dataOffset + info.dataLength));
  return acc.finish();
}

export interface PeaksFromFileOptions {
  signal?: AbortSignal;
  /** Bytes read per step (rounded down to whole frames). Each step is one short burst of work. */
  chunkBytes?: number;
  /** The header, if already read. */
  info?: WavInfo;
}

/**
 * Peaks of a WAV file on disk, read in chunks: memory stays at one chunk and the event loop gets
 * a turn between chunks (every read is awaited), so a 10-minute file never blocks for long.
 */
export async function computeWavPeaksFromFile(path: string, buckets: number, opts: PeaksFromFileOptions = {}): Promise<WaveformPeaks> {
  const info = opts.info ?? (await readWavInfo(path));
  const acc = new PeakAccumulator(info, buckets);
  const step = Math.max(1, Math.floor((opts.chunkBytes ?? 512 * 1024) / info.blockAlign)) * info.blockAlign;
  const buf = new Uint8Array(step);
  const handle = await fsp.open(path, 'r');
  try {
    let done = 0;
    while (done < info.dataLength) {
      opts.signal?.throwIfAborted();
      const want = Math.min(step, info.dataLength - done);
      const { bytesRead } = await handle.read(buf, 0, want, info.dataOffset + done);
      if (bytesRead === 0) break; // the file shrank under us: peaks of what is there
      const whole = bytesRead - (bytesRead % info.blockAlign);
      acc.push(buf.subarray(0, whole));
      done += whole;
      if (whole === 0) break;
    }
  } finally {
    await handle.close();
  }
  return acc.finish();
}
