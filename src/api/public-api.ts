// The API other extensions get from `vscode.extensions.getExtension('voice-history.voice-history').exports`
// (version 1): record a generation they made, read the history and its stories, follow its changes. Inputs are
// validated by the same zod schemas the rest of the extension uses. No `vscode` import: the
// event has VS Code's `Event` shape so callers can treat it as one.
import { parseRecordGeneration, PUBLIC_API_VERSION, RecordGenerationError, type RecordGenerationInput } from '../engines/api-schema';
import { loadRecordedAudio } from '../engines/recorded-audio';
import type {
  ChangeEvent,
  Disposable,
  Generation,
  HistoryService,
  ListPage,
  ListQueryInput,
  Story,
  StoryItem,
  StoryOutline,
  StorySummary,
  StoryTrack,
} from '../history';

export type { RecordGenerationInput } from '../engines/api-schema';
export type { ChangeEvent, Generation, ListPage, ListQueryInput, Story, StoryItem, StorySummary, StoryTrack } from '../history';

/** A story item as other extensions read it: the stored placement plus what it plays. */
export interface ApiStoryItem extends StoryItem {
  /** The version that plays: the pinned one, else the generation's default; null when it has no audio. */
  playingVersionId: string | null;
  /** Absolute path of that version's audio file; null when there is none. */
  audioFile: string | null;
  /** Length heard after the trims, in ms. */
  lengthMs: number;
}

export interface ApiStory extends Story {
  /** Where the last item ends, in ms. */
  durationMs: number;
  /** Every item, by start time (then track). */
  items: ApiStoryItem[];
  /** Every track in use or changed, in track order. */
  tracks: StoryTrack[];
}

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
  /** Every story with its item count and length (ms), most recently changed first. */
  listStories(): Promise<StorySummary[]>;
  /** A story with its items in time order and its tracks; undefined when there is none with that id. */
  getStory(id: string): Promise<ApiStory | undefined>;
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
    listStories: async () => open().listStorySummaries(),
    getStory: async (id) => {
      const h = open();
      const outline = await h.getStoryOutline(id);
      return outline ? publicStory(outline, (rel) => h.resolveAudioPath(rel)) : undefined;
    },
    onDidChange(listener, thisArgs, disposables) {
      const h = history();
      // Without a history nothing can change; hand back a subscription that does nothing.
      const subscription: Disposable = h ? h.onDidChange((e) => listener.call(thisArgs, e)) : { dispose: () => undefined };
      disposables?.push(subscription);
      return subscription;
    },
  };
}

function publicStory(o: StoryOutline, resolve: (relativePath: string) => string): ApiStory {
  return {
    id: o.id,
    name: o.name,
    description: o.description,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    durationMs: o.durationMs,
    tracks: o.tracks,
    items: o.clips.map((c) => ({
      ...c.item,
      playingVersionId: c.version?.id ?? null,
      audioFile: c.version ? resolve(c.version.audioPath) : null,
      lengthMs: c.lengthMs,
    })),
  };
}
