// What each story operation does to a story's items and tracks, without the store: the service
// loads the state, applies one operation here, and writes back the difference (and keeps both
// states for undo).
import { HistoryError } from '../store/errors';
import { STORY_GAP_MS, type StoryOp } from './story-ops';
import type { StoryItem, StoryTrack } from './types';

export interface TimelineState {
  items: StoryItem[];
  tracks: StoryTrack[];
}

/** What an operation may ask of the history while it runs (inside the write transaction). */
export interface TimelineContext {
  storyId: string;
  newId(): string;
  /** Length in ms of the pinned (or, for null, the default) version's audio; undefined when the generation is gone. */
  clipMs(generationId: string, versionId: string | null): number | undefined;
  isVersionOf(versionId: string, generationId: string): boolean;
}

export const DEFAULT_TRACK: Omit<StoryTrack, 'track'> = { name: null, mute: false, solo: false, gain: 1 };

const notFound = (id: string) => new HistoryError('NOT_FOUND', `The story item ${id} is not in this story (any more); refresh the story.`);

/** What is heard of a clip: its length less both trims (0 when nothing remains). */
export function remainingMs(item: StoryItem, clipMs: number): number {
  return Math.max(0, clipMs - item.trimStartMs - item.trimEndMs);
}

function lengthOf(ctx: TimelineContext, item: Pick<StoryItem, 'generationId' | 'versionId' | 'id'>): number {
  const n = ctx.clipMs(item.generationId, item.versionId);
  if (n === undefined) throw new HistoryError('NOT_FOUND', `The generation of story item ${item.id} does not exist (any more).`);
  return n;
}

/** End on the timeline of the last clip on `track`, or undefined for an empty track. */
function trackEnd(items: StoryItem[], track: number, ctx: TimelineContext): number | undefined {
  let end: number | undefined;
  for (const i of items) {
    if (i.track !== track) continue;
    const e = i.startMs + remainingMs(i, lengthOf(ctx, i));
    if (end === undefined || e > end) end = e;
  }
  return end;
}

function nextStart(items: StoryItem[], track: number, ctx: TimelineContext): number {
  const end = trackEnd(items, track, ctx);
  return end === undefined ? 0 : end + STORY_GAP_MS;
}

function checkFades(item: StoryItem, remaining: number): void {
  if (item.fadeInMs + item.fadeOutMs > remaining) {
    throw new HistoryError(
      'INVALID',
      `The fades (${item.fadeInMs} + ${item.fadeOutMs} ms) are longer than the clip (${remaining} ms); shorten them first.`,
    );
  }
}

