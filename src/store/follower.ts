// Taking in what other processes appended to the journal we follow: the new frames are read
// from our open descriptor and applied in order, stopping at the first that does not apply.
import * as fs from 'node:fs';
import type { HistoryError } from './errors';
import { decodeFrames, isRecord, type JournalDamage } from './journal';
import { applyRecord } from './loader';
import type { Database } from './sqlite';
import type { StatementCache } from './statements';

export interface TakenIn {
  /** Last applied transaction and the journal offset after it. */
  seq: number;
  end: number;
  applied: number;
  /** A record skipped ahead of ours: the database must be loaded again from disk. */
  reload: boolean;
  /** A record that did not apply (writes must stop until the history is reopened). */
  problem?: HistoryError;
  damage?: JournalDamage;
  torn: boolean;
}

export function takeInAppended(
  statements: StatementCache,
  db: Database,
  fd: number,
  from: { seq: number; end: number; size: number },
  maxFrame: number,
): TakenIn {
  const buf = Buffer.allocUnsafe(from.size - from.end);
  const n = fs.readSync(fd, buf, 0, buf.length, from.end);
  const { payloads, torn, damage } = decodeFrames(buf.subarray(0, n), from.end, maxFrame);
  let { seq, end } = from;
  let applied = 0;
  for (const p of payloads) {
    if (!isRecord(p.value)) break;
    if (p.value.s <= seq) {
      end = p.end;
      continue;
    }
    const problem = applyRecord(statements, db, p.value, seq);
    if (problem) {
      if (p.value.s > seq + 1) return { seq, end, applied, reload: true, torn };
      return { seq, end, applied, reload: false, problem, damage, torn };
    }
    seq = p.value.s;
    end = p.end;
    applied++;
  }
  return { seq, end, applied, reload: false, damage, torn };
}
