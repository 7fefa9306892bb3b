// The history service: the one API every other layer (commands, tree, RPC, archive, engines,
// public API) uses to read and change the history. No `vscode` import.
import type {
  AddStoryItemInput,
  AddVersionInput,
  AudioInput,
  CreateGenerationInput,
  CreateProfileInput,
  CreateStoryInput,
  FindOrCreateProfileInput,
  ListQueryInput,
  ReconcileOptionsInput,
  UpdateGenerationInput,
  UpdateProfileInput,
  UpdateStoryInput,
  UpdateStoryItemInput,
} from './schemas';
import type {
  ChangeEvent,
  Disposable,
  Generation,
  HistoryLog,
  HistoryStats,
  IntegrityReport,
  ListPage,
  Profile,
  ReconcileResult,
  Story,
  StoryItem,
  StoryWithItems,
  Version,
} from './types';
import { HistoryError } from '../store/errors';

export interface OpenHistoryOptions {
  /** Folder that holds the database, its journal and the `audio/` folder (created if missing). */
  storageDir: string;
  log?: HistoryLog;
  /** Path of `sql-wasm.wasm` (the extension ships it in `dist/`); default: resolved from node_modules. */
  wasmPath?: string;
  /** Alternative to wasmPath, as sql.js takes it. */
  locateFile?: (file: string) => string;
  /** How long a write waits for another window's lock before failing (default 10 s). */
  lockTimeoutMs?: number;
  /** Run the integrity check in the background after open (default true). */
  checkOnOpen?: boolean;
}

function notYet(): never {
  throw new HistoryError('INVALID', 'Not implemented yet.');
}

export class HistoryService {
  /** Absolute folder of the database. */
  readonly storageDir: string = '';
  /** Absolute folder that audio paths are relative to. */
  readonly audioDir: string = '';

  // ---- events -------------------------------------------------------------------------
  onDidChange(_listener: (event: ChangeEvent) => void): Disposable {
    notYet();
  }

  // ---- generations --------------------------------------------------------------------
  /** Creates a generation; with `audio`, the file is stored first and becomes its original (default) version. */
  async create(_input: CreateGenerationInput, _audio?: AudioInput): Promise<Generation> {
    notYet();
  }
  async get(_id: string): Promise<Generation | undefined> {
    notYet();
  }
  async getMany(_ids: string[]): Promise<Generation[]> {
    notYet();
  }
  async findByExternalId(_externalId: string): Promise<Generation | undefined> {
    notYet();
  }
  async findByContentHash(_contentHash: string): Promise<Generation[]> {
    notYet();
  }
  /** Favourite, text of a pending generation, status/error transitions, engine details. */
  async update(_id: string, _patch: UpdateGenerationInput): Promise<Generation> {
    notYet();
  }
  /** Deletes generations with their versions, story references and audio files. Returns how many were deleted. */
  async delete(_ids: string | string[]): Promise<number> {
    notYet();
  }
  async deleteByProfile(_profileId: string): Promise<number> {
    notYet();
  }
  async deleteFailed(): Promise<number> {
    notYet();
  }
  async list(_query?: ListQueryInput): Promise<ListPage> {
    notYet();
  }
  async stats(): Promise<HistoryStats> {
    notYet();
  }

  // ---- audio --------------------------------------------------------------------------
  /**
   * Stores audio for a generation atomically: as its original version if it has none, else as
   * a new version (default when `isDefault`). Marks the generation completed.
   */
  async attachAudio(
    _generationId: string,
    _audio: AudioInput,
    _version?: AddVersionInput,
  ): Promise<{ generation: Generation; version: Version }> {
    notYet();
  }
  /** Absolute path of a stored audio file (a generation's default audio, a version, or a relative audio path). */
  resolveAudioPath(_target: Generation | Version | string): string {
    notYet();
  }

  // ---- versions -----------------------------------------------------------------------
  async listVersions(_generationId: string): Promise<Version[]> {
    notYet();
  }
  async addVersion(_generationId: string, _input: AddVersionInput, _audio: AudioInput): Promise<Version> {
    notYet();
  }
  async setDefaultVersion(_versionId: string): Promise<Version> {
    notYet();
  }
  /** The last version cannot be deleted; deleting the default promotes the newest remaining one. */
  async deleteVersion(_versionId: string): Promise<void> {
    notYet();
  }

  // ---- profiles -----------------------------------------------------------------------
  async listProfiles(): Promise<Profile[]> {
    notYet();
  }
  async getProfile(_id: string): Promise<Profile | undefined> {
    notYet();
  }
  async createProfile(_input: CreateProfileInput): Promise<Profile> {
    notYet();
  }
  async updateProfile(_id: string, _patch: UpdateProfileInput): Promise<Profile> {
    notYet();
  }
  async renameProfile(_id: string, _name: string): Promise<Profile> {
    notYet();
  }
  /** Deletes the profile and everything of it: generations, versions, story items, audio files. */
  async deleteProfile(_id: string): Promise<{ deletedGenerations: number }> {
    notYet();
  }
  /** Matches by (engine, voiceId) when a voiceId is given, else by name; creates when nothing matches. */
  async findOrCreateProfile(_input: FindOrCreateProfileInput): Promise<Profile> {
    notYet();
  }

  // ---- stories ------------------------------------------------------------------------
  async listStories(): Promise<Story[]> {
    notYet();
  }
  async getStory(_id: string): Promise<StoryWithItems | undefined> {
    notYet();
  }
  async createStory(_input: CreateStoryInput): Promise<Story> {
    notYet();
  }
  async updateStory(_id: string, _patch: UpdateStoryInput): Promise<Story> {
    notYet();
  }
  async deleteStory(_id: string): Promise<void> {
    notYet();
  }
  async addStoryItem(_storyId: string, _input: AddStoryItemInput): Promise<StoryItem> {
    notYet();
  }
  async updateStoryItem(_itemId: string, _patch: UpdateStoryItemInput): Promise<StoryItem> {
    notYet();
  }
  async removeStoryItem(_itemId: string): Promise<void> {
    notYet();
  }

  // ---- maintenance --------------------------------------------------------------------
  /** SQLite quick_check plus rows with missing audio and orphan files. */
  async checkIntegrity(): Promise<IntegrityReport> {
    notYet();
  }
  /** The report of the check that ran after open (resolves when it finishes). */
  lastIntegrityReport(): Promise<IntegrityReport> {
    notYet();
  }
  async reconcile(_options?: ReconcileOptionsInput): Promise<ReconcileResult> {
    notYet();
  }
  /** Writes a fresh snapshot and empties the journal (also runs by itself in the background). */
  async compact(): Promise<void> {
    notYet();
  }
  /** Re-reads changes other windows made (also happens before every read and write). */
  async refresh(): Promise<void> {
    notYet();
  }
  async close(): Promise<void> {
    notYet();
  }
}

export async function openHistory(_options: OpenHistoryOptions): Promise<HistoryService> {
  notYet();
}
