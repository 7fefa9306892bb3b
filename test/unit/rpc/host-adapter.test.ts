// The postMessage transport end to end: the real host adapter and the real webview link
// over a real in-memory MessageChannel, against a small router built for the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initTRPC, TRPCError } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import { TRPCClientError } from '@trpc/client';
import { z } from 'zod';
import type * as vscode from 'vscode';
import { attachRouterToWebview, type HostAdapter, type WebviewEndpoint } from '../../../src/rpc/host-adapter';
import { RPC_CHANNEL, hostMessageSchema, type HostMessage } from '../../../src/rpc/protocol';
import { createWebviewClient, type WebviewErrorShape } from '../../../webview-ui/rpc/client';
import { burstFromWorker, createPortPair, recordingLogger, until, type PortPair, type RecordingLogger } from './ports';

// Compile-time: the real VS Code webview fits the adapter's structural endpoint.
export const webviewFits = (w: vscode.Webview): WebviewEndpoint => w;

interface Ctx {
  calls: number;
}

/** Observable state of the test router so tests can see what the host did. */
function createTestRouter() {
  const t = initTRPC.context<Ctx>().create();
  const state = {
    items: new Map<string, string>([['3f1c5b7e-9d2a-4c8b-a1e6-0b7d2f4c9e13', 'first']]),
    slowSignals: [] as AbortSignal[],
    releaseSlow: [] as Array<() => void>,
    releaseStubborn: [] as Array<() => void>,
    tickPush: undefined as ((n: number) => void) | undefined,
    tickCleanups: 0,
    observableTeardowns: 0,
    observableSubscriptions: 0,
  };
  const idSchema = z.uuid();
  const router = t.router({
    echo: t.procedure.input(z.object({ text: z.string().max(100) })).query(({ input }) => input),
    nothing: t.procedure.query(() => undefined),
    unclonable: t.procedure.query(() => ({ callback: () => 'functions cannot cross' })),
    items: t.router({
      get: t.procedure.input(z.object({ id: idSchema })).query(({ input }) => {
        const text = state.items.get(input.id);
        if (text === undefined) throw new TRPCError({ code: 'NOT_FOUND', message: `No item ${input.id}.` });
        return { id: input.id, text };
      }),
      put: t.procedure.input(z.object({ id: idSchema, text: z.string().min(1).max(100) })).mutation(({ input }) => {
        state.items.set(input.id, input.text);
        return state.items.size;
      }),
      remove: t.procedure.input(z.object({ ids: z.array(idSchema).min(1).max(100) })).mutation(({ input }) => {
        for (const id of input.ids) state.items.delete(id);
      }),
    }),
    boom: t.procedure.query((): string => {
      throw new Error('kaboom in /home/someone/private/file.wav');
    }),
    slow: t.procedure.query(
      ({ signal }) =>
        new Promise<string>((resolve, reject) => {
          if (signal) state.slowSignals.push(signal);
          state.releaseSlow.push(() => resolve('released'));
          signal?.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    ),
    /** Ignores its abort signal, as a procedure deep in synchronous work would. */
    stubborn: t.procedure.query(
      () =>
        new Promise<string>((resolve) => {
          state.releaseStubborn.push(() => resolve('finished anyway'));
        }),
    ),
    ticks: t.procedure.subscription(async function* ({ signal }) {
      const queue: number[] = [];
      let wake: (() => void) | undefined;
      state.tickPush = (n) => {
        queue.push(n);
        wake?.();
      };
      try {
        while (!signal?.aborted) {
          if (queue.length === 0) {
            await new Promise<void>((r) => {
              wake = r;
              signal?.addEventListener('abort', () => r(), { once: true });
            });
            continue;
          }
          yield queue.shift() as number;
        }
      } finally {
        state.tickCleanups++;
      }
    }),
    finite: t.procedure.input(z.object({ upTo: z.number().int().min(0).max(10) })).subscription(async function* ({ input }) {
      for (let i = 1; i <= input.upTo; i++) yield i;
    }),
    failing: t.procedure.subscription(async function* () {
      yield 'one';
      throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'The history was closed.' });
    }),
    legacy: t.procedure.subscription(() =>
      observable<string>((emit) => {
        emit.next('a');
        emit.next('b');
        const timer = setTimeout(() => emit.complete(), 5);
        return () => {
          clearTimeout(timer);
          state.observableTeardowns++;
        };
      }),
    ),
    endless: t.procedure.subscription(() =>
      observable<number>(() => {
        state.observableSubscriptions++;
        return () => {
          state.observableTeardowns++;
        };
      }),
    ),
  });
  return { router, state };
}

