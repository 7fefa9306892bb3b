/**
 * Serves a tRPC router to one webview over postMessage (see ./protocol for the messages).
 *
 * Every operation runs through tRPC's own `callTRPCProcedure`, so input validation and
 * middlewares always apply; errors are turned into plain objects through `getTRPCErrorShape`.
 * The host never trusts the webview: malformed messages are logged and dropped, the number of
 * open operations is capped (excess gets TOO_MANY_REQUESTS), and incoming messages are only
 * queued by the listener and worked off in slices that yield to the event loop, so a flood of
 * messages cannot block the extension host.
 *
 * No `vscode` import: `vscode.Webview` satisfies `WebviewEndpoint` structurally.
 */
import {
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  TRPCError,
  type AnyTRPCRouter,
  type inferRouterContext,
} from '@trpc/server';
import { isObservable, type Unsubscribable } from '@trpc/server/observable';
import { describeIssues } from '../format/issues';
import {
  clientMessageSchema,
  isRpcEnvelope,
  RPC_CHANNEL,
  type HostMessage,
  type OperationType,
  type RequestMessage,
  type RpcError,
  type RpcIssue,
} from './protocol';

/** What we need from a webview; `vscode.Webview` fits. */
export interface WebviewEndpoint {
  postMessage(message: unknown): PromiseLike<boolean> | boolean;
  onDidReceiveMessage(listener: (message: unknown) => unknown): { dispose(): unknown };
}

