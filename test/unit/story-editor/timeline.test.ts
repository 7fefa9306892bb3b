// The story editor's pure pieces in plain Node: layout math, snapping, trims, the keyboard, and
// what play-through schedules from a position.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionFor, NUDGE_LARGE_MS, NUDGE_MS, type KeyPress } from '../../../webview-ui/story-editor/keymap';
import { fadeAt, scheduleFrom, trackAudible, type MixClip, type MixTrack } from '../../../webview-ui/story-editor/mix-schedule';
import { edgesOf, GRID_MS, MIN_HEARD_MS, snapStart, snapTime, trimTo } from '../../../webview-ui/story-editor/snapping';
import {
  bucketsFor,
  clampZoom,
  drawnMs,
  formatTime,
  heardMs,
  msToPx,
  PLACEHOLDER_MS,
  pxToMs,
  rulerTicks,
  scrollKeeping,
  storyEndMs,
  zoomBy,
  ZOOM_MAX,
  ZOOM_MIN,
} from '../../../webview-ui/story-editor/timeline';

const span = (startMs: number, lengthMs: number, trimStartMs = 0, trimEndMs = 0) => ({ startMs, lengthMs, trimStartMs, trimEndMs });

test('ms and pixels convert both ways at any zoom; zoom is clamped and keeps the time under the pointer', () => {
  assert.equal(msToPx(1500, 100), 150);
  assert.equal(pxToMs(150, 100), 1500);
  assert.equal(clampZoom(0.1), ZOOM_MIN);
  assert.equal(clampZoom(1e9), ZOOM_MAX);
  assert.equal(zoomBy(100, 1), 125);
  assert.equal(zoomBy(100, -1), 80);
  assert.equal(zoomBy(ZOOM_MAX, 5), ZOOM_MAX);
  // 4 s under screen x 200 stays there after zooming to 250 px/s.
  const scroll = scrollKeeping(4000, 200, 250);
  assert.equal(msToPx(4000, 250) - scroll, 200);
  assert.equal(scrollKeeping(100, 500, 100), 0, 'never scrolled before the start');
});

test('a clip is drawn as long as it is heard; one with no length gets a placeholder width', () => {
  assert.equal(heardMs(span(0, 3000, 500, 1000)), 1500);
  assert.equal(drawnMs(span(0, 3000, 500, 1000)), 1500);
  assert.equal(heardMs(span(0, 0)), 0);
  assert.equal(drawnMs(span(0, 0)), PLACEHOLDER_MS);
  assert.equal(storyEndMs([span(0, 1000), span(5000, 2000, 500), span(100, 0)]), 6500);
  assert.equal(storyEndMs([]), 0);
});

test('the ruler picks a step leaving room for its labels, and formats time by that step', () => {
  assert.equal(rulerTicks(0, 10_000, 60).stepMs, 2000, '60 px/s: ticks every 2 s (120 px apart)');
  assert.equal(rulerTicks(0, 1000, 1000).stepMs, 100, '1000 px/s: every 100 ms');
  assert.equal(rulerTicks(0, 3_600_000, 4).stepMs, 30_000);
  assert.deepEqual(rulerTicks(900, 5000, 60).ticks, [0, 2000, 4000]);
  assert.equal(formatTime(65_500), '1:05');
  assert.equal(formatTime(65_500, 100), '1:05.5');
  assert.equal(formatTime(3_725_000), '1:02:05');
  // Rounding up to the next minute or hour carries over instead of showing 60.
  assert.equal(formatTime(59_960, 100), '1:00.0');
  assert.equal(formatTime(3_599_960, 100), '1:00:00.0');
  assert.equal(formatTime(59_960), '0:59');
  assert.equal(formatTime(-5), '0:00');
});

test('peaks come at about one slice per pixel of the whole audio, from the host’s fixed counts', () => {
  const counts = [100, 250, 500, 1000, 2000, 4000, 8000];
  assert.equal(bucketsFor(2000, 60, counts), 250, '2 s at 60 px/s is 120 px');
  assert.equal(bucketsFor(600_000, 1000, counts), 8000, 'capped at the finest');
  assert.equal(bucketsFor(0, 60, counts), 100);
});

