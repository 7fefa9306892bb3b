/**
 * What the host posts to the mix worker and what comes back. A job is checked by zod on arrival:
 * it crosses a thread boundary and names files to write.
 */
import { z } from 'zod';
import type { MixResult } from './mixdown';
import type { MixErrorCode } from './mix-error';
import { mixLevelSchema, mixTargetSchema } from './mix-options';

const encoderFilesSchema = z.object({ flacDir: z.string(), mp3Wasm: z.string(), oggWasm: z.string() });

export const mixJobSchema = z.object({
  /** A MixPlan; mixdown validates it and names what is wrong. */
  plan: z.unknown(),
  /** The file written from scratch (the host's temp file; the host renames or removes it). */
  output: z.string().min(1),
  target: mixTargetSchema,
  level: mixLevelSchema,
  files: encoderFilesSchema,
  onlyTracks: z.array(z.number().int().min(0)).optional(),
  gainDb: z.number().finite().optional(),
});
export type MixJob = z.infer<typeof mixJobSchema>;

export type MixReply =
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'done'; id: number; result: MixResult }
  /** `detail` (a stack) is for the log, `message` for people. */
  | { type: 'failed'; id: number; code: MixErrorCode; message: string; detail: string };

export function isMixReply(value: unknown): value is MixReply {
  const r = value as MixReply | null;
  return !!r && typeof r === 'object' && typeof r.id === 'number' && (r.type === 'progress' || r.type === 'done' || r.type === 'failed');
}
