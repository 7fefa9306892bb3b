/**
 * Peaks are computed once per (version, resolution) and kept: in memory (a small LRU) and on disk
 * as small JSON files, so reopening a 10-minute take draws at once. A cached entry is used only
 * while the audio file's size and modification time still match what it was computed from.
 *
 * Files are named `<generationId>.<versionId>.<buckets>.json` in their own folder (not inside the
 * audio folder, whose unowned files the store's reconcile treats as orphans), so everything of a
 * deleted generation or version can be removed by name.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { formatName, sniffAudioFile } from './format';
import { computeWavPeaksFromFile, unsupportedReason, type WaveformPeaks } from './peaks';
import { readWavInfo, WavFormatError } from './wav';
import { errorMessage } from '../format/errors';

export type PeaksResult = { peaks: WaveformPeaks; reason: null } | { peaks: null; reason: string };

export interface PeaksKey {
  generationId: string;
  versionId: string;
  buckets: number;
}

export interface PeaksCacheOptions {
  /** Folder for the cache files (created on first write). */
  dir: string;
  /** Entries kept in memory. Default 32 (a 20,000-slice stereo entry is ~1.3 MB). */
  maxEntries?: number;
  log?: { warn(message: string): void };
}

const FILE_FORMAT = 1;

const numbers = z.array(z.number());
const cacheFileSchema = z.object({
  format: z.literal(FILE_FORMAT),
  source: z.object({ size: z.number(), mtimeMs: z.number() }),
  peaks: z.object({
    buckets: z.number().int().min(0),
    sampleRate: z.number(),
    channels: z.number().int().min(1),
    frames: z.number().int().min(0),
    durationSeconds: z.number(),
    min: z.array(numbers),
    max: z.array(numbers),
  }),
});

interface Entry {
  size: number;
  mtimeMs: number;
  result: PeaksResult;
}

/** Ids become file names: only the characters of a UUID (or similar) are accepted. */
const SAFE_ID = /^[A-Za-z0-9-]{1,64}$/;

export class PeaksCache {
  private readonly memory = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<PeaksResult>>();
  private readonly maxEntries: number;

  constructor(private readonly opts: PeaksCacheOptions) {
    this.maxEntries = opts.maxEntries ?? 32;
  }

  fileFor(key: PeaksKey): string {
    if (!SAFE_ID.test(key.generationId) || !SAFE_ID.test(key.versionId) || !Number.isInteger(key.buckets)) {
      throw new Error('Peaks cache keys must be plain ids and an integer resolution.');
    }
    return join(this.opts.dir, `${key.generationId}.${key.versionId}.${key.buckets}.json`);
  }

  /** Peaks of `audioPath` for `key`: from memory, else disk, else computed (and stored). */
  async get(key: PeaksKey, audioPath: string, signal?: AbortSignal): Promise<PeaksResult> {
    const id = this.fileFor(key);
    const stat = await fsp.stat(audioPath);
    const hit = this.memory.get(id);
    if (hit && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs) {
      this.memory.delete(id); // refresh LRU position
      this.memory.set(id, hit);
      return hit.result;
    }
    // Concurrent requests for the same peaks share one computation.
    const running = this.pending.get(id);
    if (running) return running;
    const work = this.load(key, id, audioPath, { size: stat.size, mtimeMs: stat.mtimeMs }, signal).finally(() => this.pending.delete(id));
    this.pending.set(id, work);
    return work;
  }

  private async load(
    key: PeaksKey,
    file: string,
    audioPath: string,
    source: { size: number; mtimeMs: number },
    signal?: AbortSignal,
  ): Promise<PeaksResult> {
    const fromDisk = await this.readFile(file, source);
    if (fromDisk) {
      this.remember(file, source, { peaks: fromDisk, reason: null });
      return { peaks: fromDisk, reason: null };
    }
    const result = await compute(audioPath, key.buckets, signal);
    this.remember(file, source, result);
    if (result.peaks) await this.writeFile(file, source, result.peaks);
    return result;
  }

  private remember(id: string, source: { size: number; mtimeMs: number }, result: PeaksResult): void {
    this.memory.delete(id);
    this.memory.set(id, { ...source, result });
    while (this.memory.size > this.maxEntries) {
      const oldest = this.memory.keys().next().value as string;
      this.memory.delete(oldest);
    }
  }

  private async readFile(file: string, source: { size: number; mtimeMs: number }): Promise<WaveformPeaks | undefined> {
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = cacheFileSchema.safeParse(JSON.parse(text));
      if (parsed.success && parsed.data.source.size === source.size && parsed.data.source.mtimeMs === source.mtimeMs) {
        return parsed.data.peaks;
      }
    } catch {
      // A damaged cache file is simply recomputed and overwritten.
    }
    return undefined;
  }

  private async writeFile(file: string, source: { size: number; mtimeMs: number }, peaks: WaveformPeaks): Promise<void> {
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await fsp.mkdir(this.opts.dir, { recursive: true });
      await fsp.writeFile(tmp, JSON.stringify({ format: FILE_FORMAT, source, peaks }));
      await fsp.rename(tmp, file);
    } catch (err) {
      // The cache is an optimisation: a full disk or a read-only folder must not fail the request.
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      this.opts.log?.warn(`Could not store waveform peaks in ${this.opts.dir}: ${errorMessage(err)}`);
    }
  }

  /** Drops everything cached for these generations (memory and disk). */
  async forgetGenerations(generationIds: readonly string[]): Promise<void> {
    await this.forget((name) => generationIds.some((g) => name.startsWith(`${g}.`)));
  }

  /** Drops everything cached for these versions (memory and disk). */
  async forgetVersions(versionIds: readonly string[]): Promise<void> {
    await this.forget((name) => versionIds.some((v) => name.split('.')[1] === v));
  }

  private async forget(match: (fileName: string) => boolean): Promise<void> {
    for (const id of [...this.memory.keys()]) {
      if (match(id.slice(this.opts.dir.length + 1))) this.memory.delete(id);
    }
    let names: string[];
    try {
      names = await fsp.readdir(this.opts.dir);
    } catch {
      return;
    }
    await Promise.all(names.filter(match).map((n) => fsp.rm(join(this.opts.dir, n), { force: true }).catch(() => undefined)));
  }
}

async function compute(audioPath: string, buckets: number, signal?: AbortSignal): Promise<PeaksResult> {
  const format = await sniffAudioFile(audioPath);
  if (format !== 'wav') {
    const what = format === null ? 'this audio format' : `${formatName(format)} audio`;
    return { peaks: null, reason: `No waveform for ${what}: waveforms are drawn for WAV files only.` };
  }
  let info;
  try {
    info = await readWavInfo(audioPath);
  } catch (err) {
    if (err instanceof WavFormatError) return { peaks: null, reason: `No waveform: ${err.message}` };
    throw err;
  }
  const reason = unsupportedReason(info);
  if (reason) return { peaks: null, reason };
  return { peaks: await computeWavPeaksFromFile(audioPath, buckets, { signal, info }), reason: null };
}