type TestRouter = ReturnType<typeof createTestRouter>['router'];

interface Harness {
  ports: PortPair;
  adapter: HostAdapter;
  client: ReturnType<typeof createWebviewClient<TestRouter>>;
  state: ReturnType<typeof createTestRouter>['state'];
  log: RecordingLogger;
  contexts: number;
  close(): void;
}

function harness(options: { maxOpenOperations?: number; maxQueuedMessages?: number } = {}): Harness {
  const { router, state } = createTestRouter();
  const ports = createPortPair();
  const log = recordingLogger();
  const h = { contexts: 0 } as Harness;
  const adapter = attachRouterToWebview({
    webview: ports.host,
    router,
    log,
    createContext: () => ({ calls: ++h.contexts }),
    ...options,
  });
  const client = createWebviewClient<TestRouter>({ target: ports.view, source: ports.view });
  return Object.assign(h, {
    ports,
    adapter,
    client,
    state,
    log,
    close() {
      adapter.dispose();
      ports.close();
    },
  });
}

function rawRequest(id: string, type: string, path: string, input?: unknown): unknown {
  return { channel: RPC_CHANNEL, kind: 'request', id, op: { type, path, input } };
}

function repliesFor(received: unknown[], id: string): HostMessage[] {
  return received.map((m) => hostMessageSchema.parse(m)).filter((m) => m.id === id);
}

/** Every key anywhere inside a value, to prove what did not cross. */
function allKeysAndStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => allKeysAndStrings(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      allKeysAndStrings(v, out);
    }
  }
  return out;
}

async function clientError(p: Promise<unknown>): Promise<TRPCClientError<TestRouter>> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof TRPCClientError, `expected a TRPCClientError, got ${String(err)}`);
    return err as TRPCClientError<TestRouter>;
  }
  assert.fail('expected the call to fail');
}

test('a query round-trips with its input validated and a fresh context', async () => {
  const h = harness();
  try {
    assert.deepEqual(await h.client.echo.query({ text: 'hello' }), { text: 'hello' });
    assert.deepEqual(await h.client.items.get.query({ id: '3f1c5b7e-9d2a-4c8b-a1e6-0b7d2f4c9e13' }), {
      id: '3f1c5b7e-9d2a-4c8b-a1e6-0b7d2f4c9e13',
      text: 'first',
    });
    assert.equal(h.contexts, 2);
    assert.equal(h.adapter.openOperations, 0);
  } finally {
    h.close();
  }
});

test('undefined results arrive as null', async () => {
  const h = harness();
  try {
    assert.equal(await h.client.nothing.query(), null);
    const reply = h.ports.received.map((m) => hostMessageSchema.parse(m)).find((m) => m.kind === 'result');
    assert.ok(reply && reply.kind === 'result');
    assert.ok('data' in reply && reply.data === null);
  } finally {
    h.close();
  }
});

test('a mutation changes host state and returns its result', async () => {
  const h = harness();
  try {
    const size = await h.client.items.put.mutate({ id: '0b7d2f4c-9e13-4c8b-a1e6-3f1c5b7e9d2a', text: 'second' });
    assert.equal(size, 2);
    assert.equal(h.state.items.get('0b7d2f4c-9e13-4c8b-a1e6-3f1c5b7e9d2a'), 'second');
    assert.equal(await h.client.items.remove.mutate({ ids: ['0b7d2f4c-9e13-4c8b-a1e6-3f1c5b7e9d2a'] }), null);
    assert.equal(h.state.items.size, 1);
  } finally {
    h.close();
  }
});

test('a zod rejection arrives as BAD_REQUEST with readable message and issues, and changes nothing', async () => {
  const h = harness();
  try {
    const err = await clientError(h.client.items.put.mutate({ id: '../../etc/passwd', text: '' }));
    const data = err.data as WebviewErrorShape['data'];
    assert.equal(data.code, 'BAD_REQUEST');
    assert.equal(data.path, 'items.put');
    assert.ok(data.issues);
    assert.deepEqual(data.issues.map((i) => i.path.join('.')).sort(), ['id', 'text']);
    assert.match(err.message, /^Invalid input for items\.put: /);
    assert.match(err.message, /id: Invalid UUID/);
    assert.equal((err.shape as WebviewErrorShape).code, -32600);
    assert.equal(h.state.items.size, 1);
  } finally {
    h.close();
  }
});