/** What we need from a logger; `vscode.LogOutputChannel` fits. */
export interface RpcLogger {
  debug(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

export interface HostAdapterOptions<TRouter extends AnyTRPCRouter> {
  webview: WebviewEndpoint;
  router: TRouter;
  /** Called once per operation. */
  createContext: () => inferRouterContext<TRouter> | Promise<inferRouterContext<TRouter>>;
  log: RpcLogger;
  /** Open operations (queued, running, live subscriptions) allowed at once. Default 64. */
  maxOpenOperations?: number;
  /** Messages allowed to wait for processing; beyond this they are dropped (and logged). Default 10,000. */
  maxQueuedMessages?: number;
  /** Work budget per slice before yielding to the event loop, in ms. Default 8. */
  sliceBudgetMs?: number;
  /**
   * Procedures started per slice. Default 1: procedures over sql.js are synchronous underneath,
   * so starting several in one turn would add their run times into a single block.
   */
  maxStartsPerSlice?: number;
}

export interface HostAdapter {
  /** Operations accepted and not yet finished (including live subscriptions). */
  readonly openOperations: number;
  /** Aborts every open operation and subscription and stops listening. Idempotent. */
  dispose(): void;
}

interface OpenOperation {
  readonly request: RequestMessage;
  readonly controller: AbortController;
  started: boolean;
  /** The view stopped it: nothing more is posted, but a started procedure keeps its slot until it returns. */
  stopped: boolean;
}

const MALFORMED_LOGS_PER_SLICE = 5;

export function attachRouterToWebview<TRouter extends AnyTRPCRouter>(opts: HostAdapterOptions<TRouter>): HostAdapter {
  const { webview, router, log } = opts;
  const maxOpen = opts.maxOpenOperations ?? 64;
  const maxQueued = opts.maxQueuedMessages ?? 10_000;
  const budgetMs = opts.sliceBudgetMs ?? 8;
  const maxStarts = opts.maxStartsPerSlice ?? 1;

  const open = new Map<string, OpenOperation>();
  // Raw messages waiting for a slice, and accepted requests waiting to start.
  const inbox: unknown[] = [];
  let inboxHead = 0;
  const ready: OpenOperation[] = [];
  let readyHead = 0;
  let scheduled = false;
  let disposed = false;
  let malformedInSlice = 0;

  const post = (message: HostMessage): void => {
    if (disposed) return;
    let sent: PromiseLike<boolean> | boolean;
    try {
      sent = webview.postMessage(message);
    } catch (err) {
      // Typically a value that cannot be cloned: tell the client instead of leaving it hanging.
      log.error(`vh-rpc: could not post ${message.kind} for operation ${message.id}`, err);
      if (message.kind === 'result' || message.kind === 'data') {
        post(
          errorMessage(message.id, {
            code: 'INTERNAL_SERVER_ERROR',
            message: 'The result could not be sent to the view.',
          }),
        );
      }
      return;
    }
    if (typeof sent !== 'boolean') {
      sent.then(undefined, (err: unknown) => log.warn(`vh-rpc: posting to the webview failed`, err));
    }
  };

  const reject = (id: string, error: RpcError): void => post(errorMessage(id, error));

  // The listener only queues: a burst may arrive in one synchronous batch, so it must stay O(1).
  let droppedInSlice = 0;
  const onMessage = (message: unknown): void => {
    if (disposed) return;
    if (inbox.length - inboxHead >= maxQueued) {
      // A view this far ahead of us is broken or hostile; dropping keeps the host's memory bounded.
      droppedInSlice++;
    } else {
      inbox.push(message);
    }
    schedule();
  };

  const subscription = webview.onDidReceiveMessage(onMessage);

  function schedule(): void {
    if (scheduled || disposed) return;
    scheduled = true;
    yieldThen(slice);
  }

  function slice(): void {
    scheduled = false;
    if (disposed) return;
    const start = performance.now();
    malformedInSlice = 0;
    let starts = 0;
    while (performance.now() - start < budgetMs) {
      if (readyHead < ready.length && starts < maxStarts) {
        const op = ready[readyHead];
        ready[readyHead++] = undefined as unknown as OpenOperation;
        if (startOperation(op)) starts++;
        continue;
      }
      if (inboxHead < inbox.length) {
        const raw = inbox[inboxHead];
        inbox[inboxHead++] = undefined;
        accept(raw);
        continue;
      }
      break;
    }
    if (droppedInSlice > 0) {
      log.warn(`vh-rpc: dropped ${droppedInSlice} messages: the view sent more than ${maxQueued} at once`);
      droppedInSlice = 0;
    }
    if (malformedInSlice > MALFORMED_LOGS_PER_SLICE) {
      log.warn(`vh-rpc: ignored ${malformedInSlice - MALFORMED_LOGS_PER_SLICE} more malformed messages`);
    }
    compact();
    if (inboxHead < inbox.length || readyHead < ready.length) schedule();
  }

  function compact(): void {
    if (inboxHead === inbox.length) {
      inbox.length = 0;
      inboxHead = 0;
    } else if (inboxHead > 1024) {
      inbox.splice(0, inboxHead);
      inboxHead = 0;
    }
    if (readyHead === ready.length) {
      ready.length = 0;
      readyHead = 0;
    } else if (readyHead > 1024) {
      ready.splice(0, readyHead);
      readyHead = 0;
    }
  }

  /** Validates one raw message; a request becomes an open operation waiting to start. */
  function accept(raw: unknown): void {
    if (!isRpcEnvelope(raw)) {
      malformed('a message that is not ours', raw);
      return;
    }
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      malformed('a malformed message', raw);
      return;
    }
    const msg = parsed.data;
    if (msg.kind === 'stop') {
      stop(msg.id);
      return;
    }
    if (open.has(msg.id)) {
      // Answering would also end the operation already using this id, so only log.
      malformed(`a request reusing the open id ${JSON.stringify(msg.id)}`, raw);
      return;
    }
    if (open.size >= maxOpen) {
      reject(msg.id, tooMany(`Too many operations open at once (limit ${maxOpen}); try again when some have finished.`));
      return;
    }
    const op: OpenOperation = { request: msg, controller: new AbortController(), started: false, stopped: false };
    open.set(msg.id, op);
    ready.push(op);
  }

  function malformed(what: string, raw: unknown): void {
    malformedInSlice++;
    if (malformedInSlice <= MALFORMED_LOGS_PER_SLICE) log.warn(`vh-rpc: ignored ${what}: ${describe(raw)}`);
  }

  function stop(id: string): void {
    const op = open.get(id);
    if (!op || op.stopped) return; // already finished: stops race with results, that is normal
    op.stopped = true;
    // A procedure that has not started is simply dropped; one that runs counts until it returns,
    // since it may ignore the abort (synchronous work), so the cap bounds the work in flight.
    if (!op.started) open.delete(id);
    op.controller.abort(new TRPCError({ code: 'CLIENT_CLOSED_REQUEST', message: 'Stopped by the view.' }));
  }

  /** Returns true when a procedure was actually started. */
  function startOperation(op: OpenOperation): boolean {
    const { id } = op.request;
    if (open.get(id) !== op || op.started || op.stopped) return false; // stopped while waiting
    op.started = true;
    const { type, path, input } = op.request.op;
    const signal = op.controller.signal;
    let ctx: inferRouterContext<TRouter> | undefined;
    const live = (): boolean => isLive(id, op);
    void (async () => {
      try {
        ctx = await opts.createContext();
        const result: unknown = await callTRPCProcedure({
          router,
          path,
          type,
          ctx,
          getRawInput: async () => input,
          signal,
          batchIndex: 0,
        });
        if (signal.aborted || !live()) return;
        if (type === 'subscription') {
          await runSubscription(id, op, result);
        } else {
          finish(id, op);
          post({ channel: RPC_CHANNEL, kind: 'result', id, data: result === undefined ? null : result });
        }
      } catch (cause) {
        if (!live()) return; // stopped or disposed: nobody is waiting
        finish(id, op);
        reject(id, toRpcError(cause, { type, path, input, ctx }));
      } finally {
        finish(id, op);
      }
    })();
    return true;
  }

  /** Still wanted by the view: not stopped, not disposed, not finished. */
  function isLive(id: string, op: OpenOperation): boolean {
    return !op.stopped && open.get(id) === op;
  }

  function finish(id: string, op: OpenOperation): void {
    if (open.get(id) === op) open.delete(id);
  }

  async function runSubscription(id: string, op: OpenOperation, source: unknown): Promise<void> {
    const signal = op.controller.signal;
    if (isObservable(source)) {
      await new Promise<void>((resolve) => {
        let sub: Unsubscribable | undefined;
        const end = (): void => {
          signal.removeEventListener('abort', end);
          sub?.unsubscribe();
          resolve();
        };
        signal.addEventListener('abort', end);
        post({ channel: RPC_CHANNEL, kind: 'started', id });
        sub = source.subscribe({
          next: (data) => post({ channel: RPC_CHANNEL, kind: 'data', id, data: data === undefined ? null : data }),
          error: (err) => {
            if (isLive(id, op)) {
              finish(id, op);
              reject(id, toRpcError(err, { type: 'subscription', path: op.request.op.path, input: undefined, ctx: undefined }));
            }
            end();
          },
          complete: () => {
            if (isLive(id, op)) {
              finish(id, op);
              post({ channel: RPC_CHANNEL, kind: 'stopped', id });
            }
            end();
          },
        });
        if (signal.aborted) end();
      });
      return;
    }
    if (!isAsyncIterable(source)) {
      throw new TRPCError({
        code: 'INTERNAL_SERVER_ERROR',
        message: `Subscription "${op.request.op.path}" did not return an async iterable.`,
      });
    }
    const iterator = source[Symbol.asyncIterator]();
    const aborted = new Promise<'aborted'>((resolve) => {
      if (signal.aborted) resolve('aborted');
      else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
    });
    post({ channel: RPC_CHANNEL, kind: 'started', id });
    try {
      for (;;) {
        const next = await Promise.race([iterator.next(), aborted]);
        if (next === 'aborted') break;
        if (next.done) {
          if (isLive(id, op)) {
            finish(id, op);
            post({ channel: RPC_CHANNEL, kind: 'stopped', id });
          }
          return;
        }
        if (!isLive(id, op)) break;
        post({ channel: RPC_CHANNEL, kind: 'data', id, data: next.value === undefined ? null : next.value });
      }
    } finally {
      if (signal.aborted || !isLive(id, op)) {
        // Let the generator run its `finally`; it may be parked on an await, so do not wait for it.
        iterator.return?.().then(undefined, (err: unknown) => log.debug(`vh-rpc: subscription ${op.request.op.path} cleanup failed`, err));
      }
    }
  }

  function toRpcError(
    cause: unknown,
    call: { type: OperationType; path: string; input: unknown; ctx: inferRouterContext<TRouter> | undefined },
  ): RpcError {
    const error = getTRPCErrorFromUnknown(cause);
    if (error.code === 'INTERNAL_SERVER_ERROR') log.error(`vh-rpc: ${call.type} ${call.path} failed`, error.cause ?? error);
    else log.debug(`vh-rpc: ${call.type} ${call.path} -> ${error.code}: ${error.message}`);
    // Honour the router's error formatter for the message, but pick fields explicitly so that
    // nothing else (stack traces above all) reaches the view.
    const shape: unknown = getTRPCErrorShape({
      config: router._def._config,
      error,
      type: call.type,
      path: call.path,
      input: call.input,
      ctx: call.ctx,
    });
    const issues = issuesOf(error.cause);
    const shaped = (shape ?? {}) as { message?: unknown; data?: { reason?: unknown } };
    const shapedMessage = typeof shaped.message === 'string' ? shaped.message : error.message;
    const message = issues && error.code === 'BAD_REQUEST' ? invalidInput(call.path, issues) : shapedMessage;
    const reason = typeof shaped.data?.reason === 'string' && shaped.data.reason.length <= 64 ? shaped.data.reason : undefined;
    return { code: error.code, message, path: call.path, ...(reason ? { reason } : {}), ...(issues ? { issues } : {}) };
  }

  return {
    get openOperations() {
      return open.size;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      subscription.dispose();
      inbox.length = 0;
      ready.length = 0;
      const ops = [...open.values()];
      open.clear();
      for (const op of ops) op.controller.abort(new TRPCError({ code: 'CLIENT_CLOSED_REQUEST', message: 'The view was closed.' }));
    },
  };
}

/** `setImmediate` where it exists (the extension host): a macrotask without the 1 ms timer clamp. */
const yieldThen: (fn: () => void) => void =
  (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate ?? ((fn) => void setTimeout(fn, 0));

function errorMessage(id: string, error: RpcError): HostMessage {
  return { channel: RPC_CHANNEL, kind: 'error', id, error };
}

function tooMany(message: string): RpcError {
  return { code: 'TOO_MANY_REQUESTS', message };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/** Standard-schema issues (zod's included) as plain, clonable objects. */
function issuesOf(cause: unknown): RpcIssue[] | undefined {
  const raw = (cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(raw)) return undefined;
  return raw.slice(0, 50).map((issue: unknown) => {
    const i = (issue ?? {}) as { code?: unknown; message?: unknown; path?: unknown };
    const path = Array.isArray(i.path)
      ? i.path.map((p: unknown) => {
          const key = typeof p === 'object' && p !== null && 'key' in p ? (p as { key: unknown }).key : p;
          return typeof key === 'number' ? key : String(key);
        })
      : [];
    return { code: typeof i.code === 'string' ? i.code : 'invalid', message: String(i.message ?? 'Invalid value'), path };
  });
}

function invalidInput(path: string, issues: RpcIssue[]): string {
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return `Invalid input for ${path}: ${describeIssues(issues.slice(0, 5))}${more}.`;
}

function describe(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = Object.prototype.toString.call(raw);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
