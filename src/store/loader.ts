// Loading the history: the snapshot into a new sql.js database, then the journal's transactions
// replayed on top (also what following another window's appends applies).
import * as fs from 'node:fs';
import type { SqlJsStatic } from 'sql.js';
import { HistoryError, ioError } from './errors';
import { parseJournal, type JournalDamage, type JournalRecord } from './journal';
import { SCHEMA_VERSION, userVersion } from './schema';
import { readIfExists, readSnapshotSeq, sleepSync } from './snapshot-files';
import type { Database, SqlFunction } from './sqlite';
import type { StatementCache } from './statements';

export interface LoadContext {
  SQL: SqlJsStatic;
  dbPath: string;
  journalPath: string;
  dir: string;
  functions?: Record<string, SqlFunction>;
  maxFrame: number;
  statements: StatementCache;
  /** The snapshot read ahead during open, if still current. */
  takePrefetched(): Uint8Array | undefined;
}

export interface Loaded {
  db: Database;
  seq: number;
  journalIno: number;
  /** Open descriptor of the journal that was read (pins its inode; see `journalFd`). */
  journalFd: number | undefined;
  journalEnd: number;
  journalExists: boolean;
  tornTail: boolean;
  damage?: JournalDamage;
  /** Transactions and journal bytes replayed on top of the snapshot. */
  replayed: number;
  replayedBytes: number;
  replayError?: HistoryError;
}

export function newDatabase(ctx: LoadContext, bytes?: Uint8Array): Database {
  let db: Database;
  try {
    db = new ctx.SQL.Database(bytes);
    db.exec('SELECT count(*) FROM sqlite_master');
  } catch (e) {
    throw new HistoryError(
      'CORRUPT',
      `The history database ${ctx.dbPath} is damaged or not a database (${(e as Error).message}). Move it away to start a new history, or restore it from a backup.`,
      { cause: e },
    );
  }
  for (const [name, fn] of Object.entries(ctx.functions ?? {})) {
    // sql.js registers the function with fn.length arguments: pass it as declared.
    db.create_function(name, fn);
  }
  applyPragmas(db);
  return db;
}

export function applyPragmas(db: Database): void {
  db.run('PRAGMA foreign_keys = ON');
}

/** Reads snapshot + journal into a new database (no lock needed: both files only change by rename or append). */
export function loadDatabase(ctx: LoadContext): Loaded {
  for (let attempt = 0; ; attempt++) {
    const snapshot = ctx.takePrefetched() ?? readIfExists(ctx.dbPath);
    const db = newDatabase(ctx, snapshot);
    const snapshotSeq = readSnapshotSeq(db);
    const version = userVersion(db);
    if (version > SCHEMA_VERSION) {
      db.close();
      throw new HistoryError(
        'TOO_NEW',
        `The history was written by a newer version of Voice History (schema ${version}, this one knows ${SCHEMA_VERSION}). Update the extension to open it.`,
      );
    }
    let journalBuf: Buffer | undefined;
    let ino = 0;
    let fd: number | undefined;
    try {
      fd = fs.openSync(ctx.journalPath, 'r');
      ino = fs.fstatSync(fd).ino;
      journalBuf = fs.readFileSync(fd);
    } catch (e) {
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        db.close();
        throw ioError(e, 'read the history journal', ctx.dir);
      }
    }
    const parsed = journalBuf ? parseJournal(journalBuf, ctx.maxFrame) : undefined;
    if (parsed?.header && parsed.header.base > snapshotSeq) {
      db.close();
      if (fd !== undefined) fs.closeSync(fd);
      // Another process replaced the snapshot between our two reads: read both again.
      if (attempt < 20) {
        sleepSync(10);
        continue;
      }
      throw new HistoryError(
        'CORRUPT',
        `The history journal ${ctx.journalPath} does not follow the snapshot ${ctx.dbPath} (was one of them restored from a backup?). Move the journal away to open the snapshot as it is.`,
      );
    }
    let seq = snapshotSeq;
    let end = 0;
    let replayed = 0;
    let replayError: HistoryError | undefined;
    if (parsed?.header) {
      end = parsed.headerEnd;
      for (const { record, end: recEnd } of parsed.records) {
        if (record.s > seq) {
          replayError = applyRecord(ctx.statements, db, record, seq);
          if (replayError) break;
          seq = record.s;
          replayed++;
        }
        end = recEnd;
      }
    }
    return {
      db,
      seq,
      journalIno: ino,
      journalFd: fd,
      journalEnd: end,
      journalExists: Boolean(parsed?.header),
      tornTail: Boolean(parsed?.torn),
      damage: replayError ? undefined : parsed?.damage,
      replayed,
      replayedBytes: parsed?.header ? end - parsed.headerEnd : 0,
      replayError,
    };
  }
}

/** Applies one journaled transaction; returns a problem instead of throwing. */
export function applyRecord(statements: StatementCache, db: Database, record: JournalRecord, seq: number): HistoryError | undefined {
  if (record.s !== seq + 1) {
    return new HistoryError(
      'CORRUPT',
      `The history journal skips from transaction ${seq} to ${record.s}; later changes cannot be applied. Nothing was deleted; reopen to try again.`,
    );
  }
  const version = userVersion(db);
  if (record.v !== version) {
    return new HistoryError(
      record.v > SCHEMA_VERSION ? 'TOO_NEW' : 'CORRUPT',
      record.v > SCHEMA_VERSION
        ? `Another window with a newer version of Voice History changed the history. Update the extension; until then the history is read-only.`
        : `The history journal holds changes for schema ${record.v} but the database is at ${version}; they cannot be applied. Nothing was deleted.`,
    );
  }
  db.run('BEGIN');
  try {
    for (const [sql, params] of record.o) statements.get(db, sql).run(params);
    db.run('COMMIT');
    return undefined;
  } catch (e) {
    db.run('ROLLBACK');
    return new HistoryError(
      'CORRUPT',
      `Replaying transaction ${record.s} of the history journal failed (${(e as Error).message}); the history is read-only until this is fixed. Nothing was deleted.`,
      {
        cause: e,
      },
    );
  }
}
