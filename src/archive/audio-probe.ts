// Finds out what an audio file really is (by its bytes, never its name or a manifest) and reads
// it far enough to know format, sample rate, channels and duration. WAV goes through the shared
// header parser (src/audio/wav); MP3, FLAC and OGG through music-metadata (well kept, pure JS,
// bundles into the CJS host; v11 because v12 needs Node 22).
import { createReadStream, promises as fsp } from 'node:fs';
import { PassThrough } from 'node:stream';
import { parseStream } from 'music-metadata';
import { sniffContainer } from '../audio/container';
import { readWavInfo } from '../audio/wav';
import { ArchiveError } from './errors';
import type { AudioFormat } from './manifest';

export interface AudioProbe {
  format: AudioFormat;
  /** As music-metadata names it, e.g. "PCM", "MPEG 1 Layer 3", "FLAC", "Vorbis I". */
  codec: string;
  sampleRate: number;
  channels: number;
  /** Seconds, measured from the audio itself. */
  duration: number;
  bytes: number;
}

/** The format from the first bytes, or null when they are not WAV, MP3, FLAC or OGG. */
export function sniffAudioFormat(head: Uint8Array): AudioFormat | null {
  const container = sniffContainer(head);
  return container === 'unknown' ? null : container;
}

/** WAV through the shared header parser: exact duration from the sound bytes really present. */
async function probeWav(path: string, size: number, label: string): Promise<AudioProbe> {
  let info;
  try {
    info = await readWavInfo(path);
  } catch (e) {
    throw new ArchiveError('not-audio', `${label} is not a usable WAV file: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (info.truncated) {
    throw new ArchiveError(
      'not-audio',
      `${label} is truncated: its WAV header promises ${info.declaredDataLength} bytes of sound but the file holds ${info.dataLength}. Get a complete copy of the file.`,
    );
  }
  if (info.frames === 0 || !(info.durationSeconds > 0)) {
    throw new ArchiveError('not-audio', `${label} is a WAV file without any sound. Get a complete copy of the file.`);
  }
  return {
    format: 'wav',
    codec: info.encoding === 'pcm' ? 'PCM' : info.encoding,
    sampleRate: info.sampleRate,
    channels: info.channels,
    duration: info.durationSeconds,
    bytes: size,
  };
}

/**
 * Probes the file at `path`; `label` names it in messages (e.g. `"audio/take.wav" in x.zip`).
 * Throws ArchiveError('not-audio') for anything that is not playable WAV, MP3, FLAC or OGG.
 */
export async function probeAudio(path: string, label = path): Promise<AudioProbe> {
  const { size } = await fsp.stat(path);
  const head = Buffer.alloc(16);
  const handle = await fsp.open(path, 'r');
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  const format = size >= 4 ? sniffAudioFormat(head) : null;
  if (format === null) {
    throw new ArchiveError(
      'not-audio',
      `${label} is not audio Voice History can import (WAV, MP3, FLAC or OGG expected; its content is something else).`,
    );
  }
  if (format === 'wav') return probeWav(path, size, label);
  let meta;
  try {
    // The parser is chosen by the extension of `path` (our sniffed format): a PassThrough hides the
    // file's own name, and MIME hints are not used because their parsing differs under tsx and esbuild.
    const stream = createReadStream(path).pipe(new PassThrough());
    meta = await parseStream(stream, { path: `audio.${format}`, size }, { duration: true, skipCovers: true });
  } catch (e) {
    throw new ArchiveError(
      'not-audio',
      `${label} looks like ${format.toUpperCase()} but cannot be read (${e instanceof Error ? e.message : String(e)}). The file is damaged.`,
      { cause: e },
    );
  }
  const { sampleRate, numberOfChannels, duration, codec } = meta.format;
  if (!sampleRate || !numberOfChannels || duration === undefined || !Number.isFinite(duration) || duration <= 0) {
    throw new ArchiveError(
      'not-audio',
      `${label} looks like ${format.toUpperCase()} but its ${!sampleRate ? 'sample rate' : !numberOfChannels ? 'channel count' : 'duration'} cannot be determined. The file is damaged or not audio.`,
    );
  }
  return { format, codec: codec ?? format, sampleRate, channels: numberOfChannels, duration, bytes: size };
}
