// Reads a WAV file's sound in chunks of frames as interleaved integers, for the encoders.
// Synchronous on purpose: it runs on the encode worker's own thread, never on the host's.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseWavHeader, WavFormatError, type WavInfo } from '../wav';

/** Interleaved samples at `bits` of precision (8, 16 or 24: what every encoder here accepts). */
export interface PcmChunk {
  samples: Int32Array;
  frames: number;
}

export interface PcmSource {
  info: WavInfo;
  /** Precision of the integers `read` returns. */
  bits: 8 | 16 | 24;
  /** Next chunk of at most `maxFrames` frames; null at the end. */
  read(maxFrames: number): PcmChunk | null;
  close(): void;
}

export class UnsupportedSourceError extends Error {
  override readonly name = 'UnsupportedSourceError';
}

/** The integer precision a source is encoded at: 32-bit and float sources become 24-bit. */
function bitsFor(info: WavInfo): 8 | 16 | 24 {
  if (info.encoding === 'pcm' && (info.bitsPerSample === 8 || info.bitsPerSample === 16)) return info.bitsPerSample;
  return 24;
}

/** Decodes whole frames of little-endian sound bytes to interleaved integers. */
type Decoder = (bytes: Buffer, count: number) => Int32Array;

function decoderFor(info: WavInfo): Decoder {
  const { encoding, bitsPerSample } = info;
  if (encoding === 'pcm') {
    if (bitsPerSample === 8) return (b, n) => Int32Array.from(b.subarray(0, n), (v) => v - 128);
    if (bitsPerSample === 16) {
      return (b, n) => {
        // Copied first: the chunk's offset in its buffer need not be 2-byte aligned.
        const aligned = new Int16Array(n);
        new Uint8Array(aligned.buffer).set(b.subarray(0, n * 2));
        return Int32Array.from(aligned);
      };
    }
    if (bitsPerSample === 24) {
      return (b, n) => {
        const out = new Int32Array(n);
        for (let i = 0, at = 0; i < n; i++, at += 3) out[i] = ((b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16)) << 8) >> 8;
        return out;
      };
    }
    if (bitsPerSample === 32) {
      return (b, n) => {
        const out = new Int32Array(n);
        for (let i = 0; i < n; i++) out[i] = b.readInt32LE(i * 4) >> 8;
        return out;
      };
    }
  }
  if (encoding === 'float' && (bitsPerSample === 32 || bitsPerSample === 64)) {
    const step = bitsPerSample / 8;
    return (b, n) => {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const x = step === 4 ? b.readFloatLE(i * 4) : b.readDoubleLE(i * 8);
        out[i] = Math.max(-8388608, Math.min(8388607, Math.round(x * 8388608)));
      }
      return out;
    };
  }
  throw new UnsupportedSourceError(
    `${bitsPerSample}-bit ${encoding === 'pcm' ? 'PCM' : encoding} WAV cannot be converted; export it in its original format.`,
  );
}

export function openPcmSource(path: string): PcmSource {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let head = Buffer.alloc(Math.min(size, 64 * 1024));
    let info: WavInfo | undefined;
    while (!info) {
      const n = readSync(fd, head, 0, head.length, 0);
      try {
        info = parseWavHeader(head.subarray(0, n), size);
      } catch (e) {
        const need = e instanceof WavFormatError ? e.needBytes : undefined;
        if (need === undefined || need > size || head.length >= size) {
          throw new UnsupportedSourceError(
            e instanceof WavFormatError ? `The audio is not a readable WAV file (${e.message}).` : String(e),
          );
        }
        head = Buffer.alloc(Math.min(size, need + 64 * 1024));
      }
    }
    if (info.channels < 1 || info.channels > 8) throw new UnsupportedSourceError(`WAV with ${info.channels} channels cannot be converted.`);
    const wav = info;
    const decode = decoderFor(wav);
    let frame = 0;
    let closed = false;
    return {
      info: wav,
      bits: bitsFor(wav),
      read(maxFrames) {
        const frames = Math.min(maxFrames, wav.frames - frame);
        if (frames <= 0) return null;
        const bytes = Buffer.alloc(frames * wav.blockAlign);
        const got = readSync(fd, bytes, 0, bytes.length, wav.dataOffset + frame * wav.blockAlign);
        const whole = Math.floor(got / wav.blockAlign);
        if (whole === 0) return null;
        const samples = decode(bytes.subarray(0, whole * wav.blockAlign), whole * wav.channels);
        frame += whole;
        return { samples, frames: whole };
      },
      close() {
        if (!closed) closeSync(fd);
        closed = true;
      },
    };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}
