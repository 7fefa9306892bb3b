/**
 * MP3 and Ogg/Vorbis decoding through LGPL code that is never part of our bundles: the build emits
 * each decoder as a file of its own (dist/decoders/mpg123.mjs: libmpg123, LGPL-2.1;
 * dist/decoders/ogg-vorbis.mjs: libvorbis BSD + codec-parser, LGPL-3.0-or-later), which anyone may
 * replace, and the worker imports that file at run time. Run from source (tests) there is no such
 * file next to this module, so the npm package itself is imported.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MPEGDecodedAudio } from 'mpg123-decoder';
import { errorMessage } from '../format/errors';
import { EffectsError } from './errors';
import type { Pcm } from './pcm';

interface Decoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string }[];
}

/** The separate file next to the worker bundle, else (from source) the package's name. */
async function load<T>(file: string, packageName: string): Promise<T> {
  const url = new URL(`./decoders/${file}`, import.meta.url);
  // A computed specifier: esbuild leaves it alone, so the LGPL code stays out of the worker bundle.
  const specifier = url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url.href : packageName;
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    throw new EffectsError(
      'failed',
      `The audio decoder ${file} could not be loaded (${errorMessage(error)}). Reinstall the extension, or convert this audio to WAV or FLAC.`,
      { cause: error },
    );
  }
}

/** mpg123-decoder always gives two channels; a mono MP3's are the same samples twice: keep one. */
function monoIfSame(pcm: Pcm): Pcm {
  const [left, right] = pcm.channels;
  if (pcm.channels.length !== 2 || left.length !== right.length) return pcm;
  for (let i = 0; i < left.length; i++) if (left[i] !== right[i]) return pcm;
  return { sampleRate: pcm.sampleRate, channels: [left] };
}

function toPcm(decoded: Decoded, what: string): Pcm {
  const frames = decoded.samplesDecoded;
  if (!frames || !decoded.sampleRate || decoded.channelData.length === 0) {
    const why = decoded.errors[0]?.message;
    throw new EffectsError(
      'corrupt-input',
      `This ${what} file has no sound that could be decoded${why ? ` (${why})` : ''}: it may be damaged.`,
    );
  }
  return { sampleRate: decoded.sampleRate, channels: decoded.channelData.map((c) => c.subarray(0, frames)) };
}

async function guarded(what: string, run: () => Promise<Pcm>): Promise<Pcm> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof EffectsError) throw error;
    throw new EffectsError('corrupt-input', `This ${what} file could not be decoded (${errorMessage(error)}).`, { cause: error });
  }
}

export function decodeMp3(bytes: Uint8Array): Promise<Pcm> {
  return guarded('MP3', async () => {
    const { MPEGDecoder } = await load<typeof import('mpg123-decoder')>('mpg123.mjs', 'mpg123-decoder');
    const decoder = new MPEGDecoder();
    await decoder.ready;
    try {
      const decoded: MPEGDecodedAudio = decoder.decode(bytes);
      return monoIfSame(toPcm(decoded, 'MP3'));
    } finally {
      decoder.free();
    }
  });
}

export function decodeOggVorbis(bytes: Uint8Array): Promise<Pcm> {
  return guarded('OGG', async () => {
    const { OggVorbisDecoder } = await load<typeof import('@wasm-audio-decoders/ogg-vorbis')>(
      'ogg-vorbis.mjs',
      '@wasm-audio-decoders/ogg-vorbis',
    );
    const decoder = new OggVorbisDecoder();
    await decoder.ready;
    try {
      return toPcm(await decoder.decodeFile(bytes), 'OGG');
    } finally {
      decoder.free();
    }
  });
}
