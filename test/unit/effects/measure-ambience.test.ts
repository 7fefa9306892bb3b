// Reverb, delay and chorus, rendered by the real engine and measured on what it wrote: levels of
// stretches by sox, samples decoded by ffmpeg for the echo's cross-correlation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChain } from '../../../src/effects/chain';
import { devRenderer, durationSeconds, rmsDb, samplesOf, scratch, synth, writeTemp } from './meters';

const RATE = 24000;
/** Speech-band noise (under 8 kHz), peaking at `peakDb`. */
const noise = (seconds: number, peakDb = -6): string[] => [
  'synth',
  String(seconds),
  'pinknoise',
  'sinc',
  '-8000',
  'gain',
  '-n',
  String(peakDb),
];

test('reverb: the tail rings on after the sound ends, longer for a larger room (RT60 from sox levels); no tail when dry only', async (t) => {
  const dir = scratch(t);
  const renderer = devRenderer(t);
  // 0.3 s of noise from 0.2 s, ending at 0.5 s, then 3 s of silence.
  const input = synth(dir, 'in.wav', RATE, 1, [...noise(0.3), 'pad', '0.2', '3']);
  const render = async (name: string, params: Record<string, number>): Promise<string> => {
    const out = await renderer.render({ path: input }, parseChain([{ type: 'reverb', params }]), { output: 'float32' });
    return writeTemp(dir, `${name}.wav`, out.wav);
  };
  // Decay between 100 ms and 600 ms after the end, scaled to 60 dB.
  const rt60 = (path: string): number => (60 * 0.5) / (rmsDb(path, 0.6, 0.1) - rmsDb(path, 1.1, 0.1));

  const dryOnly = await render('dry', { wet_level: 0, dry_level: 0.5 }); // dry gain is 2 × dry_level
  assert.ok(Math.abs(rmsDb(dryOnly, 0.2, 0.3) - rmsDb(input, 0.2, 0.3)) < 0.1, 'dry only: the sound is unchanged');
  // After the sound only the input's dither (about −96 dB) is left, as in the input.
  const after = rmsDb(dryOnly, 0.55, 1);
  assert.ok(after < -90 && Math.abs(after - rmsDb(input, 0.55, 1)) < 0.1, `dry only: ${after.toFixed(1)} dB after the sound`);

  const rooms = new Map<number, number>();
  for (const room of [0.2, 0.5, 0.9]) rooms.set(room, rt60(await render(`room-${room}`, { room_size: room })));
  const show = JSON.stringify(Object.fromEntries(rooms));
  // Freeverb's combs (25–37 ms, feedback 0.7 + 0.28 × room) give about 0.6 s, 1.2 s and 4 s.
  assert.ok(rooms.get(0.5)! > 0.8 && rooms.get(0.5)! < 2.5, `RT60 by room size: ${show}`);
  assert.ok(rooms.get(0.2)! < rooms.get(0.5)! && rooms.get(0.9)! > 2 * rooms.get(0.5)!, `RT60 by room size: ${show}`);

  // The tail is there: 100 ms after the end it is within 25 dB of the sound.
  const room = await render('default', {});
  assert.ok(rmsDb(room, 0.6, 0.1) > rmsDb(room, 0.2, 0.3) - 25, 'the tail follows the sound');
});

test('reverb: the wet level scales the reverberation alone (+6 dB for twice the wet level), and the tail outlasts the input', async (t) => {
  const dir = scratch(t);
  const renderer = devRenderer(t);
  const input = synth(dir, 'in.wav', RATE, 1, [...noise(0.3), 'pad', '0.2', '0.2']);
  const wetOnly = async (wet: number): Promise<string> => {
    const out = await renderer.render({ path: input }, parseChain([{ type: 'reverb', params: { wet_level: wet, dry_level: 0 } }]), {
      output: 'float32',
    });
    return writeTemp(dir, `wet-${wet}.wav`, out.wav);
  };
  const [single, double] = [await wetOnly(0.33), await wetOnly(0.66)];
  // Over a fixed stretch: the louder tail takes longer to reach the floor where the render ends it.
  const change = rmsDb(double, 0.2, 1) - rmsDb(single, 0.2, 1);
  assert.ok(Math.abs(change - 6.02) < 0.1, `twice the wet level: ${change.toFixed(2)} dB`);
  // The input ends 200 ms after the sound; a 0.5 room rings on for over a second beyond that.
  assert.ok(durationSeconds(single) > durationSeconds(input) + 1, `${durationSeconds(single)} s from ${durationSeconds(input)} s`);
});