test('snapping: to the 100 ms grid, to another clip’s edges within 8 px (start or end), none with Alt', () => {
  const clips = [
    { itemId: 'a', ...span(1000, 2000) },
    { itemId: 'b', ...span(5000, 1000) },
    { itemId: 'moving', ...span(0, 1500) },
  ];
  const edges = edgesOf(clips, new Set(['moving']));
  assert.deepEqual(edges, [1000, 3000, 5000, 6000]);
  // 100 px/s: 8 px is 80 ms.
  assert.equal(snapStart(3049, 1500, edges, 100, true), 3000, 'start meets the end of a');
  assert.equal(snapStart(3549, 1500, edges, 100, true), 3500, 'end (5049) meets b at 5000: start 3500');
  assert.equal(snapStart(3731, 1500, edges, 100, true), 3700, 'nothing near: grid');
  assert.equal(snapStart(3731, 1500, edges, 100, false), 3731, 'Alt: exact');
  assert.equal(snapStart(-400, 1500, edges, 100, true), 0, 'never before 0');
  // Zoomed far out (10 px/s), 8 px is 800 ms: a far edge pulls.
  assert.equal(snapStart(3700, 1500, edges, 10, true), 3500);
  assert.equal(snapTime(2960, edges, 100, true), 3000);
  assert.equal(snapTime(2960, edges, 1000, true), 3000, 'at 1000 px/s 8 px is 8 ms: grid, which is 3000 too');
  assert.equal(snapTime(2940, edges, 1000, true), 2900);
  assert.equal(snapTime(2941, edges, 1000, false), 2941);
  assert.equal(GRID_MS, 100);
});

test('trim handles: the start handle keeps the sound in place, the end handle only shortens; neither leaves nothing', () => {
  const clip = span(10_000, 4000, 500, 0); // audio starts at 9500 on the timeline, ends at 13500
  assert.deepEqual(trimTo(clip, 'start', 11_000), { startMs: 11_000, trimStartMs: 1500, trimEndMs: 0 });
  assert.deepEqual(trimTo(clip, 'start', 9000), { startMs: 9500, trimStartMs: 0, trimEndMs: 0 }, 'not before the audio’s start');
  assert.deepEqual(trimTo(clip, 'start', 20_000), { startMs: 13_500 - MIN_HEARD_MS, trimStartMs: 4000 - MIN_HEARD_MS, trimEndMs: 0 });
  assert.deepEqual(trimTo(clip, 'end', 12_000), { startMs: 10_000, trimStartMs: 500, trimEndMs: 1500 });
  assert.deepEqual(trimTo(clip, 'end', 99_000), { startMs: 10_000, trimStartMs: 500, trimEndMs: 0 }, 'not past the audio’s end');
  assert.deepEqual(trimTo(clip, 'end', 0), { startMs: 10_000, trimStartMs: 500, trimEndMs: 3500 - MIN_HEARD_MS });
  const short = span(0, 30);
  assert.ok(trimTo(short, 'start', 100).trimStartMs >= 0, 'a clip shorter than the minimum never gets a negative trim');
});

