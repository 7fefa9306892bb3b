// When to write a new snapshot: after enough journaled changes (soon), after writes pause with
// a moderate journal (idle), or right after an open that replayed a long journal. Failed
// compactions back off exponentially. The store says what compacting means; this only times it.
import type { StoreLog, StoreOptions } from './store-types';

export class CompactionSchedule {
  /** Transactions and journal bytes written since the last snapshot. */
  records = 0;
  bytes = 0;
  private compactTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly options: StoreOptions,
    private readonly log: StoreLog,
    private readonly compact: () => Promise<void>,
    private readonly closed: () => boolean,
  ) {}

  /** The counters start from what an open replayed, so a session that never writes still compacts. */
  startFrom(records: number, bytes: number): void {
    this.records = records;
    this.bytes = bytes;
  }

  committed(frameBytes: number): void {
    this.records++;
    this.bytes += frameBytes;
  }

  snapshotted(): void {
    this.records = 0;
    this.bytes = 0;
  }

  /** After an open: compact soon if it replayed a long journal, else when writes pause. */
  afterOpen(): void {
    const long =
      this.records >= (this.options.replayCompactRecords ?? 1000) || this.bytes >= (this.options.replayCompactBytes ?? 1024 * 1024);
    if (long && !this.compactTimer) {
      this.log.info(`Replayed ${this.records} change(s) (${this.bytes} bytes) from the history journal; compacting it in the background.`);
      this.soon(this.options.compactDelayMs ?? 200);
    } else {
      this.whenIdle();
    }
  }

  afterWrite(): void {
    if (this.closed() || this.compactTimer) return;
    const maxRecords = this.options.compactAfterRecords ?? 1000;
    const maxBytes = this.options.compactAfterBytes ?? 4 * 1024 * 1024;
    if (this.records < maxRecords && this.bytes < maxBytes) {
      this.whenIdle();
      return;
    }
    this.soon(Math.min(60_000, (this.options.compactDelayMs ?? 200) * 2 ** this.failures));
  }

  stop(): void {
    if (this.compactTimer) clearTimeout(this.compactTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.compactTimer = undefined;
  }

  private whenIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.records < (this.options.idleCompactMinRecords ?? 100)) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (!this.compactTimer && !this.closed()) this.soon(0);
    }, this.options.idleCompactMs ?? 30_000);
    this.idleTimer.unref();
  }

  private soon(delay: number): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.compactTimer = setTimeout(() => {
      this.compactTimer = undefined;
      this.compact().then(
        () => (this.failures = 0),
        (e) => {
          this.failures++;
          this.log.warn(`Compacting the history failed (will retry): ${(e as Error).message}`);
        },
      );
    }, delay);
    this.compactTimer.unref();
  }
}
