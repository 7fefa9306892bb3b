// Export: generations to our ZIP format (one or many, streamed), one generation to Voicebox's
// layout, and the default audio of one generation as a plain file. Every output is written to a
// temp file beside the target and renamed into place, so cancelling leaves nothing behind.
import { copyFile, rm, rename, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { PlayableFormat } from '../audio/format';
import { describeFirstIssue } from '../format/issues';
import type { ListQueryInput } from '../history/schemas';
import type { Generation, Profile, Version } from '../history/types';
import { HistoryError } from '../store/errors';
import { ArchiveError } from './errors';
import type { ArchiveHistory } from './history-port';
import {
  AUDIO_FOLDER,
  AUDIO_FORMATS,
  FORMAT_NAME,
  FORMAT_VERSION,
  WHOLE_MANIFEST,
  MANIFEST_NAME,
  manifestSchema,
  toIso,
  type ManifestGeneration,
  type ManifestInput,
  type ManifestPreset,
  type ManifestProfile,
  type ManifestVersion,
} from './manifest';
import { loadNamedStories, manifestStories, type StorySelection } from './export-stories';
import { audioFileName, bulkArchiveName, generationArchiveName, shortId, slugify, UniqueNames, voiceboxArchiveName } from './names';
import { buildVoiceboxManifest, type VoiceboxExportVersion } from './voicebox';
import { tempPathBeside, writeZipAtomically, type ZipSource } from './zip-writer';

export interface ExportProgress {
  /** Bytes of the archive written so far. */
  written: number;
  /** Bytes of audio to write (the archive is slightly larger). */
  total: number;
}

export interface ExportOptions {
  /** Version of the exporting extension (written to the manifest). */
  extensionVersion: string;
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  /** Time written as `exportedAt` (default now). */
  now?: Date;
  /** Which stories go in (default `complete`: those whose items are all exported); named stories bring their generations. */
  stories?: StorySelection;
}

export interface SkippedAudio {
  generationId: string;
  versionId: string;
  reason: 'missing' | 'unsupported-format';
}

export interface ExportResult {
  path: string;
  generations: number;
  versions: number;
  /** Size of the written file. */
  bytes: number;
  /** Versions left out because their audio file is missing or in a format the archive cannot carry. */
  skippedAudio: SkippedAudio[];
  /** Audio whose bytes no longer match the hash the history recorded (exported as they are now). */
  changedAudio: number;
}

const ID_CHUNK = 1000;

async function loadGenerations(history: ArchiveHistory, ids: readonly string[]): Promise<Generation[]> {
  const unique = [...new Set(ids)];
  const found: Generation[] = [];
  for (let i = 0; i < unique.length; i += ID_CHUNK) found.push(...(await history.getMany(unique.slice(i, i + ID_CHUNK))));
  if (found.length < unique.length) {
    const have = new Set(found.map((g) => g.id));
    const missing = unique.filter((id) => !have.has(id));
    throw new HistoryError(
      'NOT_FOUND',
      `${missing.length} of the generations to export no longer exist (e.g. ${missing[0]}). Refresh the history and export again.`,
    );
  }
  // Oldest first, ties by id: the same selection always gives the same archive layout.
  return found.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Ids of every generation matching `query` (Export Filtered), oldest first. */
export async function collectIds(history: ArchiveHistory, query: ListQueryInput = {}, signal?: AbortSignal): Promise<string[]> {
  const ids: string[] = [];
  let startAfterId: string | undefined;
  for (;;) {
    signal?.throwIfAborted();
    const page = await history.list({ ...query, sort: 'oldest', pageSize: 1000, offset: null, startAfterId });
    ids.push(...page.items.map((g) => g.id));
    if (!page.hasMore || page.lastId === null) return ids;
    startAfterId = page.lastId;
  }
}

function formatOf(path: string): PlayableFormat | null {
  const ext = extname(path).slice(1).toLowerCase();
  return (AUDIO_FORMATS as readonly string[]).includes(ext) ? (ext as PlayableFormat) : null;
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

/** Suggested file name: `<text>-<id>.voicehistory.zip` for one, a dated bulk name for several. */
export function suggestArchiveName(generations: ReadonlyArray<Pick<Generation, 'id' | 'text'>>, now: Date = new Date()): string {
  const only = generations.length === 1 ? generations[0] : undefined;
  return only ? generationArchiveName(only.text, only.id) : bulkArchiveName(generations.length, now);
}

/** Suggested file name of a generation's exported audio: `<text>-<id>.<ext>`. */
export function suggestAudioName(generation: Pick<Generation, 'id' | 'text' | 'audioPath'>): string {
  return audioFileName(
    generation.text,
    generation.id,
    generation.audioPath ? extname(generation.audioPath).slice(1).toLowerCase() || 'wav' : 'wav',
  );
}

export function suggestVoiceboxName(generation: Pick<Generation, 'text'>): string {
  return voiceboxArchiveName(generation.text);
}

function manifestProfile(p: Profile): ManifestProfile {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    language: p.language,
    engine: p.engine,
    voiceId: p.voiceId,
    effectsChain: (p.effectsChain as ManifestProfile['effectsChain']) ?? null,
  };
}

async function loadProfiles(history: ArchiveHistory, generations: Generation[]): Promise<ManifestProfile[]> {
  const out: ManifestProfile[] = [];
  for (const id of [...new Set(generations.map((g) => g.profileId))]) {
    const p = await history.getProfile(id);
    const sample = generations.find((g) => g.profileId === id)!;
    out.push(
      p
        ? manifestProfile(p)
        : {
            id,
            name: sample.profileName || 'Unknown voice',
            description: null,
            language: sample.language,
            engine: sample.engine,
            voiceId: null,
            effectsChain: null,
          },
    );
  }
  return out;
}

/** Checks our own manifest before it is written, so an export never produces an archive import would refuse. */
function checkedManifest(manifest: ManifestInput): Buffer {
  const result = manifestSchema.safeParse(manifest);
  if (!result.success) {
    const problem = describeFirstIssue(result.error.issues, { whole: WHOLE_MANIFEST });
    throw new ArchiveError('not-exportable', `Cannot export: ${problem}. Fix that generation (or leave it out) and export again.`);
  }
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

/**
 * Exports generations (by id, any order) to `target` as a Voice History archive: manifest.json
 * plus every version's audio under audio/, stored. Streams one file at a time; `signal` cancels
 * and removes the partial file. Versions whose audio is missing are left out and reported.
 */
export async function exportArchive(
  history: ArchiveHistory,
  ids: readonly string[],
  target: string,
  options: ExportOptions,
): Promise<ExportResult> {
  const { signal } = options;
  const selection = options.stories ?? 'complete';
  const storyGenerations =
    typeof selection === 'object'
      ? (await loadNamedStories(history, selection.ids)).flatMap((s) => s.items.map((i) => i.generationId))
      : [];
  if (ids.length + storyGenerations.length === 0) {
    throw new ArchiveError('not-exportable', 'Nothing to export: select at least one generation (or a story with clips).');
  }
  const generations = await loadGenerations(history, [...ids, ...storyGenerations]);
  const names = new UniqueNames();
  const sources: ZipSource[] = [];
  const skippedAudio: SkippedAudio[] = [];
  const manifestGenerations: ManifestGeneration[] = [];
  const exportedVersionIds = new Set<string>();
  let changedAudio = 0;
  let versionCount = 0;

  for (const g of generations) {
    signal?.throwIfAborted();
    const slug = slugify(g.text);
    const kept: Array<{ v: Version; m: ManifestVersion }> = [];
    for (const v of await history.listVersions(g.id)) {
      const path = history.resolveAudioPath(v);
      const format = formatOf(v.audioPath);
      const size = format ? await sizeOf(path) : null;
      if (format === null || size === null || size === 0) {
        skippedAudio.push({ generationId: g.id, versionId: v.id, reason: format === null ? 'unsupported-format' : 'missing' });
        continue;
      }
      const isOriginal = v.sourceVersionId === null && kept.length === 0;
      const entry = names.take(
        (n) =>
          `${AUDIO_FOLDER}${slug}-${shortId(g.id, n)}${isOriginal && v.isDefault ? '' : `--${slugify(v.label, 24, 'version')}-${shortId(v.id, n)}`}.${format}`,
      );
      const m: ManifestVersion = {
        id: v.id,
        label: v.label,
        isDefault: v.isDefault,
        effectsChain: v.effectsChain as ManifestVersion['effectsChain'],
        sourceVersionId: v.sourceVersionId,
        createdAt: toIso(v.createdAt),
        audio: entry,
        format,
        bytes: size,
        sha256: v.contentHash,
        duration: v.duration,
        sampleRate: v.sampleRate,
        channels: v.channels,
        seed: v.seed,
        loudnessLufs: v.loudnessLufs,
      };
      sources.push({
        name: entry,
        filePath: path,
        size,
        mtime: new Date(v.createdAt),
        onHash: (sha) => {
          if (sha !== m.sha256) changedAudio += 1;
          m.sha256 = sha;
        },
      });
      kept.push({ v, m });
    }
    const versions = kept.map((k) => k.m);
    const keptIds = new Set(versions.map((v) => v.id));
    for (const v of versions) if (v.sourceVersionId !== null && !keptIds.has(v.sourceVersionId)) v.sourceVersionId = null;
    if (versions.length > 0 && !versions.some((v) => v.isDefault)) versions[0]!.isDefault = true;
    versions.forEach((v) => exportedVersionIds.add(v.id));
    versionCount += versions.length;
    const def = versions.find((v) => v.isDefault);
    manifestGenerations.push({
      id: g.id,
      profileId: g.profileId,
      text: g.text,
      title: g.title,
      notes: g.notes,
      tags: g.tags,
      language: g.language,
      engine: g.engine,
      model: g.model,
      status: g.status,
      error: g.error,
      favorite: g.isFavorited,
      source: g.source,
      externalId: g.externalId,
      settings: g.settings as ManifestGeneration['settings'],
      seed: g.seed,
      instruct: g.instruct,
      createdAt: toIso(g.createdAt),
      updatedAt: toIso(g.updatedAt),
      duration: def?.duration ?? g.duration,
      sampleRate: def?.sampleRate ?? g.sampleRate,
      channels: def?.channels ?? g.channels,
      contentHash: def?.sha256 ?? null,
      versions,
    });
  }

  const profiles = await loadProfiles(history, generations);
  const stories = await manifestStories(history, selection, new Set(generations.map((g) => g.id)), exportedVersionIds);
  const presets: ManifestPreset[] = (await history.listPresets()).map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description,
    effectsChain: p.effectsChain as ManifestPreset['effectsChain'],
    createdAt: toIso(p.createdAt),
    updatedAt: toIso(p.updatedAt),
  }));
  const now = options.now ?? new Date();
  // Written last: by then every audio entry has been hashed as it went into the archive.
  sources.push({
    name: MANIFEST_NAME,
    mtime: now,
    data: () => {
      for (const g of manifestGenerations) g.contentHash = g.versions.find((v) => v.isDefault)?.sha256 ?? null;
      return checkedManifest({
        format: FORMAT_NAME,
        formatVersion: FORMAT_VERSION,
        exportedAt: now.toISOString(),
        exportedBy: { name: 'voice-history', version: options.extensionVersion },
        profiles,
        generations: manifestGenerations,
        stories,
        presets,
      });
    },
  });
  const { bytes } = await writeZipAtomically(target, sources, {
    signal,
    onProgress: (written, total) => options.onProgress?.({ written, total }),
  });
  return { path: target, generations: generations.length, versions: versionCount, bytes, skippedAudio, changedAudio };
}