test('a procedure that throws gives INTERNAL_SERVER_ERROR with its message and no stack; the host logs it', async () => {
  const h = harness();
  try {
    const err = await clientError(h.client.boom.query());
    assert.equal((err.data as WebviewErrorShape['data']).code, 'INTERNAL_SERVER_ERROR');
    assert.match(err.message, /kaboom/);
    const wire = h.ports.received.find((m) => (m as { kind?: string }).kind === 'error');
    const everything = allKeysAndStrings(wire);
    assert.ok(!everything.includes('stack'), 'no stack key crosses');
    assert.ok(!everything.some((s) => /\n\s+at /.test(s)), 'no stack frames cross');
    assert.ok(h.log.lines.some((l) => l.level === 'error' && l.message.includes('boom')));
  } finally {
    h.close();
  }
});

test('a result that cannot be sent becomes an error reply instead of a hang', async () => {
  const h = harness();
  try {
    const err = await clientError(h.client.unclonable.query());
    assert.equal((err.data as WebviewErrorShape['data']).code, 'INTERNAL_SERVER_ERROR');
    assert.match(err.message, /could not be sent/);
    assert.ok(h.log.lines.some((l) => l.level === 'error' && l.message.includes('could not post')));
  } finally {
    h.close();
  }
});

test('unknown procedures and wrong operation types get NOT_FOUND', async () => {
  const h = harness();
  try {
    h.ports.view.postMessage(rawRequest('a', 'query', 'no.such.thing'));
    h.ports.view.postMessage(rawRequest('b', 'mutation', 'echo', { text: 'x' }));
    h.ports.view.postMessage(rawRequest('c', 'query', '__proto__.constructor'));
    h.ports.view.postMessage(rawRequest('d', 'query', 'items'));
    await h.ports.waitForReceived(4);
    for (const id of ['a', 'b', 'c', 'd']) {
      const [reply] = repliesFor(h.ports.received, id);
      assert.ok(reply.kind === 'error', `reply for ${id}`);
      assert.equal(reply.error.code, 'NOT_FOUND');
    }
  } finally {
    h.close();
  }
});

test('messages that are not shaped like the protocol are logged and ignored, never answered or thrown', async () => {
  const h = harness();
  try {
    const junk: unknown[] = [
      null,
      42,
      'request',
      [],
      { kind: 'request' },
      { channel: RPC_CHANNEL },
      { channel: RPC_CHANNEL, kind: 'request', id: 'x' },
      { channel: RPC_CHANNEL, kind: 'request', id: 7, op: { type: 'query', path: 'echo' } },
      { channel: RPC_CHANNEL, kind: 'request', id: '', op: { type: 'query', path: 'echo' } },
      { channel: RPC_CHANNEL, kind: 'request', id: 'y'.repeat(1000), op: { type: 'query', path: 'echo' } },
      { channel: RPC_CHANNEL, kind: 'request', id: 'z', op: { type: 'delete', path: 'echo' } },
      { channel: RPC_CHANNEL, kind: 'launch', id: 'z' },
    ];
    for (const m of junk) h.ports.view.postMessage(m);
    assert.deepEqual(await h.client.echo.query({ text: 'still here' }), { text: 'still here' });
    assert.equal(h.ports.received.length, 1, 'only the valid query was answered');
    assert.ok(h.log.lines.filter((l) => l.level === 'warn').length >= 5);
    // A JSON "__proto__" key is just data: the request is answered on its merits, nothing is polluted.
    h.ports.view.postMessage(
      JSON.parse(
        '{"channel":"vh-rpc","kind":"request","id":"p","op":{"type":"query","path":"echo","input":{"__proto__":{"polluted":true}}}}',
      ),
    );
    await h.ports.waitForReceived(2);
    const [reply] = repliesFor(h.ports.received, 'p');
    assert.ok(reply.kind === 'error');
    assert.equal(reply.error.code, 'BAD_REQUEST');
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  } finally {
    h.close();
  }
});