test('delay 250 ms, feedback 0.5: the echo comes 250 ms later (cross-correlation), each repeat 6 dB down (sox)', async (t) => {
  const dir = scratch(t);
  // A 20 ms burst at 0.1 s, then silence to 2 s: the echoes do not overlap.
  const input = synth(dir, 'in.wav', RATE, 1, [...noise(0.02), 'pad', '0.1', '1.88']);
  const out = await devRenderer(t).render(
    { path: input },
    parseChain([{ type: 'delay', params: { delay_seconds: 0.25, feedback: 0.5, mix: 0.5 } }]),
    { output: 'float32' },
  );
  const path = writeTemp(dir, 'out.wav', out.wav);

  // Cross-correlate the output with the burst over lags from 50 ms to 1 s: the strongest is the echo.
  const burst = samplesOf(input).subarray(Math.round(0.1 * RATE), Math.round(0.12 * RATE));
  const output = samplesOf(path);
  let best = { lag: 0, score: -Infinity };
  for (let lag = Math.round(0.05 * RATE); lag <= RATE; lag++) {
    let score = 0;
    const at = Math.round(0.1 * RATE) + lag;
    for (let k = 0; k < burst.length; k++) score += burst[k]! * (output[at + k] ?? 0);
    if (score > best.score) best = { lag, score };
  }
  assert.equal(best.lag, 0.25 * RATE, `echo found ${((best.lag / RATE) * 1000).toFixed(2)} ms after the sound`);

  // Dry × (1 − mix), then echoes × mix × feedback^k; silence between them.
  const level = (from: number): number => rmsDb(path, from, 0.02);
  assert.ok(Math.abs(level(0.1) - (rmsDb(input, 0.1, 0.02) - 6.02)) < 0.1, 'the dry sound is at 1 − mix');
  assert.ok(Math.abs(level(0.35) - level(0.1)) < 0.1, `first echo vs dry: ${(level(0.35) - level(0.1)).toFixed(2)} dB`);
  for (const from of [0.6, 0.85, 1.1])
    assert.ok(
      Math.abs(level(from) - level(from - 0.25) + 6.02) < 0.1,
      `repeat at ${from} s: ${(level(from) - level(from - 0.25)).toFixed(2)} dB`,
    );
  // Between the sound and its echo: nothing above the input's own floor there (sox's dither, when it adds some).
  const gap = rmsDb(path, 0.15, 0.15);
  assert.ok(gap < Math.max(level(0.1) - 80, rmsDb(input, 0.15, 0.15) + 0.5), `${gap.toFixed(1)} dB between the sound and its echo`);
});

test('chorus: the LFO modulates the sound (level of 20 ms stretches swings), none at depth 0; the level is kept (sox)', async (t) => {
  const dir = scratch(t);
  const renderer = devRenderer(t);
  const render = async (input: string, name: string, params: Record<string, number>): Promise<string> => {
    const out = await renderer.render({ path: input }, parseChain([{ type: 'chorus', params }]), { output: 'float32' });
    return writeTemp(dir, `${name}.wav`, out.wav);
  };
  const tone = synth(dir, 'tone.wav', RATE, 1, ['synth', '3', 'sine', '1000', 'gain', '-10']);
  // Level of each 20 ms from 0.5 s to 2.5 s.
  const swing = (path: string): number => {
    const levels = Array.from({ length: 100 }, (_, i) => rmsDb(path, 0.5 + i * 0.02, 0.02));
    return Math.max(...levels) - Math.min(...levels);
  };
  // Dry plus a copy whose delay sweeps 7 ± 2.5 ms: at 1 kHz the two pass in and out of phase.
  const modulated = swing(await render(tone, 'tone-chorus', { rate_hz: 1, depth: 0.5 }));
  assert.ok(modulated > 10, `depth 0.5: the level swings by ${modulated.toFixed(1)} dB`);
  const still = swing(await render(tone, 'tone-depth-0', { rate_hz: 1, depth: 0 }));
  assert.ok(still < 0.5, `depth 0: the level swings by ${still.toFixed(2)} dB`);

  // Speech-band noise: a 50/50 mix with a delayed copy keeps the level within 3 dB (−3 dB when uncorrelated).
  const speech = synth(dir, 'noise.wav', RATE, 1, noise(3));
  const change = rmsDb(await render(speech, 'noise-chorus', {}), 0.5, 2) - rmsDb(speech, 0.5, 2);
  assert.ok(change > -3.2 && change < 0.5, `speech-band noise changed by ${change.toFixed(2)} dB`);
});
