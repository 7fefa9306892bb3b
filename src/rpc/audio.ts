/**
 * Finding the audio file of a generation (its default version or a given one) for the router,
 * with the checks a file path from the database deserves before it goes near a webview.
 */
import { promises as fsp } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { isPlayableFormat, MIME_TYPES, sniffAudioFile, type AudioFormat } from '../audio/format';
import { readWavInfo, WavFormatError } from '../audio/wav';
import type { Generation, HistoryService, Version } from '../history';
import { rpcError } from './context';

export interface ResolvedAudio {
  generation: Generation;
  /** The version whose audio this is; null only for a generation that has audio but no version rows. */
  version: Version | null;
  /** The file itself (symlinks resolved): what the host reads. */
  absPath: string;
  /**
   * The same file under the history's audio folder as configured (symlinks in the folder's path
   * kept): what a webview is given, since its `localResourceRoots` hold that unresolved folder
   * and VS Code compares paths as written (macOS /var -> /private/var, linked config folders).
   */
  servedPath: string;
  bytes: number;
}

export interface AudioFormatInfo {
  /** What src/audio/format identifies the bytes as. */
  container: AudioFormat | 'unknown';
  mimeType: string;
  /** VS Code's webviews play WAV, MP3, FLAC and OGG/Vorbis only. */
  playable: boolean;
  sampleRate: number | null;
  channels: number | null;
  /** WAV only. */
  bitsPerSample: number | null;
  /** WAV only: pcm, float, alaw, mulaw or other. */
  encoding: string | null;
  durationSeconds: number | null;
  bytes: number;
}

export async function resolveAudio(history: HistoryService, generationId: string, versionId?: string | null): Promise<ResolvedAudio> {
  const generation = await history.get(generationId);
  if (!generation)
    throw rpcError('NOT_FOUND', 'GENERATION_NOT_FOUND', 'This generation no longer exists; it may have been deleted. Refresh the list.');
  const versions = await history.listVersions(generationId);
  let version: Version | null;
  if (versionId) {
    version = versions.find((v) => v.id === versionId) ?? null;
    if (!version)
      throw rpcError(
        'NOT_FOUND',
        'VERSION_NOT_FOUND',
        'This version no longer exists (or belongs to another generation). Pick a version from the list again.',
      );
  } else {
    version = versions.find((v) => v.isDefault) ?? versions[0] ?? null;
  }
  if (!version && !generation.audioPath) {
    const why =
      generation.status === 'failed' ? 'it failed' : generation.status === 'completed' ? 'none was stored' : 'it is still being generated';
    throw rpcError('NOT_FOUND', 'NO_AUDIO', `This generation has no audio yet: ${why}.`);
  }
  const absPath = history.resolveAudioPath(version ?? generation);
  let real: string;
  let audioRoot: string;
  try {
    real = await fsp.realpath(absPath);
    audioRoot = await fsp.realpath(history.audioDir);
  } catch {
    throw rpcError(
      'NOT_FOUND',
      'AUDIO_MISSING',
      'The audio file of this generation is missing from the storage folder. Run "Voice History: Reconcile Storage" to clean up the history.',
    );
  }
  // Defence in depth: a row (e.g. from a crafted import) must never make us hand out other files.
  const rel = relative(audioRoot, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw rpcError(
      'FORBIDDEN',
      'AUDIO_OUTSIDE_STORAGE',
      'This generation points at a file outside the Voice History audio folder; it will not be opened.',
    );
  }
  const stat = await fsp.stat(real);
  if (!stat.isFile())
    throw rpcError('NOT_FOUND', 'AUDIO_MISSING', 'The audio of this generation is not a file. Run "Voice History: Reconcile Storage".');
  return { generation, version, absPath: real, servedPath: join(history.audioDir, rel), bytes: stat.size };
}

/** Format facts: read from the WAV header when it is one, else from what the history recorded. */
export async function describeAudio(audio: ResolvedAudio): Promise<AudioFormatInfo> {
  const format = await sniffAudioFile(audio.absPath);
  const container = format ?? 'unknown';
  const row = audio.version ?? audio.generation;
  const base: AudioFormatInfo = {
    container,
    mimeType: format ? MIME_TYPES[format] : 'application/octet-stream',
    playable: format !== null && isPlayableFormat(format),
    sampleRate: row.sampleRate,
    channels: row.channels,
    bitsPerSample: null,
    encoding: null,
    durationSeconds: row.duration,
    bytes: audio.bytes,
  };
  if (container !== 'wav') return base;
  try {
    const wav = await readWavInfo(audio.absPath);
    return {
      ...base,
      // Browsers play PCM and float WAV; A-law/µ-law/compressed WAV they do not.
      playable: wav.encoding === 'pcm' || wav.encoding === 'float',
      sampleRate: wav.sampleRate,
      channels: wav.channels,
      bitsPerSample: wav.bitsPerSample,
      encoding: wav.encoding,
      durationSeconds: wav.durationSeconds,
    };
  } catch (err) {
    if (err instanceof WavFormatError) return { ...base, playable: false };
    throw err;
  }
}
