// The story mix worker thread (bundled as dist/mix-worker.mjs: an ES module, since the resampler's
// and decoders' loaders find their wasm through import.meta.url). Runs one mixdown per message,
// posting progress about ten times a second. The host cancels by ending the thread, then removes
// the partial file; this side only writes.
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { errorDetail, errorMessage } from '../format/errors';
import { MixError } from './mix-error';
import { mixJobSchema, type MixReply } from './mix-job';
import { mixdown } from './mixdown';
import type { MixPlan } from './mix-plan';

const port = parentPort;
if (!port) throw new Error('mix-worker runs as a worker thread of the story mixer');

async function run(id: number, message: unknown): Promise<MixReply> {
  try {
    const parsed = mixJobSchema.safeParse(message);
    if (!parsed.success)
      throw new MixError('invalid-plan', `The export request is invalid (${parsed.error.issues[0]?.message ?? 'unknown'}).`);
    const job = parsed.data;
    let last = 0;
    const result = await mixdown(job.plan as MixPlan, job.output, {
      target: job.target,
      level: job.level,
      files: job.files,
      onlyTracks: job.onlyTracks,
      gainDb: job.gainDb,
      onProgress: (done, total) => {
        const now = performance.now();
        if (now - last < 100) return;
        last = now;
        port!.postMessage({ type: 'progress', id, done, total } satisfies MixReply);
      },
    });
    return { type: 'done', id, result };
  } catch (error) {
    if (error instanceof MixError) return { type: 'failed', id, code: error.code, message: error.message, detail: errorDetail(error) };
    return {
      type: 'failed',
      id,
      code: 'failed',
      message: `The story could not be mixed (${errorMessage(error)}).`,
      detail: errorDetail(error),
    };
  }
}

// On Linux a thread's nice value is its own: the mix yields the CPU to the extension host's thread.
if (process.platform === 'linux') {
  try {
    setPriority(10);
  } catch {
    // Not allowed here: the mix runs at normal priority.
  }
}

let queue = Promise.resolve();
port.on('message', (message: { id: number; job: unknown }) => {
  queue = queue.then(async () => port.postMessage(await run(message.id, message.job)));
});
