// A pair of real in-memory message ports (Node's MessageChannel: structured clone, async
// delivery) standing in for the webview <-> host channel, plus a logger that records.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { RpcLogger, WebviewEndpoint } from '../../../src/rpc/host-adapter';
import type { MessageSource, MessageTarget } from '../../../webview-ui/rpc/link';

export interface PortPair {
  /** The host's view of the webview. */
  host: WebviewEndpoint;
  /** The webview's side: post target and message source in one. */
  view: MessageTarget & MessageSource;
  /** Every message the host posted, in order (raw, as the webview received them). */
  received: unknown[];
  /** Resolves when the view has received `n` messages in total. */
  waitForReceived(n: number): Promise<void>;
  close(): void;
}

export function createPortPair(): PortPair {
  const { port1, port2 } = new MessageChannel();
  const received: unknown[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  port2.on('message', (data: unknown) => {
    received.push(data);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (received.length >= waiters[i].n) {
        waiters[i].resolve();
        waiters.splice(i, 1);
      }
    }
  });
  const host: WebviewEndpoint = {
    postMessage(message) {
      port1.postMessage(message);
      return true;
    },
    onDidReceiveMessage(listener) {
      const l = (data: unknown): void => void listener(data);
      port1.on('message', l);
      return { dispose: () => port1.off('message', l) };
    },
  };
  return {
    host,
    view: viewSide(port2),
    received,
    waitForReceived(n) {
      if (received.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close() {
      port1.close();
      port2.close();
    },
  };
}

function viewSide(port: MessagePort): MessageTarget & MessageSource {
  const wrapped = new Map<(event: { data: unknown }) => void, (data: unknown) => void>();
  return {
    postMessage: (message) => port.postMessage(message),
    addEventListener(_type, listener) {
      const l = (data: unknown): void => listener({ data });
      wrapped.set(listener, l);
      port.on('message', l);
    },
    removeEventListener(_type, listener) {
      const l = wrapped.get(listener);
      if (l) port.off('message', l);
      wrapped.delete(listener);
    },
  };
}

export interface RecordingLogger extends RpcLogger {
  lines: Array<{ level: 'debug' | 'warn' | 'error'; message: string; args: unknown[] }>;
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  return {
    lines,
    debug: (message, ...args) => void lines.push({ level: 'debug', message, args }),
    warn: (message, ...args) => void lines.push({ level: 'warn', message, args }),
    error: (message, ...args) => void lines.push({ level: 'error', message: String(message), args }),
  };
}

/** Resolves after `ms`, real time (used only to let the host run, never for assertions on speed). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `predicate` holds, checking each turn of the event loop; fails after `ms`. */
export async function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

// The "webview" of a burst test runs in a worker thread, so the event-loop delay measured in this
// thread is the host's alone.
const BURST_VIEW = `
const { workerData, parentPort } = require('node:worker_threads');
const { port, messages, expected } = workerData;
const replies = [];
port.on('message', (m) => {
  replies.push(m);
  if (replies.length === expected) setTimeout(() => { parentPort.postMessage(replies); port.close(); }, 50);
});
parentPort.once('message', () => { for (const m of messages) port.postMessage(m); });
parentPort.postMessage('ready');
`;

export interface BurstOutcome {
  /** What the host posted back, in order. */
  received: unknown[];
  /** The host's event-loop delay while it handled the burst (ns). */
  delay: { max: number; p99: number; mean: number };
}

/**
 * Sends `messages` in one burst from a worker-thread "webview" to `host` (which the caller
 * attaches to the adapter under test) and waits for `expected` replies.
 */
export async function burstFromWorker(
  attach: (host: WebviewEndpoint) => void,
  messages: unknown[],
  expected: number,
): Promise<BurstOutcome> {
  const { port1, port2 } = new MessageChannel();
  attach({
    postMessage: (m) => (port1.postMessage(m), true),
    onDidReceiveMessage: (l) => (port1.on('message', l), { dispose: () => port1.off('message', l) }),
  });
  const worker = new Worker(BURST_VIEW, { eval: true, workerData: { port: port2, messages, expected }, transferList: [port2] });
  const next = (): Promise<unknown> => new Promise((resolve, reject) => (worker.once('message', resolve), worker.once('error', reject)));
  try {
    await next(); // ready: its start-up cost is not the host's
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    const done = next();
    worker.postMessage('go');
    const received = (await done) as unknown[];
    histogram.disable();
    return { received, delay: { max: histogram.max, p99: histogram.percentile(99), mean: histogram.mean } };
  } finally {
    await worker.terminate();
    port1.close();
  }
}
