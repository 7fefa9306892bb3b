// Host side of the encode worker: one worker thread for a whole export (started on first use,
// so wasm is compiled once), jobs one at a time, progress per job, cancel by `signal`. Output
// goes to a temp file beside the target and is renamed into place only when the worker says
// done; the temp file is removed on every other path (error, cancel, crash).
import { rename, rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../format/errors';
import { isEncodeReply, type EncodeErrorCode, type EncodeReply, type EncoderFiles, type EncodeTarget } from '../audio/encode/protocol';
import { ArchiveError } from './errors';
import { tempPathBeside } from './zip-writer';

export interface TranscoderOptions {
  /** dist/encode-worker.js in the extension; a test build elsewhere. */
  workerPath: string;
  files: EncoderFiles;
}

export interface TranscodeResult {
  path: string;
  bytes: number;
  frames: number;
  sampleRate: number;
  channels: number;
}

export class TranscodeError extends Error {
  override readonly name = 'TranscodeError';
  constructor(
    readonly code: EncodeErrorCode | 'crashed',
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  id: number;
  onReply: (reply: EncodeReply | { type: 'exit'; message: string }) => void;
}

export class Transcoder {
  private worker: Worker | undefined;
  private pending: Pending | undefined;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: TranscoderOptions) {}

  /** Encodes the WAV file `source` to `target` (replaced only when complete). */
  encode(
    source: string,
    target: string,
    format: EncodeTarget,
    opts: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
  ): Promise<TranscodeResult> {
    const run = this.queue.then(() => this.runOne(source, target, format, opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.options.workerPath, { workerData: this.options.files, stdout: false, stderr: true });
    let stderr = '';
    worker.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    worker.on('message', (m: unknown) => {
      if (isEncodeReply(m) && this.pending?.id === m.id) this.pending.onReply(m);
    });
    const gone = (message: string): void => {
      if (this.worker === worker) this.worker = undefined;
      this.pending?.onReply({ type: 'exit', message });
    };
    worker.on('error', (e) => gone(errorMessage(e)));
    worker.on('exit', (code) => gone(`the encoder stopped (exit code ${code})${stderr ? `: ${stderr.trim()}` : ''}`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private async runOne(
    source: string,
    target: string,
    format: EncodeTarget,
    opts: { signal?: AbortSignal; onProgress?: (fraction: number) => void },
  ): Promise<TranscodeResult> {
    const { signal } = opts;
    signal?.throwIfAborted();
    const temp = tempPathBeside(target);
    const id = this.nextId++;
    const worker = this.ensureWorker();
    // Only a worker with a job keeps Node running; an idle one never holds the host open.
    worker.ref();
    let onAbort: (() => void) | undefined;
    try {
      const reply = await new Promise<EncodeReply | { type: 'exit'; message: string }>((resolve) => {
        this.pending = {
          id,
          onReply: (r) => {
            if (r.type === 'progress') opts.onProgress?.(r.totalFrames > 0 ? r.frames / r.totalFrames : 0);
            else resolve(r);
          },
        };
        onAbort = () => resolve({ type: 'exit', message: 'cancelled' });
        signal?.addEventListener('abort', onAbort, { once: true });
        worker.postMessage({ type: 'encode', id, source, output: temp, target: format });
      });
      if (signal?.aborted) {
        // The worker may be mid-write: stop it before the temp file is removed.
        await this.terminate();
        signal.throwIfAborted();
      }
      if (reply.type === 'exit') throw new TranscodeError('crashed', `Encoding failed: ${reply.message}.`);
      if (reply.type === 'error') throw new TranscodeError(reply.code, reply.message);
      if (reply.type !== 'done') throw new TranscodeError('failed', 'Encoding failed: unexpected reply.');
      await rename(temp, target);
      return { path: target, bytes: reply.bytes, frames: reply.frames, sampleRate: reply.sampleRate, channels: reply.channels };
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    } finally {
      this.pending = undefined;
      this.worker?.unref();
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  private async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  /** Stops the worker (pending jobs fail); the next `encode` starts a new one. */
  async dispose(): Promise<void> {
    await this.terminate();
  }
}

/** ArchiveError for a user: what went wrong with which file and what to do. */
export function describeTranscodeError(e: unknown, what: string): unknown {
  if (!(e instanceof TranscodeError)) return e;
  const hint = e.code === 'unsupported-source' || e.code === 'unsupported-target' ? ' Choose another format or "Original".' : '';
  return new ArchiveError('not-exportable', `Could not convert ${what}: ${e.message}${hint}`);
}
