// The store's public shapes: what reads and writes see, its options, and what it reports.
import type { Params, SqlFunction, SqlValue, WasmOptions } from './sqlite';

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
  functions?: Record<string, SqlFunction>;
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
