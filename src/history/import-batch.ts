// The rows of an importBatch(): written by the service inside ONE store transaction (one journal
// frame), so a crash or a failed statement leaves all of the batch or none of it.
import { randomUUID } from 'node:crypto';
import type { StoredAudio } from '../store/audio';
import type { Writer } from '../store/database';
import { HistoryError } from '../store/errors';
import type { ImportBatch } from './schemas';
import { showVersion } from './version-sql';
import { nameKey } from './service-support';
import { BatchTags } from './import-tags';
import { writeStories } from './import-stories';

export interface ImportBatchResult {
  /** New generation ids by batch key, in batch order. */
  generationIds: Map<string, string>;
  /** New version ids by `<generation key>/<version key>`. */
  versionIds: Map<string, string>;
  /** Profile ids by batch key (matched or created). */
  profileIds: Map<string, string>;
  createdProfileIds: string[];
  /** Story ids in batch order (matched or created); stories without items are left out. */
  storyIds: string[];
  createdStoryIds: string[];
  /** User presets the import added (presets whose name exists already are kept as they are). */
  createdPresetIds: string[];
  /** Tags the imported generations carry (found by case-folded name, or created). */
  tagIds: string[];
}

export const versionRef = (generationKey: string, versionKey: string) => `${generationKey}/${versionKey}`;

function invalid(message: string): HistoryError {
  return new HistoryError('INVALID', `Invalid import batch: ${message}`);
}

/** Checks every key reference before any file is stored. */
export function checkBatchReferences(b: ImportBatch): void {
  const profiles = new Set<string>();
  for (const p of b.profiles) {
    if (profiles.has(p.key)) throw invalid(`profile key "${p.key}" is used twice.`);
    profiles.add(p.key);
  }
  const generations = new Map<string, Set<string>>();
  for (const g of b.generations) {
    if (generations.has(g.key)) throw invalid(`generation key "${g.key}" is used twice.`);
    if (!profiles.has(g.profileKey)) throw invalid(`generation "${g.key}" names profile "${g.profileKey}", which is not in the batch.`);
    const versions = new Set<string>();
    for (const v of g.versions) {
      if (versions.has(v.key)) throw invalid(`version key "${v.key}" is used twice in generation "${g.key}".`);
      versions.add(v.key);
    }
    for (const v of g.versions) {
      if (v.sourceKey != null && !versions.has(v.sourceKey))
        throw invalid(`version "${v.key}" names source "${v.sourceKey}", which is not a version of generation "${g.key}".`);
    }
    if (g.versions.length === 0 && g.status === 'completed') {
      throw invalid(`generation "${g.key}" is completed but has no audio; give it a version or another status.`);
    }
    generations.set(g.key, versions);
  }
  for (const s of b.stories) {
    for (const i of s.items) {
      if (i.generationKey === undefined) continue; // a generation in the history: checked as it is written
      const versions = generations.get(i.generationKey);
      if (!versions) throw invalid(`story "${s.name}" places generation "${i.generationKey}", which is not in the batch.`);
      if (i.versionKey != null && !versions.has(i.versionKey))
        throw invalid(`story "${s.name}" places version "${i.versionKey}", which is not a version of generation "${i.generationKey}".`);
    }
  }
}

/** Sources before the versions made from them, so source_version_id always refers back. */
function sourcesFirst<V extends { key: string; sourceKey?: string | null }>(versions: V[]): V[] {
  const byKey = new Map(versions.map((v) => [v.key, v]));
  const placed = new Set<string>();
  const out: V[] = [];
  const place = (v: V, depth: number) => {
    if (placed.has(v.key) || depth > versions.length) return;
    const source = v.sourceKey != null ? byKey.get(v.sourceKey) : undefined;
    if (source) place(source, depth + 1);
    placed.add(v.key);
    out.push(v);
  };
  versions.forEach((v) => place(v, 0));
  return out;
}

/**
 * Inserts the batch. `stored` holds the stored audio and the new version id per version ref;
 * profiles and stories are matched against what exists inside this same transaction.
 */
