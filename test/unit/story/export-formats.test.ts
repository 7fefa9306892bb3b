// Story export through the mix worker, every format decoded by ffmpeg (test-only): lengths, rates,
// channels as asked; FLAC bit-identical to WAV; cancel and failure leave no file behind.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createStoryMixer, type StoryMixer } from '../../../src/story/mixer';
import { MixError } from '../../../src/story/mix-error';
import type { MixTarget } from '../../../src/story/mix-options';
import type { MixPlan } from '../../../src/story/mix-plan';
import { decodeToPcm, encoderFilesFromNodeModules, probe } from '../archive/encoder-build';
import { scratch } from '../effects/meters';
import { sineWav } from './story-fixtures';

const DEV_WORKER = join(import.meta.dirname, 'dev-mix-worker.mjs');

function mixer(t: { after: (fn: () => void) => void }): StoryMixer {
  const m = createStoryMixer({ workerPath: DEV_WORKER, execArgv: ['--import', 'tsx'], files: encoderFilesFromNodeModules() });
  t.after(() => m.dispose());
  return m;
}

const sine = (dir: string, name: string, rate: number, seconds: number, hz: number, amplitude: number): string =>
  sineWav(dir, name, { seconds, hz, amplitude, rate, bits: 16 });

function story(dir: string): MixPlan {
  return {
    channels: 2,
    clips: [
      { path: sine(dir, 'a.wav', 44100, 1.2, 440, 0.5), startMs: 100, track: 0 },
      { path: sine(dir, 'b.wav', 22050, 0.8, 660, 0.5), startMs: 900, track: 1, volume: 0.7 },
    ],
  };
}

const TARGETS: Array<[MixTarget, string, string]> = [
  [{ codec: 'wav', bits: 16 }, 'wav', 'pcm_s16le'],
  [{ codec: 'wav', bits: 24 }, 'wav', 'pcm_s24le'],
  [{ codec: 'flac', bits: 16 }, 'flac', 'flac'],
  [{ codec: 'flac', bits: 24 }, 'flac', 'flac'],
  [{ codec: 'mp3', kbps: 192 }, 'mp3', 'mp3'],
  [{ codec: 'ogg', quality: 0.5 }, 'ogg', 'vorbis'],
];

test('every export format is decoded by ffmpeg at the highest clip rate, stereo, as long as the last clip end', async (t) => {
  const dir = scratch(t);
  const m = mixer(t);
  const plan = story(dir);
  for (const [target, ext, codec] of TARGETS) {
    const out = join(dir, `story-${target.codec}-${'bits' in target ? target.bits : ''}.${ext}`);
    const fractions: number[] = [];
    const result = await m.mix(plan, out, { target, level: { mode: 'limit' }, onProgress: (f) => fractions.push(f) });
    assert.equal(result.sampleRate, 44100);
    assert.equal(result.frames, Math.round(1.7 * 44100));
    const p = probe(out);
    assert.equal(p.codec, codec, `${out}`);
    assert.equal(p.sampleRate, 44100);
    assert.equal(p.channels, 2);
    // Lossy codecs pad to whole frames; their decoders trim by the encoder delay, not always to the sample.
    const tolerance = target.codec === 'wav' || target.codec === 'flac' ? 1 / 44100 : 0.06;
    assert.ok(Math.abs(p.durationSeconds - 1.7) <= tolerance, `${out}: ${p.durationSeconds} s`);
    assert.ok(fractions.every((f) => f >= 0 && f <= 1));
  }
  // Lossless is lossless: FLAC decodes to exactly the WAV's samples.
  assert.deepEqual(decodeToPcm(join(dir, 'story-flac-24.flac'), 24), decodeToPcm(join(dir, 'story-wav-24.wav'), 24));
  assert.deepEqual(decodeToPcm(join(dir, 'story-flac-16.flac'), 16), decodeToPcm(join(dir, 'story-wav-16.wav'), 16));
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith('.partial')),
    [],
    'no partial files left',
  );
});

test('mono export at a chosen rate (resampled); MP3 refuses a rate it cannot hold, before writing', async (t) => {
  const dir = scratch(t);
  const m = mixer(t);
  const plan = { ...story(dir), channels: 1 as const, sampleRate: 16000 };
  const out = join(dir, 'mono.mp3');
  await m.mix(plan, out, { target: { codec: 'mp3', kbps: 64 }, level: { mode: 'limit' } });
  const p = probe(out);
  assert.equal(p.channels, 1);
  assert.equal(p.sampleRate, 16000);
  await assert.rejects(
    m.mix({ ...plan, sampleRate: 96000 }, join(dir, 'x.mp3'), { target: { codec: 'mp3', kbps: 128 }, level: { mode: 'limit' } }),
    (e: unknown) => e instanceof MixError && e.code === 'unsupported-target' && /96000 Hz/.test(e.message),
  );
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith('x.') || f.includes('.partial')),
    [],
  );
});

test('a missing clip refuses the export by name through the worker; nothing is written', async (t) => {
  const dir = scratch(t);
  const m = mixer(t);
  const plan = story(dir);
  plan.clips.push({ path: join(dir, 'gone.flac'), label: 'Line <3> "Bye"', startMs: 0, track: 2 });
  const out = join(dir, 'story.flac');
  await assert.rejects(
    m.mix(plan, out, { target: { codec: 'flac', bits: 16 }, level: { mode: 'limit' } }),
    (e: unknown) => e instanceof MixError && e.code === 'missing-audio' && e.message.includes('clip 3 ("Line <3> "Bye"")'),
  );
  assert.deepEqual(readdirSync(dir).sort(), ['a.wav', 'b.wav']);
});

test('cancelling ends the worker mid-mix and leaves no file', async (t) => {
  const dir = scratch(t);
  const m = mixer(t);
  const clip = sine(dir, 'long.wav', 48000, 30, 300, 0.3);
  const plan: MixPlan = { clips: Array.from({ length: 20 }, (_, i) => ({ path: clip, startMs: i * 30000, track: i % 3 })) };
  const controller = new AbortController();
  const out = join(dir, 'long.wav.out.wav');
  await assert.rejects(
    m.mix(plan, out, {
      target: { codec: 'wav', bits: 16 },
      level: { mode: 'limit' },
      signal: controller.signal,
      onProgress: (f) => {
        if (f > 0) controller.abort();
      },
    }),
    (e: unknown) => e instanceof MixError && e.code === 'cancelled',
  );
  assert.deepEqual(readdirSync(dir), ['long.wav']);
});
