// What the extension imports to serve the app's API to a webview:
//
//   const rpc = serveAppRouter(panel.webview, () => ({ history, player, log, toWebviewUri: (p) =>
//     panel.webview.asWebviewUri(vscode.Uri.file(p)).toString() }), log);
//   panel.onDidDispose(() => rpc.dispose());
import { attachRouterToWebview, type HostAdapter, type HostAdapterOptions, type RpcLogger, type WebviewEndpoint } from './host-adapter';
import type { RpcContext } from './context';
import { appRouter, type AppRouter } from './router';

export function serveAppRouter(
  webview: WebviewEndpoint,
  createContext: () => RpcContext | Promise<RpcContext>,
  log: RpcLogger,
  limits: Pick<HostAdapterOptions<AppRouter>, 'maxOpenOperations' | 'maxQueuedMessages' | 'sliceBudgetMs' | 'maxStartsPerSlice'> = {},
): HostAdapter {
  return attachRouterToWebview({ webview, router: appRouter, createContext, log, ...limits });
}

export { appRouter, type AppRouter, MAX_INLINE_AUDIO_BYTES, MAX_DELETE_IDS } from './router';
export { attachRouterToWebview, type HostAdapter, type HostAdapterOptions, type RpcLogger, type WebviewEndpoint } from './host-adapter';
export { type PlayerContext, type RpcContext, ReasonedError, rpcError } from './context';
export type { AudioFormatInfo } from './audio';
export * from './protocol';
