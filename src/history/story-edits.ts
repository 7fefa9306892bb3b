// Editing a story's timeline: each operation runs in one durable write (the state is loaded,
// changed by story-timeline.ts, and only the difference written), and is kept with the state
// before it so undo/redo can put either back. The undo log lives in memory (per window), like an
// editor's; an undo after someone else changed the story is refused rather than guessed.
import { randomUUID } from 'node:crypto';
import type { Reader, Writer } from '../store/database';
import { HistoryError } from '../store/errors';
import { toStory, toStoryItem, toStoryTrack } from './rows';
import { idSchema } from './schemas';
import { parse, type HistoryAccess } from './service-support';
import { storyOpSchema, type StoryOpInput } from './story-ops';
import { applyStoryOp, DEFAULT_TRACK, isDefaultTrack, type TimelineContext, type TimelineState } from './story-timeline';
import type { StoryItem, StoryTrack, StoryWithItems } from './types';

/** How many operations per story can be undone. */
export const UNDO_DEPTH = 200;

export interface StoryEditResult {
  story: StoryWithItems;
  /** Items the operation made or changed (a split gives both halves, an add every new item). */
  itemIds: string[];
  canUndo: boolean;
  canRedo: boolean;
}

interface Step {
  before: TimelineState;
  after: TimelineState;
}

function loadState(r: Reader, storyId: string): TimelineState {
  return {
    items: r.all('SELECT * FROM story_items WHERE story_id = ? ORDER BY track, start_ms, rowid', [storyId]).map(toStoryItem),
    tracks: r.all('SELECT * FROM story_tracks WHERE story_id = ? ORDER BY track', [storyId]).map(toStoryTrack),
  };
}

function sameState(a: TimelineState, b: TimelineState): boolean {
  const key = (s: TimelineState) =>
    JSON.stringify({
      items: [...s.items].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)),
      tracks: [...s.tracks].sort((x, y) => x.track - y.track),
    });
  return key(a) === key(b);
}

const ITEM_COLUMNS: Array<[keyof StoryItem, string]> = [
  ['generationId', 'generation_id'],
  ['versionId', 'version_id'],
  ['startMs', 'start_ms'],
  ['track', 'track'],
  ['trimStartMs', 'trim_start_ms'],
  ['trimEndMs', 'trim_end_ms'],
  ['volume', 'volume'],
  ['fadeInMs', 'fade_in_ms'],
  ['fadeOutMs', 'fade_out_ms'],
];

/** Writes what differs between `from` (what is stored) and `to`. */
function writeDifference(w: Writer, storyId: string, from: TimelineState, to: TimelineState): void {
  const old = new Map(from.items.map((i) => [i.id, i]));
  const next = new Set(to.items.map((i) => i.id));
  for (const i of from.items) if (!next.has(i.id)) w.run('DELETE FROM story_items WHERE id = ?', [i.id]);
  for (const i of to.items) {
    const was = old.get(i.id);
    const values = ITEM_COLUMNS.map(([k]) => i[k] as string | number | null);
    if (!was) {
      w.run(
        `INSERT INTO story_items (id, story_id, ${ITEM_COLUMNS.map(([, c]) => c).join(', ')}) VALUES (?, ?, ${ITEM_COLUMNS.map(() => '?').join(', ')})`,
        [i.id, storyId, ...values],
      );
    } else if (ITEM_COLUMNS.some(([k]) => was[k] !== i[k])) {
      w.run(`UPDATE story_items SET ${ITEM_COLUMNS.map(([, c]) => `${c} = ?`).join(', ')} WHERE id = ?`, [...values, i.id]);
    }
  }
  const stored = new Map(from.tracks.map((t) => [t.track, t]));
  const wanted = new Map(to.tracks.map((t) => [t.track, t]));
  for (const t of from.tracks)
    if (!wanted.has(t.track)) w.run('DELETE FROM story_tracks WHERE story_id = ? AND track = ?', [storyId, t.track]);
  for (const t of to.tracks) {
    const was = stored.get(t.track);
    if (was && was.name === t.name && was.mute === t.mute && was.solo === t.solo && was.gain === t.gain) continue;
    w.run(
      `INSERT INTO story_tracks (story_id, track, name, mute, solo, gain) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(story_id, track) DO UPDATE SET name = excluded.name, mute = excluded.mute, solo = excluded.solo, gain = excluded.gain`,
      [storyId, t.track, t.name, t.mute ? 1 : 0, t.solo ? 1 : 0, t.gain],
    );
  }
  w.run('UPDATE stories SET updated_at = ? WHERE id = ?', [Date.now(), storyId]);
}

