// Encode worker (a worker thread; bundled as dist/encode-worker.js by esbuild.mjs). Takes one
// job at a time: reads a WAV in chunks, encodes it, writes the output file, reports progress.
// The host cancels by terminating the thread and removes the output; this side only writes.
// workerData: EncoderFiles (where the encoders' wasm files are).
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createEncoder, type WasmMediaEncoder } from 'wasm-media-encoders';
import { errorMessage } from '../../format/errors';
import {
  flacEncoder,
  maxMp3Bitrate,
  MP3_SAMPLE_RATES,
  mp3Encoder,
  oggEncoder,
  wavEncoder,
  type LibFlac,
  type StreamEncoder,
} from './encoders';
import { openPcmSource, UnsupportedSourceError, type PcmSource } from './pcm-reader';
import { isEncodeJob, type EncodeJob, type EncodeReply, type EncoderFiles, type EncodeTarget } from './protocol';

const files = workerData as EncoderFiles;
const port = parentPort!;
const CHUNK_FRAMES = 64 * 1024;

class UnsupportedTargetError extends Error {}

let flac: Promise<LibFlac> | undefined;
/**
 * libflac.js's glue is loaded from the file beside its wasm at run time, not bundled: it takes
 * Node's `module.require`, which a bundle's module wrapper lacks. It would also try `fetch` on
 * a file path, so fetch is hidden while it starts (this thread's globals only).
 */
function loadFlac(): Promise<LibFlac> {
  flac ??= new Promise((resolve) => {
    const g = globalThis as { fetch?: unknown };
    const fetch = g.fetch;
    delete g.fetch;
    const lib = createRequire(__filename)(join(files.flacDir, 'libflac.wasm.js')) as LibFlac & {
      isReady(): boolean;
      on(event: 'ready', fn: () => void): void;
    };
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

async function encoderFor(target: EncodeTarget, source: PcmSource): Promise<StreamEncoder> {
  const shape = { sampleRate: source.info.sampleRate, channels: source.info.channels, bits: source.bits, frames: source.info.frames };
  switch (target.codec) {
    case 'wav':
      return wavEncoder(shape, target.bits);
    case 'flac':
      return flacEncoder(await loadFlac(), shape);
    case 'mp3':
      if (shape.channels > 2) throw new UnsupportedTargetError(`MP3 holds mono or stereo; this audio has ${shape.channels} channels.`);
      if (!(MP3_SAMPLE_RATES as readonly number[]).includes(shape.sampleRate)) {
        throw new UnsupportedTargetError(`MP3 cannot hold ${shape.sampleRate} Hz audio; choose a sample rate MP3 supports, or FLAC.`);
      }
      media.mp3 ??= createEncoder('audio/mpeg', wasmFile(files.mp3Wasm, 'MP3'));
      return mp3Encoder(await media.mp3, shape, Math.min(target.kbps, maxMp3Bitrate(shape.sampleRate)));
    case 'ogg':
      if (shape.channels > 2)
        throw new UnsupportedTargetError(`This Ogg Vorbis encoder takes mono or stereo; the audio has ${shape.channels} channels.`);
      media.ogg ??= createEncoder('audio/ogg', wasmFile(files.oggWasm, 'Ogg Vorbis'));
      return oggEncoder(await media.ogg, shape, target.quality);
  }
}

async function encode(job: EncodeJob): Promise<EncodeReply> {
  const source = openPcmSource(job.source);
  const fd = openSync(job.output, 'w');
  try {
    const encoder = await encoderFor(job.target, source);
    let bytes = 0;
    let frames = 0;
    // One write per chunk: libFLAC hands over a few kB per frame.
    const write = (parts: Uint8Array[]): void => {
      const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      if (data.length > 0) bytes += writeSync(fd, data);
    };
    let lastReport = 0;
    for (let chunk = source.read(CHUNK_FRAMES); chunk; chunk = source.read(CHUNK_FRAMES)) {
      write(encoder.push(chunk));
      frames += chunk.frames;
      const now = performance.now();
      if (now - lastReport > 100) {
        lastReport = now;
        port.postMessage({ type: 'progress', id: job.id, frames, totalFrames: source.info.frames } satisfies EncodeReply);
      }
    }
    write(encoder.finish());
    for (const p of encoder.patches()) writeSync(fd, p.bytes, 0, p.bytes.length, p.offset);
    return { type: 'done', id: job.id, bytes, frames, sampleRate: source.info.sampleRate, channels: source.info.channels };
  } finally {
    closeSync(fd);
    source.close();
  }
}

port.on('message', (message: unknown) => {
  if (!isEncodeJob(message)) return;
  encode(message).then(
    (reply) => port.postMessage(reply),
    (error: unknown) =>
      port.postMessage({
        type: 'error',
        id: message.id,
        code:
          error instanceof UnsupportedSourceError
            ? 'unsupported-source'
            : error instanceof UnsupportedTargetError
              ? 'unsupported-target'
              : 'failed',
        message: errorMessage(error),
      } satisfies EncodeReply),
  );
});
