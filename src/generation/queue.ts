// A queue of jobs (one per script cue) run a few at a time per lane (one lane per engine: Flite
// speaks one cue at a time, an HTTP engine as many as its setting allows). A job that fails does
// not stop the others; one that a server asked to slow down (429 / Retry-After) holds its whole
// lane until the wait is over, then runs again. Pause stops new starts, cancel aborts, a failed
// or cancelled job can be retried alone. Every state change is an event. No `vscode` import.
import { Emitter } from '../history/emitter';
import type { Disposable } from '../history';

export type JobState = 'queued' | 'running' | 'waiting' | 'done' | 'failed' | 'cancelled';

export interface JobContext {
  /** Aborts when the job (or the whole queue) is cancelled. */
  signal: AbortSignal;
  /** 1 for the first run, 2 for the first retry after a wait, … */
  attempt: number;
}

export interface JobSpec<T> {
  /** One job per key (a cue): adding a key that is still queued or running adds nothing. */
  key: string;
  /** Jobs of one lane share its concurrency and its rate-limit waits (an engine id). */
  lane: string;
  run(context: JobContext): Promise<T>;
}

export interface JobEvent<T> {
  key: string;
  lane: string;
  state: JobState;
  attempt: number;
  result?: T;
  error?: unknown;
  /** For 'waiting': when the lane may run again (epoch ms). */
  until?: number;
}

export interface QueueOptions {
  /** Jobs of a lane that may run at once (at least 1). */
  concurrency(lane: string): number;
  /** How long to wait before running a failed job again (ms), or undefined to let it fail. */
  retryDelay?(error: unknown, retry: number): number | undefined;
  now?: () => number;
}

export interface QueueCounts {
  queued: number;
  running: number;
  waiting: number;
  done: number;
  failed: number;
  cancelled: number;
}

interface Entry<T> {
  spec: JobSpec<T>;
  state: JobState;
  attempt: number;
  /** Runs that ended in a wait, for the retry delay. */
  retries: number;
  controller?: AbortController;
  result?: T;
  error?: unknown;
}

const LIVE: readonly JobState[] = ['queued', 'running', 'waiting'];

