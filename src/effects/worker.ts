// The effects worker thread: runs the one job it was started with (workerData), posts the result
// (the WAV's memory transferred, not copied) or a failure, and ends. The host ends it early to cancel.
import { parentPort, workerData } from 'node:worker_threads';
import { errorDetail, errorMessage } from '../format/errors';
import { EffectsError } from './errors';
import { runEffectsJob, type EffectsJob } from './job';
import type { WorkerReply } from './protocol';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('effects-worker runs as a worker thread of the effects renderer');
  let reply: WorkerReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const result = await runEffectsJob(workerData as EffectsJob);
    reply = { type: 'done', result };
    if ('wav' in result) transfer.push(result.wav.buffer as ArrayBuffer);
  } catch (error) {
    reply =
      error instanceof EffectsError
        ? { type: 'failed', code: error.code, message: error.message, detail: errorDetail(error) }
        : {
            type: 'failed',
            code: 'failed',
            message: `The effects could not be rendered (${errorMessage(error)}).`,
            detail: errorDetail(error),
          };
  }
  port.postMessage(reply, transfer);
}

void main();
