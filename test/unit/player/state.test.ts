// The player webview's state logic, in plain Node: persisted state, keyboard mapping,
// formatting, waveform peaks, what a change elsewhere means, and how failures are presented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  commandForKey,
  DEFAULT_STATE,
  describeEffects,
  describeFormat,
  detailRows,
  failureOf,
  formatBytes,
  formatClock,
  impactOf,
  pickVersion,
  positionText,
  problemOf,
  restoreState,
  seekBy,
  SHORTCUTS,
  SPEEDS,
  stepSpeed,
  toWaveformChannels,
  unplayableMessage,
  type AudioFormat,
  type FocusKind,
  type GenerationFacts,
  type HistoryChange,
  type KeyPress,
} from '../../../webview-ui/player/state';

const ID = '3f1c5b7e-9d2a-4c8b-a1e6-0b7d2f4c9e13';
const OTHER = '9a1c5b7e-9d2a-4c8b-a1e6-0b7d2f4c9e14';
const THIRD = '7b1c5b7e-9d2a-4c8b-a1e6-0b7d2f4c9e15';

test('restoreState: nothing or garbage gives the defaults', () => {
  for (const raw of [undefined, null, 42, 'state', {}, { v: 2 }, { ...DEFAULT_STATE, speed: 'fast' }]) {
    assert.deepEqual(restoreState(raw), DEFAULT_STATE, JSON.stringify(raw));
  }
});

test('restoreState: keeps a valid state and clamps out-of-range values', () => {
  const saved = { v: 1, generationId: ID, versionId: OTHER, position: 12.5, speed: 1.5, volume: 0.4, muted: true, loop: true };
  assert.deepEqual(restoreState(saved), saved);
  const wild = restoreState({ ...saved, position: -3, speed: 9, volume: 7 });
  assert.equal(wild.position, 0);
  assert.equal(wild.speed, 2);
  assert.equal(wild.volume, 1);
  assert.equal(restoreState({ ...saved, speed: 0.1, volume: -1 }).speed, 0.5);
  assert.equal(restoreState({ ...saved, position: Number.NaN }).position, 0);
  // A version without its generation means nothing.
  assert.equal(restoreState({ ...saved, generationId: null }).versionId, null);
});

