// One HTTP call to a speech service with global fetch, turning everything that can go wrong
// (refused connection, timeout, cancel, 401, 429, 5xx, HTML instead of JSON) into an
// EngineError whose message says what to do. Shared by the engines and the ElevenLabs sync.
import type { z } from 'zod';
import { EngineError } from './engine';
import { previewBody } from './response-audio';
import { plainMessage } from '../format/user-text';
import { errorMessage } from '../format/errors';

export interface ServiceInfo {
  /** Engine id recorded on errors ('openai', 'elevenlabs'). */
  engineId: string;
  /** Shown in messages ("ElevenLabs", "the OpenAI-compatible server"). */
  name: string;
  /** The setting that holds the base URL, for messages. */
  baseUrlSetting: string;
  /** The setting that holds the timeout, for messages. */
  timeoutSetting: string;
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  timeoutMs: number;
  /** Largest body accepted (default MAX_AUDIO_RESPONSE_BYTES; JSON calls pass MAX_JSON_RESPONSE_BYTES). */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

const SET_KEY_HINT = "Run 'Voice History: Set API Key…'.";
const MB = 1024 * 1024;
/** A voice list or a history page is far below this; more is not an API answering. */
export const MAX_JSON_RESPONSE_BYTES = 16 * MB;
/** About 20 minutes of 44.1 kHz stereo WAV: more than one generation's audio. */
export const MAX_AUDIO_RESPONSE_BYTES = 200 * MB;
/** An error body is only read for its message. */
const MAX_ERROR_BODY_BYTES = MB;
/** Redirects followed within the service's own origin. */
const MAX_REDIRECTS = 5;

/** What an HTTP engine is made with: its settings and where its API key comes from. */
export interface HttpEngineOptions<Config> {
  config: Config;
  /** Read on every request so a key set or cleared later applies at once. */
  getApiKey: () => Promise<string | undefined> | string | undefined;
}

/** Sends the request and reads the whole body; throws EngineError unless the status is 2xx. */
export async function send(service: ServiceInfo, url: URL, request: HttpRequest): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const failure = (error: unknown): EngineError => {
    if (request.signal?.aborted) return new EngineError('cancelled', `The request to ${service.name} was cancelled.`, service.engineId);
    if (timeout.aborted) {
      return new EngineError(
        'timeout',
        `${capitalise(service.name)} did not answer within ${formatSeconds(request.timeoutMs)}. Try again, or raise the "${service.timeoutSetting}" setting for long texts.`,
        service.engineId,
        { cause: error },
      );
    }
    if (error instanceof EngineError) return error;
    return new EngineError(
      'network',
      `Could not reach ${service.name} at ${url.origin} (${networkReason(error)}). Check your network connection and the "${service.baseUrlSetting}" setting.`,
      service.engineId,
      { cause: error },
    );
  };
  let response: Response;
  try {
    response = await fetchWithinOrigin(service, url, request, signal);
  } catch (error) {
    throw failure(error);
  }
  const ok = response.status >= 200 && response.status <= 299;
  let body: Uint8Array;
  try {
    body = ok
      ? await readBody(response, request.maxBytes ?? MAX_AUDIO_RESPONSE_BYTES, service)
      : await readBody(response, MAX_ERROR_BODY_BYTES, service, { cut: true });
  } catch (error) {
    throw failure(error);
  }
  if (!ok) throw statusError(service, url, response.status, response.headers, body);
  return { status: response.status, headers: response.headers, body };
}

/**
 * fetch, following redirects only within the origin the request went to. fetch's own following
 * forwards every header, the API key included, to wherever a server (or anything between) points;
 * a redirect elsewhere is refused instead.
 */