test('a request reusing an open id is ignored, not allowed to hijack the first', async () => {
  const h = harness();
  try {
    h.ports.view.postMessage(rawRequest('same', 'query', 'slow'));
    await until(() => h.state.releaseSlow.length === 1, 'slow to start');
    h.ports.view.postMessage(rawRequest('same', 'query', 'echo', { text: 'hijack' }));
    await until(() => h.log.lines.some((l) => l.message.includes('reusing')), 'the duplicate to be logged');
    h.state.releaseSlow[0]();
    await h.ports.waitForReceived(1);
    const replies = repliesFor(h.ports.received, 'same');
    assert.equal(replies.length, 1);
    assert.deepEqual(replies[0], { channel: RPC_CHANNEL, kind: 'result', id: 'same', data: 'released' });
  } finally {
    h.close();
  }
});

test('aborting a call on the client aborts the procedure on the host', async () => {
  const h = harness();
  try {
    const ac = new AbortController();
    const pending = h.client.slow.query(undefined, { signal: ac.signal });
    await until(() => h.state.slowSignals.length === 1, 'slow to start');
    assert.equal(h.adapter.openOperations, 1);
    ac.abort();
    await clientError(pending);
    await until(() => h.state.slowSignals[0].aborted, 'the host-side signal to abort');
    assert.equal(h.adapter.openOperations, 0);
    // The host posts nothing for a stopped call.
    await h.client.echo.query({ text: 'after' });
    assert.equal(h.ports.received.filter((m) => (m as { kind: string }).kind === 'error').length, 0);
  } finally {
    h.close();
  }
});

test('a subscription starts, delivers data, and stopping it runs the generator cleanup', async () => {
  const h = harness();
  try {
    const seen: number[] = [];
    let started = false;
    const sub = h.client.ticks.subscribe(undefined, {
      onStarted: () => (started = true),
      onData: (n) => seen.push(n),
    });
    await until(() => started && h.state.tickPush !== undefined, 'the subscription to start');
    h.state.tickPush?.(1);
    h.state.tickPush?.(2);
    await until(() => seen.length === 2, 'two events');
    assert.deepEqual(seen, [1, 2]);
    sub.unsubscribe();
    await until(() => h.state.tickCleanups === 1, 'the generator finally block');
    assert.equal(h.adapter.openOperations, 0);
    const before = h.ports.received.length;
    h.state.tickPush?.(3);
    await h.client.echo.query({ text: 'flush' });
    assert.equal(h.ports.received.length, before + 1, 'no data after stop');
  } finally {
    h.close();
  }
});

test('a subscription that ends on the host reaches the client as stopped + complete', async () => {
  const h = harness();
  try {
    const seen: number[] = [];
    let stopped = false;
    let completed = false;
    h.client.finite.subscribe(
      { upTo: 3 },
      {
        onData: (n) => seen.push(n),
        onStopped: () => (stopped = true),
        onComplete: () => (completed = true),
      },
    );
    await until(() => completed, 'completion');
    assert.deepEqual(seen, [1, 2, 3]);
    assert.ok(stopped);
    assert.equal(h.adapter.openOperations, 0);
  } finally {
    h.close();
  }
});

test('a subscription can be consumed as an async iterable and stopped with an AbortSignal', async () => {
  const h = harness();
  try {
    const ac = new AbortController();
    const got: number[] = [];
    const iterable = h.client.ticks.subscribe(undefined, { signal: ac.signal });
    const consumer = (async () => {
      for await (const n of iterable) {
        got.push(n);
        if (got.length === 2) ac.abort();
      }
    })().catch(() => undefined);
    await until(() => h.state.tickPush !== undefined, 'the subscription to start');
    h.state.tickPush?.(10);
    h.state.tickPush?.(20);
    await consumer;
    assert.deepEqual(got, [10, 20]);
    await until(() => h.state.tickCleanups === 1, 'host cleanup');
  } finally {
    h.close();
  }
});

test('a subscription that throws ends with its error code', async () => {
  const h = harness();
  try {
    const seen: string[] = [];
    let error: unknown;
    h.client.failing.subscribe(undefined, { onData: (s) => seen.push(s), onError: (e) => (error = e) });
    await until(() => error !== undefined, 'the error');
    assert.deepEqual(seen, ['one']);
    assert.ok(error instanceof TRPCClientError);
    assert.equal((error.data as WebviewErrorShape['data']).code, 'PRECONDITION_FAILED');
    assert.equal(error.message, 'The history was closed.');
  } finally {
    h.close();
  }
});

