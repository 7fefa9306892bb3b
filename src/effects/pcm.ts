/**
 * Sound as the effects work on it: one Float32Array per channel (planar), samples in [-1, 1],
 * plus the WAV reading and writing at either end of a render.
 */
import { readerFor, unsupportedReason } from '../audio/peaks';
import { parseWavHeader, wavHeader, WavFormatError } from '../audio/wav';
import { EffectsError } from './errors';
import type { RenderOutput } from './types';

export interface Pcm {
  sampleRate: number;
  /** One array per channel, all the same length. */
  channels: Float32Array[];
  /** What the last effect already measured of this very sound (normalize does), so a render need not measure it again. */
  measured?: Measured;
}

/** Linear true peak and integrated loudness (LUFS, null below the gate), as the loudness module measures them. */
export interface Measured {
  loudnessLufs: number | null;
  truePeak: number;
}

export const frameCount = (pcm: Pcm): number => pcm.channels[0]?.length ?? 0;

/** Decodes the sound of a WAV file of any common PCM or float layout. */
export function decodeWav(bytes: Uint8Array): Pcm {
  let info;
  try {
    info = parseWavHeader(bytes);
  } catch (error) {
    if (error instanceof WavFormatError) throw new EffectsError('corrupt-input', error.message, { cause: error });
    throw error;
  }
  if (unsupportedReason(info))
    throw new EffectsError(
      'unsupported-input',
      `Effects cannot read ${info.encoding === 'other' ? 'compressed' : `${info.bitsPerSample}-bit ${info.encoding}`} WAV audio: only 8/16/24/32-bit PCM and 32/64-bit float. Convert the file first.`,
    );
  const read = readerFor(info);
  const view = new DataView(bytes.buffer, bytes.byteOffset + info.dataOffset, info.dataLength);
  const step = info.bitsPerSample / 8;
  const channels = Array.from({ length: info.channels }, () => new Float32Array(info.frames));
  for (let c = 0; c < info.channels; c++) {
    const out = channels[c];
    for (let f = 0, at = c * step; f < info.frames; f++, at += info.blockAlign) out[f] = read(view, at);
  }
  return { sampleRate: info.sampleRate, channels };
}

/** A complete WAV file: 16-bit PCM (dithered by rounding; clipped at full scale) or 32-bit float. */
export function encodeWav(pcm: Pcm, output: RenderOutput): Uint8Array {
  const frames = frameCount(pcm);
  const n = pcm.channels.length;
  const bits = output === 'float32' ? 32 : 16;
  const dataLength = frames * n * (bits / 8);
  const file = new Uint8Array(44 + dataLength);
  file.set(wavHeader({ sampleRate: pcm.sampleRate, channels: n, bitsPerSample: bits, dataLength, float: output === 'float32' }));
  // The data starts at byte 44, aligned for 16- and 32-bit views (WAV and every platform Node runs on are little-endian).
  if (output === 'float32') {
    const out = new Float32Array(file.buffer, 44, frames * n);
    for (let c = 0; c < n; c++) {
      const x = pcm.channels[c];
      for (let f = 0, at = c; f < frames; f++, at += n) out[at] = x[f];
    }
  } else {
    const out = new Int16Array(file.buffer, 44, frames * n);
    for (let c = 0; c < n; c++) {
      const x = pcm.channels[c];
      for (let f = 0, at = c; f < frames; f++, at += n) {
        const s = Math.round(x[f] * 32767);
        out[at] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
      }
    }
  }
  return file;
}
