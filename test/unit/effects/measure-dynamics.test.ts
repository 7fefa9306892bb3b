// Limiter, noise gate and fade, rendered by the real engine and measured by ffmpeg (ebur128 true
// peak) and sox (RMS of stretches of the result).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChain } from '../../../src/effects/chain';
import { devRenderer, ebur128, rmsDb, scratch, synth, writeTemp } from './meters';

const RATE = 24000;

test('limiter −6 dB: a full-scale transient in the first 5 ms (inside the look-ahead) stays under the ceiling (ffmpeg true peak)', async (t) => {
  const dir = scratch(t);
  const renderer = devRenderer(t);
  const chain = parseChain([{ type: 'limiter', params: { threshold_db: -6, release_ms: 100 } }]);
  // A 5 ms full-scale burst from t = 0 then 1 s of silence; a 3 ms square burst starting 2 ms in.
  for (const [name, effects] of [
    ['at-0', ['synth', '0.005', 'sine', '1000', 'gain', '-n', '-0.1', 'pad', '0', '1']],
    ['at-2ms', ['synth', '0.003', 'square', '700', 'gain', '-n', '-1', 'pad', '0.002', '1']],
  ] as const) {
    const input = synth(dir, `${name}.wav`, RATE, 1, [...effects]);
    assert.ok(ebur128(input).truePeak > -0.5, `${name}: the input is full scale`);
    const out = await renderer.render({ path: input }, chain, { output: 'float32' });
    const { truePeak } = ebur128(writeTemp(dir, `out-${name}.wav`, out.wav));
    assert.ok(truePeak <= -6 + 0.1, `${name}: true peak ${truePeak} dBTP over the −6 dB ceiling`);
  }
});

test('limiter −3 dB holds loud speech-like noise under the ceiling (ffmpeg true peak) and leaves a quiet passage alone (sox)', async (t) => {
  const dir = scratch(t);
  // 3 s of loud, peaky noise in speech's band (under 8 kHz; peaks at −0.3 dBFS), then 2 s of the same 30 dB down.
  const noise = (seconds: number, peakDb: number): string[] => [
    'synth',
    String(seconds),
    'pinknoise',
    'tremolo',
    '4',
    '90',
    'sinc',
    '-8000',
    'gain',
    '-n',
    String(peakDb),
  ];
  const input = synth(dir, 'in.wav', RATE, 1, [...noise(3, -0.3), ':', ...noise(2, -30)]);
  assert.ok(ebur128(input).truePeak > -1, 'the input peaks well over the ceiling');
  const out = await devRenderer(t).render(
    { path: input },
    parseChain([{ type: 'limiter', params: { threshold_db: -3, release_ms: 100 } }]),
    {
      output: 'float32',
    },
  );
  const path = writeTemp(dir, 'out.wav', out.wav);
  const { truePeak } = ebur128(path);
  assert.ok(truePeak <= -3 + 0.1, `true peak ${truePeak} dBTP over the −3 dB ceiling`);
  // Only the peaks come down: the loud part loses little, the quiet part (after the release) nothing.
  const loud = rmsDb(path, 0.5, 2) - rmsDb(input, 0.5, 2);
  assert.ok(loud < -0.05 && loud > -3, `loud part changed by ${loud.toFixed(2)} dB`);
  const quiet = rmsDb(path, 3.5, 1.5) - rmsDb(input, 3.5, 1.5);
  assert.ok(Math.abs(quiet) < 0.05, `quiet part changed by ${quiet.toFixed(3)} dB`);
});

test('noise gate −40 dB: a −60 dB passage between loud ones goes down by at least 40 dB, the loud ones stay (sox)', async (t) => {
  const dir = scratch(t);
  const tone = (seconds: number, db: number): string[] => ['synth', String(seconds), 'sine', '440', 'gain', String(db)];
  const input = synth(dir, 'in.wav', RATE, 1, [...tone(1, -6), ':', ...tone(1, -60), ':', ...tone(1, -6)]);
  const chain = parseChain([{ type: 'noise_gate', params: { threshold_db: -40, ratio: 10, attack_ms: 1, release_ms: 100 } }]);
  const out = await devRenderer(t).render({ path: input }, chain, { output: 'float32' });
  const path = writeTemp(dir, 'out.wav', out.wav);
  const change = (from: number, seconds: number): number => rmsDb(path, from, seconds) - rmsDb(input, from, seconds);
  // The quiet passage once the envelope has fallen from the loud level (a 100 ms release: −43 dB in 0.5 s).
  assert.ok(change(1.5, 0.45) <= -40, `quiet passage changed by ${change(1.5, 0.45).toFixed(1)} dB`);
  for (const from of [0.2, 2.2])
    assert.ok(Math.abs(change(from, 0.6)) < 0.2, `loud passage at ${from} s changed by ${change(from, 0.6).toFixed(2)} dB`);
});

test('fade 500 ms in and out follows a linear ramp at the start and end and leaves the middle alone (sox)', async (t) => {
  const dir = scratch(t);
  const input = synth(dir, 'in.wav', RATE, 1, ['synth', '2', 'sine', '440', 'gain', '-6']);
  const out = await devRenderer(t).render({ path: input }, parseChain([{ type: 'fade', params: { in_ms: 500, out_ms: 500 } }]), {
    output: 'float32',
  });
  const path = writeTemp(dir, 'out.wav', out.wav);
  const change = (from: number, seconds: number): number => rmsDb(path, from, seconds) - rmsDb(input, from, seconds);
  // Mean square of a linear ramp g(t) = t / 0.5 s over the window, in dB.
  const ramp = (from: number, to: number): number => 10 * Math.log10((to ** 3 - from ** 3) / (3 * (to - from) * 0.25));
  const windows: [from: number, seconds: number, expected: number, tolerance: number][] = [
    [0, 0.05, ramp(0, 0.05), 1], // −24.8 dB
    [0.225, 0.05, ramp(0.225, 0.275), 0.3], // −6 dB: half way
    [0.6, 0.8, 0, 0.05],
    [1.725, 0.05, ramp(0.225, 0.275), 0.3],
    [1.95, 0.05, ramp(0, 0.05), 1],
  ];
  for (const [from, seconds, expected, tolerance] of windows) {
    const got = change(from, seconds);
    assert.ok(Math.abs(got - expected) <= tolerance, `${from}..${from + seconds} s: ${got.toFixed(2)} dB, expected ${expected.toFixed(2)}`);
  }
});
