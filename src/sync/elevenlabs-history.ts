// Client for the ElevenLabs history API that imports past generations into Voice History.
// `walk()` follows GET /v1/history page by page with start_after_history_item_id until
// has_more is false (a filtered page may be short, even empty, and still have more), fetches
// each new item's audio and yields it with a checkpoint the caller persists after storing it.
import { z } from 'zod';
import type { AudioDescription } from '../engines/response-audio';
import { EngineError } from '../engines/engine';
import {
  ELEVENLABS_DEFAULT_BASE_URL,
  ELEVENLABS_ENGINE_ID,
  ELEVENLABS_SERVICE,
  elevenLabsHeaders,
  historyPageSchema,
  isTextContentType,
  pcmSampleRate,
  type ElevenLabsHistoryItem,
  type ElevenLabsHistoryPage,
} from '../engines/elevenlabs-api';
import { endpoint, MAX_JSON_RESPONSE_BYTES, normaliseBaseUrl, parseJson, send } from '../engines/http';
import { responseAudio } from '../engines/response-audio';
import { abortableSleep, DEFAULT_RETRY_POLICY, isRetryable, retryDelay, type RetryPolicy } from './retry';

export const historyFiltersSchema = z
  .object({
    voiceId: z.string().trim().min(1).optional(),
    modelId: z.string().trim().min(1).optional(),
    /** Only items created before this time (unix seconds, exclusive). */
    dateBeforeUnix: z.number().int().min(0).optional(),
    /** Only items created at or after this time (unix seconds, inclusive). */
    dateAfterUnix: z.number().int().min(0).optional(),
    sortDirection: z.enum(['asc', 'desc']).default('desc'),
    search: z.string().trim().min(1).max(500).optional(),
    source: z.enum(['TTS', 'STS']).optional(),
  })
  .strict()
  .refine((f) => f.dateAfterUnix === undefined || f.dateBeforeUnix === undefined || f.dateAfterUnix < f.dateBeforeUnix, {
    message: 'The "after" date must be earlier than the "before" date.',
    path: ['dateAfterUnix'],
  });
export type HistoryFiltersInput = z.input<typeof historyFiltersSchema>;
export type HistoryFilters = z.output<typeof historyFiltersSchema>;

/** Where an import got to. Persist the latest one; pass it as `resumeFrom` to continue. */
export interface SyncCheckpoint {
  version: 1;
  /** The filters it belongs to (resuming with other filters would skip items). */
  filtersKey: string;
  /** The last item handled; the next page starts after it. Null: from the beginning. */
  startAfter: string | null;
  /** Items handled so far (imported, known or failed), for progress. */
  handled: number;
}

export const syncCheckpointSchema = z.object({
  version: z.literal(1),
  filtersKey: z.string(),
  startAfter: z.string().nullable(),
  handled: z.number().int().min(0),
});

/** A history item ready for the history service; field names follow the public recordGeneration input. */
export interface SyncedGeneration {
  source: 'sync';
  engine: typeof ELEVENLABS_ENGINE_ID;
  status: 'completed';
  text: string;
  /** The ElevenLabs voice name: becomes the profile. */
  profile: string;
  /** The ElevenLabs voice_id. */
  voice?: string;
  model?: string;
  /** Voice settings as ElevenLabs stored them, plus character_cost, output_format, request_id, voice_category, source. */
  settings: Record<string, unknown>;
  /** ms since 1970 (UTC). */
  createdAt: number;
  externalId: string;
  /** Characters the generation used from the quota. */
  characterCost?: number;
  audio: Uint8Array;
  audioInfo: AudioDescription;
}

export type SyncEvent =
  | { type: 'page'; items: number; hasMore: boolean; scannedUntil?: number }
  | { type: 'item'; generation: SyncedGeneration; checkpoint: SyncCheckpoint }
  | { type: 'skipped'; externalId: string; reason: 'known' | 'not-ready'; checkpoint: SyncCheckpoint }
  | { type: 'failed'; externalId: string; error: EngineError; checkpoint: SyncCheckpoint }
  | { type: 'retry'; attempt: number; delayMs: number; error: EngineError }
  | { type: 'done'; summary: SyncSummary };

export interface SyncSummary {
  imported: number;
  skipped: number;
  failed: number;
  pages: number;
}

export interface WalkOptions {
  filters?: HistoryFiltersInput;
  /** 1..1000 (default 100). */
  pageSize?: number;
  /** Continue an earlier import with the same filters. */
  resumeFrom?: SyncCheckpoint;
  /** True for history_item_ids the history already has: they are skipped without downloading. */
  isKnown: (externalId: string) => boolean | Promise<boolean>;
  signal?: AbortSignal;
}

