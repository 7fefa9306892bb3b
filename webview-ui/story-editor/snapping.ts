/**
 * Where a dragged clip or trim handle lands: on another clip's edge when it is within a few
 * pixels of one, else on the 100 ms grid; Alt (snapping off) keeps the exact millisecond. Pure.
 */
import { clipEndMs, type ClipSpan } from './timeline';

export const GRID_MS = 100;
/** How close (in pixels, so it feels the same at every zoom) an edge pulls. */
export const SNAP_PX = 8;

export interface SnapClip extends ClipSpan {
  itemId: string;
}

/** Start and end times of every clip but the one(s) moving. */
export function edgesOf(clips: readonly SnapClip[], except: ReadonlySet<string>): number[] {
  const edges: number[] = [];
  for (const c of clips) if (!except.has(c.itemId)) edges.push(c.startMs, clipEndMs(c));
  return edges;
}

const toGrid = (ms: number): number => Math.round(ms / GRID_MS) * GRID_MS;

function nearestEdge(points: Array<{ at: number; result: number }>, toleranceMs: number): number | undefined {
  let best: { d: number; result: number } | undefined;
  for (const p of points) {
    const d = Math.abs(p.at);
    if (d <= toleranceMs && (!best || d < best.d)) best = { d, result: p.result };
  }
  return best?.result;
}

/** The start of a clip `lengthMs` long dragged to `rawStartMs`: its start or its end meets an edge, or the grid. */
export function snapStart(rawStartMs: number, lengthMs: number, edges: readonly number[], pxPerSecond: number, snap: boolean): number {
  if (!snap) return Math.max(0, Math.round(rawStartMs));
  const tolerance = (SNAP_PX * 1000) / pxPerSecond;
  const onEdge = nearestEdge(
    edges.flatMap((e) => [
      { at: rawStartMs - e, result: e },
      { at: rawStartMs + lengthMs - e, result: e - lengthMs },
    ]),
    tolerance,
  );
  return Math.max(0, onEdge ?? toGrid(rawStartMs));
}

/** A single time (a trim handle, the playhead) dragged to `rawMs`. */
export function snapTime(rawMs: number, edges: readonly number[], pxPerSecond: number, snap: boolean): number {
  if (!snap) return Math.max(0, Math.round(rawMs));
  const tolerance = (SNAP_PX * 1000) / pxPerSecond;
  const onEdge = nearestEdge(
    edges.map((e) => ({ at: rawMs - e, result: e })),
    tolerance,
  );
  return Math.max(0, onEdge ?? toGrid(rawMs));
}

/** Minimum heard length a trim leaves (the service refuses nothing at all). */
export const MIN_HEARD_MS = 50;

/**
 * Trims for a handle dragged to story time `atMs`: the start handle moves the clip's start and its
 * start trim together (the sound stays where it is); the end handle changes only the end trim.
 */
export function trimTo(clip: ClipSpan, handle: 'start' | 'end', atMs: number): { startMs: number; trimStartMs: number; trimEndMs: number } {
  const audioStart = clip.startMs - clip.trimStartMs; // where the audio's first sample sits on the timeline
  const audioEnd = audioStart + clip.lengthMs;
  if (handle === 'start') {
    const lo = Math.max(audioStart, 0);
    const hi = audioEnd - clip.trimEndMs - MIN_HEARD_MS;
    const start = Math.round(Math.min(Math.max(atMs, lo), hi));
    const trimStartMs = Math.max(0, start - audioStart);
    return { startMs: audioStart + trimStartMs, trimStartMs, trimEndMs: clip.trimEndMs };
  }
  const lo = clip.startMs + MIN_HEARD_MS;
  const end = Math.round(Math.min(Math.max(atMs, lo), audioEnd));
  return { startMs: clip.startMs, trimStartMs: clip.trimStartMs, trimEndMs: audioEnd - end };
}
