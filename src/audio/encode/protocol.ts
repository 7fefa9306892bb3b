// Messages between the host and the encode worker (src/audio/encode/worker.ts). The worker
// runs on a worker thread so encoding never blocks the extension host; it writes to the path it
// is given (the host's temp file) and the host renames that into place only once `done` arrives.

/** What to encode to. Bits and bitrates are the ones every supported encoder accepts. */
export type EncodeTarget =
  { codec: 'wav'; bits: 16 | 24 } | { codec: 'flac' } | { codec: 'mp3'; kbps: Mp3Bitrate } | { codec: 'ogg'; quality: number };

export const MP3_BITRATES = [64, 96, 128, 160, 192, 256, 320] as const;
export type Mp3Bitrate = (typeof MP3_BITRATES)[number];

/** Where the worker finds the encoders' wasm files (shipped beside the bundle, see esbuild.mjs). */
export interface EncoderFiles {
  /** Folder holding libflac.wasm.js and libflac.wasm.wasm (libflac.js, MIT; libFLAC, BSD-3-Clause). */
  flacDir: string;
  /** LAME's wasm (LGPL-2.0-or-later): a separate, replaceable file, never inside a bundle. */
  mp3Wasm: string;
  /** libvorbis + libogg wasm (BSD-3-Clause). */
  oggWasm: string;
}

export interface EncodeJob {
  type: 'encode';
  id: number;
  /** A WAV file (8/16/24/32-bit PCM or 32/64-bit float). */
  source: string;
  /** Written from scratch; the host owns renaming or removing it. */
  output: string;
  target: EncodeTarget;
}

export type EncodeErrorCode = 'unsupported-source' | 'unsupported-target' | 'failed';

export type EncodeReply =
  | { type: 'progress'; id: number; frames: number; totalFrames: number }
  | { type: 'done'; id: number; bytes: number; frames: number; sampleRate: number; channels: number }
  | { type: 'error'; id: number; code: EncodeErrorCode; message: string };

export function isEncodeJob(m: unknown): m is EncodeJob {
  const j = m as EncodeJob | null;
  return !!j && j.type === 'encode' && typeof j.id === 'number' && typeof j.source === 'string' && typeof j.output === 'string';
}

export function isEncodeReply(m: unknown): m is EncodeReply {
  const r = m as EncodeReply | null;
  return !!r && typeof r.id === 'number' && (r.type === 'progress' || r.type === 'done' || r.type === 'error');
}
