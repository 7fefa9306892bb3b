// Stream encoders over interleaved integer PCM: WAV (16/24-bit), FLAC (libFLAC), MP3 (LAME) and
// Ogg Vorbis (libvorbis). Each takes chunks and returns the bytes to append; `finish` flushes,
// and `patches` are bytes to overwrite at an offset once everything is written (FLAC's
// STREAMINFO, whose checksum is only known at the end). Runs on the encode worker's thread.
import { createHash } from 'node:crypto';
import type { WasmMediaEncoder } from 'wasm-media-encoders';
import { wavHeader } from '../wav';
import type { PcmChunk } from './pcm-reader';

export interface StreamEncoder {
  push(chunk: PcmChunk): Uint8Array[];
  finish(): Uint8Array[];
  patches(): Array<{ offset: number; bytes: Uint8Array }>;
}

export interface PcmShape {
  sampleRate: number;
  channels: number;
  /** Precision of the incoming integers. */
  bits: 8 | 16 | 24;
  frames: number;
}

/** Rescales integers from one precision to another (rounding, clipped to the target's range). */
function requantize(samples: Int32Array, from: number, to: number): Int32Array {
  if (from === to) return samples;
  const out = new Int32Array(samples.length);
  if (to > from) {
    const shift = to - from;
    for (let i = 0; i < samples.length; i++) out[i] = samples[i]! << shift;
    return out;
  }
  const div = 2 ** (from - to);
  const max = 2 ** (to - 1) - 1;
  const min = -(2 ** (to - 1));
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(min, Math.min(max, Math.round(samples[i]! / div)));
  return out;
}

/** Signed little-endian bytes of the samples at 1, 2 or 3 bytes each (what FLAC's MD5 covers). */
function littleEndian(samples: Int32Array, width: number): Uint8Array {
  if (width === 1) return new Uint8Array(Int8Array.from(samples).buffer);
  if (width === 2) return new Uint8Array(Int16Array.from(samples).buffer);
  const out = new Uint8Array(samples.length * 3);
  for (let i = 0, at = 0; i < samples.length; i++, at += 3) {
    const v = samples[i]!;
    out[at] = v & 255;
    out[at + 1] = (v >> 8) & 255;
    out[at + 2] = (v >> 16) & 255;
  }
  return out;
}

export function wavEncoder(shape: PcmShape, bits: 16 | 24): StreamEncoder {
  const bytesPerSample = bits / 8;
  const dataLength = shape.frames * shape.channels * bytesPerSample;
  let header: Uint8Array | null = wavHeader({ sampleRate: shape.sampleRate, channels: shape.channels, bitsPerSample: bits, dataLength });
  let written = 0;
  return {
    push(chunk) {
      const ints = requantize(chunk.samples, shape.bits, bits);
      const out = littleEndian(ints, bytesPerSample);
      written += out.length;
      const parts = header ? [header, out] : [out];
      header = null;
      return parts;
    },
    finish() {
      const parts = header ? [header] : [];
      header = null;
      // RIFF chunks are word-aligned: an odd data length gets one pad byte (the header counts it).
      if (dataLength % 2 === 1 && written === dataLength) parts.push(new Uint8Array(1));
      return parts;
    },
    patches: () => [],
  };
}

/** The part of libflac.js's API used here (its own typings do not load as a module). */
export interface LibFlac {
  create_libflac_encoder(
    sampleRate: number,
    channels: number,
    bps: number,
    level: number,
    totalSamples?: number,
    verify?: boolean,
    blockSize?: number,
  ): number;
  init_encoder_stream(
    encoder: number,
    write: (data: Uint8Array, bytes: number, samples: number, frame: number) => void,
    metadata?: (info: { md5sum: string; min_framesize: number; max_framesize: number } | undefined) => void,
  ): number;
  FLAC__stream_encoder_process_interleaved(encoder: number, buffer: Int32Array, frames: number): boolean;
  FLAC__stream_encoder_finish(encoder: number): boolean;
  FLAC__stream_encoder_delete(encoder: number): void;
  FLAC__stream_encoder_get_state(encoder: number): number;
}

/** FLAC level 5 (the `flac` tool's default): the balance of size and speed the format is known for. */
export const FLAC_LEVEL = 5;

