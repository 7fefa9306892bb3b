// The durable sql.js database: a snapshot file written atomically plus an append-only journal
// of committed transactions (SQL + parameters), replayed on open and compacted into a new
// snapshot in the background. Writes take an inter-process lock and first apply what other
// processes appended, so two windows on one folder never lose each other's updates.
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { SqlJsStatic, Statement } from 'sql.js';
import { HistoryError, ioError } from './errors';
import { TEMP_PREFIX, writeFileAtomic } from './fsutil';
import { decodeFrames, encodeFrame, frameBytes, headerFrame, isRecord, MAX_FRAME_BYTES, parseJournal, type JournalDamage, type JournalRecord, type Op } from './journal';
import { FileLock } from './lock';
import { Mutex } from './mutex';
import { migrate, SCHEMA_VERSION, userVersion } from './schema';
import { loadSqlJs, type Database, type Params, type SqlValue, type WasmOptions } from './sqlite';

export const DB_FILE = 'history.db';
export const JOURNAL_FILE = 'history.journal';
export const LOCK_FILE = 'history.lock';

export type Row = Record<string, SqlValue>;

export interface Reader {
  all(sql: string, params?: Params): Row[];
  /** Rows as arrays of column values (no per-row objects: for large results). */
  rows(sql: string, params?: Params): SqlValue[][];
  get(sql: string, params?: Params): Row | undefined;
  value(sql: string, params?: Params): SqlValue | undefined;
}

export interface Writer extends Reader {
  /** Runs a statement that is recorded in the journal; returns the number of changed rows. */
  run(sql: string, params?: Params): number;
}

export interface StoreLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface StoreOptions extends WasmOptions {
  dir: string;
  log?: StoreLog;
  lockTimeoutMs?: number;
  /** SQL functions the schema needs, registered on every database instance. */
  functions?: Record<string, (a: unknown, b: unknown) => SqlValue>;
  /** Compact after this many journaled transactions (default 1000). */
  compactAfterRecords?: number;
  /** Compact after the journal grows past this many bytes (default 4 MB). */
  compactAfterBytes?: number;
  /** Poll for other processes' changes this often (ms; default 1000; 0 = only on access). */
  pollIntervalMs?: number;
  /** Write a snapshot on close when the journal is not empty (default true). */
  compactOnClose?: boolean;
  /** Delay before a background compaction starts (ms, default 200). */
  compactDelayMs?: number;
  /**
   * After writes pause this long (ms, default 30 s), compact if at least `idleCompactMinRecords`
   * (default 100) transactions are in the journal: keeps replay after a crash short without a
   * snapshot after every small burst.
   */
  idleCompactMs?: number;
  idleCompactMinRecords?: number;
  /**
   * After an open that replayed at least this many transactions (default 1000) or journal
   * bytes (default 1 MB), compact in the background even if this session never writes.
   */
  replayCompactRecords?: number;
  replayCompactBytes?: number;
  /** Largest transaction frame (bytes; default and maximum: what every reader accepts). Tests lower it. */
  maxFrameBytes?: number;
  /** Prepared statements kept per database (default 200; the least recently used is freed). */
  maxCachedStatements?: number;
}

/** Something wrong with the stored history that the user should hear about (the store still works). */
export interface StoreProblem {
  message: string;
  /** Where a copy of the damaged file was kept, if one was. */
  copy?: string;
}

export interface ExternalChange {
  /** True when the whole database was reloaded (another process compacted past us). */
  full: boolean;
  transactions: number;
}

