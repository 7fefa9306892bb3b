// Database rows to domain objects.
import type { Row } from '../store/database';
import type { SqlValue } from '../store/sqlite';
import type {
  EffectPreset,
  Generation,
  GenerationSource,
  GenerationStatus,
  JsonObject,
  Profile,
  Story,
  StoryItem,
  StoryTrack,
  Version,
} from './types';

/** Columns every generation query selects (g = generations, p = profiles). */
export const GENERATION_COLUMNS = `g.id, g.profile_id, p.name AS profile_name, g.text, g.language, g.audio_path, g.duration,
  g.sample_rate, g.channels, g.audio_bytes, g.content_hash, g.seed, g.instruct, g.engine, g.model, g.settings, g.status,
  g.error, g.is_favorited, g.source, g.external_id, g.created_at, g.updated_at, g.title, g.notes,
  (SELECT json_group_array(name) FROM (SELECT t.name FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id
    WHERE gt.generation_id = g.id ORDER BY t.name_key)) AS tags_json`;

const str = (v: SqlValue | undefined): string => (v == null ? '' : String(v));
const strOrNull = (v: SqlValue | undefined): string | null => (v == null ? null : String(v));
const numOrNull = (v: SqlValue | undefined): number | null => (v == null ? null : Number(v));

function parseJson<T>(v: SqlValue | undefined): T | null {
  if (v == null) return null;
  try {
    return JSON.parse(String(v)) as T;
  } catch {
    return null;
  }
}

export function toGeneration(r: Row): Generation {
  return {
    id: str(r.id),
    profileId: str(r.profile_id),
    profileName: str(r.profile_name),
    text: str(r.text),
    title: strOrNull(r.title),
    notes: strOrNull(r.notes),
    tags: parseJson<string[]>(r.tags_json) ?? [],
    language: str(r.language),
    audioPath: strOrNull(r.audio_path),
    duration: numOrNull(r.duration),
    sampleRate: numOrNull(r.sample_rate),
    channels: numOrNull(r.channels),
    audioBytes: numOrNull(r.audio_bytes),
    contentHash: strOrNull(r.content_hash),
    seed: numOrNull(r.seed),
    instruct: strOrNull(r.instruct),
    engine: strOrNull(r.engine),
    model: strOrNull(r.model),
    settings: parseJson<JsonObject>(r.settings),
    status: str(r.status) as GenerationStatus,
    error: strOrNull(r.error),
    isFavorited: Number(r.is_favorited) === 1,
    source: str(r.source) as GenerationSource,
    externalId: strOrNull(r.external_id),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function toProfile(r: Row): Profile {
  return {
    id: str(r.id),
    name: str(r.name),
    description: strOrNull(r.description),
    language: str(r.language),
    engine: strOrNull(r.engine),
    voiceId: strOrNull(r.voice_id),
    effectsChain: parseJson<unknown[]>(r.effects_chain),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function toVersion(r: Row): Version {
  return {
    id: str(r.id),
    generationId: str(r.generation_id),
    label: str(r.label),
    audioPath: str(r.audio_path),
    effectsChain: parseJson<unknown[]>(r.effects_chain),
    sourceVersionId: strOrNull(r.source_version_id),
    isDefault: Number(r.is_default) === 1,
    duration: numOrNull(r.duration),
    sampleRate: numOrNull(r.sample_rate),
    channels: numOrNull(r.channels),
    audioBytes: Number(r.audio_bytes),
    contentHash: str(r.content_hash),
    seed: numOrNull(r.seed),
    loudnessLufs: numOrNull(r.loudness_lufs),
    createdAt: Number(r.created_at),
  };
}

export function toPreset(r: Row): EffectPreset {
  return {
    id: str(r.id),
    name: str(r.name),
    description: strOrNull(r.description),
    effectsChain: parseJson<unknown[]>(r.effects_chain) ?? [],
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function toStory(r: Row): Story {
  return {
    id: str(r.id),
    name: str(r.name),
    description: strOrNull(r.description),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function toStoryItem(r: Row): StoryItem {
  return {
    id: str(r.id),
    storyId: str(r.story_id),
    generationId: str(r.generation_id),
    versionId: strOrNull(r.version_id),
    startMs: Number(r.start_ms),
    track: Number(r.track),
    trimStartMs: Number(r.trim_start_ms),
    trimEndMs: Number(r.trim_end_ms),
    volume: Number(r.volume),
    fadeInMs: Number(r.fade_in_ms ?? 0),
    fadeOutMs: Number(r.fade_out_ms ?? 0),
  };
}

export function toStoryTrack(r: Row): StoryTrack {
  return { track: Number(r.track), name: strOrNull(r.name), mute: Number(r.mute) === 1, solo: Number(r.solo) === 1, gain: Number(r.gain) };
}
