// exportStory on real sql.js stories of real WAVs, through the mix worker: the mix, a stem per
// track and the captions in one call; every stem decoded by ffmpeg and added up against the mix;
// refusals and cancellation leave nothing behind.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import type { HistoryService } from '../../../src/history/service';
import { exportStory } from '../../../src/story/export';
import { MixError } from '../../../src/story/mix-error';
import { createStoryMixer, type StoryMixer } from '../../../src/story/mixer';
import { encoderFilesFromNodeModules, probe } from '../archive/encoder-build';
import { scratch } from '../effects/meters';
import { freshHistory } from '../store/helpers';
import { makeStory, pcm24, type ClipSpec } from './story-fixtures';

const DEV_WORKER = join(import.meta.dirname, 'dev-mix-worker.mjs');

let h: HistoryService;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ h, cleanup } = await freshHistory()));
afterEach(() => cleanup());

function mixer(t: { after: (fn: () => void) => void }): StoryMixer {
  const m = createStoryMixer({ workerPath: DEV_WORKER, execArgv: ['--import', 'tsx'], files: encoderFilesFromNodeModules() });
  t.after(() => m.dispose());
  return m;
}

/** Three tracks, never more than two sounding at once (so the rounded stems add up to the rounded mix within 1 LSB). */
const THREE_TRACKS: ClipSpec[] = [
  { text: 'The narrator begins. It was a dark night.', ms: 1500, startMs: 0, track: 0, profile: 'Narrator', hz: 220 },
  { text: 'Who is there?', ms: 800, startMs: 1000, track: 1, profile: 'Ann', hz: 550, volume: 0.5 },
  { text: 'Only me.', ms: 900, startMs: 2000, track: 2, profile: 'Bob', hz: 880 },
  { text: 'And so it ended.', ms: 700, startMs: 2600, track: 0, profile: 'Narrator', hz: 330, trimStartMs: 100 },
];

test('mix, stems and captions in one call: each stem as long as the mix, and the stems add up to the mix within 1 LSB', async (t) => {
  const out = scratch(t);
  const audio = join(out, 'sources');
  mkdirSync(audio);
  const s = await makeStory(h, THREE_TRACKS, { audioDir: audio, name: 'Night: "one"' });
  await h.editStory(s.id, { type: 'track', track: 1, gain: 1.5, name: 'Ann / close' });
  const fractions: number[] = [];
  const result = await exportStory(
    h,
    s.id,
    {
      channels: 1,
      // One peak-safe gain for the whole mix, no limiter: the stems get the same gain.
      mix: { path: join(out, 'Night.wav'), target: { codec: 'wav', bits: 24 }, level: { mode: 'peak', truePeakDb: -1 } },
      stems: { dir: join(out, 'stems') },
      captions: { dir: out, formats: ['srt', 'vtt', 'labels', 'cue', 'ffmetadata'] },
    },
    { mixer: mixer(t), onProgress: (f) => fractions.push(f) },
  );
  assert.deepEqual(
    result.stems.map((st) => [st.track, st.name]),
    [
      [0, 'Track 1'],
      [1, 'Ann / close'],
      [2, 'Track 3'],
    ],
  );
  assert.deepEqual(readdirSync(join(out, 'stems')).sort(), [
    'Night_ _one_ - 1 Track 1.wav',
    'Night_ _one_ - 2 Ann _ close.wav',
    'Night_ _one_ - 3 Track 3.wav',
  ]);
  assert.deepEqual(readdirSync(out).sort(), [
    'Night.chapters.txt',
    'Night.cue',
    'Night.labels.txt',
    'Night.srt',
    'Night.vtt',
    'Night.wav',
    'sources',
    'stems',
  ]);
  assert.equal(result.files.length, 9);
  assert.ok(result.mix && result.mix.gainDb !== 0, `the mix has a gain (${result.mix?.gainDb} dB)`);
  assert.ok(fractions.length > 0 && fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]!)));
  assert.equal(fractions.at(-1), 1);

  const mix = pcm24(join(out, 'Night.wav'));
  // The story ends where its last clip ends: 2600 + 700 − 100 ms.
  assert.equal(mix.length, Math.round(3.2 * 48000));
  const sum = new Float64Array(mix.length);
  for (const st of result.stems) {
    const p = probe(st.path);
    assert.equal(p.codec, 'pcm_s24le');
    assert.equal(p.channels, 1);
    const x = pcm24(st.path);
    assert.equal(x.length, mix.length, `${st.name} is as long as the mix`);
    assert.ok(
      x.some((v) => v !== 0),
      `${st.name} has sound`,
    );
    for (let i = 0; i < x.length; i++) sum[i]! += x[i]!;
  }
  let worst = 0;
  for (let i = 0; i < mix.length; i++) worst = Math.max(worst, Math.abs(sum[i]! - mix[i]!));
  assert.ok(worst <= 1, `stems vs mix: worst ${worst} LSB`);
  // The track-1 stem is its clip at volume 0.5 × track gain 1.5 × the mix gain: silent outside 1.0–1.8 s.
  const ann = pcm24(result.stems[1]!.path);
  assert.ok(ann.subarray(0, 48000).every((v) => v === 0) && ann.subarray(Math.round(1.8 * 48000)).every((v) => v === 0));
  assert.match(readFileSync(join(out, 'Night.cue'), 'utf8'), /FILE "Night.wav" WAVE/);
  assert.match(readFileSync(join(out, 'Night.vtt'), 'utf8'), /<v Ann>Who is there\?/);
  assert.equal(result.chapters, 4);
});

