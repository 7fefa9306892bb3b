// The story a script produces, kept in step with the script: one clip per cue in cue order.
// Clips that still exist keep what the user did to them (track, trims, volume, fades, pinned
// take, and a start moved later to leave a pause); only a clip that would now overlap the one
// before it in cue order is pushed along. Subtitle cues sit at their subtitle time. Clips of
// generations that no cue uses any more leave the story; clips the user added from elsewhere stay.
import { STORY_GAP_MS, type StoryOpInput } from '../history/story-ops';
import type { StoryItem } from '../history';

export interface StoryPlacement {
  generationId: string;
  /** Seconds of the generation's default take; null when unknown (counted as 0). */
  duration: number | null;
  /** Subtitle time (SRT/WebVTT cues). */
  slot?: { startMs: number; endMs: number };
}

export interface StoryPlan {
  ops: StoryOpInput[];
  /** Placements whose speech runs longer than their subtitle slot, with how much longer (ms). */
  overlong: Array<{ generationId: string; overMs: number }>;
}

/** The most items one add or remove operation takes. */
const ADD_CHUNK = 1000;

function clipLength(item: Pick<StoryItem, 'trimStartMs' | 'trimEndMs'>, durationMs: number): number {
  return Math.max(0, durationMs - item.trimStartMs - item.trimEndMs);
}

/**
 * The operations that bring `items` in line with `placements`. `scriptGenerations`: every
 * generation the script ever voiced (a clip of one no cue uses any more is removed).
 */
export function planStory(
  items: readonly StoryItem[],
  placements: readonly StoryPlacement[],
  scriptGenerations: ReadonlySet<string>,
): StoryPlan {
  const wanted = new Set(placements.map((p) => p.generationId));
  const byGeneration = new Map<string, StoryItem>();
  const remove: string[] = [];
  for (const item of items) {
    if (!scriptGenerations.has(item.generationId)) continue;
    if (!wanted.has(item.generationId) || byGeneration.has(item.generationId)) remove.push(item.id);
    else byGeneration.set(item.generationId, item);
  }
  const add: Array<{ generationId: string; startMs: number }> = [];
  const times: Array<{ itemId: string; startMs: number }> = [];
  const overlong: StoryPlan['overlong'] = [];
  let cursor = 0;
  for (const p of placements) {
    const durationMs = Math.round((p.duration ?? 0) * 1000);
    const item = byGeneration.get(p.generationId);
    if (p.slot) {
      const over = durationMs - (p.slot.endMs - p.slot.startMs);
      if (over > 0) overlong.push({ generationId: p.generationId, overMs: over });
      if (!item) add.push({ generationId: p.generationId, startMs: p.slot.startMs });
      continue;
    }
    const length = item ? clipLength(item, durationMs) : durationMs;
    let start = cursor;
    if (item) {
      start = Math.max(item.startMs, cursor);
      if (start !== item.startMs) times.push({ itemId: item.id, startMs: start });
    } else {
      add.push({ generationId: p.generationId, startMs: start });
    }
    cursor = start + length + STORY_GAP_MS;
  }
  const ops: StoryOpInput[] = [];
  for (let i = 0; i < remove.length; i += ADD_CHUNK) ops.push({ type: 'remove', itemIds: remove.slice(i, i + ADD_CHUNK) });
  if (times.length > 0) ops.push({ type: 'setTimes', times });
  for (let i = 0; i < add.length; i += ADD_CHUNK) {
    ops.push({ type: 'add', items: add.slice(i, i + ADD_CHUNK).map((a) => ({ ...a, track: 0 })) });
  }
  return { ops, overlong };
}
