// The history service: the one API every other layer (commands, tree, RPC, archive, engines,
// public API) uses to read and change the history. No `vscode` import.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { AudioFolder, type StoredAudio } from '../store/audio';
import { Store, type Reader, type Row, type Writer } from '../store/database';
import { HistoryError } from '../store/errors';
import { createSearchFunctions } from '../store/search-text';
import type { SqlValue } from '../store/sqlite';
import { Emitter } from './emitter';
import { checkBatchReferences, versionRef, writeBatch, type ImportBatchResult } from './import-batch';
import { INTERRUPTED_AFTER_MS, markInterrupted, WindowPresence } from './interrupted';
import { ImportClaims } from './import-claims';
import { checkIntegrity, QUICK_CHECK_ON_OPEN_MAX_BYTES, reconcileStorage } from './integrity';
import { listGenerations } from './query';
import { GENERATION_COLUMNS, toGeneration, toVersion } from './rows';
import {
  addVersionSchema,
  audioMetaSchema,
  createGenerationSchema,
  idSchema,
  idsSchema,
  importBatchSchema,
  listQuerySchema,
  reconcileOptionsSchema,
  updateGenerationSchema,
  type AddStoryItemInput,
  type AddVersionInput,
  type AudioInput,
  type CreateGenerationInput,
  type CreatePresetInput,
  type CreateProfileInput,
  type CreateStoryInput,
  type FindOrCreateProfileInput,
  type ImportBatchInput,
  type ListQueryInput,
  type ReconcileOptionsInput,
  type TagEditInput,
  type UpdateGenerationInput,
  type UpdatePresetInput,
  type UpdateProfileInput,
  type UpdateStoryInput,
  type UpdateStoryItemInput,
} from './schemas';
import { PresetRecords } from './presets';
import { ProfileRecords } from './profiles';
import { audioFields, chunks, mapDbError, orNull, parse, placeholders, type HistoryAccess } from './service-support';
import { statsOf } from './stats';
import { StoryRecords } from './stories';
import { TagRecords, type TagEditResult } from './tags';
import { TitleRecords } from './titles';
import { insertScriptCue, parseScriptCue, ScriptCueRecords, type ScriptCueMove } from './script-cues';
import { StoryEditor, type StoryEditResult } from './story-edits';
import { readStoriesUsing, readStoryOutline, readStorySummaries, type StoryOutline, type StorySummary } from './story-clips';
import type { StoryOpInput } from './story-ops';
import { insertVersion, nextVersionLabel, storeAudio, VersionRecords } from './versions';
import { Vocabulary } from './vocabulary';
import { showVersion } from './version-sql';
import type {
  ChangeEvent,
  ChangeEntity,
  ChangeOp,
  Disposable,
  EffectPreset,
  Generation,
  GenerationStatus,
  HistoryLog,
  HistoryStats,
  IntegrityReport,
  ListPage,
  Profile,
  ReconcileResult,
  ScriptCueRecord,
  Story,
  StoryItem,
  Tag,
  StoryWithItems,
  Version,
} from './types';

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
  /** Tuning, mainly for tests and benchmarks. */
  tuning?: {
    compactAfterRecords?: number;
    compactAfterBytes?: number;
    pollIntervalMs?: number;
    compactOnClose?: boolean;
    /** Delay before a background compaction (ms, default 200). */
    compactDelayMs?: number;
    /** Delay before the on-open integrity check (ms, default 2000). */
    checkDelayMs?: number;
    /** With another window open, pending/generating rows untouched this long count as interrupted (default 10 min). */
    interruptedAfterMs?: number;
  };
}

const silentLog: HistoryLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Status changes `update()` accepts (same status is always fine). */
const TRANSITIONS: Record<GenerationStatus, readonly GenerationStatus[]> = {
  pending: ['generating', 'completed', 'failed'],
  generating: ['pending', 'completed', 'failed'],
  failed: ['pending', 'generating', 'completed'],
  completed: [],
};

export class HistoryService {
  /** Absolute folder of the database. */
  readonly storageDir: string;
  /** Absolute folder that audio paths are relative to. */
  readonly audioDir: string;
  private readonly emitter: Emitter<ChangeEvent>;
  private integrityRun: Promise<IntegrityReport> | undefined;
  private integrityTimer: NodeJS.Timeout | undefined;
  private readonly stopExternal: () => void;
  private presence: WindowPresence | undefined;
  private readonly profileRecords: ProfileRecords;
  private readonly storyRecords: StoryRecords;
  private readonly storyEditor: StoryEditor;
  private readonly versionRecords: VersionRecords;
  private readonly presetRecords: PresetRecords;
  private readonly tagRecords: TagRecords;
  private readonly titleRecords: TitleRecords;
  private readonly scriptCues: ScriptCueRecords;
  /** Files of imports not committed yet (any window): never orphans. */
  private readonly claims: ImportClaims;

