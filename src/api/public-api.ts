// The API other extensions get from `vscode.extensions.getExtension('voice-history.voice-history').exports`
// (version 1): record a generation they made, read the history, follow its changes. Inputs are
// validated by the same zod schemas the rest of the extension uses. No `vscode` import: the
// event has VS Code's `Event` shape so callers can treat it as one.
import { parseRecordGeneration, PUBLIC_API_VERSION, RecordGenerationError, type RecordGenerationInput } from '../engines/api-schema';
import { loadRecordedAudio } from '../engines/recorded-audio';
import type { ChangeEvent, Disposable, Generation, HistoryService, ListPage, ListQueryInput } from '../history';

export type { RecordGenerationInput } from '../engines/api-schema';
export type { ChangeEvent, Generation, ListPage, ListQueryInput } from '../history';

/** Same call shape as `vscode.Event<T>`. */
export type ApiEvent<T> = (listener: (event: T) => unknown, thisArgs?: unknown, disposables?: Disposable[]) => Disposable;

export interface VoiceHistoryPublicApi {
  readonly apiVersion: typeof PUBLIC_API_VERSION;
  /**
   * Records a generation another tool made; returns its id. Rejects with a message listing
   * every problem of the input (and stores nothing) when the input is invalid.
   */
  recordGeneration(input: RecordGenerationInput): Promise<string>;
  /** A page of generations, newest first by default (filters, search, paging as in the History view). */
  list(query?: ListQueryInput): Promise<ListPage>;
  get(id: string): Promise<Generation | undefined>;
  /** Fires after generations, profiles, versions or stories change (from any source). */
  readonly onDidChange: ApiEvent<ChangeEvent>;
}

/**
 * `history` is read on every call: undefined means the history could not be opened, and
 * every call then rejects with `unavailable` (the reason and what to do).
 */
export function createPublicApi(history: () => HistoryService | undefined, unavailable: () => string): VoiceHistoryPublicApi {
  const open = (): HistoryService => {
    const h = history();
    if (!h) throw new Error(unavailable());
    return h;
  };
  return {
    apiVersion: PUBLIC_API_VERSION,
    async recordGeneration(input) {
      const h = open();
      const g = parseRecordGeneration(input);
      if (g.status === 'failed' && g.audio) {
        throw new RecordGenerationError([
          { path: 'audio', message: "A failed generation has no audio; leave `audio` out, or record it with status 'completed'." },
        ]);
      }
      if (g.externalId) {
        const known = await h.findByExternalId(g.externalId);
        if (known)
          throw new RecordGenerationError([
            { path: 'externalId', message: `"${g.externalId}" is already recorded as generation ${known.id}; nothing was added.` },
          ]);
      }
      const audio = g.audio ? await loadRecordedAudio(g.audio) : undefined;
      const profile = await h.findOrCreateProfile({ engine: g.engine, voiceId: g.voice ?? null, name: g.profile, language: g.language });
      const created = await h.create(
        {
          profileId: profile.id,
          text: g.text,
          language: g.language,
          seed: g.seed ?? null,
          instruct: g.instruct ?? null,
          engine: g.engine,
          model: g.model ?? null,
          settings: g.settings ?? null,
          status: g.status,
          error: g.status === 'failed' ? g.error : null,
          source: 'api',
          externalId: g.externalId ?? null,
          createdAt: g.createdAt ?? null,
        },
        audio
          ? {
              data: audio.data,
              format: audio.info.format,
              duration: audio.info.duration ?? null,
              sampleRate: audio.info.sampleRate ?? null,
              channels: audio.info.channels ?? null,
            }
          : undefined,
      );
      return created.id;
    },
    list: async (query) => open().list(query ?? {}),
    get: async (id) => open().get(id),
    onDidChange(listener, thisArgs, disposables) {
      const h = history();
      // Without a history nothing can change; hand back a subscription that does nothing.
      const subscription: Disposable = h ? h.onDidChange((e) => listener.call(thisArgs, e)) : { dispose: () => undefined };
      disposables?.push(subscription);
      return subscription;
    },
  };
}
