// Inter-process write lock: a lock file created with O_EXCL holding the owner's pid. A lock whose
// owner process is gone (crash, SIGKILL) is stolen, guarded by a second short-lived file so two
// stealers cannot both win. Creating and deleting a file costs more than a small write, so the
// lock is kept as a short lease across a burst of writes and let go when writes pause (or after
// a bounded time, so another window gets its turn).
//
// When is a lock stale? Its owner process is gone; or its pid is ours but no lock of this process
// carries its token (an earlier process with the same pid: a restarted container); or its pid runs
// but started at another time than the owner did (the pid was reused). A lock from another host
// cannot be checked that way, so a holder renews the file's time every few seconds (a heartbeat,
// also during long writes) and a lock from another host not renewed for a while is stale (a
// recreated dev container gets a new hostname). Every steal is logged with its reason.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { HistoryError, ioError } from './errors';

interface LockInfo {
  pid: number;
  host: string;
  token: string;
  at: number;
  /** When the owner process started (see processStart), to tell a reused pid. */
  start?: string;
}

const STALE_UNREADABLE_MS = 5_000;

/** Tokens of the locks this process holds now (any FileLock instance). */
const heldHere = new Set<string>();

let bootId: string | undefined | null = null;

/**
 * An identity of the process's start (boot id + start time in clock ticks) where the system
 * tells it (Linux /proc); undefined elsewhere, where a reused pid is not detected.
 */
export function processStart(pid: number): string | undefined {
  try {
    if (bootId === null) bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 is the start time; the command name (field 2) is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19];
    return ticks ? `${bootId ?? ''}:${ticks}` : undefined;
  } catch {
    if (bootId === null) bootId = undefined;
    return undefined;
  }
}

const ownStart = processStart(process.pid);

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

export interface StalenessOptions {
  /** A holder renews the lock file's time this often (ms). */
  heartbeatMs: number;
  /** A lock from another host not renewed for this long (ms) is stale. */
  otherHostStaleMs: number;
}

const DEFAULT_LEASE: LeaseOptions = { idleMs: 15, maxHoldMs: 250, yieldMs: 40 };
const DEFAULT_STALENESS: StalenessOptions = { heartbeatMs: 5_000, otherHostStaleMs: 60_000 };

export class FileLock {
  private readonly stealFile: string;
  private heldToken: string | undefined;
  private heldSince = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly staleness: StalenessOptions;

  constructor(
    readonly file: string,
    private readonly timeoutMs = 10_000,
    private readonly lease: LeaseOptions = DEFAULT_LEASE,
    private readonly log: (message: string) => void = () => undefined,
    staleness: Partial<StalenessOptions> = {},
  ) {
    this.stealFile = `${file}.steal`;
    this.staleness = { ...DEFAULT_STALENESS, ...staleness };
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
        heldHere.add(token);
        this.startHeartbeat(token);
        return () => this.endUse();
      }
      const holder = readInfo(this.file);
      const why = holder && this.staleReason(holder);
      if (holder && why) {
        if (this.steal(holder.raw)) this.log(`Took over the history write lock ${this.file}: ${why}.`);
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
    const info: LockInfo = { pid: process.pid, host: os.hostname(), token, at: Date.now(), start: ownStart };
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

  /** Why the lock is stale (for the log), or undefined while its owner may still hold it. */
  private staleReason(holder: { info?: LockInfo; mtimeMs: number }): string | undefined {
    const age = Date.now() - holder.mtimeMs;
    const { info } = holder;
    if (!info) return age > STALE_UNREADABLE_MS ? `it was unreadable for ${Math.round(age / 1000)} s (a crash while taking it)` : undefined;
    if (info.host !== os.hostname()) {
      return age > this.staleness.otherHostStaleMs
        ? `it was left by process ${info.pid} on host "${info.host}" and not renewed for ${Math.round(age / 1000)} s (a recreated container or a crashed machine)`
        : undefined;
    }
    if (info.pid === process.pid) {
      return heldHere.has(info.token)
        ? undefined
        : `it carries this process's id ${info.pid} but none of its locks (left by an earlier process with the same id, e.g. a restarted container)`;
    }
    if (!isAlive(info.pid)) return `its owner, process ${info.pid}, is gone`;
    const start = info.start !== undefined ? processStart(info.pid) : undefined;
    if (start !== undefined && start !== info.start)
      return `process ${info.pid} that runs now is not its owner (the id was reused after the owner ended)`;
    return undefined;
  }

  /** Renews the lock file's time while it is held, so other hosts can judge its age. */
  private startHeartbeat(token: string): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      if (this.heldToken !== token) return this.stopHeartbeat();
      try {
        const now = new Date();
        fs.utimesSync(this.file, now, now);
      } catch {
        // gone (stolen or removed by hand): the next acquire finds out
      }
    }, this.staleness.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Removes the stale lock unless it changed meanwhile; true when this call removed it. */
  private steal(staleRaw: string): boolean {
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
      return false;
    }
    fs.closeSync(fd);
    try {
      const now = readInfo(this.file);
      if (now && now.raw === staleRaw) {
        fs.rmSync(this.file, { force: true });
        return true;
      }
      return false;
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
    this.stopHeartbeat();
    if (!token) return;
    heldHere.delete(token);
    try {
      const now = readInfo(this.file);
      if (now?.info?.token === token) fs.rmSync(this.file, { force: true });
    } catch {
      // Nothing to release: the next writer treats a leftover lock of a dead process as stale.
    }
  }
}