test('observable subscriptions work and are torn down', async () => {
  const h = harness();
  try {
    const seen: string[] = [];
    let completed = false;
    h.client.legacy.subscribe(undefined, { onData: (s) => seen.push(s), onComplete: () => (completed = true) });
    await until(() => completed, 'completion');
    assert.deepEqual(seen, ['a', 'b']);
    assert.equal(h.state.observableTeardowns, 1);
    const sub = h.client.endless.subscribe(undefined, { onData: () => undefined });
    await until(() => h.adapter.openOperations === 1, 'endless to open');
    sub.unsubscribe();
    await until(() => h.state.observableTeardowns === 2, 'teardown on stop');
  } finally {
    h.close();
  }
});

test('dispose mid-flight aborts running calls and subscriptions and posts nothing more', async () => {
  const h = harness();
  try {
    void h.client.slow.query().catch(() => undefined);
    h.client.ticks.subscribe(undefined, { onData: () => undefined });
    h.client.endless.subscribe(undefined, { onData: () => undefined });
    await until(
      () => h.state.slowSignals.length === 1 && h.state.tickPush !== undefined && h.state.observableSubscriptions === 1,
      'all three to start',
    );
    assert.equal(h.adapter.openOperations, 3);
    const before = h.ports.received.length;
    h.adapter.dispose();
    assert.equal(h.adapter.openOperations, 0);
    await until(() => h.state.slowSignals[0].aborted, 'slow aborted');
    await until(() => h.state.tickCleanups === 1, 'generator cleanup');
    await until(() => h.state.observableTeardowns === 1, 'observable teardown');
    h.state.releaseSlow[0]();
    h.state.tickPush?.(1);
    h.ports.view.postMessage(rawRequest('late', 'query', 'echo', { text: 'x' }));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.ports.received.length, before);
    h.adapter.dispose(); // idempotent
  } finally {
    h.close();
  }
});

test('operations beyond the open-operation cap are rejected with TOO_MANY_REQUESTS', async () => {
  const h = harness({ maxOpenOperations: 3 });
  try {
    for (let i = 0; i < 5; i++) h.ports.view.postMessage(rawRequest(`s${i}`, 'query', 'slow'));
    await h.ports.waitForReceived(2);
    const rejected = h.ports.received.map((m) => hostMessageSchema.parse(m));
    assert.deepEqual(rejected.map((m) => m.id).sort(), ['s3', 's4']);
    for (const m of rejected) {
      assert.ok(m.kind === 'error');
      assert.equal(m.error.code, 'TOO_MANY_REQUESTS');
      assert.match(m.error.message, /limit 3/);
    }
    await until(() => h.state.releaseSlow.length === 3, 'three running');
    h.state.releaseSlow.forEach((r) => r());
    await h.ports.waitForReceived(5);
    assert.equal(h.adapter.openOperations, 0);
    assert.deepEqual(await h.client.echo.query({ text: 'ok again' }), { text: 'ok again' });
  } finally {
    h.close();
  }
});

test('a stopped operation keeps its slot until its procedure has really finished', async () => {
  const h = harness({ maxOpenOperations: 1 });
  try {
    h.ports.view.postMessage(rawRequest('busy', 'query', 'stubborn'));
    await until(() => h.state.releaseStubborn.length === 1, 'stubborn to start');
    h.ports.view.postMessage({ channel: RPC_CHANNEL, kind: 'stop', id: 'busy' });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.adapter.openOperations, 1, 'the procedure still runs, so it still counts');
    h.ports.view.postMessage(rawRequest('second', 'query', 'echo', { text: 'too soon' }));
    await h.ports.waitForReceived(1);
    const [reply] = repliesFor(h.ports.received, 'second');
    assert.ok(reply?.kind === 'error');
    assert.equal(reply.error.code, 'TOO_MANY_REQUESTS');
    h.state.releaseStubborn[0]();
    await until(() => h.adapter.openOperations === 0, 'the slot to free once the procedure ends');
    assert.equal(repliesFor(h.ports.received, 'busy').length, 0, 'nothing is posted for a stopped call');
    assert.deepEqual(await h.client.echo.query({ text: 'now' }), { text: 'now' });
  } finally {
    h.close();
  }
});

