/** Which audio container a file is, from its first bytes (never its name). */
import { promises as fsp } from 'node:fs';

export type AudioContainer = 'wav' | 'mp3' | 'flac' | 'ogg' | 'unknown';

/** Containers VS Code's webviews can play (WAV, MP3, FLAC, OGG/Vorbis). */
export const PLAYABLE_CONTAINERS: readonly AudioContainer[] = ['wav', 'mp3', 'flac', 'ogg'];

export function sniffContainer(head: Uint8Array): AudioContainer {
  const tag = (from: number, len: number): string => String.fromCharCode(...head.subarray(from, from + len));
  if (head.length >= 12 && (tag(0, 4) === 'RIFF' || tag(0, 4) === 'RF64') && tag(8, 4) === 'WAVE') return 'wav';
  if (head.length >= 4 && tag(0, 4) === 'fLaC') return 'flac';
  if (head.length >= 4 && tag(0, 4) === 'OggS') return 'ogg';
  if (head.length >= 3 && tag(0, 3) === 'ID3') return 'mp3';
  // MPEG audio frame sync with a layer set (layer bits 00 would be AAC/ADTS).
  if (head.length >= 2 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && ((head[1] >> 1) & 3) !== 0) return 'mp3';
  return 'unknown';
}

export async function sniffContainerOfFile(path: string): Promise<AudioContainer> {
  const handle = await fsp.open(path, 'r');
  try {
    const head = new Uint8Array(16);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return sniffContainer(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
