// What the effects worker (worker.ts) posts back to the renderer (render.ts).
import type { EffectsErrorCode } from './errors';
import type { AudioFacts, RenderResult } from './types';

export type WorkerReply =
  | { type: 'done'; result: RenderResult | AudioFacts }
  /** `detail` (a stack) is for the log, `message` for people. */
  | { type: 'failed'; code: EffectsErrorCode; message: string; detail: string };

export function isWorkerReply(value: unknown): value is WorkerReply {
  if (!value || typeof value !== 'object') return false;
  const v = value as { type?: unknown; result?: unknown; message?: unknown };
  return (v.type === 'done' && typeof v.result === 'object') || (v.type === 'failed' && typeof v.message === 'string');
}