export class JobQueue<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /** Keys in the order they run (queued and waiting ones). */
  private order: string[] = [];
  private readonly running = new Map<string, number>();
  private readonly heldUntil = new Map<string, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly events = new Emitter<JobEvent<T>>();
  private readonly drainWaiters: Array<() => void> = [];
  private paused = false;
  private disposed = false;
  private readonly now: () => number;

  constructor(private readonly options: QueueOptions) {
    this.now = options.now ?? Date.now;
  }

  onEvent(listener: (event: JobEvent<T>) => void): Disposable {
    return this.events.on(listener);
  }

  /** Queues jobs in order; returns the keys actually added (a live key is not added twice). */
  add(specs: Iterable<JobSpec<T>>): string[] {
    const added: string[] = [];
    for (const spec of specs) {
      const existing = this.entries.get(spec.key);
      if (existing && LIVE.includes(existing.state)) continue;
      this.entries.set(spec.key, { spec, state: 'queued', attempt: 0, retries: 0 });
      this.order.push(spec.key);
      added.push(spec.key);
      this.emit(spec.key);
    }
    this.pump();
    return added;
  }

  /** Runs a failed or cancelled job again (at the end of the queue); false for any other. */
  retry(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry || (entry.state !== 'failed' && entry.state !== 'cancelled')) return false;
    Object.assign(entry, { state: 'queued', retries: 0, error: undefined, controller: undefined });
    this.order.push(key);
    this.emit(key);
    this.pump();
    return true;
  }

  /** Nothing new starts; running jobs finish. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Cancels one job, or all live ones: queued ones never start, running ones are aborted. */
  cancel(key?: string): void {
    const keys = key === undefined ? [...this.entries.keys()] : [key];
    for (const k of keys) {
      const entry = this.entries.get(k);
      if (!entry || !LIVE.includes(entry.state)) continue;
      if (entry.state === 'running') {
        // Its run settles later; the abort makes that settle as cancelled.
        entry.controller?.abort();
        continue;
      }
      entry.state = 'cancelled';
      this.order = this.order.filter((o) => o !== k);
      this.emit(k);
    }
    this.settleDrain();
  }

  state(key: string): JobState | undefined {
    return this.entries.get(key)?.state;
  }

  counts(): QueueCounts {
    const counts: QueueCounts = { queued: 0, running: 0, waiting: 0, done: 0, failed: 0, cancelled: 0 };
    for (const e of this.entries.values()) counts[e.state]++;
    return counts;
  }

  /** Resolves when no job is queued, waiting or running (a paused queue with work left is not drained). */
  drained(): Promise<void> {
    if (this.isDrained()) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Cancels everything and stops timers. */
  dispose(): void {
    this.cancel();
    this.disposed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.events.clear();
  }

  private isDrained(): boolean {
    for (const e of this.entries.values()) if (LIVE.includes(e.state)) return false;
    return true;
  }

  private settleDrain(): void {
    if (!this.isDrained()) return;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  private pump(): void {
    if (this.paused || this.disposed) return;
    const now = this.now();
    for (const key of [...this.order]) {
      const entry = this.entries.get(key)!;
      const lane = entry.spec.lane;
      if ((this.heldUntil.get(lane) ?? 0) > now) continue;
      if ((this.running.get(lane) ?? 0) >= Math.max(1, this.options.concurrency(lane))) continue;
      this.order = this.order.filter((o) => o !== key);
      void this.start(entry);
    }
  }

  private async start(entry: Entry<T>): Promise<void> {
    const { key, lane } = entry.spec;
    const controller = new AbortController();
    Object.assign(entry, { state: 'running', controller, attempt: entry.attempt + 1 });
    this.running.set(lane, (this.running.get(lane) ?? 0) + 1);
    this.emit(key);
    try {
      entry.result = await entry.spec.run({ signal: controller.signal, attempt: entry.attempt });
      // A job that finished its work before it saw the cancel is done: its result exists.
      entry.state = 'done';
    } catch (error) {
      entry.error = error;
      const delay = controller.signal.aborted || this.disposed ? undefined : this.options.retryDelay?.(error, entry.retries + 1);
      if (controller.signal.aborted) entry.state = 'cancelled';
      else if (delay === undefined) entry.state = 'failed';
      else this.wait(entry, delay);
    } finally {
      this.running.set(lane, (this.running.get(lane) ?? 1) - 1);
    }
    if (entry.state !== 'waiting') this.emit(key);
    this.pump();
    this.settleDrain();
  }

  /** The job runs again first once its lane's wait is over; the lane starts nothing meanwhile. */
  private wait(entry: Entry<T>, delayMs: number): void {
    const lane = entry.spec.lane;
    const until = Math.max(this.heldUntil.get(lane) ?? 0, this.now() + delayMs);
    this.heldUntil.set(lane, until);
    entry.retries++;
    entry.state = 'waiting';
    this.order.unshift(entry.spec.key);
    this.emit(entry.spec.key, until);
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        // A later wait may have moved the lane's end; only the last timer frees it.
        if (this.heldUntil.get(lane) === until) this.heldUntil.delete(lane);
        this.pump();
      },
      Math.max(0, until - this.now()),
    );
    this.timers.add(timer);
  }

  private emit(key: string, until?: number): void {
    const e = this.entries.get(key)!;
    this.events.fire({
      key,
      lane: e.spec.lane,
      state: e.state,
      attempt: e.attempt,
      ...(e.state === 'done' ? { result: e.result } : {}),
      ...(e.state === 'failed' ? { error: e.error } : {}),
      ...(until !== undefined ? { until } : {}),
    });
  }
}
