/**
 * A terminating tRPC link that talks to the extension host over postMessage
 * (messages described in src/rpc/protocol). Structural types only, so it runs in a webview
 * (`acquireVsCodeApi()` + `window`) and in Node tests (a MessagePort is both).
 */
import { TRPCClientError, type TRPCLink } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
// Only the zod-free envelope at run time: zod would more than triple the webview bundle.
import { errorCodeNumber, parseHostMessage, RPC_CHANNEL } from '../../src/rpc/envelope';
import type { ClientMessage, HostMessage, RpcError } from '../../src/rpc/protocol';

/** Where requests go: the object returned by `acquireVsCodeApi()`. */
export interface MessageTarget {
  postMessage(message: unknown): void;
}

/** Where replies come from: `window`. */
export interface MessageSource {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export interface PostMessageLinkOptions {
  target: MessageTarget;
  source: MessageSource;
}

/** The error shape our TRPCClientError carries in `.shape`; `.data` is `shape.data`. */
export interface WebviewErrorShape {
  code: number;
  message: string;
  data: { code: RpcError['code']; path?: string; reason?: string; issues?: RpcError['issues'] };
}

type Handler = (message: HostMessage) => void;

export function postMessageLink<TRouter extends AnyTRPCRouter>(opts: PostMessageLinkOptions): TRPCLink<TRouter> {
  // A token per page, so replies addressed to a previous incarnation of this page never match.
  const session = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  const handlers = new Map<string, Handler>();

  const onMessage = (event: { data: unknown }): void => {
    const raw = event.data;
    const message = parseHostMessage(raw); // undefined for other traffic on the same channel
    if (message) handlers.get(message.id)?.(message);
  };
  let listening = false;

  const send = (message: ClientMessage): void => opts.target.postMessage(message);

  return () =>
    ({ op }) =>
      observable((observer) => {
        if (!listening) {
          opts.source.addEventListener('message', onMessage);
          listening = true;
        }
        const id = `${session}:${op.id}`;
        let open = true;
        const close = (): void => {
          open = false;
          handlers.delete(id);
          op.signal?.removeEventListener('abort', onAbort);
        };
        const onAbort = (): void => {
          if (!open) return;
          close();
          send({ channel: RPC_CHANNEL, kind: 'stop', id });
          observer.error(new TRPCClientError('The operation was aborted.', { cause: abortReason(op.signal) }));
        };

        handlers.set(id, (message) => {
          switch (message.kind) {
            case 'result':
              close();
              observer.next({ result: { type: 'data', data: message.data } });
              observer.complete();
              break;
            case 'error':
              close();
              observer.error(toClientError(message.error));
              break;
            case 'started':
              observer.next({ result: { type: 'started' } });
              break;
            case 'data':
              observer.next({ result: { type: 'data', data: message.data } });
              break;
            case 'stopped':
              close();
              observer.next({ result: { type: 'stopped' } });
              observer.complete();
              break;
          }
        });

        if (op.signal?.aborted) {
          handlers.delete(id);
          observer.error(new TRPCClientError('The operation was aborted.', { cause: abortReason(op.signal) }));
          return () => undefined;
        }
        op.signal?.addEventListener('abort', onAbort);
        try {
          send({
            channel: RPC_CHANNEL,
            kind: 'request',
            id,
            op: { type: op.type, path: op.path, ...(op.input === undefined ? {} : { input: op.input }) },
          });
        } catch (cause) {
          close();
          observer.error(TRPCClientError.from(cause instanceof Error ? cause : new Error(String(cause))));
        }

        // Unsubscribing (a subscription's end, or the client giving up on a call) stops it on the host.
        return () => {
          if (!open) return;
          close();
          send({ channel: RPC_CHANNEL, kind: 'stop', id });
        };
      });
}

function toClientError(error: RpcError): TRPCClientError<AnyTRPCRouter> {
  const shape: WebviewErrorShape = {
    code: errorCodeNumber(error.code),
    message: error.message,
    data: {
      code: error.code,
      ...(error.path ? { path: error.path } : {}),
      ...(error.reason ? { reason: error.reason } : {}),
      ...(error.issues ? { issues: error.issues } : {}),
    },
  };
  return TRPCClientError.from({ error: shape });
}

function abortReason(signal: { reason?: unknown } | null | undefined): Error | undefined {
  const reason = signal?.reason;
  return reason instanceof Error ? reason : undefined;
}