  private constructor(
    private readonly store: Store,
    private readonly audio: AudioFolder,
    private readonly log: HistoryLog,
    storageDir: string,
    private readonly vocabulary: Vocabulary,
  ) {
    this.storageDir = storageDir;
    this.audioDir = audio.dir;
    this.claims = new ImportClaims(storageDir);
    this.emitter = new Emitter<ChangeEvent>((e) => log.error(`A history change listener failed: ${(e as Error).message}`));
    this.stopExternal = store.onExternalChange((c) => {
      if (c.full) vocabulary.invalidate();
      this.emitter.fire({ kind: 'reload', reason: 'external' });
    });
    const access: HistoryAccess = {
      read: (fn) => this.read(fn),
      write: (fn) => this.write(fn),
      changed: (entity, op, ids, generationIds) => this.changed(entity, op, ids, generationIds),
      removeFiles: (files) => this.removeFiles(files),
    };
    this.profileRecords = new ProfileRecords(access);
    this.storyRecords = new StoryRecords(access);
    this.storyEditor = new StoryEditor(access);
    this.versionRecords = new VersionRecords(access);
    this.presetRecords = new PresetRecords(access);
    this.tagRecords = new TagRecords(access);
    this.titleRecords = new TitleRecords(access);
    this.scriptCues = new ScriptCueRecords(access);
  }

  /** Use `openHistory()`. */
  static async open(options: OpenHistoryOptions): Promise<HistoryService> {
    const storageDir = path.resolve(options.storageDir);
    const log = options.log ?? silentLog;
    const vocabulary = new Vocabulary();
    const store = await Store.open({
      dir: storageDir,
      log,
      wasmPath: options.wasmPath,
      locateFile: options.locateFile,
      lockTimeoutMs: options.lockTimeoutMs,
      functions: createSearchFunctions(vocabulary.onNewTerms),
      compactAfterRecords: options.tuning?.compactAfterRecords,
      compactAfterBytes: options.tuning?.compactAfterBytes,
      pollIntervalMs: options.tuning?.pollIntervalMs,
      compactOnClose: options.tuning?.compactOnClose,
      compactDelayMs: options.tuning?.compactDelayMs,
    });
    const audio = new AudioFolder(path.join(storageDir, 'audio'));
    try {
      await audio.ensure();
    } catch (e) {
      await store.close();
      throw e;
    }
    const service = new HistoryService(store, audio, log, storageDir, vocabulary);
    service.presence = await WindowPresence.register(storageDir);
    await service.markInterrupted(options.tuning?.interruptedAfterMs ?? INTERRUPTED_AFTER_MS);
    if (options.checkOnOpen !== false) {
      service.integrityTimer = setTimeout(() => {
        service.integrityTimer = undefined;
        void service.lastIntegrityReport().catch(() => undefined);
      }, options.tuning?.checkDelayMs ?? 2000);
      service.integrityTimer.unref();
    }
    return service;
  }

  /**
   * A problem with the stored history the user should be told about (e.g. a journal damaged in
   * the middle: what verified was recovered and a copy kept), or undefined. The history works.
   */
  get storageProblem(): string | undefined {
    return this.store.problem?.message;
  }

  /** See interrupted.ts for why rows are judged by the live windows registered beside the database. */
  private async markInterrupted(afterMs: number): Promise<void> {
    try {
      const now = Date.now();
      const othersLive = (await this.presence?.othersLive()) ?? false;
      const before = othersLive ? now - afterMs : Number.MAX_SAFE_INTEGER; // journaled as JSON: no Infinity
      const any = await this.read((r) =>
        r.value("SELECT 1 FROM generations WHERE status IN ('pending', 'generating') AND updated_at < ? LIMIT 1", [before]),
      );
      if (!any) return;
      const ids = await this.write((w) => markInterrupted(w, before, now));
      if (ids.length) this.log.info(`Marked ${ids.length} interrupted generation(s) as failed.`);
      this.changed('generation', 'updated', ids);
    } catch (e) {
      // A read-only folder or a busy lock: the rows stay as they are until a later open.
      this.log.warn(`Could not mark interrupted generations as failed: ${(e as Error).message}`);
    }
  }

  // ---- events -------------------------------------------------------------------------
  onDidChange(listener: (event: ChangeEvent) => void): Disposable {
    return this.emitter.on(listener);
  }