/**
 * Exports one generation in Voicebox's `.voicebox.zip` layout (WAV versions only: Voicebox
 * imports WAV). The default version's audio comes first, because Voicebox imports the first WAV.
 */
export async function exportVoicebox(
  history: ArchiveHistory,
  id: string,
  target: string,
  options: Omit<ExportOptions, 'extensionVersion'> = {},
): Promise<ExportResult> {
  const [g] = await loadGenerations(history, [id]);
  const profile = (await history.getProfile(g!.profileId)) ?? null;
  const all = await history.listVersions(g!.id);
  const ordered = [...all.filter((v) => v.isDefault), ...all.filter((v) => !v.isDefault)];
  const names = new UniqueNames();
  const slug = slugify(g!.text, 40);
  const sources: ZipSource[] = [];
  const versions: VoiceboxExportVersion[] = [];
  const skippedAudio: SkippedAudio[] = [];
  for (const v of ordered) {
    const path = history.resolveAudioPath(v);
    const size = formatOf(v.audioPath) === 'wav' ? await sizeOf(path) : null;
    if (size === null || size === 0) {
      if (v.isDefault) {
        throw new ArchiveError(
          'not-exportable',
          formatOf(v.audioPath) === 'wav'
            ? `The audio of "${slug}" is missing, so there is nothing to export. Run "Voice History: Reconcile Storage".`
            : `Voicebox imports WAV only and this generation's audio is ${extname(v.audioPath).slice(1).toUpperCase() || 'not WAV'}. Export it in the Voice History format instead.`,
        );
      }
      skippedAudio.push({
        generationId: g!.id,
        versionId: v.id,
        reason: formatOf(v.audioPath) === 'wav' ? 'missing' : 'unsupported-format',
      });
      continue;
    }
    const filename = names.take((n) => `${slug}-${shortId(v.id, n)}.wav`);
    sources.push({ name: `${AUDIO_FOLDER}${filename}`, filePath: path, size, mtime: new Date(v.createdAt) });
    versions.push({ id: v.id, label: v.label, is_default: v.isDefault, effects_chain: v.effectsChain, filename });
  }
  if (versions.length === 0) {
    throw new ArchiveError(
      'not-exportable',
      `"${slug}" has no audio to export${g!.status === 'failed' ? ' (the generation failed)' : ''}.`,
    );
  }
  const manifest = buildVoiceboxManifest({
    generation: {
      id: g!.id,
      text: g!.text,
      language: g!.language,
      duration: g!.duration,
      seed: g!.seed,
      instruct: g!.instruct,
      createdAt: g!.createdAt,
    },
    profile: profile
      ? {
          id: profile.id,
          name: profile.name,
          description: profile.description,
          language: profile.language,
          effects_chain: profile.effectsChain ?? null,
        }
      : { id: g!.profileId, name: g!.profileName, description: null, language: g!.language, effects_chain: null },
    versions,
  });
  sources.unshift({ name: MANIFEST_NAME, data: Buffer.from(JSON.stringify(manifest, null, 2), 'utf8'), mtime: options.now ?? new Date() });
  const { bytes } = await writeZipAtomically(target, sources, {
    signal: options.signal,
    onProgress: (written, total) => options.onProgress?.({ written, total }),
  });
  return { path: target, generations: 1, versions: versions.length, bytes, skippedAudio, changedAudio: 0 };
}

/** Copies the default version's audio of one generation to `target` (original format). */
export async function exportAudio(
  history: ArchiveHistory,
  id: string,
  target: string,
  options: { signal?: AbortSignal } = {},
): Promise<{ path: string; bytes: number }> {
  const [g] = await loadGenerations(history, [id]);
  if (!g!.audioPath) {
    throw new ArchiveError(
      'not-exportable',
      `This generation has no audio${g!.status === 'failed' ? ' (it failed)' : g!.status !== 'completed' ? ' yet' : ''}.`,
    );
  }
  const source = history.resolveAudioPath(g!);
  if ((await sizeOf(source)) === null) {
    throw new ArchiveError(
      'not-exportable',
      'The audio file of this generation is missing. Run "Voice History: Reconcile Storage" to clean up.',
    );
  }
  options.signal?.throwIfAborted();
  const temp = tempPathBeside(target);
  try {
    await copyFile(source, temp);
    options.signal?.throwIfAborted();
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  return { path: target, bytes: (await sizeOf(target)) ?? 0 };
}
