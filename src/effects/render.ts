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
import { isWorkerReply, type WorkerReply } from './protocol';

export { EffectsError, type EffectsErrorCode } from './errors';

export { MAX_RENDER_SECONDS } from './decode';

export type { AudioFacts, RenderOptions, RenderOutput, RenderResult, RenderSource } from './types';
import type { AudioFacts, RenderOptions, RenderResult, RenderSource } from './types';

export interface EffectsRenderer {
  /** Decodes `source`, applies the enabled effects of `chain` in order, encodes a WAV. */
  render(source: RenderSource, chain: EffectsChain, options?: RenderOptions): Promise<RenderResult>;
  /** Decodes `source` and measures it (duration, loudness, true peak); renders nothing. */
  analyze(source: RenderSource, options?: Omit<RenderOptions, 'output'>): Promise<AudioFacts>;
  /** Worker threads alive now: busy ones and the one kept warm after a render (a cancelled render's is gone once it has exited). */
  readonly running: number;
  /** Ends any running work (its promises reject with 'cancelled'). */
  dispose(): void;
}

export interface EffectsRendererOptions {
  /** The worker script: `dist/effects-worker.mjs` in the extension (tests: test/unit/effects/dev-worker.mjs). */
  workerPath: string;
  /** Node flags for the worker (default: none). */
  execArgv?: string[];
}

/** A finished render's worker is kept this long for the next one (no thread start, already-compiled code). */
const IDLE_MS = 20_000;

interface Thread {
  worker: Worker;
  /** Set while a job runs: settles it from the worker's reply, error or exit. */
  job?: { id: number; settle: (reply: WorkerReply | Error) => void };
  idleTimer?: NodeJS.Timeout;
}

export function createEffectsRenderer(options: EffectsRendererOptions): EffectsRenderer {
  const threads = new Set<Thread>();
  let idle: Thread | undefined;
  let nextId = 1;
  let disposed = false;

  function start(): Thread {
    const thread: Thread = {
      // Not this process's flags: a test runner's `--import tsx` would load a TypeScript loader into every
      // worker (~0.5 s), and an extension host's own flags are not meant for workers.
      worker: new Worker(options.workerPath, { execArgv: options.execArgv ?? [] }),
    };
    threads.add(thread);
    const { worker } = thread;
    worker.on('message', (message: unknown) => {
      const m = message as { id?: unknown; reply?: unknown };
      if (thread.job && m?.id === thread.job.id && isWorkerReply(m.reply)) thread.job.settle(m.reply);
    });
    worker.on('error', (error) =>
      thread.job?.settle(
        new EffectsError('crashed', `The effects renderer crashed (${errorMessage(error)}). Try again; nothing was saved.`, {
          cause: error,
        }),
      ),
    );
    worker.on('exit', (code) => {
      threads.delete(thread);
      if (idle === thread) idle = undefined;
      clearTimeout(thread.idleTimer);
      thread.job?.settle(
        disposed
          ? new EffectsError('cancelled', 'The effects engine was shut down before this render finished.')
          : new EffectsError('crashed', `The effects renderer stopped unexpectedly (exit code ${code}). Try again; nothing was saved.`),
      );
    });
    return thread;
  }

  function release(thread: Thread): void {
    if (disposed || idle) {
      void thread.worker.terminate();
      return;
    }
    idle = thread;
    thread.worker.unref();
    thread.idleTimer = setTimeout(() => void thread.worker.terminate(), IDLE_MS);
    thread.idleTimer.unref();
  }

  function run<T>(job: EffectsJob, signal: AbortSignal | undefined): Promise<T> {
    if (disposed) return Promise.reject(new EffectsError('cancelled', 'The effects engine has been shut down.'));
    if (signal?.aborted) return Promise.reject(cancelled());
    const thread = idle ?? start();
    idle = undefined;
    clearTimeout(thread.idleTimer);
    thread.worker.ref();
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        settle(cancelled());
        // The render is synchronous inside the worker: ending the thread is the only way to stop it.
        void thread.worker.terminate();
      };
      const settle = (outcome: WorkerReply | Error): void => {
        if (thread.job?.id !== id) return;
        thread.job = undefined;
        signal?.removeEventListener('abort', onAbort);
        if (outcome instanceof Error) return reject(outcome);
        release(thread);
        if (outcome.type === 'done') resolve(outcome.result as T);
        else reject(new EffectsError(outcome.code, outcome.message, { cause: outcome.detail }));
      };
      thread.job = { id, settle };
      signal?.addEventListener('abort', onAbort, { once: true });
      thread.worker.postMessage({ id, job });
    });
  }

  return {
    render: (source, chain, opts = {}) => run<RenderResult>({ kind: 'render', source, chain, output: opts.output ?? 'pcm16' }, opts.signal),
    analyze: (source, opts = {}) => run<AudioFacts>({ kind: 'analyze', source }, opts.signal),
    get running() {
      return threads.size;
    },
    dispose: () => {
      disposed = true;
      for (const thread of threads) void thread.worker.terminate();
    },
  };
}

const cancelled = (): EffectsError => new EffectsError('cancelled', 'The effects render was cancelled; nothing was saved.');