/** Applies one operation; returns the new state and the ids of the items it made or changed. */
export function applyStoryOp(state: TimelineState, op: StoryOp, ctx: TimelineContext): { state: TimelineState; itemIds: string[] } {
  const items = state.items.map((i) => ({ ...i }));
  const tracks = state.tracks.map((t) => ({ ...t }));
  const find = (id: string): StoryItem => {
    const it = items.find((i) => i.id === id);
    if (!it) throw notFound(id);
    return it;
  };
  const done = (itemIds: string[]) => ({ state: { items, tracks }, itemIds });

  switch (op.type) {
    case 'add': {
      const ids: string[] = [];
      for (const a of op.items) {
        const versionId = a.versionId ?? null;
        if (ctx.clipMs(a.generationId, null) === undefined) {
          throw new HistoryError('NOT_FOUND', `The generation ${a.generationId} does not exist (any more).`);
        }
        if (versionId && !ctx.isVersionOf(versionId, a.generationId)) {
          throw new HistoryError('INVALID', `The version ${versionId} is not a version of generation ${a.generationId}.`);
        }
        const item: StoryItem = {
          id: ctx.newId(),
          storyId: ctx.storyId,
          generationId: a.generationId,
          versionId,
          startMs: a.startMs ?? nextStart(items, a.track, ctx),
          track: a.track,
          trimStartMs: 0,
          trimEndMs: 0,
          volume: a.volume,
          fadeInMs: 0,
          fadeOutMs: 0,
        };
        items.push(item);
        ids.push(item.id);
      }
      return done(ids);
    }
    case 'remove': {
      for (const id of op.itemIds) items.splice(items.indexOf(find(id)), 1);
      return done([]);
    }
    case 'move': {
      const it = find(op.itemId);
      it.startMs = op.startMs;
      if (op.track !== undefined) it.track = op.track;
      return done([it.id]);
    }
    case 'trim': {
      const it = find(op.itemId);
      const len = lengthOf(ctx, it);
      if (op.trimStartMs + op.trimEndMs >= len) {
        throw new HistoryError('INVALID', `Trimming ${op.trimStartMs} + ${op.trimEndMs} ms off a ${len} ms clip would leave nothing.`);
      }
      it.trimStartMs = op.trimStartMs;
      it.trimEndMs = op.trimEndMs;
      if (op.startMs !== undefined) it.startMs = op.startMs;
      checkFades(it, remainingMs(it, len));
      return done([it.id]);
    }
    case 'volume': {
      const it = find(op.itemId);
      it.volume = op.volume;
      return done([it.id]);
    }
    case 'split': {
      const it = find(op.itemId);
      const remaining = remainingMs(it, lengthOf(ctx, it));
      const offset = op.atMs - it.startMs;
      if (offset <= 0 || offset >= remaining) {
        throw new HistoryError(
          'INVALID',
          `The split point ${op.atMs} ms is not inside the clip (${it.startMs}–${it.startMs + remaining} ms).`,
        );
      }
      const second: StoryItem = {
        ...it,
        id: ctx.newId(),
        startMs: op.atMs,
        trimStartMs: it.trimStartMs + offset,
        fadeInMs: 0,
        fadeOutMs: Math.min(it.fadeOutMs, remaining - offset),
      };
      it.trimEndMs += remaining - offset;
      it.fadeOutMs = 0;
      it.fadeInMs = Math.min(it.fadeInMs, offset);
      items.push(second);
      return done([it.id, second.id]);
    }
    case 'duplicate': {
      const it = find(op.itemId);
      const copy: StoryItem = { ...it, id: ctx.newId(), startMs: nextStart(items, it.track, ctx) };
      items.push(copy);
      return done([copy.id]);
    }
    case 'setTimes': {
      for (const t of op.times) find(t.itemId).startMs = t.startMs;
      return done(op.times.map((t) => t.itemId));
    }
    case 'reorder': {
      const ids = new Set(op.itemIds);
      if (ids.size !== op.itemIds.length || ids.size !== items.length || items.some((i) => !ids.has(i.id))) {
        throw new HistoryError('INVALID', 'A reorder must name every item of the story exactly once; refresh the story and try again.');
      }
      let t = 0;
      for (const id of op.itemIds) {
        const it = find(id);
        it.startMs = t;
        t += remainingMs(it, lengthOf(ctx, it)) + STORY_GAP_MS;
      }
      return done([...op.itemIds]);
    }
    case 'pin': {
      const it = find(op.itemId);
      if (op.versionId && !ctx.isVersionOf(op.versionId, it.generationId)) {
        throw new HistoryError('INVALID', `The version ${op.versionId} is not a version of this item's generation.`);
      }
      it.versionId = op.versionId;
      const len = lengthOf(ctx, it);
      if (it.trimStartMs + it.trimEndMs >= len) {
        throw new HistoryError('INVALID', `That version is only ${len} ms long: the clip's trims would leave nothing. Trim less first.`);
      }
      return done([it.id]);
    }
    case 'track': {
      let t = tracks.find((x) => x.track === op.track);
      if (!t) {
        t = { track: op.track, ...DEFAULT_TRACK };
        tracks.push(t);
        tracks.sort((a, b) => a.track - b.track);
      }
      if (op.name !== undefined) t.name = op.name === '' ? null : op.name;
      if (op.mute !== undefined) t.mute = op.mute;
      if (op.solo !== undefined) t.solo = op.solo;
      if (op.gain !== undefined) t.gain = op.gain;
      return done([]);
    }
    case 'fades': {
      const it = find(op.itemId);
      it.fadeInMs = op.fadeInMs;
      it.fadeOutMs = op.fadeOutMs;
      checkFades(it, remainingMs(it, lengthOf(ctx, it)));
      return done([it.id]);
    }
  }
}

/** A track's settings equal to the defaults need no row. */
export function isDefaultTrack(t: StoryTrack): boolean {
  return t.name === DEFAULT_TRACK.name && t.mute === DEFAULT_TRACK.mute && t.solo === DEFAULT_TRACK.solo && t.gain === DEFAULT_TRACK.gain;
}

/** Where and how a clip sounds on its timeline: the fields that travel with it in an archive. */
export type ClipPlacement = Pick<StoryItem, 'startMs' | 'track' | 'trimStartMs' | 'trimEndMs' | 'volume' | 'fadeInMs' | 'fadeOutMs'>;

export function clipPlacement(i: ClipPlacement): ClipPlacement {
  return {
    startMs: i.startMs,
    track: i.track,
    trimStartMs: i.trimStartMs,
    trimEndMs: i.trimEndMs,
    volume: i.volume,
    fadeInMs: i.fadeInMs,
    fadeOutMs: i.fadeOutMs,
  };
}
