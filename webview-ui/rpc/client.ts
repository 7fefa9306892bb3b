/**
 * The webview's typed client for the host's router:
 *
 *   const vscode = acquireVsCodeApi();               // may be called only once per page
 *   const rpc = createWebviewClient<AppRouter>({ target: vscode, source: window });
 *   const page = await rpc.history.list.query({ pageSize: 50 });
 */
import { createTRPCClient, type TRPCClient } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { postMessageLink, type PostMessageLinkOptions } from './link';

export function createWebviewClient<TRouter extends AnyTRPCRouter>(opts: PostMessageLinkOptions): TRPCClient<TRouter> {
  return createTRPCClient<TRouter>({ links: [postMessageLink<TRouter>(opts)] });
}

export { postMessageLink, type MessageSource, type MessageTarget, type PostMessageLinkOptions, type WebviewErrorShape } from './link';