function clipLength(r: Reader, generationId: string, versionId: string | null): number | undefined {
  const row = r.get(
    `SELECT g.duration AS gd,
       (SELECT duration FROM generation_versions WHERE id = ? AND generation_id = g.id) AS vd,
       (SELECT duration FROM generation_versions WHERE generation_id = g.id AND is_default = 1) AS dd
     FROM generations g WHERE g.id = ?`,
    [versionId, generationId],
  );
  if (!row) return undefined;
  const seconds = row.vd ?? row.dd ?? row.gd;
  return seconds == null ? 0 : Math.round(Number(seconds) * 1000);
}

/** The story with its items (track, then time order) and every track in use or changed. */
export function readStory(r: Reader, storyId: string): StoryWithItems | undefined {
  const row = r.get('SELECT * FROM stories WHERE id = ?', [storyId]);
  if (!row) return undefined;
  const state = loadState(r, storyId);
  const tracks = new Map<number, StoryTrack>(state.tracks.map((t) => [t.track, t]));
  for (const i of state.items) if (!tracks.has(i.track)) tracks.set(i.track, { track: i.track, ...DEFAULT_TRACK });
  return { ...toStory(row), items: state.items, tracks: [...tracks.values()].sort((a, b) => a.track - b.track) };
}

export class StoryEditor {
  private readonly logs = new Map<string, { undo: Step[]; redo: Step[] }>();

  constructor(private readonly h: HistoryAccess) {}

  private log(storyId: string) {
    let l = this.logs.get(storyId);
    if (!l) this.logs.set(storyId, (l = { undo: [], redo: [] }));
    return l;
  }

  canUndo(storyId: string): boolean {
    return (this.logs.get(storyId)?.undo.length ?? 0) > 0;
  }

  canRedo(storyId: string): boolean {
    return (this.logs.get(storyId)?.redo.length ?? 0) > 0;
  }

  /** Forgets a story's undo log (the story was deleted). */
  forget(storyId: string): void {
    this.logs.delete(storyId);
  }

  async edit(storyId: string, input: StoryOpInput): Promise<StoryEditResult> {
    const sid = parse(idSchema, storyId, 'story id');
    const op = parse(storyOpSchema, input, 'story edit');
    const { step, itemIds, story } = await this.h.write((w) => {
      if (!w.value('SELECT 1 FROM stories WHERE id = ?', [sid]))
        throw new HistoryError('NOT_FOUND', `The story ${sid} does not exist (any more).`);
      const before = loadState(w, sid);
      const ctx: TimelineContext = {
        storyId: sid,
        newId: () => randomUUID(),
        clipMs: (g, v) => clipLength(w, g, v),
        isVersionOf: (v, g) => !!w.value('SELECT 1 FROM generation_versions WHERE id = ? AND generation_id = ?', [v, g]),
      };
      const out = applyStoryOp(before, op, ctx);
      const after: TimelineState = { items: out.state.items, tracks: out.state.tracks.filter((t) => !isDefaultTrack(t)) };
      writeDifference(w, sid, before, after);
      return { step: { before, after: loadState(w, sid) }, itemIds: out.itemIds, story: readStory(w, sid) as StoryWithItems };
    });
    const l = this.log(sid);
    l.undo.push(step);
    if (l.undo.length > UNDO_DEPTH) l.undo.shift();
    l.redo = [];
    this.h.changed('story', 'updated', [sid]);
    return { story, itemIds, canUndo: true, canRedo: false };
  }

  /** Puts back the story as it was before its last operation; undefined when there is nothing to undo. */
  undo(storyId: string): Promise<StoryEditResult | undefined> {
    return this.travel(storyId, 'undo');
  }

  redo(storyId: string): Promise<StoryEditResult | undefined> {
    return this.travel(storyId, 'redo');
  }

  private async travel(storyId: string, way: 'undo' | 'redo'): Promise<StoryEditResult | undefined> {
    const sid = parse(idSchema, storyId, 'story id');
    const l = this.logs.get(sid);
    const step = (way === 'undo' ? l?.undo : l?.redo)?.at(-1);
    if (!l || !step) return undefined;
    const [expected, target] = way === 'undo' ? [step.after, step.before] : [step.before, step.after];
    let story: StoryWithItems;
    try {
      story = await this.h.write((w) => {
        if (!w.value('SELECT 1 FROM stories WHERE id = ?', [sid]))
          throw new HistoryError('NOT_FOUND', `The story ${sid} does not exist (any more).`);
        const now = loadState(w, sid);
        if (!sameState(now, expected)) {
          throw new HistoryError(
            'CONFLICT',
            `The story changed since (elsewhere, or a generation it used was deleted); nothing to ${way} any more.`,
          );
        }
        writeDifference(w, sid, now, target);
        return readStory(w, sid) as StoryWithItems;
      });
    } catch (e) {
      this.logs.delete(sid);
      throw e;
    }
    if (way === 'undo') l.redo.push(l.undo.pop() as Step);
    else l.undo.push(l.redo.pop() as Step);
    this.h.changed('story', 'updated', [sid]);
    return { story, itemIds: [], canUndo: l.undo.length > 0, canRedo: l.redo.length > 0 };
  }
}
