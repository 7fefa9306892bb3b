/**
 * Layout math of the timeline, pure (unit-tested in Node): story time ↔ pixels at a zoom, the
 * zoom steps, what of a clip is heard, and where the ruler puts its ticks.
 */

/** Pixels per second of story time. */
export const ZOOM_MIN = 4;
export const ZOOM_MAX = 1000;
export const ZOOM_DEFAULT = 60;
const ZOOM_FACTOR = 1.25;

export const msToPx = (ms: number, pxPerSecond: number): number => (ms * pxPerSecond) / 1000;
export const pxToMs = (px: number, pxPerSecond: number): number => (px * 1000) / pxPerSecond;

export function clampZoom(pxPerSecond: number): number {
  return Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, pxPerSecond));
}

/** One zoom step in (+1) or out (-1), or `steps` of them (a wheel delta may be fractional). */
export function zoomBy(pxPerSecond: number, steps: number): number {
  return clampZoom(pxPerSecond * Math.pow(ZOOM_FACTOR, steps));
}

/** The scroll position that keeps story time `atMs` under the same pixel `screenX` after a zoom. */
export function scrollKeeping(atMs: number, screenX: number, pxPerSecond: number): number {
  return Math.max(0, msToPx(atMs, pxPerSecond) - screenX);
}

/** The parts of a clip the timeline needs. */
export interface ClipSpan {
  startMs: number;
  lengthMs: number;
  trimStartMs: number;
  trimEndMs: number;
}

/** What is heard of the clip (its audio less both trims). */
export function heardMs(c: ClipSpan): number {
  return Math.max(0, c.lengthMs - c.trimStartMs - c.trimEndMs);
}

/** A clip whose length is unknown or zero still gets a width the user can see and grab. */
export const PLACEHOLDER_MS = 2000;

/** How long the clip is drawn (its heard part, or a placeholder's width when it has none). */
export function drawnMs(c: ClipSpan): number {
  const heard = heardMs(c);
  return heard > 0 ? heard : PLACEHOLDER_MS;
}

export const clipEndMs = (c: ClipSpan): number => c.startMs + drawnMs(c);

/** End of the last clip (0 for an empty story). */
export function storyEndMs(clips: readonly ClipSpan[]): number {
  return clips.reduce((end, c) => Math.max(end, clipEndMs(c)), 0);
}

/** Ruler steps in ms: the first that leaves `minPx` between ticks is used. */
const STEPS = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];

export function rulerStep(pxPerSecond: number, minPx = 64): number {
  return STEPS.find((s) => msToPx(s, pxPerSecond) >= minPx) ?? STEPS[STEPS.length - 1]!;
}

/** Tick times in [fromMs, toMs] at the ruler's step. */
export function rulerTicks(fromMs: number, toMs: number, pxPerSecond: number, minPx = 64): { stepMs: number; ticks: number[] } {
  const stepMs = rulerStep(pxPerSecond, minPx);
  const ticks: number[] = [];
  for (let t = Math.max(0, Math.floor(fromMs / stepMs) * stepMs); t <= toMs; t += stepMs) ticks.push(t);
  return { stepMs, ticks };
}

/** "1:05", "1:05.5" (when the step is under a second), "1:02:05" past an hour. */
export function formatTime(ms: number, stepMs = 1000): string {
  const tenths = stepMs < 1000;
  // Rounded to what is shown before splitting, so 59.96 s reads "1:00.0", never "0:60.0".
  const total = tenths ? Math.round(Math.max(0, ms) / 100) / 10 : Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const sec = tenths ? s.toFixed(1).padStart(4, '0') : String(Math.floor(s)).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** The peaks resolution (one of the host's slice counts) that gives about one slice per pixel of the whole audio. */
export function bucketsFor(lengthMs: number, pxPerSecond: number, counts: readonly number[]): number {
  const px = msToPx(lengthMs, pxPerSecond);
  return counts.find((n) => n >= px) ?? counts[counts.length - 1]!;
}
