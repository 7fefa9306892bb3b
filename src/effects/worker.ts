// The effects worker thread: runs the jobs the renderer (render.ts) posts, one at a time, and posts
// each result (the WAV's memory transferred, not copied) or failure back under the job's id. The
// renderer keeps a finished worker warm for the next job and ends it to cancel one.
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { errorDetail, errorMessage } from '../format/errors';
import { EffectsError } from './errors';
import { runEffectsJob, type EffectsJob } from './job';
import type { WorkerReply } from './protocol';

async function answer(job: EffectsJob): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
  try {
    const result = await runEffectsJob(job);
    return { reply: { type: 'done', result }, transfer: 'wav' in result ? [result.wav.buffer as ArrayBuffer] : [] };
  } catch (error) {
    const reply: WorkerReply =
      error instanceof EffectsError
        ? { type: 'failed', code: error.code, message: error.message, detail: errorDetail(error) }
        : {
            type: 'failed',
            code: 'failed',
            message: `The effects could not be rendered (${errorMessage(error)}).`,
            detail: errorDetail(error),
          };
    return { reply, transfer: [] };
  }
}

/**
 * On Linux a thread's nice value is its own: lowering this one makes the renderer yield the CPU to
 * the extension host's thread (and the editor) when the machine is busy. Elsewhere the call would
 * lower the whole process, so it is not made.
 */
function yieldToTheHost(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(10);
  } catch {
    // Not allowed here (some containers): the render just runs at normal priority.
  }
}

function serve(): void {
  yieldToTheHost();
  const port = parentPort;
  if (!port) throw new Error('effects-worker runs as a worker thread of the effects renderer');
  let queue = Promise.resolve();
  port.on('message', (message: { id: number; job: EffectsJob }) => {
    queue = queue.then(async () => {
      const { reply, transfer } = await answer(message.job);
      port.postMessage({ id: message.id, reply }, transfer);
    });
  });
}

serve();