test('stepSpeed walks the 0.5×–2× steps and stops at the ends', () => {
  assert.deepEqual([...SPEEDS], [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);
  assert.equal(stepSpeed(1, 1), 1.25);
  assert.equal(stepSpeed(1, -1), 0.75);
  assert.equal(stepSpeed(2, 1), 2);
  assert.equal(stepSpeed(0.5, -1), 0.5);
  // Between steps: to the next step in that direction.
  assert.equal(stepSpeed(1.1, 1), 1.25);
  assert.equal(stepSpeed(1.1, -1), 1);
  assert.equal(stepSpeed(99, -1), 1.75);
});

test('seekBy stays inside the audio', () => {
  assert.equal(seekBy(3, -5, 10), 0);
  assert.equal(seekBy(3, 5, 10), 8);
  assert.equal(seekBy(8, 5, 10), 10);
  assert.equal(seekBy(8, 5, 0), 0);
  assert.equal(seekBy(Number.NaN, 5, 10), 5);
});

const press = (key: string, focus: FocusKind = 'other', mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  focus,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

test('keyboard: the shortcuts the issue lists', () => {
  assert.deepEqual(commandForKey(press(' ')), { kind: 'togglePlay' });
  assert.deepEqual(commandForKey(press('k')), { kind: 'togglePlay' });
  assert.deepEqual(commandForKey(press('K')), { kind: 'togglePlay' });
  assert.deepEqual(commandForKey(press('ArrowLeft')), { kind: 'seekBy', seconds: -5 });
  assert.deepEqual(commandForKey(press('ArrowRight')), { kind: 'seekBy', seconds: 5 });
  assert.deepEqual(commandForKey(press('j')), { kind: 'seekBy', seconds: -10 });
  assert.deepEqual(commandForKey(press('l')), { kind: 'seekBy', seconds: 10 });
  assert.deepEqual(commandForKey(press('[')), { kind: 'speed', direction: -1 });
  assert.deepEqual(commandForKey(press(']')), { kind: 'speed', direction: 1 });
  assert.deepEqual(commandForKey(press('f')), { kind: 'toggleFavorite' });
  assert.deepEqual(commandForKey(press('F')), { kind: 'toggleFavorite' });
  assert.deepEqual(commandForKey(press('n')), { kind: 'next' });
  assert.deepEqual(commandForKey(press('p')), { kind: 'previous' });
  assert.deepEqual(commandForKey(press('m')), { kind: 'toggleMute' });
  assert.deepEqual(commandForKey(press('a')), { kind: 'abSwitch' });
  assert.deepEqual(commandForKey(press('e')), { kind: 'effects' });
  assert.equal(commandForKey(press('x')), null);
});

test('keyboard: leaves typing, focused buttons and VS Code chords alone', () => {
  assert.equal(commandForKey(press(' ', 'text-input')), null);
  assert.equal(commandForKey(press('f', 'text-input')), null);
  // Space/Enter activate the focused button instead of toggling playback.
  assert.equal(commandForKey(press(' ', 'button')), null);
  assert.equal(commandForKey(press('Enter', 'button')), null);
  assert.deepEqual(commandForKey(press('f', 'button')), { kind: 'toggleFavorite' });
  assert.equal(commandForKey(press('f', 'other', { ctrlKey: true })), null);
  assert.equal(commandForKey(press('p', 'other', { metaKey: true })), null);
  assert.equal(commandForKey(press('n', 'other', { altKey: true })), null);
  // AltGr (Ctrl+Alt) types '[' on many layouts.
  assert.deepEqual(commandForKey(press('[', 'other', { ctrlKey: true, altKey: true })), { kind: 'speed', direction: -1 });
});

test('keyboard: Home/End/PageUp/PageDown act only on the focused waveform slider', () => {
  assert.deepEqual(commandForKey(press('Home', 'slider')), { kind: 'seekTo', where: 'start' });
  assert.deepEqual(commandForKey(press('End', 'slider')), { kind: 'seekTo', where: 'end' });
  assert.deepEqual(commandForKey(press('PageUp', 'slider')), { kind: 'seekBy', seconds: 10 });
  assert.deepEqual(commandForKey(press('PageDown', 'slider')), { kind: 'seekBy', seconds: -10 });
  assert.equal(commandForKey(press('Home', 'other')), null);
  assert.deepEqual(commandForKey(press('ArrowRight', 'slider')), { kind: 'seekBy', seconds: 5 });
});

test('tooltips name the keys', () => {
  assert.match(SHORTCUTS.play, /Space/);
  assert.match(SHORTCUTS.favorite, /\(F\)/);
  assert.match(SHORTCUTS.next, /\(N\)/);
  assert.match(SHORTCUTS.previous, /\(P\)/);
  assert.match(SHORTCUTS.speed, /\[.*\]/);
  assert.match(SHORTCUTS.back, /←/);
});

test('formatClock, positionText and formatBytes', () => {
  assert.equal(formatClock(0), '0:00');
  assert.equal(formatClock(3.9), '0:03');
  assert.equal(formatClock(605), '10:05');
  assert.equal(formatClock(3725), '1:02:05');
  assert.equal(formatClock(-1), '0:00');
  assert.equal(formatClock(null), '0:00');
  assert.equal(formatClock(Number.POSITIVE_INFINITY), '0:00');
  assert.equal(positionText(3, 600), '0:03 of 10:00');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(2048), '2.0 KB');
  assert.equal(formatBytes(19_200_044), '18 MB');
  assert.equal(formatBytes(null), '—');
});

const wav16k: AudioFormat = {
  container: 'wav',
  mimeType: 'audio/wav',
  playable: true,
  sampleRate: 16000,
  channels: 1,
  bitsPerSample: 16,
  encoding: 'pcm',
  durationSeconds: 2,
  bytes: 64_044,
};

test('describeFormat and unplayableMessage', () => {
  assert.equal(describeFormat(wav16k), 'WAV · PCM 16-bit · 16 kHz · mono');
  assert.equal(
    describeFormat({ ...wav16k, container: 'mp3', encoding: null, bitsPerSample: null, sampleRate: 44100, channels: 2 }),
    'MP3 · 44.1 kHz · stereo',
  );
  assert.equal(unplayableMessage(wav16k), null);
  const aac = unplayableMessage({ ...wav16k, container: 'unknown', playable: false, encoding: null });
  assert.ok(aac);
  assert.match(aac, /AAC/);
  assert.match(aac, /WAV.*MP3.*FLAC.*OGG/);
  assert.match(aac, /Export Audio/);
  assert.match(unplayableMessage({ ...wav16k, playable: false, encoding: 'alaw' }) ?? '', /WAV file with alaw encoding/);
});

const facts: GenerationFacts = {
  profileName: 'Alice',
  engine: 'flite',
  model: null,
  language: 'en',
  seed: 7,
  instruct: null,
  createdAt: Date.UTC(2025, 0, 2, 3, 4, 5),
  status: 'completed',
  error: null,
  duration: 2,
  audioBytes: 64_044,
  source: 'engine',
};

test('detailRows: shows what is known, in order, and the error of a failed generation', () => {
  const rows = detailRows(facts, wav16k, (ms) => new Date(ms).toISOString());
  assert.deepEqual(
    rows.map((r) => r.label),
    ['Voice', 'Engine', 'Language', 'Seed', 'Created', 'Status', 'Duration', 'File size', 'Format'],
  );
  assert.equal(rows.find((r) => r.label === 'Created')?.value, '2025-01-02T03:04:05.000Z');
  assert.equal(rows.find((r) => r.label === 'File size')?.value, '63 KB');
  // The same length format as the tree and the status bar ("2.0 s", not a clock's "0:02").
  assert.equal(rows.find((r) => r.label === 'Duration')?.value, '2.0 s');
  const failed = detailRows({ ...facts, status: 'failed', error: 'The engine crashed.', duration: null, audioBytes: null }, null, String);
  assert.equal(failed.find((r) => r.label === 'Error')?.value, 'The engine crashed.');
  assert.equal(
    failed.find((r) => r.label === 'Format'),
    undefined,
  );
  assert.equal(detailRows({ ...facts, status: 'failed' }, null, String).find((r) => r.label === 'Error')?.value, 'No reason was recorded.');
  // Text with markup stays a plain string value (rendered with textContent).
  const markup = detailRows({ ...facts, instruct: '<img src=x onerror=alert(1)>' }, null, String);
  assert.equal(markup.find((r) => r.label === 'Instruct')?.value, '<img src=x onerror=alert(1)>');
});

test("detailRows: the voice by its friendly name once the host said it, else the profile's name", () => {
  assert.equal(detailRows(facts, null, String)[0]?.value, facts.profileName);
  const named = detailRows({ ...facts, voice: 'slt — US English, female' }, null, String);
  assert.deepEqual(named[0], { label: 'Voice', value: 'slt — US English, female' });
});

test('toWaveformChannels: one upper and one lower curve over all channels', () => {
  const [top, bottom] = toWaveformChannels({
    durationSeconds: 1,
    max: [
      [0.1, 0.5, 0.2],
      [0.3, 0.4, 0.9],
    ],
    min: [
      [-0.2, -0.1, -0.7],
      [-0.6, -0.3, -0.1],
    ],
  });
  assert.deepEqual(top, [0.3, 0.5, 0.9]);
  assert.deepEqual(bottom, [-0.6, -0.3, -0.7]);
  assert.deepEqual(toWaveformChannels({ durationSeconds: 0, max: [], min: [] }), [[], []]);
});

const entity = (e: Partial<Extract<HistoryChange, { kind: 'entity' }>>): HistoryChange => ({
  kind: 'entity',
  entity: 'generation',
  op: 'updated',
  ids: [],
  generationIds: [],
  ...e,
});

test('impactOf: what a change elsewhere means for the generation on screen', () => {
  const none = { deleted: false, generation: false, versions: false, takes: false };
  assert.deepEqual(impactOf(entity({ op: 'deleted', ids: [ID], generationIds: [ID] }), ID, []), { ...none, deleted: true });
  assert.deepEqual(impactOf(entity({ op: 'updated', ids: [ID], generationIds: [ID] }), ID, []), { ...none, generation: true });
  // Another generation updated: nothing to do; a new one may be another take.
  assert.deepEqual(impactOf(entity({ op: 'updated', ids: [OTHER], generationIds: [OTHER] }), ID, []), none);
  assert.deepEqual(impactOf(entity({ op: 'created', ids: [OTHER], generationIds: [OTHER] }), ID, []), { ...none, takes: true });
  assert.deepEqual(impactOf(entity({ op: 'updated', ids: [OTHER], generationIds: [OTHER] }), ID, [ID, OTHER]), { ...none, takes: true });
  assert.deepEqual(impactOf(entity({ entity: 'version', op: 'created', ids: [THIRD], generationIds: [ID] }), ID, []), {
    ...none,
    generation: true,
    versions: true,
  });
  assert.deepEqual(impactOf(entity({ entity: 'version', op: 'deleted', ids: [THIRD], generationIds: [OTHER] }), ID, []), none);
  assert.deepEqual(impactOf(entity({ entity: 'profile', op: 'updated', ids: [THIRD] }), ID, []), { ...none, generation: true });
  assert.deepEqual(impactOf(entity({ entity: 'story', op: 'updated', ids: [THIRD] }), ID, []), none);
  assert.deepEqual(impactOf({ kind: 'reload', reason: 'import' }, ID, []), {
    deleted: false,
    generation: true,
    versions: true,
    takes: true,
  });
  assert.deepEqual(impactOf({ kind: 'reload', reason: 'import' }, null, []), none);
});

test('problemOf/failureOf: reasons from the host become what the player offers', () => {
  const missing = problemOf(
    failureOf({ message: 'The audio file … Run "Voice History: Reconcile Storage"', data: { code: 'NOT_FOUND', reason: 'AUDIO_MISSING' } }),
  );
  assert.equal(missing.kind, 'audio-missing');
  assert.match(missing.message, /Reconcile/);
  assert.equal(problemOf(failureOf({ message: 'x', data: { code: 'NOT_FOUND', reason: 'GENERATION_NOT_FOUND' } })).kind, 'gone');
  assert.equal(problemOf(failureOf({ message: 'still generating', data: { reason: 'NO_AUDIO' } })).kind, 'no-audio');
  const other = problemOf(failureOf(new Error('disk on fire')));
  assert.deepEqual(other, { kind: 'error', message: 'disk on fire' });
  assert.deepEqual(failureOf('plain'), { message: 'plain' });
  assert.deepEqual(failureOf({ message: 'm', data: null }), { code: undefined, reason: undefined, message: 'm' });
});

test('pickVersion and describeEffects', () => {
  const versions = [
    { id: 'a', isDefault: false },
    { id: 'b', isDefault: true },
  ];
  assert.equal(pickVersion(versions, 'a')?.id, 'a');
  assert.equal(pickVersion(versions, 'gone')?.id, 'b');
  assert.equal(pickVersion(versions, null)?.id, 'b');
  assert.equal(pickVersion([{ id: 'c', isDefault: false }], null)?.id, 'c');
  assert.equal(pickVersion([], null), null);
  assert.equal(describeEffects(null), '');
  assert.equal(describeEffects([]), '');
  assert.equal(describeEffects([{ type: 'reverb', mix: 0.3 }, 'pitch', { name: 'eq' }, 42]), 'reverb → pitch → eq → effect');
});
