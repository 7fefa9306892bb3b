// Public domain types of the history service. Other layers (RPC, archive, engines, views)
// import these; names are stable. Times are UTC milliseconds since the epoch.

export const GENERATION_STATUSES = ['pending', 'generating', 'completed', 'failed'] as const;
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];

/** Where a generation came from: made by an engine here, imported from a ZIP/files, the public API, or synced (e.g. ElevenLabs). */
export const GENERATION_SOURCES = ['engine', 'import', 'api', 'sync'] as const;
export type GenerationSource = (typeof GENERATION_SOURCES)[number];

/** JSON object stored as-is (engine settings). */
export type JsonObject = { [key: string]: unknown };

/** A voice profile: a named voice at an engine. */
export interface Profile {
  id: string;
  name: string;
  description: string | null;
  language: string;
  engine: string | null;
  /** The voice id at that engine (e.g. `slt` for flite, an ElevenLabs voice_id). */
  voiceId: string | null;
  /** Effects every new generation of this voice gets as a processed default version (null: none). */
  effectsChain: unknown[] | null;
  createdAt: number;
  updatedAt: number;
}

export interface Generation {
  id: string;
  profileId: string;
  /** Name of the profile (joined for display; not stored on the row). */
  profileName: string;
  text: string;
  /** The user's own name for it (shown instead of the first line of the text); null when not set. */
  title: string | null;
  /** The user's Markdown notes; null when none. */
  notes: string | null;
  /** Names of its tags, sorted case-insensitively. */
  tags: string[];
  language: string;
  /** Audio of the default version, relative to the audio folder; null while there is no audio. */
  audioPath: string | null;
  /** Seconds. */
  duration: number | null;
  sampleRate: number | null;
  channels: number | null;
  audioBytes: number | null;
  /** sha256 hex of the audio bytes. */
  contentHash: string | null;
  seed: number | null;
  instruct: string | null;
  engine: string | null;
  /** Model id or size at the engine. */
  model: string | null;
  settings: JsonObject | null;
  status: GenerationStatus;
  error: string | null;
  isFavorited: boolean;
  source: GenerationSource;
  /** Id at an external service (e.g. the ElevenLabs history_item_id). */
  externalId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** An audio take of a generation. The original audio is a version too; exactly one is the default. */
export interface Version {
  id: string;
  generationId: string;
  label: string;
  audioPath: string;
  effectsChain: unknown[] | null;
  sourceVersionId: string | null;
  isDefault: boolean;
  duration: number | null;
  sampleRate: number | null;
  channels: number | null;
  audioBytes: number;
  contentHash: string;
  /** The seed a take made by Regenerate was spoken with; null for the original and processed versions. */
  seed: number | null;
  /** Integrated loudness in LUFS (ITU-R BS.1770) when measured; null when not known yet. */
  loudnessLufs: number | null;
  createdAt: number;
}

/** A named effects chain the user saved (the built-in presets are not stored; see src/effects/presets.ts). */
export interface EffectPreset {
  id: string;
  name: string;
  description: string | null;
  effectsChain: unknown[];
  createdAt: number;
  updatedAt: number;
}

/** A tag and how many generations carry it. */
export interface Tag {
  id: string;
  name: string;
  count: number;
  createdAt: number;
}

export interface Story {
  id: string;
  name: string;
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

/** What Generate Script recorded about the cue a generation voices (see script_cues). */
export interface ScriptCueRecord {
  generationId: string;
  documentUri: string;
  /** 0-based, inclusive; where the cue was when last rendered or moved. */
  startLine: number;
  endLine: number;
  textHash: string;
  speaker: string | null;
  voiceKey: string;
  lexiconHash: string | null;
  status: GenerationStatus;
  /** Versions (takes) of the generation. */
  takes: number;
  createdAt: number;
}

/** A placement of a generation (optionally a specific version) on a story timeline; audio is referenced, not copied. */
export interface StoryItem {
  id: string;
  storyId: string;
  generationId: string;
  versionId: string | null;
  startMs: number;
  track: number;
  trimStartMs: number;
  trimEndMs: number;
  volume: number;
  /** Fade in from the clip's (trimmed) start and out to its end, in ms; 0 = none. */
  fadeInMs: number;
  fadeOutMs: number;
}

/** A story track's settings; a track nobody changed has the defaults (no name, audible, gain 1). */
export interface StoryTrack {
  track: number;
  name: string | null;
  mute: boolean;
  solo: boolean;
  /** Linear gain 0..2 applied to every clip on the track. */
  gain: number;
}

export interface StoryWithItems extends Story {
  items: StoryItem[];
  /** Every track in use or changed, in track order. */
  tracks: StoryTrack[];
}

/** One page of `list()`. Offset paging fills `total`; cursor paging (startAfterId) and `withTotal: false` leave it null. */
export interface ListPage {
  items: Generation[];
  /** Id of the last item on this page (pass as `startAfterId` for the next page); null when empty. */
  lastId: string | null;
  hasMore: boolean;
  /** Number of generations matching the filters (offset paging only). */
  total: number | null;
}

export interface CountAndDuration {
  count: number;
  durationSeconds: number;
}

export interface HistoryStats {
  totalGenerations: number;
  totalDurationSeconds: number;
  /** Bytes of all audio files (every version) the history owns. */
  bytesOnDisk: number;
  byProfile: Array<CountAndDuration & { profileId: string; profileName: string }>;
  byEngine: Array<CountAndDuration & { engine: string | null }>;
  byStatus: Record<GenerationStatus, CountAndDuration>;
  /** The last 30 UTC days, oldest first, including days with no generations. */
  perDay: Array<CountAndDuration & { day: string }>;
}

export type ChangeEntity = 'generation' | 'profile' | 'version' | 'story' | 'preset' | 'tag';
export type ChangeOp = 'created' | 'updated' | 'deleted';

/** What changed in the history. `reload` means anything may have changed (another window wrote, reconcile, import). */
export type ChangeEvent =
  | {
      kind: 'entity';
      entity: ChangeEntity;
      op: ChangeOp;
      ids: string[];
      /** Generations affected (for a version change its generation; for a profile delete its generations). */
      generationIds: string[];
    }
  | { kind: 'reload'; reason: 'external' | 'reconcile' | 'import' };

export interface MissingAudio {
  generationId: string;
  versionId: string | null;
  audioPath: string;
}

/** Result of the integrity check that runs on open (and on demand). */
export interface IntegrityReport {
  /** Messages from SQLite's quick_check and foreign_key_check; empty when the database is sound (or was not checked). */
  databaseProblems: string[];
  /** Whether the database itself was checked (always by checkIntegrity(); after open only for small databases). */
  databaseChecked: boolean;
  /** Rows whose audio file is missing. */
  missingAudio: MissingAudio[];
  /** Files in the audio folder that no row owns (paths relative to the audio folder). */
  orphanFiles: string[];
  checkedAt: number;
}

export interface ReconcileResult {
  /** Versions removed because their audio was missing (another version became default if needed). */
  removedVersions: number;
  /** Generations marked failed because none of their audio exists any more. */
  markedFailed: number;
  /** Orphan files deleted. */
  removedFiles: number;
}

export interface Disposable {
  dispose(): void;
}

export interface HistoryLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
