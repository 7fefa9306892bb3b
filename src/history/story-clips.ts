// A story as the Stories view, the export and other extensions read it: every item with the
// generation it places and the version that plays (the pinned one, else the default), the length
// heard after the trims, in time order; and, for the list of stories, counts and total lengths.
import type { Reader, Row } from '../store/database';
import { chunks, placeholders } from './service-support';
import { GENERATION_COLUMNS, toGeneration, toStory, toVersion } from './rows';
import { readStory } from './story-edits';
import type { Generation, Story, StoryItem, StoryWithItems, Version } from './types';

export interface StoryClip {
  item: StoryItem;
  /** Undefined when the generation is gone (deleted in another window after the items were read). */
  generation: Generation | undefined;
  /** What plays: the pinned version, else the generation's default; undefined when there is no audio. */
  version: Version | undefined;
  /** The version's length less the trims, in ms (0 when the length is not known). */
  lengthMs: number;
  /** `startMs + lengthMs`. */
  endMs: number;
}

export interface StoryOutline extends StoryWithItems {
  /** Every item, by start time (then track). */
  clips: StoryClip[];
  /** Where the last clip ends, in ms. */
  durationMs: number;
}

export interface StorySummary extends Story {
  itemCount: number;
  durationMs: number;
}

/** What a clip plays, in ms before trims: the version's duration, else the generation's. */
function sourceMs(version: Version | undefined, generation: Generation | undefined): number {
  const seconds = version?.duration ?? generation?.duration ?? null;
  return seconds == null ? 0 : Math.round(seconds * 1000);
}

export function heardMs(item: Pick<StoryItem, 'trimStartMs' | 'trimEndMs'>, sourceLengthMs: number): number {
  return Math.max(0, sourceLengthMs - item.trimStartMs - item.trimEndMs);
}

export function byTime(a: StoryItem, b: StoryItem): number {
  return a.startMs - b.startMs || a.track - b.track;
}

export function readStoryOutline(r: Reader, storyId: string): StoryOutline | undefined {
  const story = readStory(r, storyId);
  if (!story) return undefined;
  const generationIds = [...new Set(story.items.map((i) => i.generationId))];
  const generations = new Map<string, Generation>();
  const defaults = new Map<string, Version>();
  for (const part of chunks(generationIds)) {
    const ph = placeholders(part.length);
    for (const row of r.all(
      `SELECT ${GENERATION_COLUMNS} FROM generations g JOIN profiles p ON p.id = g.profile_id WHERE g.id IN (${ph})`,
      part,
    )) {
      const g = toGeneration(row);
      generations.set(g.id, g);
    }
    for (const row of r.all(`SELECT * FROM generation_versions WHERE generation_id IN (${ph}) AND is_default = 1`, part)) {
      const v = toVersion(row);
      defaults.set(v.generationId, v);
    }
  }
  const pinned = new Map<string, Version>();
  const pins = [...new Set(story.items.flatMap((i) => (i.versionId ? [i.versionId] : [])))];
  for (const part of chunks(pins)) {
    for (const row of r.all(`SELECT * FROM generation_versions WHERE id IN (${placeholders(part.length)})`, part)) {
      const v = toVersion(row as Row);
      pinned.set(v.id, v);
    }
  }
  const clips = [...story.items].sort(byTime).map((item): StoryClip => {
    const generation = generations.get(item.generationId);
    const version = (item.versionId ? pinned.get(item.versionId) : undefined) ?? defaults.get(item.generationId);
    const lengthMs = heardMs(item, sourceMs(version, generation));
    return { item, generation, version, lengthMs, endMs: item.startMs + lengthMs };
  });
  return { ...story, clips, durationMs: clips.reduce((end, c) => Math.max(end, c.endMs), 0) };
}

/** Every story with its item count and where its last clip ends, most recently changed first. */
export function readStorySummaries(r: Reader): StorySummary[] {
  return r
    .all(
      `SELECT s.id, s.name, s.description, s.created_at, s.updated_at, count(i.id) AS item_count,
         coalesce(max(i.start_ms + max(0, round(coalesce(v.duration, g.duration, 0) * 1000) - i.trim_start_ms - i.trim_end_ms)), 0) AS duration_ms
       FROM stories s
       LEFT JOIN story_items i ON i.story_id = s.id
       LEFT JOIN generations g ON g.id = i.generation_id
       LEFT JOIN generation_versions v ON v.id = i.version_id
       GROUP BY s.id
       ORDER BY s.updated_at DESC, s.id`,
    )
    .map((row) => ({ ...toStory(row), itemCount: Number(row.item_count), durationMs: Number(row.duration_ms) }));
}

/** The stories that place any of these generations, with how many of their items do. */
export function readStoriesUsing(r: Reader, generationIds: string[]): Array<Story & { itemCount: number }> {
  const found = new Map<string, Story & { itemCount: number }>();
  for (const part of chunks([...new Set(generationIds)])) {
    for (const row of r.all(
      `SELECT s.id, s.name, s.description, s.created_at, s.updated_at, count(*) AS n
       FROM story_items i JOIN stories s ON s.id = i.story_id
       WHERE i.generation_id IN (${placeholders(part.length)}) GROUP BY s.id`,
      part,
    )) {
      const was = found.get(String(row.id));
      if (was) was.itemCount += Number(row.n);
      else found.set(String(row.id), { ...toStory(row), itemCount: Number(row.n) });
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
}
