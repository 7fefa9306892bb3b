// Messages between the Flite engine and its child process (src/engines/flite-worker.ts).

/** Parent -> child: speak `text` (already prepared: ASCII, pieces split by blank lines). */
export interface FliteJobMessage {
  type: 'synthesize';
  id: number;
  /** Flite's own voice name (`slt`, `kal16`, …). */
  voice: string;
  /** Passed as `--setf name=value` (e.g. duration_stretch). */
  floatFeatures: Record<string, number>;
  text: string;
}

/** Child -> parent. The WAV is left in the child's work folder for the parent to read (and delete). */
export type FliteReplyMessage =
  | { type: 'done'; id: number; wavPath: string; log: string }
  /** `stage` 'load': flite.wasm could not be read or compiled (retrying will not help). */
  | { type: 'failed'; id: number; stage: 'load' | 'speak'; message: string };

export function isFliteReply(value: unknown): value is FliteReplyMessage {
  if (!value || typeof value !== 'object') return false;
  const v = value as { type?: unknown; id?: unknown };
  return (v.type === 'done' || v.type === 'failed') && typeof v.id === 'number';
}

export function isFliteJob(value: unknown): value is FliteJobMessage {
  if (!value || typeof value !== 'object') return false;
  const v = value as { type?: unknown; id?: unknown; voice?: unknown; text?: unknown };
  return v.type === 'synthesize' && typeof v.id === 'number' && typeof v.voice === 'string' && typeof v.text === 'string';
}
