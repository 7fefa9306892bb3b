// What a file handed to Import is, by its first bytes (names lie; extensions only decide sidecars).
import { promises as fsp } from 'node:fs';
import { extname } from 'node:path';
import { SNIFF_BYTES, sniffAudioFormat, type AudioFormat } from '../audio/format';

/** Audio of any format we recognise; whether it can be imported is the probe's call (./audio-probe). */
export type InputKind = { kind: 'zip' } | { kind: 'audio'; format: AudioFormat } | { kind: 'sidecar' } | { kind: 'unknown' };

export const SIDECAR_EXTENSIONS = ['.txt', '.json'] as const;
export const AUDIO_EXTENSIONS = ['.wav', '.mp3', '.flac', '.ogg', '.oga'] as const;

export function isSidecarName(name: string): boolean {
  return (SIDECAR_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}

export function isAudioName(name: string): boolean {
  return (AUDIO_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}

/** macOS resource forks and Finder metadata that ride along in ZIPs made on a Mac. */
export function isJunkEntry(name: string): boolean {
  const base = name.split('/').pop() ?? '';
  return name.startsWith('__MACOSX/') || base.startsWith('._') || base === '.DS_Store' || base === 'Thumbs.db';
}

export async function detectInput(path: string): Promise<InputKind> {
  const handle = await fsp.open(path, 'r');
  const head = Buffer.alloc(SNIFF_BYTES);
  let bytesRead = 0;
  try {
    ({ bytesRead } = await handle.read(head, 0, head.length, 0));
  } finally {
    await handle.close();
  }
  const bytes = head.subarray(0, bytesRead);
  // Local file header, or the end record of an empty archive.
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5)) return { kind: 'zip' };
  const format = sniffAudioFormat(bytes);
  if (format) return { kind: 'audio', format };
  if (isSidecarName(path)) return { kind: 'sidecar' };
  return { kind: 'unknown' };
}
