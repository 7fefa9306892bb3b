/**
 * Exporting a story's mix, off the calling thread.
 *
 *   const mixer = createStoryMixer({ workerPath: context.asAbsolutePath('dist/mix-worker.mjs'), files });
 *   const result = await mixer.mix(plan, '/out/story.mp3', { target: { codec: 'mp3', kbps: 192 }, level: { mode: 'limit' }, signal, onProgress });
 *
 * Each export gets a worker thread of its own, ended when it finishes. The worker writes a
 * partial file beside the target, renamed into place only when the mix is complete: a failed,
 * cancelled or crashed export leaves nothing (and never a half-written file under the target's name).
 * Errors are MixError: 'cancelled' when `signal` aborts (the thread is ended at once), 'crashed'
 * when the thread dies, else what the mixdown said (e.g. 'missing-audio' naming the clip).
 */
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EncoderFiles } from '../audio/encode/protocol';
import { errorMessage } from '../format/errors';
import { MixError } from './mix-error';
import { isMixReply, type MixJob, type MixReply } from './mix-job';
import type { MixLevel, MixTarget } from './mix-options';
import type { MixPlan } from './mix-plan';
import type { MixResult } from './mixdown';

export interface StoryMixerOptions {
  /** dist/mix-worker.mjs in the extension (tests: test/unit/story/dev-mix-worker.mjs). */
  workerPath: string;
  /** Node flags for the worker (default none: not the host's own). */
  execArgv?: string[];
  files: EncoderFiles;
}

export interface MixRequest {
  target: MixTarget;
  level: MixLevel;
  onlyTracks?: number[];
  gainDb?: number;
  signal?: AbortSignal;
  /** Fraction done, 0..1. */
  onProgress?: (fraction: number) => void;
}

export interface StoryMixer {
  /** Mixes `plan` into `target` (replaced only once complete). */
  mix(plan: MixPlan, target: string, request: MixRequest): Promise<MixResult>;
  /** Ends every running export (their promises reject with 'cancelled'). */
  dispose(): void;
}

/** A hidden partial file beside the target (same folder: the rename cannot cross file systems). */
export function partialPathBeside(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`);
}

const cancelled = (): MixError => new MixError('cancelled', 'The export was cancelled; nothing was saved.');

export function createStoryMixer(options: StoryMixerOptions): StoryMixer {
  const running = new Set<Worker>();
  let disposed = false;

  async function runJob(job: MixJob, request: MixRequest): Promise<MixResult> {
    if (disposed) throw cancelled();
    const worker = new Worker(options.workerPath, { execArgv: options.execArgv ?? [], stderr: true, stdout: false });
    running.add(worker);
    let stderr = '';
    worker.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    try {
      return await new Promise<MixResult>((resolve, reject) => {
        const onAbort = (): void => reject(cancelled());
        request.signal?.addEventListener('abort', onAbort, { once: true });
        const settle = (): void => request.signal?.removeEventListener('abort', onAbort);
        worker.on('message', (m: unknown) => {
          if (!isMixReply(m) || m.id !== 1) return;
          const reply: MixReply = m;
          if (reply.type === 'progress') request.onProgress?.(reply.total > 0 ? reply.done / reply.total : 0);
          else {
            settle();
            if (reply.type === 'done') resolve(reply.result);
            else reject(new MixError(reply.code, reply.message, { cause: reply.detail }));
          }
        });
        worker.on('error', (error) => {
          settle();
          reject(
            new MixError('crashed', `The story mixer crashed (${errorMessage(error)}). Try again; nothing was saved.`, { cause: error }),
          );
        });
        worker.on('exit', (code) => {
          settle();
          reject(
            disposed
              ? cancelled()
              : new MixError(
                  'crashed',
                  `The story mixer stopped unexpectedly (exit code ${code})${stderr ? `: ${stderr.trim()}` : ''}. Try again; nothing was saved.`,
                ),
          );
        });
        worker.postMessage({ id: 1, job });
      });
    } finally {
      running.delete(worker);
      // Ended before the partial file is removed: it may be mid-write.
      await worker.terminate();
    }
  }

  return {
    async mix(plan, target, request) {
      if (request.signal?.aborted) throw cancelled();
      const temp = partialPathBeside(target);
      const job: MixJob = {
        plan,
        output: temp,
        target: request.target,
        level: request.level,
        files: options.files,
        onlyTracks: request.onlyTracks,
        gainDb: request.gainDb,
      };
      try {
        const result = await runJob(job, request);
        if (request.signal?.aborted) throw cancelled();
        await rename(temp, target);
        return result;
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    dispose() {
      disposed = true;
      for (const worker of running) void worker.terminate();
    },
  };
}