export function flacEncoder(flac: LibFlac, shape: PcmShape): StreamEncoder {
  // FLAC holds 8 bits and up; libFLAC's reference encoder at most 24.
  const enc = flac.create_libflac_encoder(shape.sampleRate, shape.channels, shape.bits, FLAC_LEVEL, shape.frames, false, 0);
  if (!enc) throw new Error(`libFLAC refused ${shape.channels} channel(s) at ${shape.sampleRate} Hz, ${shape.bits}-bit.`);
  let out: Uint8Array[] = [];
  let info: { md5sum: string; min_framesize: number; max_framesize: number } | undefined;
  // libFLAC's own MD5 is of the samples as the decoder will give them back; computing it here
  // as well costs little and lets the worker write it into STREAMINFO (the stream API cannot seek).
  const md5 = createHash('md5');
  const bytesPerSample = Math.ceil(shape.bits / 8);
  const status = flac.init_encoder_stream(
    enc,
    (data) => out.push(data.slice()),
    (m) => (info = m),
  );
  if (status !== 0) {
    flac.FLAC__stream_encoder_delete(enc);
    throw new Error(`libFLAC could not start (status ${status}).`);
  }
  const take = (): Uint8Array[] => {
    const parts = out;
    out = [];
    return parts;
  };
  let deleted = false;
  const release = (): void => {
    if (!deleted) flac.FLAC__stream_encoder_delete(enc);
    deleted = true;
  };
  return {
    push(chunk) {
      md5.update(littleEndian(chunk.samples, bytesPerSample));
      if (!flac.FLAC__stream_encoder_process_interleaved(enc, chunk.samples, chunk.frames)) {
        const state = flac.FLAC__stream_encoder_get_state(enc);
        release();
        throw new Error(`libFLAC stopped encoding (state ${state}).`);
      }
      return take();
    },
    finish() {
      const ok = flac.FLAC__stream_encoder_finish(enc);
      release();
      if (!ok) throw new Error('libFLAC could not finish the stream.');
      return take();
    },
    patches() {
      // STREAMINFO follows the 4-byte "fLaC" and its 4-byte block header: min/max frame size
      // (24 bits each) at +4, the MD5 of the samples at +18.
      const sizes = new Uint8Array(6);
      const min = info?.min_framesize ?? 0;
      const max = info?.max_framesize ?? 0;
      sizes.set([(min >> 16) & 255, (min >> 8) & 255, min & 255, (max >> 16) & 255, (max >> 8) & 255, max & 255]);
      return [
        { offset: 12, bytes: sizes },
        { offset: 26, bytes: new Uint8Array(md5.digest()) },
      ];
    },
  };
}

/** Planar floats in [-1, 1) for the LAME and Vorbis encoders. */
function planar(chunk: PcmChunk, channels: number, bits: number): Float32Array[] {
  const scale = 1 / 2 ** (bits - 1);
  const out = Array.from({ length: channels }, () => new Float32Array(chunk.frames));
  for (let f = 0, i = 0; f < chunk.frames; f++) for (let c = 0; c < channels; c++) out[c]![f] = chunk.samples[i++]! * scale;
  return out;
}

/** Sample rates MP3 (MPEG 1, 2 and 2.5) can hold. */
export const MP3_SAMPLE_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000] as const;

/** Highest constant bitrate MPEG allows at a sample rate (MPEG 2 and 2.5, below 32 kHz, stop at 160). */
export function maxMp3Bitrate(sampleRate: number): number {
  return sampleRate >= 32000 ? 320 : sampleRate >= 16000 ? 160 : 64;
}

type MediaEncoder = WasmMediaEncoder<'audio/mpeg'> | WasmMediaEncoder<'audio/ogg'>;

function mediaStream(enc: MediaEncoder, shape: PcmShape): StreamEncoder {
  // The encoder owns the returned view until its next call: copy before returning.
  return {
    push: (chunk) => [enc.encode(planar(chunk, shape.channels, shape.bits)).slice()],
    finish: () => [enc.finalize().slice()],
    patches: () => [],
  };
}

export function mp3Encoder(enc: WasmMediaEncoder<'audio/mpeg'>, shape: PcmShape, kbps: number): StreamEncoder {
  const bitrate = Math.min(kbps, maxMp3Bitrate(shape.sampleRate)) as 64 | 96 | 128 | 160 | 192 | 256 | 320;
  enc.configure({
    channels: shape.channels as 1 | 2,
    sampleRate: shape.sampleRate,
    bitrate,
    outputSampleRate: shape.sampleRate as (typeof MP3_SAMPLE_RATES)[number],
  });
  return mediaStream(enc, shape);
}

export function oggEncoder(enc: WasmMediaEncoder<'audio/ogg'>, shape: PcmShape, quality: number): StreamEncoder {
  enc.configure({ channels: shape.channels as 1 | 2, sampleRate: shape.sampleRate, vbrQuality: quality });
  return mediaStream(enc, shape);
}
