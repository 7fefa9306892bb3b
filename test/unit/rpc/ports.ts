// A pair of real in-memory message ports (Node's MessageChannel: structured clone, async
// delivery) standing in for the webview <-> host channel, plus a logger that records.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
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
