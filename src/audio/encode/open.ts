// Opens the stream encoder for an export target, loading each encoder's wasm once per thread from
// the files shipped beside the bundle. Shared by the encode worker (file conversion) and the
// story mix worker: one place knows how libFLAC, LAME and libvorbis are started.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { createEncoder, type WasmMediaEncoder } from 'wasm-media-encoders';
import {
  flacEncoder,
  maxMp3Bitrate,
  MP3_SAMPLE_RATES,
  mp3Encoder,
  oggEncoder,
  wavEncoder,
  type LibFlac,
  type PcmShape,
  type StreamEncoder,
} from './encoders';
import type { EncoderFiles, EncodeTarget } from './protocol';

/** The target cannot hold this audio, or its encoder file is missing: the message says what to choose instead. */
export class UnsupportedTargetError extends Error {
  override readonly name = 'UnsupportedTargetError';
}

let flac: Promise<LibFlac> | undefined;
/**
 * libflac.js's glue is loaded from the file beside its wasm at run time, not bundled: it takes
 * Node's `module.require`, which a bundle's module wrapper lacks (a require made for the glue's
 * own path works from CommonJS and ES module bundles alike). It would also try `fetch` on a file
 * path, so fetch is hidden while it starts (this thread's globals only).
 */
function loadFlac(dir: string): Promise<LibFlac> {
  flac ??= new Promise((resolve) => {
    const g = globalThis as { fetch?: unknown };
    const fetch = g.fetch;
    delete g.fetch;
    const glue = join(dir, 'libflac.wasm.js');
    const lib = createRequire(glue)(glue) as LibFlac & { isReady(): boolean; on(event: 'ready', fn: () => void): void };
    const ready = (): void => {
      g.fetch = fetch;
      resolve(lib);
    };
    if (lib.isReady()) ready();
    else lib.on('ready', ready);
  });
  return flac;
}

const media: { mp3?: Promise<WasmMediaEncoder<'audio/mpeg'>>; ogg?: Promise<WasmMediaEncoder<'audio/ogg'>> } = {};

/** An encoder's wasm; a missing file (e.g. the LGPL LAME file removed) disables that format only. */
function wasmFile(path: string, what: string): Buffer {
  if (!existsSync(path)) {
    throw new UnsupportedTargetError(`${what} export needs ${basename(path)}, which is missing from the extension; reinstall it.`);
  }
  return readFileSync(path);
}

/** Refuses what a target cannot hold before anything is written. */
export function checkTarget(target: EncodeTarget, shape: Pick<PcmShape, 'sampleRate' | 'channels'>): void {
  if (target.codec === 'mp3' || target.codec === 'ogg') {
    const what = target.codec === 'mp3' ? 'MP3' : 'This Ogg Vorbis encoder';
    if (shape.channels > 2) throw new UnsupportedTargetError(`${what} holds mono or stereo; this audio has ${shape.channels} channels.`);
  }
  if (target.codec === 'mp3' && !(MP3_SAMPLE_RATES as readonly number[]).includes(shape.sampleRate)) {
    throw new UnsupportedTargetError(
      `MP3 cannot hold ${shape.sampleRate} Hz audio; choose a sample rate MP3 supports (${MP3_SAMPLE_RATES.join(', ')} Hz), or FLAC.`,
    );
  }
}

/** A stream encoder for `target` over integers of `shape.bits` precision. */
export async function openEncoder(target: EncodeTarget, shape: PcmShape, files: EncoderFiles): Promise<StreamEncoder> {
  checkTarget(target, shape);
  switch (target.codec) {
    case 'wav':
      return wavEncoder(shape, target.bits);
    case 'flac':
      return flacEncoder(await loadFlac(files.flacDir), shape);
    case 'mp3':
      media.mp3 ??= createEncoder('audio/mpeg', wasmFile(files.mp3Wasm, 'MP3'));
      return mp3Encoder(await media.mp3, shape, Math.min(target.kbps, maxMp3Bitrate(shape.sampleRate)));
    case 'ogg':
      media.ogg ??= createEncoder('audio/ogg', wasmFile(files.oggWasm, 'Ogg Vorbis'));
      return oggEncoder(await media.ogg, shape, target.quality);
  }
}