async function fetchWithinOrigin(service: ServiceInfo, url: URL, request: HttpRequest, signal: AbortSignal): Promise<Response> {
  let current = url;
  let method = request.method ?? 'GET';
  let body = request.body;
  for (let hop = 0; ; hop++) {
    const response = await fetch(current, { method, headers: request.headers, body, signal, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || location === null) return response;
    await response.body?.cancel().catch(() => undefined);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new EngineError(
        'bad-response',
        `${capitalise(service.name)} redirected to "${clip(location, 100)}", which is not a URL. Check the "${service.baseUrlSetting}" setting.`,
        service.engineId,
      );
    }
    if (next.origin !== url.origin) {
      throw new EngineError(
        'bad-response',
        `${capitalise(service.name)} at ${url.origin} redirected the request to another server (${next.origin}); it was not followed, so your API key was not sent there. If that server is the right one, set "${service.baseUrlSetting}" to it.`,
        service.engineId,
        { status: response.status },
      );
    }
    if (hop + 1 >= MAX_REDIRECTS) {
      throw new EngineError(
        'bad-response',
        `${capitalise(service.name)} redirected more than ${MAX_REDIRECTS} times. Check the "${service.baseUrlSetting}" setting.`,
        service.engineId,
        { status: response.status },
      );
    }
    // As fetch does: 303, and 301/302 after a POST, continue as a GET without the body.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
    current = next;
  }
}

