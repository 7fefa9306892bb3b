/**
 * What the extension injects into every RPC call, and the tRPC instance the router is built
 * with. No `vscode` import: the extension adapts its views to these interfaces.
 */
import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { HistoryError, type HistoryErrorCode, type HistoryService } from '../history';
import type { RpcLogger } from './host-adapter';

/** The player's side of the views: implemented by the extension (tree + player webview). */
export interface PlayerContext {
  /** Generation ids of the list the user is looking at, in display order (the tree's current list). */
  currentList(): readonly string[] | Promise<readonly string[]>;
  /** The generation shown in the player, if any. */
  currentId(): string | undefined;
  /** Shows this generation in the player (and reveals it in the tree). */
  open(id: string): void | Promise<void>;
}

export interface RpcContext {
  history: HistoryService;
  /** `webview.asWebviewUri(vscode.Uri.file(absPath)).toString()` of the webview making the call. */
  toWebviewUri(absPath: string): string;
  player: PlayerContext;
  log: RpcLogger;
}

/**
 * A TRPCError with a stable `reason` the view can act on (e.g. AUDIO_MISSING: offer reconcile).
 * The reason travels in the error's cause and reaches the view as `error.data.reason`.
 */
export class ReasonedError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export function rpcError(code: TRPC_ERROR_CODE_KEY, reason: string, message: string): TRPCError {
  return new TRPCError({ code, message, cause: new ReasonedError(reason, message) });
}

const HISTORY_TO_RPC: Record<HistoryErrorCode, TRPC_ERROR_CODE_KEY> = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INVALID: 'BAD_REQUEST',
  NO_SPACE: 'INTERNAL_SERVER_ERROR',
  PERMISSION: 'FORBIDDEN',
  LOCKED: 'CONFLICT',
  READ_ONLY: 'FORBIDDEN',
  CORRUPT: 'INTERNAL_SERVER_ERROR',
  TOO_NEW: 'PRECONDITION_FAILED',
  CLOSED: 'SERVICE_UNAVAILABLE',
  IO: 'INTERNAL_SERVER_ERROR',
};

function reasonOf(cause: unknown): string | undefined {
  if (cause instanceof HistoryError) return cause.code;
  if (cause instanceof ReasonedError) return cause.reason;
  return undefined;
}

export const t = initTRPC.context<RpcContext>().create({
  errorFormatter({ shape, error }) {
    const reason = reasonOf(error.cause);
    return reason ? { ...shape, data: { ...shape.data, reason } } : shape;
  },
});

/** Every procedure: history errors keep their message and get a fitting code and reason. */
export const procedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof HistoryError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: HISTORY_TO_RPC[cause.code] ?? 'INTERNAL_SERVER_ERROR', message: cause.message, cause });
  }
  return result;
});
