// Inter-process write lock: a lock file created with O_EXCL holding the owner's pid. A lock whose
// owner process is gone (crash, SIGKILL) is stolen, guarded by a second short-lived file so two
// stealers cannot both win. Creating and deleting a file costs more than a small write, so the
// lock is kept as a short lease across a burst of writes and let go when writes pause (or after
// a bounded time, so another window gets its turn).
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { HistoryError, ioError } from './errors';

interface LockInfo {
  pid: number;
  host: string;
  token: string;
  at: number;
}

const STALE_UNREADABLE_MS = 5_000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Whether a process with this pid exists (EPERM: it does, owned by another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readInfo(file: string): { info?: LockInfo; raw: string; mtimeMs: number } | undefined {
  try {
    const raw = fs.readFileSync(file, 'utf8');
    const mtimeMs = fs.statSync(file).mtimeMs;
    try {
      const info = JSON.parse(raw) as LockInfo;
      if (typeof info.pid === 'number' && typeof info.token === 'string') return { info, raw, mtimeMs };
    } catch {
      // half-written lock file: judged by age below
    }
    return { raw, mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export interface LeaseOptions {
  /** Let the lock go after writes pause this long (ms). */
  idleMs: number;
  /** Let it go after holding it this long, and stay away `yieldMs`, so waiters get a turn. */
  maxHoldMs: number;
  yieldMs: number;
}

const DEFAULT_LEASE: LeaseOptions = { idleMs: 15, maxHoldMs: 250, yieldMs: 40 };

export class FileLock {
  private readonly stealFile: string;
  private heldToken: string | undefined;
  private heldSince = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly file: string,
    private readonly timeoutMs = 10_000,
    private readonly lease: LeaseOptions = DEFAULT_LEASE,
  ) {
    this.stealFile = `${file}.steal`;
  }

  /** Waits for the lock; returns the function to call when done with it (the lease may outlive it briefly). */
  async acquire(): Promise<() => void> {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    if (this.heldToken) {
      if (Date.now() - this.heldSince < this.lease.maxHoldMs) return () => this.endUse();
      this.releaseNow();
      await sleep(this.lease.yieldMs);
    }
    const deadline = Date.now() + this.timeoutMs;
    let delay = 1;
    for (;;) {
      const token = this.tryCreate();
      if (token) {
        this.heldToken = token;
        this.heldSince = Date.now();
        return () => this.endUse();
      }
      const holder = readInfo(this.file);
      if (holder && this.isStale(holder)) {
        this.steal(holder.raw);
        continue;
      }
      if (Date.now() >= deadline) {
        const who = holder?.info ? `process ${holder.info.pid}` : 'another process';
        throw new HistoryError(
          'LOCKED',
          `The history is being written by ${who} (another VS Code window?) and did not become free within ${Math.round(this.timeoutMs / 1000)} s. Try again; if no other window is open, delete ${this.file}.`,
        );
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 25);
    }
  }

  private tryCreate(): string | undefined {
    const token = randomUUID();
    const info: LockInfo = { pid: process.pid, host: os.hostname(), token, at: Date.now() };
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw ioError(e, 'take the write lock', this.file);
    }
    try {
      fs.writeSync(fd, JSON.stringify(info));
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(this.file, { force: true });
      throw ioError(e, 'take the write lock', this.file);
    }
    fs.closeSync(fd);
    return token;
  }

  private isStale(holder: { info?: LockInfo; mtimeMs: number }): boolean {
    if (!holder.info) return Date.now() - holder.mtimeMs > STALE_UNREADABLE_MS;
    if (holder.info.host !== os.hostname()) return false;
    if (holder.info.pid === process.pid) return false;
    return !isAlive(holder.info.pid);
  }

  private steal(staleRaw: string): void {
    let fd: number;
    try {
      fd = fs.openSync(this.stealFile, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(e, 'take the write lock', this.file);
      // A stealer that died holding the guard: remove it after a while.
      try {
        if (Date.now() - fs.statSync(this.stealFile).mtimeMs > STALE_UNREADABLE_MS) fs.rmSync(this.stealFile, { force: true });
      } catch {
        // gone already
      }
      return;
    }
    fs.closeSync(fd);
    try {
      const now = readInfo(this.file);
      if (now && now.raw === staleRaw) fs.rmSync(this.file, { force: true });
    } finally {
      fs.rmSync(this.stealFile, { force: true });
    }
  }

  private endUse(): void {
    if (!this.heldToken) return;
    if (this.lease.idleMs <= 0) return this.releaseNow();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.releaseNow();
    }, this.lease.idleMs);
    this.idleTimer.unref();
  }

  /** Lets the lock go now (also on close). */
  releaseNow(): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    const token = this.heldToken;
    this.heldToken = undefined;
    if (!token) return;
    try {
      const now = readInfo(this.file);
      if (now?.info?.token === token) fs.rmSync(this.file, { force: true });
    } catch {
      // Nothing to release: the next writer treats a leftover lock of a dead process as stale.
    }
  }
}
