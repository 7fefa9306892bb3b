/**
 * The zod-free half of the wire protocol (see protocol.ts): what the webview's client link needs
 * to recognise the host's replies. The webview bundle must not carry zod (it is most of the
 * bundle and delays the player's first paint); the host keeps validating everything a webview
 * sends with the zod schemas in protocol.ts, and a unit test holds this check to those schemas.
 *
 * A leaf: protocol.ts imports this file, never the other way round. The plain message types below
 * are what the schemas there describe; protocol.ts fails to compile if the two drift apart.
 */
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

export const RPC_CHANNEL = 'vh-rpc';

/** Longest accepted operation id and procedure path: anything longer is not ours. */
export const MAX_ID_LENGTH = 128;
export const MAX_PATH_LENGTH = 200;

/** An error reply's `error` (protocol.ts: rpcErrorSchema). */
export interface WireRpcError {
  code: TRPC_ERROR_CODE_KEY;
  message: string;
  path?: string | undefined;
  reason?: string | undefined;
  issues?: { code: string; message: string; path: (string | number)[] }[] | undefined;
}

/** A message from the host to a webview (protocol.ts: hostMessageSchema). */
export type WireHostMessage =
  | { channel: typeof RPC_CHANNEL; id: string; kind: 'result'; data: unknown }
  | { channel: typeof RPC_CHANNEL; id: string; kind: 'data'; data: unknown }
  | { channel: typeof RPC_CHANNEL; id: string; kind: 'started' }
  | { channel: typeof RPC_CHANNEL; id: string; kind: 'stopped' }
  | { channel: typeof RPC_CHANNEL; id: string; kind: 'error'; error: WireRpcError };

/** The JSON-RPC number tRPC's client expects in an error shape, from our code key. */
export function errorCodeNumber(code: TRPC_ERROR_CODE_KEY): number {
  return TRPC_ERROR_CODES_BY_KEY[code];
}

/** Cheap pre-check used before any parsing: is this even addressed to us? */
export function isRpcEnvelope(msg: unknown): msg is { channel: typeof RPC_CHANNEL; kind: unknown; id: unknown } {
  return typeof msg === 'object' && msg !== null && (msg as { channel?: unknown }).channel === RPC_CHANNEL;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPathPart = (v: unknown): boolean => typeof v === 'string' || typeof v === 'number';

function isRpcError(e: unknown): boolean {
  if (!isRecord(e)) return false;
  if (typeof e.code !== 'string' || !Object.hasOwn(TRPC_ERROR_CODES_BY_KEY, e.code)) return false;
  if (typeof e.message !== 'string') return false;
  if (e.path !== undefined && typeof e.path !== 'string') return false;
  if (e.reason !== undefined && (typeof e.reason !== 'string' || e.reason.length > 64)) return false;
  if (e.issues !== undefined) {
    if (!Array.isArray(e.issues)) return false;
    for (const i of e.issues) {
      if (!isRecord(i) || typeof i.code !== 'string' || typeof i.message !== 'string') return false;
      if (!Array.isArray(i.path) || !i.path.every(isPathPart)) return false;
    }
  }
  return true;
}

/** Only the known fields, as zod's object parsing keeps them. */
function pickError(e: Record<string, unknown>): WireRpcError {
  const issues = e.issues as { code: string; message: string; path: (string | number)[] }[] | undefined;
  return {
    code: e.code as TRPC_ERROR_CODE_KEY,
    message: e.message as string,
    ...(e.path !== undefined && { path: e.path as string }),
    ...(e.reason !== undefined && { reason: e.reason as string }),
    ...(issues !== undefined && { issues: issues.map((i) => ({ code: i.code, message: i.message, path: i.path })) }),
  };
}

/** A reply from the host, or undefined when the message is not one (same rules as hostMessageSchema). */
export function parseHostMessage(raw: unknown): WireHostMessage | undefined {
  if (!isRpcEnvelope(raw)) return undefined;
  const msg = raw as Record<string, unknown>;
  if (typeof msg.id !== 'string' || msg.id.length < 1 || msg.id.length > MAX_ID_LENGTH) return undefined;
  switch (msg.kind) {
    case 'result':
      return { channel: RPC_CHANNEL, id: msg.id, kind: 'result', data: msg.data };
    case 'data':
      return { channel: RPC_CHANNEL, id: msg.id, kind: 'data', data: msg.data };
    case 'started':
      return { channel: RPC_CHANNEL, id: msg.id, kind: 'started' };
    case 'stopped':
      return { channel: RPC_CHANNEL, id: msg.id, kind: 'stopped' };
    case 'error':
      return isRpcError(msg.error)
        ? { channel: RPC_CHANNEL, id: msg.id, kind: 'error', error: pickError(msg.error as Record<string, unknown>) }
        : undefined;
    default:
      return undefined;
  }
}