const noopLog: StoreLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Loaded {
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

export class Store {
  readonly dbPath: string;
  readonly journalPath: string;
  private readonly log: StoreLog;
  private readonly lock: FileLock;
  private readonly mutex = new Mutex();
  /** Prepared statements per database, least recently used first. */
  private readonly stmts = new WeakMap<Database, Map<string, Statement>>();
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
  private journalHandle: fsp.FileHandle | undefined;
  private journalHandleIno = 0;
  private recordsSinceSnapshot = 0;
  private bytesSinceSnapshot = 0;
  private txOpen: Promise<void> | undefined;
  private refreshing: Promise<void> | undefined;
  private compactTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private compactFailures = 0;
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
    this.lock = new FileLock(path.join(options.dir, LOCK_FILE), options.lockTimeoutMs, undefined, (m) => this.log.warn(m));
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
        if (!store.closed && !store.mutex.locked && !store.txOpen) store.refresh(false).catch((e) => store.log.warn(`Checking for changes from other windows failed: ${(e as Error).message}`));
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
      await this.removeLeftoverTempFiles();
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
        this.reportDamage(loaded.damage, loaded.seq);
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
      this.compactAfterLongReplay();
    } catch (e) {
      if (initial) this.db?.close();
      throw e instanceof HistoryError ? e : ioError(e, 'open the history', this.options.dir);
    } finally {
      release();
    }
  }

  /** Keeps a copy of a journal damaged in the middle and says what was recovered. Caller holds the lock. */
  private reportDamage(damage: JournalDamage, seq: number): void {
    const copy = `${this.journalPath}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    let kept = true;
    try {
      fs.copyFileSync(this.journalPath, copy);
    } catch (e) {
      kept = false;
      this.log.error(`Could not keep a copy of the damaged history journal: ${(e as Error).message}`);
    }
    const message =
      `The history journal is damaged at byte ${damage.at}: the history was recovered up to change ${seq}, and ${damage.framesAfter} later change(s) ` +
      `after the damage could not be applied.` +
      (kept ? ` A copy of the damaged journal is kept at ${copy}.` : '') +
      ` Recent items may be missing; check the history and regenerate or re-import what is gone.`;
    this.storeProblem = { message, copy: kept ? copy : undefined };
    this.log.error(message);
  }

  /** The counters start from what the open replayed, so a session that never writes still compacts. */
  private countReplayed(l: Loaded): void {
    this.recordsSinceSnapshot = l.replayed;
    this.bytesSinceSnapshot = l.replayedBytes;
  }

  private compactAfterLongReplay(): void {
    if (this.notWritable || this.closed) return;
    const long =
      this.recordsSinceSnapshot >= (this.options.replayCompactRecords ?? 1000) || this.bytesSinceSnapshot >= (this.options.replayCompactBytes ?? 1024 * 1024);
    if (long && !this.compactTimer) {
      this.log.info(`Replayed ${this.recordsSinceSnapshot} change(s) (${this.bytesSinceSnapshot} bytes) from the history journal; compacting it in the background.`);
      this.compactSoon(this.options.compactDelayMs ?? 200);
    } else {
      this.scheduleIdleCompaction();
    }
  }

  /**
   * Removes `.tmp-history.db-<uuid>` / `.tmp-history.journal-<uuid>` files a compaction killed
   * mid-write left. Caller holds the lock: every compaction runs under it, so none is live.
   */
  private async removeLeftoverTempFiles(): Promise<void> {
    let names: string[];
    try {
      names = await fsp.readdir(this.options.dir);
    } catch {
      return;
    }
    const pattern = new RegExp(`^${escapeRegExp(TEMP_PREFIX)}(${escapeRegExp(DB_FILE)}|${escapeRegExp(JOURNAL_FILE)})-[0-9a-f-]{36}$`);
    for (const name of names.filter((n) => pattern.test(n))) {
      try {
        await fsp.rm(path.join(this.options.dir, name), { force: true });
        this.log.info(`Removed ${name}, left by an interrupted compaction of the history.`);
      } catch (e) {
        this.log.warn(`Could not remove the leftover file ${name}: ${(e as Error).message}`);
      }
    }
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
      this.storeProblem = { message: `The history journal is damaged at byte ${loaded.damage.at}; ${loaded.damage.framesAfter} later change(s) are not shown. Make the history folder writable and reopen to recover it.` };
      this.log.error(this.storeProblem.message);
    }
  }

  private newDatabase(bytes?: Uint8Array): Database {
    let db: Database;
    try {
      db = new this.SQL.Database(bytes);
      db.exec('SELECT count(*) FROM sqlite_master');
    } catch (e) {
      throw new HistoryError(
        'CORRUPT',
        `The history database ${this.dbPath} is damaged or not a database (${(e as Error).message}). Move it away to start a new history, or restore it from a backup.`,
        { cause: e },
      );
    }
    for (const [name, fn] of Object.entries(this.options.functions ?? {})) {
      // sql.js registers the function with fn.length arguments: pass it as declared.
      db.create_function(name, fn);
    }
    this.applyPragmas(db);
    return db;
  }

  private applyPragmas(db: Database): void {
    db.run('PRAGMA foreign_keys = ON');
  }

  /** Reads snapshot + journal into a new database (no lock needed: both files only change by rename or append). */
  private load(): Loaded {
    for (let attempt = 0; ; attempt++) {
      const snapshot = this.takePrefetched() ?? readIfExists(this.dbPath);
      const db = this.newDatabase(snapshot);
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
        fd = fs.openSync(this.journalPath, 'r');
        ino = fs.fstatSync(fd).ino;
        journalBuf = fs.readFileSync(fd);
      } catch (e) {
        if (fd !== undefined) fs.closeSync(fd);
        fd = undefined;
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
          db.close();
          throw ioError(e, 'read the history journal', this.options.dir);
        }
      }
      const parsed = journalBuf ? parseJournal(journalBuf, this.maxFrame) : undefined;
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
          `The history journal ${this.journalPath} does not follow the snapshot ${this.dbPath} (was one of them restored from a backup?). Move the journal away to open the snapshot as it is.`,
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
            replayError = this.applyRecord(db, record, seq);
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
      this.freeStatements(this.db);
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

  /** Applies one journaled transaction; returns a problem instead of throwing. */
  private applyRecord(db: Database, record: JournalRecord, seq: number): HistoryError | undefined {
    if (record.s !== seq + 1) {
      return new HistoryError('CORRUPT', `The history journal skips from transaction ${seq} to ${record.s}; later changes cannot be applied. Nothing was deleted; reopen to try again.`);
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
      for (const [sql, params] of record.o) this.statement(db, sql).run(params);
      db.run('COMMIT');
      return undefined;
    } catch (e) {
      db.run('ROLLBACK');
      return new HistoryError('CORRUPT', `Replaying transaction ${record.s} of the history journal failed (${(e as Error).message}); the history is read-only until this is fixed. Nothing was deleted.`, {
        cause: e,
      });
    }
  }

  // ---- statements -----------------------------------------------------------------------

  private statement(db: Database, sql: string): Statement {
    let cache = this.stmts.get(db);
    if (!cache) {
      cache = new Map();
      this.stmts.set(db, cache);
    }
    let stmt = cache.get(sql);
    if (stmt) {
      cache.delete(sql); // re-inserted below: the map's order is least recently used first
    } else {
      stmt = db.prepare(sql);
      const max = this.options.maxCachedStatements ?? 200;
      for (const [oldSql, old] of cache) {
        if (cache.size < max) break;
        cache.delete(oldSql);
        old.free();
      }
    }
    cache.set(sql, stmt);
    return stmt;
  }

  /** Frees every cached statement of `db` (before export, or when the database is replaced). */
  private freeStatements(db: Database): void {
    const cache = this.stmts.get(db);
    this.stmts.delete(db);
    for (const stmt of cache?.values() ?? []) {
      try {
        stmt.free();
      } catch {
        // already freed with its database
      }
    }
  }

  private get maxFrame(): number {
    return Math.min(this.options.maxFrameBytes ?? MAX_FRAME_BYTES, MAX_FRAME_BYTES);
  }

  private reader(db: Database): Reader {
    const all = (sql: string, params: Params = []): Row[] => {
      const stmt = this.statement(db, sql);
      try {
        stmt.bind(params);
        const rows: Row[] = [];
        while (stmt.step()) rows.push(stmt.getAsObject() as Row);
        return rows;
      } finally {
        stmt.reset();
      }
    };
    const rows = (sql: string, params: Params = []): SqlValue[][] => {
      const stmt = this.statement(db, sql);
      try {
        stmt.bind(params);
        const out: SqlValue[][] = [];
        while (stmt.step()) out.push(stmt.get());
        return out;
      } finally {
        stmt.reset();
      }
    };
    const get = (sql: string, params: Params = []): Row | undefined => {
      const stmt = this.statement(db, sql);
      try {
        stmt.bind(params);
        return stmt.step() ? (stmt.getAsObject() as Row) : undefined;
      } finally {
        stmt.reset();
      }
    };
    const value = (sql: string, params: Params = []): SqlValue | undefined => {
      const stmt = this.statement(db, sql);
      try {
        stmt.bind(params);
        return stmt.step() ? stmt.get()[0] : undefined;
      } finally {
        stmt.reset();
      }
    };
    return { all, rows, get, value };
  }

  // ---- reading ------------------------------------------------------------------------

  /** Runs `fn` on the current database after taking in changes from other processes. */
  async read<T>(fn: (r: Reader) => T): Promise<T> {
    this.assertOpen();
    do await this.refresh(false);
    while (this.txOpen); // a write may have begun while we awaited
    this.assertOpen();
    // No transaction is open now, and fn runs synchronously from here.
    return fn(this.reader(this.db));
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
    const buf = Buffer.allocUnsafe(st.size - this.journalEnd);
    const n = fs.readSync(this.journalFd as number, buf, 0, buf.length, this.journalEnd);
    const { payloads, torn, damage } = decodeFrames(buf.subarray(0, n), this.journalEnd, this.maxFrame);
    let applied = 0;
    for (const p of payloads) {
      if (!isRecord(p.value)) break;
      if (p.value.s <= this.seq) {
        this.journalEnd = p.end;
        continue;
      }
      const problem = this.applyRecord(this.db, p.value, this.seq);
      if (problem) {
        if (p.value.s > this.seq + 1) return this.reloadAll();
        this.notWritable = problem;
        this.log.error(problem.message);
        break;
      }
      this.seq = p.value.s;
      this.journalEnd = p.end;
      applied++;
    }
    if (damage && !this.notWritable) {
      // Another window's frames follow bad bytes: reopening recovers (and keeps a copy); until then do not write after them.
      this.notWritable = new HistoryError('CORRUPT', `The history journal is damaged at byte ${damage.at}; reopen the window to recover the history.`);
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
    await this.closeJournalHandle();
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
        const r = this.reader(db);
        const maxFrame = this.maxFrame;
        // A lower bound of the frame's size, so a transaction far over the cap stops early
        // (before building a string V8 cannot hold).
        let atLeast = 0;
        const writer: Writer = {
          ...r,
          run: (sql, params = []) => {
            atLeast += sql.length + params.reduce<number>((n, p) => n + (typeof p === 'string' ? p.length : p instanceof Uint8Array ? p.length : 1), 0);
            if (atLeast > maxFrame) throw tooLarge(atLeast, maxFrame);
            this.statement(db, sql).run(params);
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
          await this.appendJournal(frame);
        } catch (e) {
          db.run('ROLLBACK');
          throw e;
        }
        db.run('COMMIT');
        this.seq = record.s;
        this.journalEnd += frame.length;
        this.recordsSinceSnapshot++;
        this.bytesSinceSnapshot += frame.length;
        return value;
      } finally {
        this.txOpen = undefined;
        finishTx?.();
        release();
      }
    });
    this.scheduleCompaction();
    return result;
  }

  private async journalFile(): Promise<fsp.FileHandle> {
    if (this.journalHandle && this.journalHandleIno === this.journalIno) return this.journalHandle;
    await this.closeJournalHandle();
    if (this.journalIno === 0) {
      // The journal vanished (deleted by hand): start a fresh snapshot + journal pair.
      await this.snapshotNow();
    }
    const fh = await fsp.open(this.journalPath, 'a');
    const st = await fh.stat();
    if (st.ino !== this.journalIno) {
      await fh.close();
      throw new HistoryError('IO', 'The history journal was replaced while opening it; try again.');
    }
    this.journalHandle = fh;
    this.journalHandleIno = st.ino;
    return fh;
  }

  private async closeJournalHandle(): Promise<void> {
    const fh = this.journalHandle;
    this.journalHandle = undefined;
    this.journalHandleIno = 0;
    await fh?.close().catch(() => undefined);
  }

  private async appendJournal(frame: Buffer): Promise<void> {
    let fh: fsp.FileHandle;
    try {
      fh = await this.journalFile();
    } catch (e) {
      throw ioError(e, 'save the history', this.options.dir);
    }
    try {
      let off = 0;
      while (off < frame.length) {
        const { bytesWritten } = await fh.write(frame, off, frame.length - off);
        off += bytesWritten;
      }
      await fh.datasync();
    } catch (e) {
      await this.truncateJournal(this.journalEnd);
      throw ioError(e, 'save the history', this.options.dir);
    }
  }

  /** Cuts the journal back to `length` (an interrupted or failed append). */
  private async truncateJournal(length: number): Promise<void> {
    try {
      await fsp.truncate(this.journalPath, length);
      const fh = await fsp.open(this.journalPath, 'r+');
      try {
        await fh.datasync();
      } finally {
        await fh.close();
      }
    } catch (e) {
      // A partial frame would be ignored on replay, but frames appended after it would be
      // lost too: refuse further writes until the history is reopened.
      this.notWritable = ioError(e, 'repair the history journal', this.options.dir);
      this.log.error(this.notWritable.message);
    }
  }

  // ---- compaction ---------------------------------------------------------------------

  private scheduleCompaction(): void {
    if (this.closed || this.compactTimer) return;
    const maxRecords = this.options.compactAfterRecords ?? 1000;
    const maxBytes = this.options.compactAfterBytes ?? 4 * 1024 * 1024;
    if (this.recordsSinceSnapshot < maxRecords && this.bytesSinceSnapshot < maxBytes) {
      this.scheduleIdleCompaction();
      return;
    }
    this.compactSoon(Math.min(60_000, (this.options.compactDelayMs ?? 200) * 2 ** this.compactFailures));
  }

  private scheduleIdleCompaction(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.recordsSinceSnapshot < (this.options.idleCompactMinRecords ?? 100)) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (!this.compactTimer && !this.closed) this.compactSoon(0);
    }, this.options.idleCompactMs ?? 30_000);
    this.idleTimer.unref();
  }

  private compactSoon(delay: number): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.compactTimer = setTimeout(() => {
      this.compactTimer = undefined;
      this.compact().then(
        () => (this.compactFailures = 0),
        (e) => {
          this.compactFailures++;
          this.log.warn(`Compacting the history failed (will retry): ${(e as Error).message}`);
        },
      );
    }, delay);
    this.compactTimer.unref();
  }

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
    db.run("INSERT INTO meta(key, value) VALUES ('journal_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [String(this.seq)]);
    // Cached statements are freed (not just dropped: sql.js keeps each one until it is freed).
    this.freeStatements(db);
    const bytes = db.export();
    this.applyPragmas(db);
    try {
      await writeFileAtomic(this.dbPath, bytes);
      const header = headerFrame(this.seq);
      await writeFileAtomic(this.journalPath, header);
      await this.closeJournalHandle();
      const fd = fs.openSync(this.journalPath, 'r');
      this.followJournal(fd, fs.fstatSync(fd).ino);
      this.journalEnd = header.length;
    } catch (e) {
      throw ioError(e, 'write the history snapshot', this.options.dir);
    }
    this.recordsSinceSnapshot = 0;
    this.bytesSinceSnapshot = 0;
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
    if (this.compactTimer) clearTimeout(this.compactTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.compactTimer = undefined;
    await this.mutex.run(async () => {
      if (this.closed) return;
      if ((this.options.compactOnClose ?? true) && this.recordsSinceSnapshot > 0 && !this.notWritable) {
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
      await this.closeJournalHandle();
      this.followJournal(undefined, 0);
      this.db.close();
    });
  }
}

interface Prefetched {
  bytes: Uint8Array;
  ino: number;
  mtimeMs: number;
}

async function prefetch(file: string): Promise<Prefetched | undefined> {
  try {
    const fh = await fsp.open(file, 'r');
    try {
      const st = await fh.stat();
      const bytes = await fh.readFile();
      return bytes.length === st.size ? { bytes, ino: st.ino, mtimeMs: st.mtimeMs } : undefined;
    } finally {
      await fh.close();
    }
  } catch {
    return undefined; // missing or unreadable: the normal path reports it
  }
}

function readIfExists(file: string): Uint8Array | undefined {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(e, 'read the history database', path.dirname(file));
  }
}

function readSnapshotSeq(db: Database): number {
  try {
    const r = db.exec("SELECT value FROM meta WHERE key = 'journal_seq'");
    return Number(r[0]?.values[0]?.[0] ?? 0);
  } catch {
    return 0; // no meta table yet (empty or pre-schema database)
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function tooLarge(bytes: number, max: number): HistoryError {
  const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return new HistoryError(
    'INVALID',
    `This change is too large to save in one step (at least ${mb(bytes)}; the history journal takes at most ${mb(max)} per change). Nothing was saved; import fewer items at a time.`,
  );
}

/** The journal frame of `record`, refused when a reader would not accept it. */
function encodeRecord(record: JournalRecord, max: number): Buffer {
  let frame: Buffer;
  try {
    frame = encodeFrame(record);
  } catch (e) {
    // Over V8's string limit (RangeError) or a value JSON cannot hold.
    if (e instanceof RangeError) throw tooLarge(max + 1, max);
    throw new HistoryError('INVALID', `This change cannot be saved in the history journal (${(e as Error).message}). Nothing was saved.`, { cause: e });
  }
  if (frame.length > frameBytes(max)) throw tooLarge(frame.length, max);
  return frame;
}
