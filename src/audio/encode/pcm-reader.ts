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

type SampleReader = (b: Buffer, at: number) => number;

function readerFor(info: WavInfo): SampleReader {
  const { encoding, bitsPerSample } = info;
  if (encoding === 'pcm') {
    if (bitsPerSample === 8) return (b, at) => b[at]! - 128;
    if (bitsPerSample === 16) return (b, at) => b.readInt16LE(at);
    if (bitsPerSample === 24) return (b, at) => b.readIntLE(at, 3);
    if (bitsPerSample === 32) return (b, at) => b.readInt32LE(at) >> 8;
  }
  if (encoding === 'float') {
    const scale = (x: number): number => Math.max(-8388608, Math.min(8388607, Math.round(x * 8388608)));
    if (bitsPerSample === 32) return (b, at) => scale(b.readFloatLE(at));
    if (bitsPerSample === 64) return (b, at) => scale(b.readDoubleLE(at));
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
    const read1 = readerFor(wav);
    const step = wav.bitsPerSample / 8;
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
        const samples = new Int32Array(whole * wav.channels);
        for (let f = 0, i = 0; f < whole; f++) {
          const base = f * wav.blockAlign;
          for (let c = 0; c < wav.channels; c++) samples[i++] = read1(bytes, base + c * step);
        }
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