test('a muted track has no stem; a soloed track is the only stem; stems take the mix format (FLAC) by default', async (t) => {
  const out = scratch(t);
  const s = await makeStory(h, THREE_TRACKS, { audioDir: out });
  await h.editStory(s.id, { type: 'track', track: 2, mute: true });
  const m = mixer(t);
  const a = await exportStory(
    h,
    s.id,
    { mix: { path: join(out, 'a.flac'), target: { codec: 'flac', bits: 16 }, level: { mode: 'limit' } }, stems: { dir: join(out, 'a') } },
    { mixer: m },
  );
  assert.deepEqual(
    a.stems.map((st) => st.track),
    [0, 1],
  );
  assert.ok(a.stems.every((st) => st.path.endsWith('.flac') && probe(st.path).codec === 'flac'));
  await h.editStory(s.id, { type: 'track', track: 1, solo: true });
  const b = await exportStory(h, s.id, { stems: { dir: join(out, 'b'), target: { codec: 'wav', bits: 16 } } }, { mixer: m });
  assert.deepEqual(
    b.stems.map((st) => st.track),
    [1],
  );
  assert.deepEqual(readdirSync(join(out, 'b')), ['Episode 1 - 2 Track 2.wav']);
});

test('missing audio refuses the export with the clip named, before anything is written; captions alone still work', async (t) => {
  const out = scratch(t);
  const audio = join(out, 'sources');
  mkdirSync(audio);
  const s = await makeStory(h, THREE_TRACKS, { audioDir: audio });
  const m = mixer(t);
  const target = join(out, 'x');
  mkdirSync(target);
  const request = {
    mix: { path: join(target, 'x.mp3'), target: { codec: 'mp3' as const, kbps: 128 as const }, level: { mode: 'limit' as const } },
    captions: { dir: target, formats: ['srt' as const] },
  };
  // A file gone from disk: the mixdown names the clip.
  const bob = s.items.find((i) => i.track === 2)!;
  const gen = (await h.get(bob.generationId))!;
  rmSync(h.resolveAudioPath(gen));
  await assert.rejects(
    exportStory(h, s.id, request, { mixer: m }),
    (e: unknown) => e instanceof MixError && e.code === 'missing-audio' && e.message.includes('("Only me.")'),
  );
  assert.deepEqual(readdirSync(target), []);
  // A generation that never had audio: refused by name too.
  const profileId = (await h.createProfile({ name: 'Cy' })).id;
  const pending = await h.create({ profileId, text: 'Not spoken yet' });
  await h.editStory(s.id, { type: 'add', items: [{ generationId: pending.id, startMs: 5000, track: 3 }] });
  await assert.rejects(
    exportStory(h, s.id, { stems: { dir: target } }, { mixer: m }),
    (e: unknown) => e instanceof MixError && e.code === 'missing-audio' && /Clip \d \("Not spoken yet"\) has no audio/.test(e.message),
  );
  assert.deepEqual(readdirSync(target), []);
  const captions = await exportStory(h, s.id, { captions: { dir: target, formats: ['srt', 'vtt'] } }, { mixer: m });
  assert.deepEqual(readdirSync(target).sort(), ['Episode 1.srt', 'Episode 1.vtt']);
  assert.ok(captions.cues >= 4);
});

test('cancelling during the stems leaves nothing: not the finished mix, no stem, no partial file; an existing file stays', async (t) => {
  const out = scratch(t);
  const s = await makeStory(
    h,
    Array.from({ length: 6 }, (_, i) => ({ text: `Line ${i}.`, ms: 20_000, startMs: i * 5000, track: i % 3 })),
    { audioDir: out },
  );
  const target = join(out, 'x');
  mkdirSync(target);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(target, 'story.wav'), 'an older export');
  const controller = new AbortController();
  await assert.rejects(
    exportStory(
      h,
      s.id,
      {
        mix: { path: join(target, 'story.wav'), target: { codec: 'wav', bits: 16 }, level: { mode: 'limit' } },
        stems: { dir: target },
        captions: { dir: target, formats: ['srt'] },
      },
      {
        mixer: mixer(t),
        signal: controller.signal,
        // The mix is a quarter of the work: past 0.3 the stems are being written.
        onProgress: (f) => {
          if (f > 0.3) controller.abort();
        },
      },
    ),
    (e: unknown) => e instanceof MixError && e.code === 'cancelled',
  );
  assert.deepEqual(readdirSync(target), ['story.wav']);
  assert.equal(readFileSync(join(target, 'story.wav'), 'utf8'), 'an older export');
});