test('a burst of 10,000 hostile messages is served or rejected, one reply each, nothing written', async () => {
  const { router, state } = createTestRouter();
  const log = recordingLogger();
  let adapter: HostAdapter | undefined;
  try {
    const itemsBefore = [...state.items.entries()];
    const hostile: Array<(i: number) => unknown> = [
      (i) => rawRequest(`q${i}`, 'query', 'items.get', { id: `../../${i}/etc/passwd` }),
      (i) => rawRequest(`q${i}`, 'mutation', 'items.put', { id: '..\\..\\x', text: 'pwned' }),
      (i) =>
        rawRequest(`q${i}`, 'mutation', 'items.remove', { ids: Array.from({ length: 101 }, () => '3f1c5b7e-9d2a-4c8b-a1e6-0b7d2f4c9e13') }),
      (i) => rawRequest(`q${i}`, 'mutation', 'items.delete.everything', {}),
      (i) => rawRequest(`q${i}`, 'query', 'echo', { text: 'x'.repeat(101) }),
      (i) => rawRequest(`q${i}`, 'query', 'echo', { text: `fine ${i}` }),
      () => ({ channel: RPC_CHANNEL, kind: 'request', id: 42, op: null }),
      () => 'garbage',
    ];
    const messages = Array.from({ length: 10_000 }, (_, i) => hostile[i % hostile.length](i));
    const expectedReplies = new Set(messages.flatMap((m, i) => ((m as { id?: unknown }).id === `q${i}` ? [`q${i}`] : [])));

    const { received, delay } = await burstFromWorker(
      (webview) => (adapter = attachRouterToWebview({ webview, router, log, createContext: () => ({ calls: 0 }) })),
      messages,
      expectedReplies.size,
    );

    const replies = received.map((m) => hostMessageSchema.parse(m));
    assert.equal(replies.length, expectedReplies.size, 'exactly one reply per request');
    assert.deepEqual(new Set(replies.map((r) => r.id)), expectedReplies);
    const byCode = new Map<string, number>();
    for (const r of replies) {
      const key = r.kind === 'error' ? r.error.code : r.kind;
      byCode.set(key, (byCode.get(key) ?? 0) + 1);
      if (r.kind === 'result') assert.match(String((r.data as { text: string }).text), /^fine \d+$/);
    }
    assert.deepEqual([...state.items.entries()], itemsBefore, 'nothing written');
    assert.equal(adapter!.openOperations, 0);
    assert.ok(!byCode.has('INTERNAL_SERVER_ERROR'));
    assert.ok(
      log.lines.some((l) => l.message.includes('malformed')),
      'the garbage was logged',
    );
    console.log(
      `[burst] 10,000 messages -> ${replies.length} replies ${JSON.stringify(Object.fromEntries(byCode))}; ` +
        `host's longest event-loop delay ${(delay.max / 1e6).toFixed(1)} ms ` +
        `(p99 ${(delay.p99 / 1e6).toFixed(1)} ms, mean ${(delay.mean / 1e6).toFixed(2)} ms)`,
    );
  } finally {
    adapter?.dispose();
  }
});

test('a view far ahead of the host has its excess messages dropped and logged, the rest answered', async () => {
  const h = harness({ maxQueuedMessages: 10 });
  try {
    for (let i = 0; i < 50; i++) h.ports.view.postMessage(rawRequest(`e${i}`, 'query', 'echo', { text: `${i}` }));
    await until(() => h.log.lines.some((l) => /dropped \d+ messages/.test(l.message)), 'the drop to be logged');
    await h.client.echo.query({ text: 'after the flood' });
    const replies = h.ports.received.map((m) => hostMessageSchema.parse(m));
    const ids = replies.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'never two replies for one id');
    assert.ok(replies.length < 51, 'some of the flood was dropped');
    const dropped = h.log.lines.map((l) => /dropped (\d+) messages/.exec(l.message)).reduce((sum, m) => sum + (m ? Number(m[1]) : 0), 0);
    assert.equal(replies.length - 1 + dropped, 50, 'every message was either answered or counted as dropped');
  } finally {
    h.close();
  }
});