export interface ElevenLabsHistoryClientOptions {
  apiKey: string | undefined;
  baseUrl?: string;
  /** Per request (default 120 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class ElevenLabsHistoryClient {
  private readonly base: URL;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: ElevenLabsHistoryClientOptions) {
    this.headers = elevenLabsHeaders(options.apiKey);
    this.base = normaliseBaseUrl(ELEVENLABS_SERVICE, options.baseUrl ?? ELEVENLABS_DEFAULT_BASE_URL);
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? abortableSleep;
  }

  /** One page of GET /v1/history (no retries). */
  async listPage(
    filters: HistoryFilters,
    pageSize: number,
    startAfter: string | null,
    signal?: AbortSignal,
  ): Promise<ElevenLabsHistoryPage> {
    const url = endpoint(this.base, '/v1/history', {
      page_size: pageSize,
      start_after_history_item_id: startAfter,
      voice_id: filters.voiceId,
      model_id: filters.modelId,
      date_before_unix: filters.dateBeforeUnix,
      date_after_unix: filters.dateAfterUnix,
      sort_direction: filters.sortDirection,
      search: filters.search,
      source: filters.source,
    });
    const response = await send(ELEVENLABS_SERVICE, url, {
      headers: { ...this.headers, accept: 'application/json' },
      signal,
      timeoutMs: this.timeoutMs,
      maxBytes: MAX_JSON_RESPONSE_BYTES,
    });
    return parseJson(ELEVENLABS_SERVICE, response, historyPageSchema, 'a history page');
  }

  /** GET /v1/history/{id}/audio, checked to be audio (no retries). */
  async fetchAudio(
    item: Pick<ElevenLabsHistoryItem, 'history_item_id' | 'output_format'>,
    signal?: AbortSignal,
  ): Promise<{ audio: Uint8Array; info: AudioDescription }> {
    const url = endpoint(this.base, `/v1/history/${encodeURIComponent(item.history_item_id)}/audio`);
    const response = await send(ELEVENLABS_SERVICE, url, {
      headers: { ...this.headers, accept: 'audio/*' },
      signal,
      timeoutMs: this.timeoutMs,
    });
    return responseAudio(
      response.body,
      { rate: pcmSampleRate(item.output_format ?? ''), isText: isTextContentType(response.headers) },
      (what) =>
        new EngineError(
          'bad-response',
          `ElevenLabs sent something that is not audio for history item ${item.history_item_id} (${what}).`,
          ELEVENLABS_ENGINE_ID,
        ),
    );
  }

  /** DELETE /v1/history/{id}, with retries. Only call it after the item is safely stored. */
  async deleteItem(historyItemId: string, signal?: AbortSignal): Promise<void> {
    const url = endpoint(this.base, `/v1/history/${encodeURIComponent(historyItemId)}`);
    await this.withRetries(
      () => send(ELEVENLABS_SERVICE, url, { method: 'DELETE', headers: this.headers, signal, timeoutMs: this.timeoutMs }),
      signal,
    );
  }

  /**
   * Walks the history and yields events. Items the caller already has (`isKnown`) are skipped
   * without downloading. Throws EngineError when it cannot go on (auth, cancelled, retries
   * exhausted); the last checkpoint yielded is where to resume.
   */
  async *walk(options: WalkOptions): AsyncGenerator<SyncEvent, SyncSummary, void> {
    const filters = parseFilters(options.filters);
    const pageSize = options.pageSize ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      throw new EngineError('invalid-input', 'The page size is a whole number from 1 to 1000.', ELEVENLABS_ENGINE_ID);
    }
    const filtersKey = keyOf(filters);
    let startAfter: string | null = null;
    let handled = 0;
    if (options.resumeFrom) {
      const checkpoint = syncCheckpointSchema.safeParse(options.resumeFrom);
      if (!checkpoint.success)
        throw new EngineError(
          'invalid-input',
          'The saved import position is damaged; start the import again (already imported items are skipped).',
          ELEVENLABS_ENGINE_ID,
        );
      if (checkpoint.data.filtersKey !== filtersKey) {
        throw new EngineError(
          'invalid-input',
          'The saved import position belongs to an import with other filters; start a new import (already imported items are skipped).',
          ELEVENLABS_ENGINE_ID,
        );
      }
      startAfter = checkpoint.data.startAfter;
      handled = checkpoint.data.handled;
    }
    const signal = options.signal;
    const summary: SyncSummary = { imported: 0, skipped: 0, failed: 0, pages: 0 };
    const seen = new Set<string>();
    for (;;) {
      throwIfCancelled(signal);
      const page: ElevenLabsHistoryPage = yield* this.retrying(() => this.listPage(filters, pageSize, startAfter, signal), signal);
      summary.pages++;
      yield {
        type: 'page',
        items: page.history.length,
        hasMore: page.has_more,
        ...(page.scanned_until != null ? { scannedUntil: page.scanned_until } : {}),
      };
      for (const item of page.history) {
        throwIfCancelled(signal);
        const id = item.history_item_id;
        const checkpoint = (): SyncCheckpoint => ({ version: 1, filtersKey, startAfter: id, handled: ++handled });
        if (seen.has(id)) continue; // a page boundary that moved under us
        seen.add(id);
        if (isNotReady(item.state)) {
          summary.skipped++;
          yield { type: 'skipped', externalId: id, reason: 'not-ready', checkpoint: checkpoint() };
          continue;
        }
        if (await options.isKnown(id)) {
          summary.skipped++;
          yield { type: 'skipped', externalId: id, reason: 'known', checkpoint: checkpoint() };
          continue;
        }
        let fetched: { audio: Uint8Array; info: AudioDescription };
        try {
          fetched = yield* this.retrying(() => this.fetchAudio(item, signal), signal);
        } catch (error) {
          // One item's audio being gone or garbled does not stop the import; auth and cancel do.
          if (error instanceof EngineError && (error.kind === 'bad-response' || error.status === 404)) {
            summary.failed++;
            yield { type: 'failed', externalId: id, error, checkpoint: checkpoint() };
            continue;
          }
          throw error;
        }
        summary.imported++;
        yield { type: 'item', generation: toSyncedGeneration(item, fetched.audio, fetched.info), checkpoint: checkpoint() };
      }
      // The cursor is the page's last item, even when filters made the page short or empty.
      const last = page.last_history_item_id ?? page.history.at(-1)?.history_item_id ?? null;
      if (!page.has_more) break;
      if (!last || last === startAfter) {
        throw new EngineError(
          'bad-response',
          'ElevenLabs said there is more history but gave no position to continue from. Try the import again later.',
          ELEVENLABS_ENGINE_ID,
        );
      }
      startAfter = last;
    }
    yield { type: 'done', summary };
    return summary;
  }

  private async *retrying<T>(attempt: () => Promise<T>, signal?: AbortSignal): AsyncGenerator<SyncEvent, T, void> {
    for (let retry = 1; ; retry++) {
      try {
        return await attempt();
      } catch (error) {
        if (!isRetryable(error)) throw error;
        const delayMs = retryDelay(error, retry, this.policy);
        if (delayMs === undefined) throw error;
        yield { type: 'retry', attempt: retry, delayMs, error };
        await this.pause(delayMs, signal);
      }
    }
  }

  private async withRetries<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const steps = this.retrying(attempt, signal);
    for (;;) {
      const step = await steps.next();
      if (step.done) return step.value;
    }
  }

  private async pause(ms: number, signal?: AbortSignal): Promise<void> {
    try {
      await this.sleep(ms, signal);
    } catch (error) {
      if (signal?.aborted) throw new EngineError('cancelled', 'The ElevenLabs import was cancelled.', ELEVENLABS_ENGINE_ID);
      throw error;
    }
  }
}

