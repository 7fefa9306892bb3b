// What the history service's parts (generations, versions, profiles, stories) share: guarded
// reads and writes on the store, change events, and small helpers for input and SQL.
import type { z } from 'zod';
import { describeIssues } from '../format/issues';
import type { Reader, Writer } from '../store/database';
import { HistoryError, isHistoryError } from '../store/errors';
import type { AudioInput } from './schemas';
import type { ChangeEntity, ChangeOp } from './types';

/** The service's own access to the store, handed to each part. */
export interface HistoryAccess {
  read<T>(fn: (r: Reader) => T): Promise<T>;
  /** A write transaction; SQLite constraint failures come back as clear HistoryErrors. */
  write<T>(fn: (w: Writer) => T): Promise<T>;
  /** Tells listeners what changed (nothing when both id lists are empty). */
  changed(entity: ChangeEntity, op: ChangeOp, ids: string[], generationIds?: string[]): void;
  /** Deletes audio files whose rows are gone; a file that cannot be deleted is logged and left to reconcile(). */
  removeFiles(files: Iterable<string>): Promise<void>;
}

const ID_CHUNK = 500;

export function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const detail = describeIssues(r.error.issues);
  throw new HistoryError('INVALID', `Invalid ${what}: ${detail}`, { cause: r.error });
}

/** Turns SQLite constraint failures that slipped past the checks into clear errors. */
export function mapDbError(e: unknown): unknown {
  if (isHistoryError(e) || !(e instanceof Error)) return e;
  if (/UNIQUE constraint failed: profiles\.name_key/.test(e.message)) {
    return new HistoryError('CONFLICT', 'A profile with that name already exists; choose another name.', { cause: e });
  }
  if (/UNIQUE constraint failed/.test(e.message))
    return new HistoryError('CONFLICT', `That item already exists (${e.message}).`, { cause: e });
  if (/FOREIGN KEY constraint failed/.test(e.message)) {
    return new HistoryError(
      'INVALID',
      'The change refers to a profile, generation or version that does not exist (any more); refresh and try again.',
      {
        cause: e,
      },
    );
  }
  return e;
}

export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().trim();
}

export function chunks<T>(items: T[], size = ID_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function placeholders(n: number): string {
  return new Array(n).fill('?').join(',');
}

export function audioFields(audio: AudioInput): Record<string, unknown> {
  const { format, duration, sampleRate, channels } = audio;
  return { format, duration, sampleRate, channels };
}

export function orNull<T>(v: T | null | undefined): T | null {
  return v === undefined ? null : v;
}
