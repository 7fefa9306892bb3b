// Encode worker (a worker thread; bundled as dist/encode-worker.js by esbuild.mjs). Takes one
// job at a time: reads a WAV in chunks, encodes it, writes the output file, reports progress.
// The host cancels by terminating the thread and removes the output; this side only writes.
// workerData: EncoderFiles (where the encoders' wasm files are).
import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../format/errors';
import type { StreamEncoder } from './encoders';
import { openEncoder, UnsupportedTargetError } from './open';
import { openPcmSource, UnsupportedSourceError, type PcmSource } from './pcm-reader';
import { isEncodeJob, type EncodeJob, type EncodeReply, type EncoderFiles, type EncodeTarget } from './protocol';

const files = workerData as EncoderFiles;
const port = parentPort!;
const CHUNK_FRAMES = 64 * 1024;

function encoderFor(target: EncodeTarget, source: PcmSource): Promise<StreamEncoder> {
  const shape = { sampleRate: source.info.sampleRate, channels: source.info.channels, bits: source.bits, frames: source.info.frames };
  return openEncoder(target, shape, files);
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
