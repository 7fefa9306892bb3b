// What every import source shares: its options, and staging an entry's audio in the temp folder
// (extracted, checked and measured) before a plan is committed.
import { basename, join } from 'node:path';
import { probeAudio, type AudioProbe } from './audio-probe';
import type { ImportLimits } from './limits';
import type { ZipArchive, ZipEntry } from './zip-reader';

export interface SourceOptions {
  limits: ImportLimits;
  /** Folder for staged audio (removed by the caller). */
  stageDir: string;
  /** Text for an audio file that has no sidecar; default: the file name without extension. */
  askText?: (fileName: string) => Promise<string | undefined> | string | undefined;
  /** Profile for audio that names none (plain files, ElevenLabs ZIPs). */
  profileName: string;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
}

let stageCounter = 0;
export function stagePath(opts: SourceOptions, ext: string): string {
  stageCounter += 1;
  return join(opts.stageDir, `${stageCounter}.${ext}`);
}

export function entryLabel(zip: ZipArchive, entry: ZipEntry | string): string {
  return `"${typeof entry === 'string' ? entry : entry.name}" in "${basename(zip.path)}"`;
}

/** Extracts an entry to the staging folder and measures its audio. */
export async function stageEntry(
  zip: ZipArchive,
  entry: ZipEntry,
  opts: SourceOptions,
): Promise<{ path: string; bytes: number; sha256: string; probe: AudioProbe }> {
  opts.signal?.throwIfAborted();
  const path = stagePath(opts, 'audio');
  const { bytes, sha256 } = await zip.extract(entry, path, { signal: opts.signal, onBytes: opts.onBytes });
  const probe = await probeAudio(path, entryLabel(zip, entry));
  return { path, bytes, sha256, probe };
}