  private changed(entity: ChangeEntity, op: ChangeOp, ids: string[], generationIds: string[] = entity === 'generation' ? ids : []): void {
    if (ids.length === 0 && generationIds.length === 0) return;
    this.emitter.fire({ kind: 'entity', entity, op, ids, generationIds });
  }

  private read<T>(fn: (r: Reader) => T): Promise<T> {
    return this.store.read(fn);
  }

  private async write<T>(fn: (w: Writer) => T): Promise<T> {
    try {
      return await this.store.write(fn);
    } catch (e) {
      throw mapDbError(e);
    }
  }

  // ---- generations --------------------------------------------------------------------
  /** Creates a generation; with `audio`, the file is stored first and becomes its original (default) version. */
  async create(input: CreateGenerationInput, audio?: AudioInput): Promise<Generation> {
    const c = parse(createGenerationSchema, input, 'generation');
    const cue = c.scriptCue === undefined ? undefined : parseScriptCue(c.scriptCue);
    const meta = audio ? parse(audioMetaSchema, audioFields(audio), 'audio') : undefined;
    const id = c.id ?? randomUUID();
    const now = Date.now();
    const status: GenerationStatus = audio && c.status === 'pending' ? 'completed' : c.status;
    if (status === 'completed' && !audio) {
      throw new HistoryError(
        'INVALID',
        'A completed generation needs its audio: pass the audio, or create it pending and attach the audio later.',
      );
    }
    await this.read((r) => this.assertCanCreate(r, id, c.profileId));
    const versionId = randomUUID();
    const stored = audio && meta ? await storeAudio(this.audio, versionId, audio, meta.format) : undefined;
    try {
      const generation = await this.write((w) => {
        this.assertCanCreate(w, id, c.profileId);
        w.run(
          `INSERT INTO generations (id, profile_id, text, language, audio_path, duration, sample_rate, channels, audio_bytes,
             content_hash, seed, instruct, engine, model, settings, status, error, is_favorited, source, external_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            id,
            c.profileId,
            c.text,
            c.language,
            stored?.relativePath ?? null,
            orNull(meta?.duration),
            orNull(meta?.sampleRate),
            orNull(meta?.channels),
            stored?.bytes ?? null,
            stored?.contentHash ?? null,
            orNull(c.seed),
            orNull(c.instruct),
            orNull(c.engine),
            orNull(c.model),
            c.settings == null ? null : JSON.stringify(c.settings),
            status,
            orNull(c.error),
            c.isFavorited ? 1 : 0,
            c.source,
            orNull(c.externalId),
            c.createdAt ?? now,
            now,
          ],
        );
        if (stored && meta) {
          insertVersion(
            w,
            { id: versionId, generationId: id, label: 'original', meta, isDefault: true, createdAt: c.createdAt ?? now },
            stored,
          );
        }
        if (cue) insertScriptCue(w, id, cue);
        return this.generationRow(w, id);
      });
      this.changed('generation', 'created', [id]);
      return generation;
    } catch (e) {
      if (stored) await this.audio.remove(stored.relativePath).catch(() => undefined);
      throw e;
    }
  }

  private assertCanCreate(r: Reader, id: string, profileId: string): void {
    if (!r.value('SELECT 1 FROM profiles WHERE id = ?', [profileId])) {
      throw new HistoryError('NOT_FOUND', `The profile ${profileId} does not exist; pick or create a voice profile first.`);
    }
    if (r.value('SELECT 1 FROM generations WHERE id = ?', [id])) {
      throw new HistoryError('CONFLICT', `A generation with id ${id} already exists.`);
    }
  }

  private generationRow(r: Reader, id: string): Generation {
    const row = r.get(`SELECT ${GENERATION_COLUMNS} FROM generations g JOIN profiles p ON p.id = g.profile_id WHERE g.id = ?`, [id]);
    if (!row) throw new HistoryError('NOT_FOUND', `The generation ${id} does not exist (any more); refresh the list.`);
    return toGeneration(row);
  }

  async get(id: string): Promise<Generation | undefined> {
    const gid = parse(idSchema, id, 'generation id');
    return this.read((r) => {
      const row = r.get(`SELECT ${GENERATION_COLUMNS} FROM generations g JOIN profiles p ON p.id = g.profile_id WHERE g.id = ?`, [gid]);
      return row ? toGeneration(row) : undefined;
    });
  }

  /** The generations that exist, in the order of `ids`. */
  async getMany(ids: string[]): Promise<Generation[]> {
    if (ids.length === 0) return [];
    const list = parse(idsSchema, ids, 'generation ids');
    const found = await this.read((r) => {
      const byId = new Map<string, Generation>();
      for (const part of chunks(list)) {
        for (const row of r.all(
          `SELECT ${GENERATION_COLUMNS} FROM generations g JOIN profiles p ON p.id = g.profile_id WHERE g.id IN (${placeholders(part.length)})`,
          part,
        )) {
          const g = toGeneration(row);
          byId.set(g.id, g);
        }
      }
      return byId;
    });
    return list.flatMap((id) => found.get(id) ?? []);
  }

  async findByExternalId(externalId: string): Promise<Generation | undefined> {
    return this.read((r) => {
      const row = r.get(
        `SELECT ${GENERATION_COLUMNS} FROM generations g JOIN profiles p ON p.id = g.profile_id WHERE g.external_id = ? ORDER BY g.created_at LIMIT 1`,
        [externalId],
      );
      return row ? toGeneration(row) : undefined;
    });
  }

  /** Generations whose default audio has this sha256 (for import de-duplication). */
  async findByContentHash(contentHash: string): Promise<Generation[]> {
    return this.read((r) =>
      r
        .all(
          `SELECT ${GENERATION_COLUMNS} FROM generations g JOIN profiles p ON p.id = g.profile_id WHERE g.content_hash = ? ORDER BY g.created_at`,
          [contentHash.toLowerCase()],
        )
        .map(toGeneration),
    );
  }

  /** Favourite, text of a pending generation, status/error transitions, engine details. */
  async update(id: string, patch: UpdateGenerationInput): Promise<Generation> {
    const gid = parse(idSchema, id, 'generation id');
    const u = parse(updateGenerationSchema, patch, 'update');
    const generation = await this.write((w) => {
      const row = w.get('SELECT status, audio_path FROM generations WHERE id = ?', [gid]);
      if (!row) throw new HistoryError('NOT_FOUND', `The generation ${gid} does not exist (any more); refresh the list.`);
      const from = String(row.status) as GenerationStatus;
      if (u.text !== undefined && from !== 'pending') {
        throw new HistoryError(
          'INVALID',
          `Only the text of a pending generation can be edited (this one is ${from}); regenerate to speak a new text.`,
        );
      }
      const sets: string[] = [];
      const params: SqlValue[] = [];
      const set = (column: string, value: SqlValue) => {
        sets.push(`${column} = ?`);
        params.push(value);
      };
      if (u.status !== undefined && u.status !== from) {
        if (!TRANSITIONS[from].includes(u.status)) {
          throw new HistoryError('INVALID', `A ${from} generation cannot become ${u.status}.`);
        }
        if (u.status === 'completed' && row.audio_path == null) {
          throw new HistoryError('INVALID', 'The generation has no audio yet; attach its audio to complete it.');
        }
        set('status', u.status);
        if (u.status !== 'failed' && u.error === undefined) set('error', null);
      }
      if (u.error !== undefined) set('error', u.error);
      if (u.isFavorited !== undefined) set('is_favorited', u.isFavorited ? 1 : 0);
      if (u.text !== undefined) set('text', u.text);
      if (u.seed !== undefined) set('seed', u.seed);
      if (u.engine !== undefined) set('engine', u.engine);
      if (u.model !== undefined) set('model', u.model);
      if (u.instruct !== undefined) set('instruct', u.instruct);
      if (u.externalId !== undefined) set('external_id', u.externalId);
      if (u.settings !== undefined) set('settings', u.settings === null ? null : JSON.stringify(u.settings));
      if (sets.length > 0) {
        set('updated_at', Date.now());
        w.run(`UPDATE generations SET ${sets.join(', ')} WHERE id = ?`, [...params, gid]);
      }
      return this.generationRow(w, gid);
    });
    this.changed('generation', 'updated', [gid]);
    return generation;
  }

  /** Deletes generations with their versions, story references and audio files. Returns how many were deleted. */
  async delete(ids: string | string[]): Promise<number> {
    const list = parse(idsSchema, Array.isArray(ids) ? ids : [ids], 'generation ids');
    const unique = [...new Set(list)];
    const { deleted, files, stories } = await this.write((w) => {
      const files = new Set<string>();
      const deleted: string[] = [];
      const stories = new Set<string>();
      for (const part of chunks(unique)) {
        const ph = placeholders(part.length);
        for (const r of w.all(`SELECT DISTINCT story_id FROM story_items WHERE generation_id IN (${ph})`, part))
          stories.add(String(r.story_id));
        for (const r of w.all(`SELECT audio_path FROM generation_versions WHERE generation_id IN (${ph})`, part))
          files.add(String(r.audio_path));
        for (const r of w.all(`SELECT id, audio_path FROM generations WHERE id IN (${ph})`, part)) {
          deleted.push(String(r.id));
          if (r.audio_path != null) files.add(String(r.audio_path));
        }
        w.run(`DELETE FROM generations WHERE id IN (${ph})`, part);
      }
      return { deleted, files, stories };
    });
    await this.removeFiles(files);
    this.changed('generation', 'deleted', deleted);
    // Their story items went with them (ON DELETE CASCADE).
    if (stories.size > 0) this.changed('story', 'updated', [...stories], deleted);
    return deleted.length;
  }

  async deleteByProfile(profileId: string): Promise<number> {
    const pid = parse(idSchema, profileId, 'profile id');
    return this.deleteWhere('profile_id = ?', [pid]);
  }

  async deleteFailed(): Promise<number> {
    return this.deleteWhere("status = 'failed'", []);
  }

  /** One statement for the whole set (the journal stays small even for thousands of rows). */
  private async deleteWhere(condition: string, params: SqlValue[]): Promise<number> {
    const { deleted, files, stories } = await this.write((w) => {
      const files = new Set<string>();
      const deleted = w.all(`SELECT id, audio_path FROM generations WHERE ${condition}`, params).map((r) => {
        if (r.audio_path != null) files.add(String(r.audio_path));
        return String(r.id);
      });
      if (deleted.length === 0) return { deleted, files, stories: [] };
      const stories = w
        .all(`SELECT DISTINCT i.story_id FROM story_items i JOIN generations g ON g.id = i.generation_id WHERE g.${condition}`, params)
        .map((r) => String(r.story_id));
      for (const r of w.all(
        `SELECT v.audio_path FROM generation_versions v JOIN generations g ON g.id = v.generation_id WHERE g.${condition}`,
        params,
      )) {
        files.add(String(r.audio_path));
      }
      w.run(`DELETE FROM generations WHERE ${condition}`, params);
      return { deleted, files, stories };
    });
    await this.removeFiles(files);
    this.changed('generation', 'deleted', deleted);
    if (stories.length > 0) this.changed('story', 'updated', stories, deleted);
    return deleted.length;
  }

  private async removeFiles(files: Iterable<string>): Promise<void> {
    for (const f of files) {
      try {
        await this.audio.remove(f);
      } catch (e) {
        // The row is gone; the file becomes an orphan that reconcile() removes.
        this.log.warn(`Could not delete audio file ${f}: ${(e as Error).message}`);
      }
    }
  }

  async list(query: ListQueryInput = {}): Promise<ListPage> {
    const q = parse(listQuerySchema, query, 'list query');
    return this.read((r) => listGenerations(r, this.vocabulary, q));
  }

  async stats(): Promise<HistoryStats> {
    return this.read((r) => statsOf(r, Date.now()));
  }

  // ---- audio --------------------------------------------------------------------------
  /**
   * Stores audio for a generation atomically: as its original version if it has none, else as
   * a new version (default when `isDefault`). Marks the generation completed.
   */
  async attachAudio(
    generationId: string,
    audio: AudioInput,
    version?: AddVersionInput,
  ): Promise<{ generation: Generation; version: Version }> {
    const gid = parse(idSchema, generationId, 'generation id');
    const v = version === undefined ? undefined : parse(addVersionSchema, version, 'version');
    const meta = parse(audioMetaSchema, audioFields(audio), 'audio');
    await this.read((r) => {
      if (!r.value('SELECT 1 FROM generations WHERE id = ?', [gid])) {
        throw new HistoryError('NOT_FOUND', `The generation ${gid} does not exist (any more); refresh the list.`);
      }
    });
    const versionId = randomUUID();
    const stored = await storeAudio(this.audio, versionId, audio, meta.format);
    try {
      const result = await this.write((w) => {
        if (!w.value('SELECT 1 FROM generations WHERE id = ?', [gid])) {
          throw new HistoryError('NOT_FOUND', `The generation ${gid} was deleted meanwhile; nothing was stored.`);
        }
        const count = Number(w.value('SELECT count(*) FROM generation_versions WHERE generation_id = ?', [gid]));
        if (
          v?.sourceVersionId &&
          !w.value('SELECT 1 FROM generation_versions WHERE id = ? AND generation_id = ?', [v.sourceVersionId, gid])
        ) {
          throw new HistoryError('INVALID', `The source version ${v.sourceVersionId} is not a version of this generation.`);
        }
        const isDefault = count === 0 || Boolean(v?.isDefault);
        const now = Date.now();
        if (isDefault) w.run('UPDATE generation_versions SET is_default = 0 WHERE generation_id = ? AND is_default = 1', [gid]);
        const label = v?.label ?? nextVersionLabel(w, gid, v?.kind ?? 'take');
        insertVersion(
          w,
          {
            id: versionId,
            generationId: gid,
            label,
            meta,
            effectsChain: v?.effectsChain,
            sourceVersionId: v?.sourceVersionId,
            isDefault,
            seed: v?.seed,
            loudnessLufs: v?.loudnessLufs,
            createdAt: now,
          },
          stored,
        );
        if (isDefault) showVersion(w, versionId, now);
        w.run("UPDATE generations SET status = 'completed', error = NULL, updated_at = ? WHERE id = ? AND status <> 'completed'", [
          now,
          gid,
        ]);
        const vr = w.get('SELECT * FROM generation_versions WHERE id = ?', [versionId]);
        return { generation: this.generationRow(w, gid), version: toVersion(vr as Row) };
      });
      this.changed('version', 'created', [versionId], [gid]);
      this.changed('generation', 'updated', [gid]);
      return result;
    } catch (e) {
      await this.audio.remove(stored.relativePath).catch(() => undefined);
      throw e;
    }
  }

  /**
   * Writes a whole import at once: every audio file is stored first (moved when `move` is set and
   * the file is on this filesystem, else copied), then all rows (profiles, generations, versions,
   * stories, story items) in ONE transaction, so a crash or failure leaves all of it or none of
   * it. If anything fails or `signal` aborts before the commit, the stored files are removed.
   * (A crash between storing files and the commit leaves orphan files, which the integrity check
   * reports and reconcile() removes; never rows without their audio.)
   */
  async importBatch(
    input: ImportBatchInput,
    options: { signal?: AbortSignal; onStored?: (done: number, total: number) => void } = {},
  ): Promise<ImportBatchResult> {
    const b = parse(importBatchSchema, input, 'import');
    checkBatchReferences(b);
    const files = b.generations.flatMap((g) => g.versions.map((v) => ({ ref: versionRef(g.key, v.key), v })));
    const stored = new Map<string, { versionId: string; audio: StoredAudio }>();
    const removeStored = async () => {
      for (const s of stored.values()) await this.audio.remove(s.audio.relativePath).catch(() => undefined);
    };
    let result: ImportBatchResult;
    const claim = files.length > 0 ? await this.claims.claim() : undefined;
    try {
      for (const { ref, v } of files) {
        options.signal?.throwIfAborted();
        const versionId = randomUUID();
        const rel = AudioFolder.relativePathFor(versionId, v.format);
        await claim?.add(rel);
        const audio = v.move ? await this.audio.moveFrom(rel, v.filePath, v.sha256) : await this.audio.copyFrom(rel, v.filePath);
        stored.set(ref, { versionId, audio: { relativePath: audio.relativePath, bytes: audio.bytes, contentHash: audio.contentHash } });
        if (audio.bytes === 0) throw new HistoryError('INVALID', `The audio file ${v.filePath} is empty (0 bytes); nothing was imported.`);
        options.onStored?.(stored.size, files.length);
      }
      options.signal?.throwIfAborted();
      result = await this.write((w) => writeBatch(w, b, stored, Date.now()));
    } catch (e) {
      await removeStored();
      throw e;
    } finally {
      await claim?.release().catch((e) => this.log.warn(`Could not remove the import claim: ${(e as Error).message}`));
    }
    this.changed('profile', 'created', result.createdProfileIds);
    this.changed('generation', 'created', [...result.generationIds.values()]);
    this.changed('story', 'updated', result.storyIds);
    this.changed('preset', 'created', result.createdPresetIds);
    if (result.tagIds.length > 0) this.changed('tag', 'updated', result.tagIds, [...result.generationIds.values()]);
    return result;
  }

  /** Absolute path of a stored audio file (a generation's default audio, a version, or a relative audio path). */
  resolveAudioPath(target: Generation | Version | string): string {
    const rel = typeof target === 'string' ? target : target.audioPath;
    if (!rel) throw new HistoryError('NOT_FOUND', 'This generation has no audio yet.');
    return this.audio.resolve(rel);
  }

  // ---- versions (versions.ts) -------------------------------------------------------
  listVersions(generationId: string): Promise<Version[]> {
    return this.versionRecords.listVersions(generationId);
  }

  async addVersion(generationId: string, input: AddVersionInput, audio: AudioInput): Promise<Version> {
    return (await this.attachAudio(generationId, audio, input)).version;
  }

  getVersion(versionId: string): Promise<Version | undefined> {
    return this.versionRecords.getVersion(versionId);
  }

  renameVersion(versionId: string, label: string): Promise<Version> {
    return this.versionRecords.renameVersion(versionId, label);
  }

  setVersionLoudness(versionId: string, lufs: number | null): Promise<void> {
    return this.versionRecords.setVersionLoudness(versionId, lufs);
  }

  setDefaultVersion(versionId: string): Promise<Version> {
    return this.versionRecords.setDefaultVersion(versionId);
  }

  /** The last version cannot be deleted; deleting the default promotes the newest remaining one. */
  deleteVersion(versionId: string): Promise<void> {
    return this.versionRecords.deleteVersion(versionId);
  }

  // ---- titles, notes, tags (titles.ts, tags.ts) --------------------------------------
  /** The user's own name for a generation, shown instead of its first line; null or blank clears it. */
  setTitle(id: string, title: string | null): Promise<Generation> {
    return this.titleRecords.setTitle(id, title);
  }

  /** Markdown notes of a generation; null or blank clears them. */
  setNotes(id: string, notes: string | null): Promise<Generation> {
    return this.titleRecords.setNotes(id, notes);
  }

  /** Adds the tags to every named generation, in one transaction (new tags are created). */
  addTags(input: TagEditInput): Promise<TagEditResult> {
    return this.tagRecords.addTags(input);
  }

  /** Removes the tags from every named generation, in one transaction; a tag left on none disappears. */
  removeTags(input: TagEditInput): Promise<TagEditResult> {
    return this.tagRecords.removeTags(input);
  }

  /** Tags in use, with how many generations carry each, by name. */
  listTags(): Promise<Tag[]> {
    return this.tagRecords.listTags();
  }

  // ---- effect presets (presets.ts) -------------------------------------------------
  /** The user's presets (the built-in ones are in src/effects/presets.ts). */
  listPresets(): Promise<EffectPreset[]> {
    return this.presetRecords.listPresets();
  }

  getPreset(id: string): Promise<EffectPreset | undefined> {
    return this.presetRecords.getPreset(id);
  }

  createPreset(input: CreatePresetInput): Promise<EffectPreset> {
    return this.presetRecords.createPreset(input);
  }

  updatePreset(id: string, patch: UpdatePresetInput): Promise<EffectPreset> {
    return this.presetRecords.updatePreset(id, patch);
  }

  deletePreset(id: string): Promise<void> {
    return this.presetRecords.deletePreset(id);
  }

  // ---- profiles (profiles.ts) -------------------------------------------------------
  listProfiles(): Promise<Profile[]> {
    return this.profileRecords.listProfiles();
  }

  getProfile(id: string): Promise<Profile | undefined> {
    return this.profileRecords.getProfile(id);
  }

  createProfile(input: CreateProfileInput): Promise<Profile> {
    return this.profileRecords.createProfile(input);
  }

  updateProfile(id: string, patch: UpdateProfileInput): Promise<Profile> {
    return this.profileRecords.updateProfile(id, patch);
  }

  renameProfile(id: string, name: string): Promise<Profile> {
    return this.profileRecords.renameProfile(id, name);
  }

  /** Deletes the profile and everything of it: generations, versions, story items, audio files. */
  deleteProfile(id: string): Promise<{ deletedGenerations: number }> {
    return this.profileRecords.deleteProfile(id);
  }

  /** Matches by (engine, voiceId) when a voiceId is given, else by name; creates when nothing matches. */
  findOrCreateProfile(input: FindOrCreateProfileInput): Promise<Profile> {
    return this.profileRecords.findOrCreateProfile(input);
  }

  // ---- script cues -------------------------------------------------------------------
  /** Generations recorded for cues of the document (Generate Script), in line order, newest first on a line. */
  listScriptCues(documentUri: string): Promise<ScriptCueRecord[]> {
    return this.scriptCues.listForDocument(documentUri);
  }

  /** Records where voiced cues are now, after their lines moved. */
  moveScriptCues(moves: ScriptCueMove[]): Promise<number> {
    return this.scriptCues.move(moves);
  }

  // ---- stories (stories.ts) ---------------------------------------------------------
  listStories(): Promise<Story[]> {
    return this.storyRecords.listStories();
  }

  getStory(id: string): Promise<StoryWithItems | undefined> {
    return this.storyRecords.getStory(id);
  }

  createStory(input: CreateStoryInput): Promise<Story> {
    return this.storyRecords.createStory(input);
  }

  updateStory(id: string, patch: UpdateStoryInput): Promise<Story> {
    return this.storyRecords.updateStory(id, patch);
  }

  /** A copy named `name`: the same items (generations referenced, not copied), pins and track settings. */
  duplicateStory(id: string, name: string): Promise<Story> {
    return this.storyRecords.duplicateStory(id, name);
  }

  /** Every story with its item count and total length (where its last clip ends), most recently changed first. */
  listStorySummaries(): Promise<StorySummary[]> {
    return this.read(readStorySummaries);
  }

  /** The story with each item's generation, playing version and heard length, in time order. */
  async getStoryOutline(id: string): Promise<StoryOutline | undefined> {
    const sid = parse(idSchema, id, 'story id');
    return this.read((r) => readStoryOutline(r, sid));
  }

  /** Stories that place any of these generations (deleting them removes those items), by name. */
  async storiesUsing(generationIds: string[]): Promise<Array<Story & { itemCount: number }>> {
    if (generationIds.length === 0) return [];
    const ids = parse(idsSchema, generationIds, 'generation ids');
    return this.read((r) => readStoriesUsing(r, ids));
  }

  async deleteStory(id: string): Promise<void> {
    await this.storyRecords.deleteStory(id);
    this.storyEditor.forget(id);
  }

  /** One timeline operation (add, move, trim, split, …; see story-ops.ts), durable and undoable. */
  editStory(storyId: string, op: StoryOpInput): Promise<StoryEditResult> {
    return this.storyEditor.edit(storyId, op);
  }

  /** Undoes the story's last operation in this window; undefined when there is none. */
  undoStory(storyId: string): Promise<StoryEditResult | undefined> {
    return this.storyEditor.undo(storyId);
  }

  redoStory(storyId: string): Promise<StoryEditResult | undefined> {
    return this.storyEditor.redo(storyId);
  }

  storyUndoState(storyId: string): { canUndo: boolean; canRedo: boolean } {
    return { canUndo: this.storyEditor.canUndo(storyId), canRedo: this.storyEditor.canRedo(storyId) };
  }

  addStoryItem(storyId: string, input: AddStoryItemInput): Promise<StoryItem> {
    return this.storyRecords.addStoryItem(storyId, input);
  }

  updateStoryItem(itemId: string, patch: UpdateStoryItemInput): Promise<StoryItem> {
    return this.storyRecords.updateStoryItem(itemId, patch);
  }

  removeStoryItem(itemId: string): Promise<void> {
    return this.storyRecords.removeStoryItem(itemId);
  }

  // ---- maintenance --------------------------------------------------------------------
  /**
   * Rows with missing audio and orphan files; with `database: true` also SQLite's quick_check +
   * foreign_key_check, which read the whole database in one step (about a second at 100,000
   * generations: run it under a progress notification).
   */
  async checkIntegrity(options: { database?: boolean } = {}): Promise<IntegrityReport> {
    const report = await checkIntegrity(this.store, this.audio, { database: options.database ?? false }, this.claims);
    if (report.databaseProblems.length) this.log.error(`History database problems: ${report.databaseProblems.join('; ')}`);
    if (report.missingAudio.length || report.orphanFiles.length) {
      this.log.warn(
        `History storage: ${report.missingAudio.length} item(s) with missing audio, ${report.orphanFiles.length} audio file(s) no item owns. Run "Reconcile Storage" to fix.`,
      );
    }
    return report;
  }

  /**
   * The report of the check that runs after open (started now if it has not run yet): audio
   * files against rows always; SQLite's own check only for databases up to 16 MB.
   */
  lastIntegrityReport(): Promise<IntegrityReport> {
    if (this.integrityTimer) {
      clearTimeout(this.integrityTimer);
      this.integrityTimer = undefined;
    }
    this.integrityRun ??= this.checkIntegrity({ database: this.store.snapshotBytes() <= QUICK_CHECK_ON_OPEN_MAX_BYTES });
    return this.integrityRun;
  }

  async reconcile(options?: ReconcileOptionsInput): Promise<ReconcileResult> {
    const o = parse(reconcileOptionsSchema, options ?? {}, 'reconcile options');
    const result = await reconcileStorage(this.store, this.audio, o, this.log, this.claims);
    this.integrityRun = undefined;
    this.emitter.fire({ kind: 'reload', reason: 'reconcile' });
    return result;
  }

  /** Writes a fresh snapshot and empties the journal (also runs by itself in the background). */
  async compact(): Promise<void> {
    await this.store.compact();
  }

  /** Takes in changes other windows made (also happens before every read and write, and on a timer). */
  async refresh(): Promise<void> {
    await this.store.refresh(false);
  }

  async close(): Promise<void> {
    if (this.integrityTimer) clearTimeout(this.integrityTimer);
    this.integrityTimer = undefined;
    await this.integrityRun?.catch(() => undefined);
    this.stopExternal();
    this.emitter.clear();
    await this.presence?.dispose();
    await this.store.close();
  }
}

export async function openHistory(options: OpenHistoryOptions): Promise<HistoryService> {
  return HistoryService.open(options);
}