function parseFilters(input: HistoryFiltersInput | undefined): HistoryFilters {
  const parsed = historyFiltersSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  throw new EngineError(
    'invalid-input',
    `The ElevenLabs import filters are invalid${where}: ${issue?.message ?? 'unknown problem'}`,
    ELEVENLABS_ENGINE_ID,
  );
}

function keyOf(filters: HistoryFilters): string {
  const entries = Object.entries(filters)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(entries);
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EngineError('cancelled', 'The ElevenLabs import was cancelled.', ELEVENLABS_ENGINE_ID);
}

function isNotReady(state: unknown): boolean {
  return state === 'processing' || state === 'deleted';
}

/** Maps an ElevenLabs history item (and its audio) to what the history stores. */
export function toSyncedGeneration(item: ElevenLabsHistoryItem, audio: Uint8Array, audioInfo: AudioDescription): SyncedGeneration {
  const dialogue = item.dialogue ?? [];
  // The text is kept exactly as it was spoken (a trailing "— " is part of it); only a text of
  // nothing but whitespace counts as missing.
  const spoken = (t: string | null | undefined): string | undefined => (t && t.trim() !== '' ? t : undefined);
  const text =
    spoken(item.text) ??
    spoken(dialogue.map((line) => (line.voice_name ? `${line.voice_name}: ${line.text}` : line.text)).join('\n')) ??
    `(${item.source ?? 'ElevenLabs'} generation without text)`;
  const dialogueVoices = [...new Set(dialogue.map((line) => line.voice_name?.trim()).filter((n): n is string => !!n))];
  const profile = item.voice_name?.trim() || dialogueVoices.join(' & ') || item.voice_id || 'ElevenLabs';
  const from = item.character_count_change_from;
  const to = item.character_count_change_to;
  const characterCost = typeof from === 'number' && typeof to === 'number' ? Math.abs(to - from) : undefined;
  const settings: Record<string, unknown> = {
    ...(item.settings ?? {}),
    ...(characterCost !== undefined ? { character_cost: characterCost } : {}),
    ...(item.output_format ? { output_format: item.output_format } : {}),
    ...(item.request_id ? { request_id: item.request_id } : {}),
    ...(item.voice_category ? { voice_category: item.voice_category } : {}),
    ...(item.source ? { source: item.source } : {}),
  };
  return {
    source: 'sync',
    engine: ELEVENLABS_ENGINE_ID,
    status: 'completed',
    text,
    profile,
    ...(item.voice_id ? { voice: item.voice_id } : {}),
    ...(item.model_id ? { model: item.model_id } : {}),
    settings,
    createdAt: item.date_unix * 1000,
    externalId: item.history_item_id,
    ...(characterCost !== undefined ? { characterCost } : {}),
    audio,
    audioInfo,
  };
}
