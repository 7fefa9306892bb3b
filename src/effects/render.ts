/**
 * Rendering an effects chain, off the calling thread.
 *
 *   const renderer = createEffectsRenderer({ workerPath: context.asAbsolutePath('dist/effects-worker.mjs') });
 *   const { wav, sampleRate, channels, durationMs, loudnessLufs, truePeakDb } =
 *     await renderer.render({ path: audioFile }, chain, { signal, output: 'pcm16' });
 *   const facts = await renderer.analyze({ bytes }, { signal });   // duration, LUFS, true peak; no render
 *
 * - Input: WAV (8/16/24/32-bit PCM, 32/64-bit float, any channel count) or FLAC, as bytes or a
 *   file path (the worker reads the file itself, so big files never cross threads), at most
 *   MAX_RENDER_SECONDS long. MP3 and OGG are recognised and refused ('unsupported-input') until a
 *   decoder without LGPL code is in (see decode.ts).
 * - Output: a complete WAV in memory (16-bit PCM by default, or 32-bit float), at the source's
 *   sample rate unless the chain resamples. Nothing is written to disk here: the caller stores
 *   the bytes only once the promise resolves, so a failed render never leaves a file.
 * - Errors are EffectsError with a `code` and a message a person can act on; an aborted `signal`
 *   ends the worker at once and rejects with code 'cancelled'; a worker that dies rejects with
 *   'crashed'.
 */
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../format/errors';
import type { EffectsChain } from './chain';
import { EffectsError } from './errors';
import type { EffectsJob } from './job';
import { isWorkerReply } from './protocol';

export { EffectsError, type EffectsErrorCode } from './errors';

export { MAX_RENDER_SECONDS } from './decode';

export type { AudioFacts, RenderOptions, RenderOutput, RenderResult, RenderSource } from './types';
import type { AudioFacts, RenderOptions, RenderResult, RenderSource } from './types';

export interface EffectsRenderer {
  /** Decodes `source`, applies the enabled effects of `chain` in order, encodes a WAV. */
  render(source: RenderSource, chain: EffectsChain, options?: RenderOptions): Promise<RenderResult>;
  /** Decodes `source` and measures it (duration, loudness, true peak); renders nothing. */
  analyze(source: RenderSource, options?: Omit<RenderOptions, 'output'>): Promise<AudioFacts>;
  /** Worker threads alive now (a cancelled or finished render's worker is gone once it has exited). */
  readonly running: number;
  /** Ends any running work (its promises reject with 'cancelled'). */
  dispose(): void;
}

export interface EffectsRendererOptions {
  /** The worker script: `dist/effects-worker.mjs` in the extension (tests: test/unit/effects/dev-worker.mjs). */
  workerPath: string;
  /** Node flags for the worker (default: this process's own). */
  execArgv?: string[];
}

export function createEffectsRenderer(options: EffectsRendererOptions): EffectsRenderer {
  const running = new Set<Worker>();
  let disposed = false;

  function run<T>(job: EffectsJob, signal: AbortSignal | undefined): Promise<T> {
    if (disposed) return Promise.reject(new EffectsError('cancelled', 'The effects engine has been shut down.'));
    if (signal?.aborted) return Promise.reject(cancelled());
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const worker = new Worker(options.workerPath, {
        workerData: job,
        ...(options.execArgv ? { execArgv: options.execArgv } : {}),
      });
      running.add(worker);
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        outcome();
        void worker.terminate();
      };
      const onAbort = (): void => finish(() => reject(cancelled()));
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (reply: unknown) => {
        if (!isWorkerReply(reply)) return;
        if (reply.type === 'done') finish(() => resolve(reply.result as T));
        else finish(() => reject(new EffectsError(reply.code, reply.message, { cause: reply.detail })));
      });
      worker.on('error', (error) =>
        finish(() =>
          reject(
            new EffectsError('crashed', `The effects renderer crashed (${errorMessage(error)}). Try again; nothing was saved.`, {
              cause: error,
            }),
          ),
        ),
      );
      worker.on('exit', (code) => {
        running.delete(worker);
        finish(() =>
          reject(
            disposed
              ? new EffectsError('cancelled', 'The effects engine was shut down before this render finished.')
              : new EffectsError('crashed', `The effects renderer stopped unexpectedly (exit code ${code}). Try again; nothing was saved.`),
          ),
        );
      });
    });
  }

  return {
    render: (source, chain, opts = {}) => run<RenderResult>({ kind: 'render', source, chain, output: opts.output ?? 'pcm16' }, opts.signal),
    analyze: (source, opts = {}) => run<AudioFacts>({ kind: 'analyze', source }, opts.signal),
    get running() {
      return running.size;
    },
    dispose: () => {
      disposed = true;
      for (const worker of running) void worker.terminate();
    },
  };
}

const cancelled = (): EffectsError => new EffectsError('cancelled', 'The effects render was cancelled; nothing was saved.');
