// The story mixdown measured with sox and ffmpeg (test-only): sox makes the sine clips, ffmpeg
// decodes and meters what we wrote; the expected sums come from ffmpeg's decoding of the clips.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { mixdown, MixError } from '../../../src/story/mixdown';
import { durationSeconds, ebur128, scratch } from '../effects/meters';
import { pcm24, sineWav } from './story-fixtures';

const RATE = 48000;

const sine = (dir: string, name: string, seconds: number, hz: number, amplitude: number): string =>
  sineWav(dir, name, { seconds, hz, amplitude, rate: RATE });

/** Samples of channel 0 as ffmpeg decodes them, in 24-bit steps. */
function samples(path: string, channels: number): Int32Array {
  const all = pcm24(path);
  return all.filter((_, i) => i % channels === 0);
}

test('two sine clips at known offsets and volumes mix to their sum within 1 LSB (24-bit), duration = last clip end', async (t) => {
  const dir = scratch(t);
  const a = sine(dir, 'a.wav', 1, 440, 0.4);
  const b = sine(dir, 'b.wav', 0.75, 1000, 0.3);
  const out = join(dir, 'mix.wav');
  const result = await mixdown(
    {
      channels: 1,
      clips: [
        { path: a, startMs: 250, volume: 0.5, track: 0 },
        { path: b, startMs: 900, volume: 0.8, track: 1 },
      ],
      tracks: [{ gain: 1 }, { gain: 1.25 }],
    },
    out,
    { target: { codec: 'wav', bits: 24 }, level: { mode: 'none' }, blockFrames: 10000 },
  );
  assert.equal(result.sampleRate, RATE);
  const got = samples(out, 1);
  const sa = samples(a, 1);
  const sb = samples(b, 1);
  const offA = 0.25 * RATE;
  const offB = 0.9 * RATE;
  assert.equal(got.length, offB + sb.length);
  assert.ok(Math.abs(durationSeconds(out) - 1.65) < 1e-3);
  let worst = 0;
  let overlap = 0;
  for (let i = 0; i < got.length; i++) {
    const x =
      (i >= offA && i < offA + sa.length ? sa[i - offA]! * 0.5 : 0) + (i >= offB && i < offB + sb.length ? sb[i - offB]! * 0.8 * 1.25 : 0);
    if (i >= offB && i < offA + sa.length) overlap++;
    worst = Math.max(worst, Math.abs(got[i]! - x));
  }
  assert.ok(overlap > 0.3 * RATE, 'the clips overlap');
  assert.ok(worst <= 1, `worst difference ${worst} LSB`);
});

test('overlapping loud clips on one track are summed and limited: true peak ≤ −1 dBFS', async (t) => {
  const dir = scratch(t);
  const a = sine(dir, 'a.wav', 2, 997, 0.9);
  const b = sine(dir, 'b.wav', 2, 1503, 0.9);
  const out = join(dir, 'mix.wav');
  await mixdown(
    {
      channels: 2,
      clips: [
        { path: a, startMs: 0, volume: 1.5, track: 0 },
        { path: b, startMs: 500, volume: 1, track: 0 },
      ],
    },
    out,
  );
  const peak = ebur128(out).truePeak;
  assert.ok(peak <= -1, `true peak ${peak} dBFS`);
  assert.ok(peak > -3, `the limiter only takes what is needed (${peak} dBFS)`);
  assert.ok(Math.abs(durationSeconds(out) - 2.5) < 1e-3);
});

test('a missing audio file refuses the export with the clip named, before writing', async (t) => {
  const dir = scratch(t);
  const a = sine(dir, 'a.wav', 0.2, 440, 0.4);
  await assert.rejects(
    mixdown(
      {
        clips: [
          { path: a, startMs: 0, track: 0 },
          { path: join(dir, 'gone.wav'), label: 'Narrator, line 2', startMs: 0, track: 1 },
        ],
      },
      join(dir, 'x.wav'),
    ),
    (e: unknown) => e instanceof MixError && e.code === 'missing-audio' && /clip 2 \("Narrator, line 2"\)/.test(e.message),
  );
});

test('the sample rate defaults to the highest among the clips; muted and non-solo tracks are silent', async (t) => {
  const dir = scratch(t);
  const lo = join(dir, 'lo.wav');
  execFileSync('sox', ['-n', '-r', '22050', '-c', '1', '-b', '16', lo, 'synth', '0.5', 'sine', '300', 'vol', '0.5']);
  const hi = sine(dir, 'hi.wav', 0.5, 300, 0.5);
  const out = join(dir, 'mix.wav');
  const r = await mixdown(
    {
      clips: [
        { path: lo, startMs: 0, track: 0 },
        { path: hi, startMs: 0, track: 1 },
      ],
      tracks: [{ solo: true }, { mute: false }],
    },
    out,
    { target: { codec: 'wav', bits: 24 } },
  );
  assert.equal(r.sampleRate, RATE);
  const got = samples(out, 2);
  assert.ok(got.some((s) => s !== 0));
  const muted = join(dir, 'muted.wav');
  await mixdown({ clips: [{ path: lo, startMs: 0, track: 0 }], tracks: [{ mute: true }] }, muted);
  assert.ok(samples(muted, 2).every((s) => s === 0));
});

