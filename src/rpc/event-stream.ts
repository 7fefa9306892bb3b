// A subscription's body: events from a listener, yielded in order until the caller's signal aborts.
// `enqueue` decides what waits while the webview is not reading, so a stalled view cannot grow
// the host's memory without bound.

export async function* eventStream<T>(
  listen: (listener: (event: T) => void) => { dispose(): void },
  signal: AbortSignal | undefined,
  enqueue: (waiting: T[], event: T) => T[],
): AsyncGenerator<T, void, unknown> {
  let waiting: T[] = [];
  let wake: (() => void) | undefined;
  const subscription = listen((event) => {
    waiting = enqueue(waiting, event);
    wake?.();
  });
  // Without a signal the stream runs until its consumer returns (resolving here would spin the loop).
  const stopped = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    else signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    while (!signal?.aborted) {
      if (waiting.length === 0) {
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), stopped]);
        wake = undefined;
        continue;
      }
      const batch = waiting;
      waiting = [];
      for (const event of batch) yield event;
    }
  } finally {
    subscription.dispose();
  }
}
