// The durable sql.js database: a snapshot file written atomically plus an append-only journal
// of committed transactions (SQL + parameters), replayed on open (loader.ts) and compacted into
// a new snapshot in the background (compaction-schedule.ts). Writes take an inter-process lock
// and first apply what other processes appended (follower.ts), then append their own frame
// (journal-appender.ts), so two windows on one folder never lose each other's updates.
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { HistoryError, ioError } from './errors';
import { writeFileAtomic } from './fsutil';
import { CompactionSchedule } from './compaction-schedule';
import { takeInAppended } from './follower';
import { headerFrame, MAX_FRAME_BYTES, type JournalRecord, type Op } from './journal';
import { JournalAppender, truncateJournal } from './journal-appender';
import { applyPragmas, loadDatabase, type Loaded } from './loader';
import { FileLock } from './lock';
import { Mutex } from './mutex';
import { DB_FILE, encodeRecord, JOURNAL_FILE, keepDamagedJournal, removeLeftoverTempFiles, tooLarge } from './recovery';
import { migrate, SCHEMA_VERSION, userVersion } from './schema';
import { prefetch, type Prefetched } from './snapshot-files';
import { loadSqlJs, type Database } from './sqlite';
import { readerFor, StatementCache } from './statements';
import type { ExternalChange, Reader, StoreLog, StoreOptions, StoreProblem, Writer } from './store-types';

export { DB_FILE, JOURNAL_FILE };
export const LOCK_FILE = 'history.lock';
export type { ExternalChange, Reader, Row, StoreLog, StoreOptions, StoreProblem, Writer } from './store-types';