/** The body, refused past `maxBytes`; with `cut`, only its first `maxBytes` (an error body, read for its message). */
async function readBody(response: Response, maxBytes: number, service: ServiceInfo, options: { cut?: boolean } = {}): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const tooBig = (): EngineError =>
    new EngineError(
      'bad-response',
      `${capitalise(service.name)} sent more than ${Math.round(maxBytes / MB)} MB, more than any answer of its API should be; the response was not kept. Check the "${service.baseUrlSetting}" setting, and for audio split the text into shorter parts.`,
      service.engineId,
    );
  if (declared > maxBytes && !options.cut) {
    await response.body?.cancel().catch(() => undefined);
    throw tooBig();
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.length > maxBytes) {
      await reader.cancel().catch(() => undefined);
      if (!options.cut) throw tooBig();
      chunks.push(value.subarray(0, maxBytes - total));
      total = maxBytes;
      break;
    }
    total += value.length;
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Parses a JSON body against its schema; anything else is a 'bad-response' that says what came instead. */
export function parseJson<T extends z.ZodType>(service: ServiceInfo, response: HttpResponse, schema: T, what: string): z.output<T> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(response.body));
  } catch {
    const preview = previewBody(response.body);
    throw new EngineError(
      'bad-response',
      `${capitalise(service.name)} sent ${what} that is not valid JSON${preview ? ` ("${preview}")` : ''}. Check that "${service.baseUrlSetting}" points at the API.`,
      service.engineId,
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
    throw new EngineError(
      'bad-response',
      `${capitalise(service.name)} sent ${what} in an unexpected shape (${issue?.message ?? 'invalid'}${where}). Check that "${service.baseUrlSetting}" points at the API.`,
      service.engineId,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

interface ErrorDetail {
  message?: string;
  code?: string;
}

/** Reads the message out of the error bodies these APIs send; tolerates anything else. */
export function errorDetail(body: Uint8Array): ErrorDetail {
  const text = new TextDecoder().decode(body.subarray(0, 64 * 1024));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // A plain-text body may be a server's stack trace: its first words are the message.
    const preview = plainMessage(previewBody(body, 200));
    return preview ? { message: preview } : {};
  }
  return detailOf(value);
}

function detailOf(value: unknown, depth = 0): ErrorDetail {
  if (depth > 3 || value === null || value === undefined) return {};
  if (typeof value === 'string') return value.trim() ? { message: clip(plainMessage(value)) } : {};
  if (Array.isArray(value)) {
    // FastAPI/ElevenLabs validation errors: [{loc, msg, type}]
    const parts = value.slice(0, 3).map((entry) => {
      if (entry && typeof entry === 'object') {
        const e = entry as Record<string, unknown>;
        const loc = Array.isArray(e.loc) ? e.loc.filter((p) => p !== 'body').join('.') : '';
        const msg = typeof e.msg === 'string' ? e.msg : typeof e.message === 'string' ? e.message : '';
        return loc && msg ? `${loc}: ${msg}` : msg;
      }
      return typeof entry === 'string' ? entry : '';
    });
    const message = parts.filter(Boolean).join('; ');
    return message ? { message: clip(message) } : {};
  }
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    // OpenAI: {error: {message, code}}; ElevenLabs: {detail: {status, message}} or {detail: [...]}.
    for (const key of ['error', 'detail']) {
      if (o[key] !== undefined) {
        const inner = detailOf(o[key], depth + 1);
        if (inner.message || inner.code) return inner;
      }
    }
    const message = typeof o.message === 'string' && o.message.trim() ? clip(plainMessage(o.message)) : undefined;
    const code =
      typeof o.status === 'string' ? o.status : typeof o.code === 'string' ? o.code : typeof o.type === 'string' ? o.type : undefined;
    return { message, code };
  }
  return {};
}

export function statusError(service: ServiceInfo, url: URL, status: number, headers: Headers, body: Uint8Array): EngineError {
  const detail = errorDetail(body);
  const said = detail.message ? `: ${detail.message}` : '';
  const name = capitalise(service.name);
  const options = { status };
  if (detail.code === 'quota_exceeded') {
    return new EngineError(
      'engine',
      `${name} says the account's quota is used up (${status}${said}). Check your plan, then try again.`,
      service.engineId,
      options,
    );
  }
  if (status === 401)
    return new EngineError('auth', `${name} rejected the API key (401${said}). ${SET_KEY_HINT}`, service.engineId, options);
  if (status === 403) {
    return new EngineError(
      'auth',
      `${name} refused access (403${said}). Check the API key's permissions, or ${SET_KEY_HINT.charAt(0).toLowerCase()}${SET_KEY_HINT.slice(1)}`,
      service.engineId,
      options,
    );
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
    const wait = retryAfterMs !== undefined ? `Wait ${formatSeconds(retryAfterMs)} and try again.` : 'Wait a moment and try again.';
    return new EngineError('rate-limit', `${name} is limiting requests (429${said}). ${wait}`, service.engineId, { status, retryAfterMs });
  }
  if (status === 404) {
    return new EngineError(
      'engine',
      `${name} found nothing at ${url.pathname} (404${said}). Check the voice and the "${service.baseUrlSetting}" setting.`,
      service.engineId,
      options,
    );
  }
  if (status === 400 || status === 422) {
    return new EngineError(
      'engine',
      `${name} rejected the request (${status}${said}). Check the voice, model and settings.`,
      service.engineId,
      options,
    );
  }
  if (status >= 500) {
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
    return new EngineError('engine', `${name} had a server error (${status}${said}). Try again later.`, service.engineId, {
      status,
      retryAfterMs,
    });
  }
  return new EngineError('engine', `${name} answered with HTTP ${status}${said}.`, service.engineId, options);
}

/** Retry-After as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Accepts "https://host", "https://host/", "https://host/v1" alike: every path we add starts with /v1. */
export function normaliseBaseUrl(service: ServiceInfo, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new EngineError(
      'invalid-input',
      `"${raw}" is not a URL. Set "${service.baseUrlSetting}" to something like https://api.example.com.`,
      service.engineId,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EngineError(
      'invalid-input',
      `"${raw}" is not an http(s) URL. Fix the "${service.baseUrlSetting}" setting.`,
      service.engineId,
    );
  }
  // Plain http carries the API key and the text readably over the network: only to this machine.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new EngineError(
      'invalid-input',
      `"${raw}" uses plain http:// to another machine, which would send your API key and text unencrypted. Use https://, or http:// only for a server on this machine (localhost, 127.0.0.1 or [::1]). Fix the "${service.baseUrlSetting}" setting.`,
      service.engineId,
    );
  }
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  url.search = '';
  url.hash = '';
  return url;
}

/** localhost (and *.localhost), 127.0.0.0/8 and ::1: names and addresses that never leave this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** baseUrl + path (path starts with /v1/…), keeping any prefix path of the base (reverse proxies). */
export function endpoint(base: URL, path: string, query?: Record<string, string | number | undefined | null>): URL {
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`;
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  return url;
}

function networkReason(error: unknown): string {
  let current: unknown = error;
  for (let i = 0; i < 4 && current; i++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === 'string') return e.code;
    current = e.cause;
  }
  return errorMessage(error);
}

function clip(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s >= 10 || Number.isInteger(s) ? `${Math.round(s)} s` : `${s.toFixed(1)} s`;
}
