// Recovering from what a crash or damage left: compaction temp files, a journal damaged in the
// middle, and transactions too large for one journal frame (refused before they are written).
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { HistoryError } from './errors';
import { TEMP_PREFIX } from './fsutil';
import { encodeFrame, frameBytes, type JournalDamage, type JournalRecord } from './journal';
import type { StoreLog, StoreProblem } from './store-types';

export const DB_FILE = 'history.db';
export const JOURNAL_FILE = 'history.journal';

/**
 * Removes `.tmp-history.db-<uuid>` / `.tmp-history.journal-<uuid>` files a compaction killed
 * mid-write left. Caller holds the lock: every compaction runs under it, so none is live.
 */
export async function removeLeftoverTempFiles(dir: string, log: StoreLog): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  const pattern = new RegExp(`^${escapeRegExp(TEMP_PREFIX)}(${escapeRegExp(DB_FILE)}|${escapeRegExp(JOURNAL_FILE)})-[0-9a-f-]{36}$`);
  for (const name of names.filter((n) => pattern.test(n))) {
    try {
      await fsp.rm(path.join(dir, name), { force: true });
      log.info(`Removed ${name}, left by an interrupted compaction of the history.`);
    } catch (e) {
      log.warn(`Could not remove the leftover file ${name}: ${(e as Error).message}`);
    }
  }
}

/** Keeps a copy of a journal damaged in the middle; returns the problem to report. Caller holds the lock. */
export function keepDamagedJournal(journalPath: string, damage: JournalDamage, seq: number, log: StoreLog): StoreProblem {
  const copy = `${journalPath}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  let kept = true;
  try {
    fs.copyFileSync(journalPath, copy);
  } catch (e) {
    kept = false;
    log.error(`Could not keep a copy of the damaged history journal: ${(e as Error).message}`);
  }
  const message =
    `The history journal is damaged at byte ${damage.at}: the history was recovered up to change ${seq}, and ${damage.framesAfter} later change(s) ` +
    `after the damage could not be applied.` +
    (kept ? ` A copy of the damaged journal is kept at ${copy}.` : '') +
    ` Recent items may be missing; check the history and regenerate or re-import what is gone.`;
  log.error(message);
  return { message, copy: kept ? copy : undefined };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function tooLarge(bytes: number, max: number): HistoryError {
  const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return new HistoryError(
    'INVALID',
    `This change is too large to save in one step (at least ${mb(bytes)}; the history journal takes at most ${mb(max)} per change). Nothing was saved; import fewer items at a time.`,
  );
}

/** The journal frame of `record`, refused when a reader would not accept it. */
export function encodeRecord(record: JournalRecord, max: number): Buffer {
  let frame: Buffer;
  try {
    frame = encodeFrame(record);
  } catch (e) {
    // Over V8's string limit (RangeError) or a value JSON cannot hold.
    if (e instanceof RangeError) throw tooLarge(max + 1, max);
    throw new HistoryError('INVALID', `This change cannot be saved in the history journal (${(e as Error).message}). Nothing was saved.`, {
      cause: e,
    });
  }
  if (frame.length > frameBytes(max)) throw tooLarge(frame.length, max);
  return frame;
}