export function writeBatch(
  w: Writer,
  b: ImportBatch,
  stored: Map<string, { versionId: string; audio: StoredAudio }>,
  now: number,
): ImportBatchResult {
  const result: ImportBatchResult = {
    generationIds: new Map(),
    versionIds: new Map(),
    profileIds: new Map(),
    createdProfileIds: [],
    storyIds: [],
    createdStoryIds: [],
    createdPresetIds: [],
    tagIds: [],
  };
  const tags = new BatchTags(w, now);
  for (const p of b.profiles) {
    const found =
      w.value('SELECT id FROM profiles WHERE name = ? ORDER BY created_at, id LIMIT 1', [p.name]) ??
      w.value('SELECT id FROM profiles WHERE name_key = ?', [nameKey(p.name)]);
    if (found != null) {
      result.profileIds.set(p.key, String(found));
      continue;
    }
    const id = randomUUID();
    w.run(
      `INSERT INTO profiles (id, name, name_key, description, language, engine, voice_id, effects_chain, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        p.name,
        nameKey(p.name),
        p.description ?? null,
        p.language,
        p.engine ?? null,
        p.voiceId ?? null,
        p.effectsChain ? JSON.stringify(p.effectsChain) : null,
        now,
        now,
      ],
    );
    result.profileIds.set(p.key, id);
    result.createdProfileIds.push(id);
  }

  for (const p of b.presets) {
    if (w.value('SELECT 1 FROM effect_presets WHERE name_key = ?', [nameKey(p.name)])) continue;
    const id = randomUUID();
    w.run(
      'INSERT INTO effect_presets (id, name, name_key, description, effects_chain, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [id, p.name, nameKey(p.name), p.description ?? null, JSON.stringify(p.effectsChain), now, now],
    );
    result.createdPresetIds.push(id);
  }

  for (const g of b.generations) {
    const id = randomUUID();
    const createdAt = g.createdAt ?? now;
    w.run(
      `INSERT INTO generations (id, profile_id, text, title, notes, language, seed, instruct, engine, model, settings, status, error,
         is_favorited, source, external_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        result.profileIds.get(g.profileKey)!,
        g.text,
        g.title ?? null,
        g.notes ?? null,
        g.language,
        g.seed ?? null,
        g.instruct ?? null,
        g.engine ?? null,
        g.model ?? null,
        g.settings == null ? null : JSON.stringify(g.settings),
        g.status,
        g.error ?? null,
        g.isFavorited ? 1 : 0,
        g.source,
        g.externalId ?? null,
        createdAt,
        now,
      ],
    );
    result.generationIds.set(g.key, id);
    const defaultKey = (g.versions.find((v) => v.isDefault) ?? g.versions[0])?.key;
    for (const v of sourcesFirst(g.versions)) {
      const ref = versionRef(g.key, v.key);
      const s = stored.get(ref)!;
      w.run(
        `INSERT INTO generation_versions (id, generation_id, label, audio_path, effects_chain, source_version_id, is_default,
           duration, sample_rate, channels, audio_bytes, content_hash, seed, loudness_lufs, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          s.versionId,
          id,
          v.label,
          s.audio.relativePath,
          v.effectsChain ? JSON.stringify(v.effectsChain) : null,
          v.sourceKey != null ? result.versionIds.get(versionRef(g.key, v.sourceKey))! : null,
          v.key === defaultKey ? 1 : 0,
          v.duration ?? null,
          v.sampleRate ?? null,
          v.channels ?? null,
          s.audio.bytes,
          s.audio.contentHash,
          v.seed ?? null,
          v.loudnessLufs ?? null,
          v.createdAt ?? createdAt,
        ],
      );
      result.versionIds.set(ref, s.versionId);
    }
    if (defaultKey !== undefined) showVersion(w, result.versionIds.get(versionRef(g.key, defaultKey))!, now);
    for (const name of g.tags) tags.tag(id, name);
  }
  result.tagIds = tags.used();

  for (const story of writeStories(w, b.stories, result, now)) {
    result.storyIds.push(story.id);
    if (story.created) result.createdStoryIds.push(story.id);
  }
  return result;
}