test('an aborted signal cancels the mixdown', async (t) => {
  const dir = scratch(t);
  const a = sine(dir, 'a.wav', 0.2, 440, 0.4);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    mixdown({ clips: [{ path: a, startMs: 0, track: 0 }] }, join(dir, 'x.wav'), { signal: controller.signal }),
    (e: unknown) => e instanceof MixError && e.code === 'cancelled',
  );
});

test('peak-safe normalisation: one gain puts the true peak at −1 dBFS (ffmpeg), samples scaled, not limited', async (t) => {
  const dir = scratch(t);
  const a = sine(dir, 'a.wav', 1, 440, 0.1);
  const b = sine(dir, 'b.wav', 1, 660, 0.05);
  const out = join(dir, 'mix.wav');
  const r = await mixdown(
    {
      channels: 1,
      clips: [
        { path: a, startMs: 0, track: 0 },
        { path: b, startMs: 1500, track: 1 },
      ],
    },
    out,
    { target: { codec: 'wav', bits: 24 }, level: { mode: 'peak' } },
  );
  const { truePeak } = ebur128(out);
  assert.ok(truePeak <= -1 && truePeak > -1.4, `true peak ${truePeak} dBFS`);
  assert.ok(r.gainDb > 15 && r.gainDb < 20, `gain ${r.gainDb} dB`);
  // One gain for all: the quieter clip keeps its 6 dB distance.
  const got = samples(out, 1);
  const peakOf = (from: number, to: number): number => got.subarray(from, to).reduce((m, s) => Math.max(m, Math.abs(s)), 0);
  const ratio = peakOf(0, RATE) / peakOf(1.5 * RATE, 2.5 * RATE);
  assert.ok(Math.abs(ratio - 2) < 0.01, `ratio ${ratio}`);
});

test('a loudness target is met in two passes (ffmpeg ebur128 within 0.5 LU), with the limiter holding −1 dBTP', async (t) => {
  const dir = scratch(t);
  const a = sine(dir, 'a.wav', 3, 440, 0.05);
  const b = sine(dir, 'b.wav', 3, 1000, 0.05);
  const plan = {
    clips: [
      { path: a, startMs: 0, track: 0 },
      { path: b, startMs: 2000, track: 1 },
    ],
  };
  const out = join(dir, 'mix.wav');
  const r = await mixdown(plan, out, { target: { codec: 'wav', bits: 24 }, level: { mode: 'limit', loudnessLufs: -16 } });
  const m = ebur128(out);
  assert.ok(Math.abs(m.integrated - -16) <= 0.5, `integrated ${m.integrated} LUFS`);
  assert.ok(m.truePeak <= -1, `true peak ${m.truePeak}`);
  assert.ok(r.measured?.loudnessLufs !== undefined && r.measured.loudnessLufs !== null && r.measured.loudnessLufs < -25);
  // Peak-safe instead: the ceiling wins over a target it would break; the result is quieter, never over −1 dBTP.
  const safe = join(dir, 'safe.wav');
  await mixdown(plan, safe, { target: { codec: 'wav', bits: 24 }, level: { mode: 'peak', loudnessLufs: -6 } });
  const s = ebur128(safe);
  assert.ok(s.truePeak <= -1, `true peak ${s.truePeak}`);
  assert.ok(s.integrated < -6.5, `integrated ${s.integrated}`);
});

test('trims read only the clip range that plays: samples equal the source from its trim point', async (t) => {
  const dir = scratch(t);
  const a = sine(dir, 'a.wav', 1, 123, 0.5);
  const out = join(dir, 'mix.wav');
  await mixdown({ channels: 1, clips: [{ path: a, startMs: 500, trimStartMs: 200, trimEndMs: 300, track: 0 }] }, out, {
    target: { codec: 'wav', bits: 24 },
    level: { mode: 'none' },
  });
  const got = samples(out, 1);
  const src = samples(a, 1);
  assert.equal(got.length, 0.5 * RATE + 0.5 * RATE);
  for (let i = 0; i < 0.5 * RATE; i++) assert.equal(got[i], 0);
  for (let i = 0; i < 0.5 * RATE; i++) assert.equal(got[0.5 * RATE + i], src[0.2 * RATE + i]);
});
