// Reading the snapshot file: read ahead during open, read now, its journal sequence.
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ioError } from './errors';
import type { Database } from './sqlite';

export interface Prefetched {
  bytes: Uint8Array;
  ino: number;
  mtimeMs: number;
}

export async function prefetch(file: string): Promise<Prefetched | undefined> {
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

export function readIfExists(file: string): Uint8Array | undefined {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(e, 'read the history database', path.dirname(file));
  }
}

export function readSnapshotSeq(db: Database): number {
  try {
    const r = db.exec("SELECT value FROM meta WHERE key = 'journal_seq'");
    return Number(r[0]?.values[0]?.[0] ?? 0);
  } catch {
    return 0; // no meta table yet (empty or pre-schema database)
  }
}

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