const key = (k: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

test('keyboard: Space, arrows (Shift larger), S, Delete, Ctrl+Z / Ctrl+Shift+Z, zoom; Tab and Alt left alone', () => {
  assert.deepEqual(actionFor(key(' ')), { type: 'playPause' });
  assert.deepEqual(actionFor(key('ArrowLeft')), { type: 'nudge', deltaMs: -NUDGE_MS });
  assert.deepEqual(actionFor(key('ArrowRight', { shiftKey: true })), { type: 'nudge', deltaMs: NUDGE_LARGE_MS });
  assert.deepEqual(actionFor(key('ArrowUp')), { type: 'moveTrack', delta: -1 });
  assert.deepEqual(actionFor(key('ArrowDown')), { type: 'moveTrack', delta: 1 });
  assert.deepEqual(actionFor(key('ArrowUp', { shiftKey: true })), { type: 'volume', delta: 0.1 });
  assert.deepEqual(actionFor(key('s')), { type: 'split' });
  assert.deepEqual(actionFor(key('S')), { type: 'split' }, 'Caps Lock on');
  assert.equal(actionFor(key('S', { shiftKey: true })), null);
  assert.deepEqual(actionFor(key('Delete')), { type: 'remove' });
  assert.deepEqual(actionFor(key('Backspace')), { type: 'remove' });
  assert.deepEqual(actionFor(key('z', { ctrlKey: true })), { type: 'undo' });
  assert.deepEqual(actionFor(key('Z', { ctrlKey: true, shiftKey: true })), { type: 'redo' });
  assert.deepEqual(actionFor(key('z', { metaKey: true, shiftKey: true })), { type: 'redo' }, 'macOS');
  assert.deepEqual(actionFor(key('y', { ctrlKey: true })), { type: 'redo' });
  assert.deepEqual(actionFor(key('d', { ctrlKey: true })), { type: 'duplicate' });
  assert.deepEqual(actionFor(key('=')), { type: 'zoom', steps: 1 });
  // Ctrl+= / Ctrl+- stay VS Code's window zoom (the webview passes every keydown on to the workbench).
  assert.equal(actionFor(key('=', { ctrlKey: true })), null);
  assert.equal(actionFor(key('-', { metaKey: true })), null);
  assert.deepEqual(actionFor(key('-')), { type: 'zoom', steps: -1 });
  assert.deepEqual(actionFor(key('Home')), { type: 'playheadToStart' });
  assert.deepEqual(actionFor(key('Escape')), { type: 'deselect' });
  assert.equal(actionFor(key('Tab')), null, 'Tab moves focus between clips natively');
  assert.equal(actionFor(key('s', { altKey: true })), null);
  assert.equal(actionFor(key('c', { ctrlKey: true })), null);
  assert.equal(actionFor(key('x')), null);
});

const clip = (itemId: string, track: number, startMs: number, lengthMs: number, more: Partial<MixClip> = {}): MixClip => ({
  itemId,
  track,
  startMs,
  lengthMs,
  trimStartMs: 0,
  trimEndMs: 0,
  volume: 1,
  fadeInMs: 0,
  fadeOutMs: 0,
  ...more,
});
const tr = (track: number, more: Partial<MixTrack> = {}): MixTrack => ({ track, mute: false, solo: false, gain: 1, ...more });

test('mute always silences; once a track is soloed only soloed tracks play (as the export decides)', () => {
  assert.equal(trackAudible([tr(0), tr(1)], 1), true);
  assert.equal(trackAudible([tr(0), tr(1, { mute: true })], 1), false);
  assert.equal(trackAudible([tr(0, { solo: true }), tr(1)], 1), false);
  assert.equal(trackAudible([tr(0, { solo: true }), tr(1)], 0), true);
  assert.equal(trackAudible([tr(0, { solo: true, mute: true })], 0), false);
  assert.equal(trackAudible([tr(0)], 7), true, 'a track without settings plays');
});

test('play-through from a position: each clip’s delay, offset into its audio (trim + skipped), duration and gain', () => {
  const clips = [
    clip('past', 0, 0, 1000),
    clip('inside', 0, 2000, 3000, { trimStartMs: 500, volume: 0.5 }),
    clip('later', 1, 6000, 1000, { trimEndMs: 200 }),
    clip('muted', 2, 2500, 1000),
  ];
  const tracks = [tr(0), tr(1, { gain: 1.5 }), tr(2, { mute: true })];
  const s = scheduleFrom(clips, tracks, 3000);
  assert.deepEqual(
    s.map((x) => [x.itemId, x.delayMs, x.offsetMs, x.durationMs, x.gain]),
    [
      ['inside', 0, 1500, 1500, 0.5], // 2500 ms heard from 2000; 1000 ms in: audio offset 500 + 1000
      ['later', 3000, 0, 800, 1.5],
    ],
  );
  assert.deepEqual(scheduleFrom(clips, tracks, 0)[0]!.itemId, 'past');
  assert.deepEqual(scheduleFrom(clips, tracks, 99_000), []);
});

test('fades: linear in and out, and the envelope from the position on', () => {
  const c = clip('f', 0, 1000, 4000, { fadeInMs: 1000, fadeOutMs: 2000 });
  assert.equal(fadeAt(c, 4000, 0), 0);
  assert.equal(fadeAt(c, 4000, 500), 0.5);
  assert.equal(fadeAt(c, 4000, 1500), 1);
  assert.equal(fadeAt(c, 4000, 3000), 0.5);
  assert.equal(fadeAt(c, 4000, 4000), 0);
  const [from0] = scheduleFrom([c], [tr(0)], 0);
  assert.deepEqual(from0!.envelope, [
    { atMs: 1000, value: 0 },
    { atMs: 2000, value: 1 },
    { atMs: 3000, value: 1 },
    { atMs: 5000, value: 0 },
  ]);
  const [mid] = scheduleFrom([c], [tr(0)], 1500);
  assert.deepEqual(mid!.envelope, [
    { atMs: 0, value: 0.5 },
    { atMs: 500, value: 1 },
    { atMs: 1500, value: 1 },
    { atMs: 3500, value: 0 },
  ]);
});