const noopLog: StoreLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class Store {
  readonly dbPath: string;
  readonly journalPath: string;
  private readonly log: StoreLog;
  private readonly lock: FileLock;
  private readonly mutex = new Mutex();
  private readonly statements: StatementCache;
  private readonly listeners = new Set<(c: ExternalChange) => void>();
  private db!: Database;
  private seq = 0;
  private journalIno = 0;
  /**
   * The journal we follow stays open: while it is, the file system cannot hand its inode
   * number to a newer journal, so "same inode as before" really means "same file".
   */
  private journalFd: number | undefined;
  private journalEnd = 0;
  private readonly appender: JournalAppender;
  private readonly compaction: CompactionSchedule;
  private txOpen: Promise<void> | undefined;
  private refreshing: Promise<void> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private prefetched: Prefetched | undefined;
  private notWritable: HistoryError | undefined;
  /** Opened read-only because the folder could not be written: retried on the next write. */
  private openedReadOnly = false;
  private storeProblem: StoreProblem | undefined;

  private constructor(
    private readonly SQL: SqlJsStatic,
    private readonly options: StoreOptions,
  ) {
    this.dbPath = path.join(options.dir, DB_FILE);
    this.journalPath = path.join(options.dir, JOURNAL_FILE);
    this.log = options.log ?? noopLog;
    this.statements = new StatementCache(options.maxCachedStatements);
    this.lock = new FileLock(path.join(options.dir, LOCK_FILE), options.lockTimeoutMs, undefined, (m) => this.log.warn(m));
    this.appender = new JournalAppender({
      journalPath: this.journalPath,
      dir: options.dir,
      followedIno: () => this.journalIno,
      startFresh: () => this.snapshotNow(),
      cutBack: () => this.truncateJournal(this.journalEnd),
    });
    this.compaction = new CompactionSchedule(
      options,
      this.log,
      () => this.compact(),
      () => this.closed,
    );
  }

  static async open(options: StoreOptions): Promise<Store> {
    try {
      await fsp.mkdir(options.dir, { recursive: true });
    } catch (e) {
      throw ioError(e, 'create the history folder', options.dir);
    }
    // Compiling sql.js and reading the snapshot overlap: together they are most of a cold open.
    const [SQL, prefetched] = await Promise.all([loadSqlJs(options), prefetch(path.join(options.dir, DB_FILE))]);
    const store = new Store(SQL, options);
    store.prefetched = prefetched;
    await store.openFromDisk();
    store.prefetched = undefined;
    const poll = options.pollIntervalMs ?? 1000;
    if (poll > 0) {
      store.pollTimer = setInterval(() => {
        if (!store.closed && !store.mutex.locked && !store.txOpen)
          store.refresh(false).catch((e) => store.log.warn(`Checking for changes from other windows failed: ${(e as Error).message}`));
      }, poll);
      store.pollTimer.unref();
    }
    return store;
  }

  /** What went wrong with the stored history that the user should be told (damaged journal...). */
  get problem(): StoreProblem | undefined {
    return this.storeProblem;
  }

  /** Why writes are refused (read-only), if they are. */
  get readOnlyReason(): HistoryError | undefined {
    return this.notWritable;
  }

  /** Size of the snapshot file on disk (0 when there is none). */
  snapshotBytes(): number {
    try {
      return fs.statSync(this.dbPath).size;
    } catch {
      return 0;
    }
  }

  /** Last committed transaction number. */
  get sequence(): number {
    return this.seq;
  }

  onExternalChange(listener: (c: ExternalChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- opening and loading ------------------------------------------------------------

  private async openFromDisk(): Promise<void> {
    const initial = !this.db;
    this.openedReadOnly = false;
    this.notWritable = undefined;
    let release: () => void;
    try {
      release = await this.lock.acquire();
    } catch (e) {
      if (e instanceof HistoryError && (e.code === 'PERMISSION' || e.code === 'NO_SPACE')) return this.openReadOnly(e);
      throw e;
    }
    try {
      // Under the lock nobody is compacting: temp files left now are a killed compaction's.
      await removeLeftoverTempFiles(this.options.dir, this.log);
      const loaded = this.load();
      this.adopt(loaded);
      this.countReplayed(loaded);
      if (loaded.replayError) {
        this.notWritable = loaded.replayError;
        this.log.error(loaded.replayError.message);
        return;
      }
      let fresh = false;
      if (loaded.damage) {
        this.storeProblem = keepDamagedJournal(this.journalPath, loaded.damage, loaded.seq, this.log);
        fresh = true; // a new snapshot + journal: later writes must not follow the damaged bytes
      } else if (loaded.tornTail) {
        this.log.warn(`The history journal ended in an incomplete transaction (an interrupted write); it was discarded.`);
        await this.truncateJournal(loaded.journalEnd);
      }
      const before = userVersion(this.db);
      const ran = migrate(this.db);
      if (ran > 0 || !loaded.journalExists || fresh) {
        if (ran > 0 && before > 0) this.log.info(`Upgraded the history database from schema ${before} to ${SCHEMA_VERSION}.`);
        await this.snapshotNow();
      }
      if (!this.notWritable && !this.closed) this.compaction.afterOpen();
    } catch (e) {
      if (initial) this.db?.close();
      throw e instanceof HistoryError ? e : ioError(e, 'open the history', this.options.dir);
    } finally {
      release();
    }
  }

  private countReplayed(l: Loaded): void {
    this.compaction.startFrom(l.replayed, l.replayedBytes);
  }

  /** The folder cannot be written: show what is there, refuse writes with the reason. */
  private openReadOnly(reason: HistoryError): void {
    const loaded = this.load();
    this.adopt(loaded);
    // An older schema is upgraded in memory only, so the queries work; nothing is written.
    migrate(this.db);
    this.notWritable = loaded.replayError ?? reason;
    this.openedReadOnly = !loaded.replayError;
    this.log.warn(`Opened the history read-only: ${reason.message}`);
    if (loaded.damage) {
      this.storeProblem = {
        message: `The history journal is damaged at byte ${loaded.damage.at}; ${loaded.damage.framesAfter} later change(s) are not shown. Make the history folder writable and reopen to recover it.`,
      };
      this.log.error(this.storeProblem.message);
    }
  }

  private load(): Loaded {
    return loadDatabase({
      SQL: this.SQL,
      dbPath: this.dbPath,
      journalPath: this.journalPath,
      dir: this.options.dir,
      functions: this.options.functions,
      maxFrame: this.maxFrame,
      statements: this.statements,
      takePrefetched: () => this.takePrefetched(),
    });
  }

  /** The snapshot read ahead during open, if the file is still the one that was read. */
  private takePrefetched(): Uint8Array | undefined {
    const p = this.prefetched;
    this.prefetched = undefined;
    if (!p) return undefined;
    try {
      const st = fs.statSync(this.dbPath);
      if (st.ino === p.ino && st.size === p.bytes.length && st.mtimeMs === p.mtimeMs) return p.bytes;
    } catch {
      // gone or unreadable: read it again the normal way
    }
    return undefined;
  }

  private adopt(l: Loaded): void {
    if (this.db && this.db !== l.db) {
      this.statements.free(this.db);
      this.db.close();
    }
    this.db = l.db;
    this.seq = l.seq;
    this.followJournal(l.journalFd, l.journalIno);
    this.journalEnd = l.journalEnd;
  }

  private followJournal(fd: number | undefined, ino: number): void {
    if (this.journalFd !== undefined && this.journalFd !== fd) fs.closeSync(this.journalFd);
    this.journalFd = fd;
    this.journalIno = ino;
  }

  private get maxFrame(): number {
    return Math.min(this.options.maxFrameBytes ?? MAX_FRAME_BYTES, MAX_FRAME_BYTES);
  }

  // ---- reading ------------------------------------------------------------------------

  /** Runs `fn` on the current database after taking in changes from other processes. */
  async read<T>(fn: (r: Reader) => T): Promise<T> {
    this.assertOpen();
    do await this.refresh(false);
    while (this.txOpen); // a write may have begun while we awaited
    this.assertOpen();
    // No transaction is open now, and fn runs synchronously from here.
    return fn(readerFor(this.statements, this.db));
  }

  /**
   * Takes in transactions other processes appended (or reloads after their compaction). Outside
   * a write it first waits for a transaction of ours that is being made durable: its frame is
   * already in the journal and must not be mistaken for someone else's.
   */
  async refresh(holdingLock: boolean): Promise<void> {
    for (;;) {
      while (!holdingLock && this.txOpen) await this.txOpen;
      while (this.refreshing) await this.refreshing;
      if (holdingLock || !this.txOpen) break;
    }
    if (this.closed) return;
    const p = this.refreshOnce(holdingLock);
    this.refreshing = p;
    try {
      await p;
    } finally {
      if (this.refreshing === p) this.refreshing = undefined;
    }
  }

  private async refreshOnce(holdingLock: boolean): Promise<void> {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(this.journalPath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(e, 'read the history journal', this.options.dir);
    }
    if (!st) {
      if (this.journalIno === 0) return;
      return this.reloadAll();
    }
    if (st.ino === this.journalIno && st.size === this.journalEnd) return;
    if (st.ino !== this.journalIno || st.size < this.journalEnd) return this.reloadAll();
    const from = { seq: this.seq, end: this.journalEnd, size: st.size };
    const { seq, end, applied, reload, problem, damage, torn } = takeInAppended(
      this.statements,
      this.db,
      this.journalFd as number,
      from,
      this.maxFrame,
    );
    this.seq = seq;
    this.journalEnd = end;
    if (reload) return this.reloadAll();
    if (problem) {
      this.notWritable = problem;
      this.log.error(problem.message);
    }
    if (damage && !this.notWritable) {
      // Another window's frames follow bad bytes: reopening recovers (and keeps a copy); until then do not write after them.
      this.notWritable = new HistoryError(
        'CORRUPT',
        `The history journal is damaged at byte ${damage.at}; reopen the window to recover the history.`,
      );
      this.storeProblem = { message: this.notWritable.message };
      this.log.error(this.notWritable.message);
    } else if (torn && holdingLock) {
      // Under the lock nobody is appending: a torn tail is what a crashed writer left.
      await this.truncateJournal(this.journalEnd);
    }
    if (applied > 0) this.emit({ full: false, transactions: applied });
  }

  private async reloadAll(): Promise<void> {
    const before = this.seq;
    const loaded = this.load();
    this.adopt(loaded);
    this.countReplayed(loaded);
    if (loaded.replayError) {
      this.notWritable = loaded.replayError;
      this.log.error(loaded.replayError.message);
    }
    await this.appender.close();
    this.emit({ full: true, transactions: Math.max(0, this.seq - before) });
  }

  private emit(c: ExternalChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(c);
      } catch (e) {
        this.log.error(`A history change listener failed: ${(e as Error).message}`);
      }
    }
  }

  // ---- writing ------------------------------------------------------------------------

  /**
   * Runs `fn` in a transaction; its statements are made durable in the journal before the
   * transaction commits. If `fn` throws, or the journal cannot be written, nothing changes.
   */
  async write<T>(fn: (w: Writer) => T): Promise<T> {
    this.assertOpen();
    const result = await this.mutex.run(async () => {
      if (this.openedReadOnly) {
        // The folder may have become writable since: open again properly (or stay read-only).
        const before = this.seq;
        await this.openFromDisk();
        if (!this.openedReadOnly) this.emit({ full: true, transactions: Math.max(0, this.seq - before) });
      }
      this.assertWritable();
      const release = await this.lock.acquire();
      let finishTx: (() => void) | undefined;
      try {
        await this.refresh(true);
        this.assertWritable();
        const db = this.db;
        const ops: Op[] = [];
        const r = readerFor(this.statements, db);
        const maxFrame = this.maxFrame;
        // A lower bound of the frame's size, so a transaction far over the cap stops early
        // (before building a string V8 cannot hold).
        let atLeast = 0;
        const writer: Writer = {
          ...r,
          run: (sql, params = []) => {
            atLeast +=
              sql.length +
              params.reduce<number>((n, p) => n + (typeof p === 'string' ? p.length : p instanceof Uint8Array ? p.length : 1), 0);
            if (atLeast > maxFrame) throw tooLarge(atLeast, maxFrame);
            this.statements.get(db, sql).run(params);
            ops.push([sql, params]);
            return db.getRowsModified();
          },
        };
        this.txOpen = new Promise<void>((resolve) => (finishTx = resolve));
        db.run('BEGIN');
        let value: T;
        try {
          value = fn(writer);
        } catch (e) {
          db.run('ROLLBACK');
          throw e;
        }
        if (ops.length === 0) {
          db.run('ROLLBACK');
          return value;
        }
        const record: JournalRecord = { s: this.seq + 1, v: userVersion(db), o: ops };
        let frame: Buffer;
        try {
          frame = encodeRecord(record, maxFrame);
          await this.appender.append(frame);
        } catch (e) {
          db.run('ROLLBACK');
          throw e;
        }
        db.run('COMMIT');
        this.seq = record.s;
        this.journalEnd += frame.length;
        this.compaction.committed(frame.length);
        return value;
      } finally {
        this.txOpen = undefined;
        finishTx?.();
        release();
      }
    });
    this.compaction.afterWrite();
    return result;
  }

  /** Cuts the journal back to `length` (an interrupted or failed append). */
  private async truncateJournal(length: number): Promise<void> {
    try {
      await truncateJournal(this.journalPath, length);
    } catch (e) {
      // A partial frame would be ignored on replay, but frames appended after it would be
      // lost too: refuse further writes until the history is reopened.
      this.notWritable = ioError(e, 'repair the history journal', this.options.dir);
      this.log.error(this.notWritable.message);
    }
  }

  // ---- compaction ---------------------------------------------------------------------

  /** Writes a new snapshot of everything committed and starts an empty journal. */
  async compact(): Promise<void> {
    this.assertOpen();
    await this.mutex.run(async () => {
      if (this.closed) return;
      this.assertWritable();
      const release = await this.lock.acquire();
      try {
        await this.refresh(true);
        this.assertWritable();
        await this.snapshotNow();
      } finally {
        release();
      }
    });
  }

  /** Caller holds the lock and the mutex. */
  private async snapshotNow(): Promise<void> {
    const db = this.db;
    db.run("INSERT INTO meta(key, value) VALUES ('journal_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [
      String(this.seq),
    ]);
    // Cached statements are freed (not just dropped: sql.js keeps each one until it is freed).
    this.statements.free(db);
    const bytes = db.export();
    applyPragmas(db);
    try {
      await writeFileAtomic(this.dbPath, bytes);
      const header = headerFrame(this.seq);
      await writeFileAtomic(this.journalPath, header);
      await this.appender.close();
      const fd = fs.openSync(this.journalPath, 'r');
      this.followJournal(fd, fs.fstatSync(fd).ino);
      this.journalEnd = header.length;
    } catch (e) {
      throw ioError(e, 'write the history snapshot', this.options.dir);
    }
    this.compaction.snapshotted();
  }

  // ---- lifecycle ----------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new HistoryError('CLOSED', 'The history is closed.');
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.notWritable) {
      throw new HistoryError('READ_ONLY', `The history is read-only: ${this.notWritable.message}`, { cause: this.notWritable });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.compaction.stop();
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.mutex.run(async () => {
      if (this.closed) return;
      if ((this.options.compactOnClose ?? true) && this.compaction.records > 0 && !this.notWritable) {
        try {
          const release = await this.lock.acquire();
          try {
            await this.refresh(true);
            await this.snapshotNow();
          } finally {
            release();
          }
        } catch (e) {
          this.log.warn(`Could not write a snapshot on close (the journal keeps every change): ${(e as Error).message}`);
        }
      }
      this.closed = true;
      this.lock.releaseNow();
      await this.appender.close();
      this.followJournal(undefined, 0);
      this.db.close();
    });
  }
}
