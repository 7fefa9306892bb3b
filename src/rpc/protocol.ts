/**
 * The wire protocol between a webview (tRPC client) and the extension host (tRPC router).
 * Imported by both sides: no `vscode`, no DOM, no Node APIs.
 *
 * Every message is a plain JSON-clonable object tagged `channel: 'vh-rpc'` so it can share the
 * webview's message channel with other traffic. `id` is chosen by the client, unique among its
 * open operations (the link prefixes tRPC's numeric op id with a random per-page token, so a
 * reloaded page never receives replies meant for its predecessor).
 *
 * Client -> host
 *   request  { channel, kind: 'request', id, op: { type: 'query'|'mutation'|'subscription', path, input? } }
 *   stop     { channel, kind: 'stop', id }        abort a query/mutation or end a subscription
 *
 * Host -> client
 *   result   { channel, kind: 'result', id, data }       query/mutation succeeded (`undefined` sent as `null`)
 *   error    { channel, kind: 'error', id, error }       any operation failed; ends it
 *   started  { channel, kind: 'started', id }            subscription is live
 *   data     { channel, kind: 'data', id, data }         one subscription event
 *   stopped  { channel, kind: 'stopped', id }            subscription ended on the host side
 *
 * `error` is a flat plain object: tRPC's error code key, a message meant for a person, the zod
 * issues for BAD_REQUEST input rejections, the procedure path, and optionally a `reason` the
 * router's error formatter put in `shape.data.reason`. Never a stack trace.
 */
import { z } from 'zod';
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { MAX_ID_LENGTH, MAX_PATH_LENGTH, RPC_CHANNEL, type WireHostMessage } from './envelope';

export { errorCodeNumber, isRpcEnvelope, MAX_ID_LENGTH, MAX_PATH_LENGTH, parseHostMessage, RPC_CHANNEL } from './envelope';

const errorCodeKeys = Object.keys(TRPC_ERROR_CODES_BY_KEY) as [TRPC_ERROR_CODE_KEY, ...TRPC_ERROR_CODE_KEY[]];

export const operationIdSchema = z.string().min(1).max(MAX_ID_LENGTH);
export type OperationId = z.infer<typeof operationIdSchema>;

export const operationTypeSchema = z.enum(['query', 'mutation', 'subscription']);
export type OperationType = z.infer<typeof operationTypeSchema>;

export const requestMessageSchema = z.object({
  channel: z.literal(RPC_CHANNEL),
  kind: z.literal('request'),
  id: operationIdSchema,
  op: z.object({
    type: operationTypeSchema,
    // Dotted procedure path; the router decides whether it exists.
    path: z.string().min(1).max(MAX_PATH_LENGTH),
    input: z.unknown().optional(),
  }),
});
export type RequestMessage = z.infer<typeof requestMessageSchema>;

export const stopMessageSchema = z.object({
  channel: z.literal(RPC_CHANNEL),
  kind: z.literal('stop'),
  id: operationIdSchema,
});
export type StopMessage = z.infer<typeof stopMessageSchema>;

export const clientMessageSchema = z.discriminatedUnion('kind', [requestMessageSchema, stopMessageSchema]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** One input problem, reduced to what a person or a form needs. */
export const rpcIssueSchema = z.object({
  code: z.string(),
  message: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
});
export type RpcIssue = z.infer<typeof rpcIssueSchema>;

export const rpcErrorSchema = z.object({
  code: z.enum(errorCodeKeys),
  message: z.string(),
  path: z.string().optional(),
  /** A finer, stable cause a view can act on, e.g. 'AUDIO_MISSING' (offer reconcile) or a history error code. */
  reason: z.string().max(64).optional(),
  issues: z.array(rpcIssueSchema).optional(),
});
export type RpcError = z.infer<typeof rpcErrorSchema>;

const hostBase = { channel: z.literal(RPC_CHANNEL), id: operationIdSchema };

export const resultMessageSchema = z.object({ ...hostBase, kind: z.literal('result'), data: z.unknown() });
export const errorMessageSchema = z.object({ ...hostBase, kind: z.literal('error'), error: rpcErrorSchema });
export const startedMessageSchema = z.object({ ...hostBase, kind: z.literal('started') });
export const dataMessageSchema = z.object({ ...hostBase, kind: z.literal('data'), data: z.unknown() });
export const stoppedMessageSchema = z.object({ ...hostBase, kind: z.literal('stopped') });

export const hostMessageSchema = z.discriminatedUnion('kind', [
  resultMessageSchema,
  errorMessageSchema,
  startedMessageSchema,
  dataMessageSchema,
  stoppedMessageSchema,
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;
export type ResultMessage = z.infer<typeof resultMessageSchema>;
export type ErrorMessage = z.infer<typeof errorMessageSchema>;

/** True when A and B accept exactly the same values. */
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/**
 * envelope.ts parses host messages without zod (for the webview bundle) into its own plain type:
 * this stops compiling when that type and the schemas above describe different messages.
 */
export type EnvelopeMatchesSchema = SameShape<HostMessage, WireHostMessage> extends true ? true : never;
export const envelopeMatchesSchema: EnvelopeMatchesSchema = true;
