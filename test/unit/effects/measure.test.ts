// Each effect rendered by the real engine (worker thread and all) and measured by sox or ffmpeg.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseChain } from '../../../src/effects/chain';
import { findBuiltinPreset } from '../../../src/effects/presets';
import {
  devRenderer,
  dominantFrequency,
  durationSeconds,
  ebur128,
  rms,
  sampleRateOf,
  samplesOf,
  scratch,
  synth,
  writeTemp,
} from './meters';

const RATE = 24000;

test('gain +6 dB doubles the RMS (sox stat)', async (t) => {
  const dir = scratch(t);
  const input = synth(dir, 'in.wav', RATE, 1, ['synth', '2', 'sine', '440', 'gain', '-20']);
  const out = await devRenderer(t).render({ path: input }, parseChain([{ type: 'gain', params: { gain_db: 6 } }]));
  const ratio = rms(writeTemp(dir, 'out.wav', out.wav)) / rms(input);
  assert.ok(Math.abs(ratio - 10 ** (6 / 20)) < 0.01, `RMS ratio ${ratio}, expected 1.995`);
});

test('FLAC input renders like the same sound as WAV (a 24-bit stereo FLAC made by sox)', async (t) => {
  const dir = scratch(t);
  const wav = synth(dir, 'in.wav', 48000, 2, ['synth', '1.5', 'sine', '440', 'sine', '660', 'gain', '-12']);
  const flac = join(dir, 'in.flac');
  execFileSync('sox', [wav, '-b', '24', flac]);
  const out = await devRenderer(t).render({ path: flac }, parseChain([{ type: 'gain', params: { gain_db: -6 } }]));
  const path = writeTemp(dir, 'out.wav', out.wav);
  assert.deepEqual([out.sampleRate, out.channels, sampleRateOf(path)], [48000, 2, 48000]);
  assert.ok(Math.abs(durationSeconds(path) - 1.5) < 0.001);
  const ratio = rms(path) / rms(wav);
  assert.ok(Math.abs(ratio - 10 ** (-6 / 20)) < 0.01, `RMS ratio ${ratio}`);
});

test('highpass 200 Hz takes a 50 Hz tone down by at least 20 dB and passes 1 kHz (sox stat)', async (t) => {
  const dir = scratch(t);
  const renderer = devRenderer(t);
  const chain = parseChain([{ type: 'highpass', params: { cutoff_frequency_hz: 200 } }]);
  const change = async (hz: number): Promise<number> => {
    const input = synth(dir, `in-${hz}.wav`, RATE, 1, ['synth', '2', 'sine', String(hz), 'gain', '-6']);
    const out = await renderer.render({ path: input }, chain);
    return 20 * Math.log10(rms(writeTemp(dir, `out-${hz}.wav`, out.wav)) / rms(input));
  };
  const low = await change(50);
  const high = await change(1000);
  assert.ok(low <= -20, `50 Hz changed by ${low.toFixed(1)} dB`);
  assert.ok(Math.abs(high) < 0.5, `1 kHz changed by ${high.toFixed(2)} dB`);
});

test('compressor 4:1 at −20 dB turns a −6 dB tone down by about 10.5 dB and leaves a −30 dB tone alone (sox stat)', async (t) => {
  const dir = scratch(t);
  const renderer = devRenderer(t);
  const chain = parseChain([{ type: 'compressor', params: { threshold_db: -20, ratio: 4, attack_ms: 5, release_ms: 100 } }]);
  const change = async (db: number): Promise<number> => {
    const input = synth(dir, `in${db}.wav`, RATE, 1, ['synth', '2', 'sine', '440', 'gain', String(db)]);
    const out = await renderer.render({ path: input }, chain);
    return 20 * Math.log10(rms(writeTemp(dir, `out${db}.wav`, out.wav)) / rms(input));
  };
  // 14 dB over the threshold at 4:1 comes out 3.5 dB over it: 10.5 dB less (a little less, as the envelope rides below the peaks).
  const loud = await change(-6);
  assert.ok(loud < -8.5 && loud > -11.5, `−6 dB tone changed by ${loud.toFixed(2)} dB`);
  const quiet = await change(-30);
  assert.ok(Math.abs(quiet) < 0.1, `−30 dB tone changed by ${quiet.toFixed(2)} dB`);
});

test('normalize −16 LUFS measures −16 ± 0.5 LUFS with ffmpeg ebur128, true peak under the ceiling', async (t) => {
  const dir = scratch(t);
  const renderer = devRenderer(t);
  // Speech-like: pink noise, syllable-rate tremolo, quiet.
  const input = synth(dir, 'in.wav', RATE, 1, ['synth', '8', 'pinknoise', 'tremolo', '4', '90', 'gain', '-28']);
  const out = await renderer.render({ path: input }, parseChain([{ type: 'normalize', params: { target_lufs: -16, true_peak_db: -1 } }]));
  const measured = ebur128(writeTemp(dir, 'out.wav', out.wav));
  assert.ok(Math.abs(measured.integrated + 16) <= 0.5, `ffmpeg measured ${measured.integrated} LUFS`);
  assert.ok(measured.truePeak <= -1 + 0.1, `true peak ${measured.truePeak} dBTP`);
  // Our own meter agrees with ffmpeg's on the result.
  assert.ok(out.loudnessLufs !== null && Math.abs(out.loudnessLufs - measured.integrated) <= 0.2, `ours ${out.loudnessLufs}`);

  // ACX: −20 LUFS with peaks at most −3 dB, from a loud, peaky input the limiter has to hold down.
  const loud = synth(dir, 'loud.wav', RATE, 1, ['synth', '8', 'pinknoise', 'tremolo', '4', '90', 'gain', '-8']);
  const acx = await renderer.render({ path: loud }, findBuiltinPreset('audiobook_acx')!.chain);
  const acxMeasured = ebur128(writeTemp(dir, 'acx.wav', acx.wav));
  assert.ok(Math.abs(acxMeasured.integrated + 20) <= 0.5, `ACX: ffmpeg measured ${acxMeasured.integrated} LUFS`);
  assert.ok(acxMeasured.truePeak <= -3 + 0.1, `ACX: true peak ${acxMeasured.truePeak} dBTP`);
});

test('pitch_shift +12 doubles the fundamental and keeps the duration', async (t) => {
  const dir = scratch(t);
  const input = synth(dir, 'in.wav', RATE, 1, ['synth', '3', 'sine', '220', 'gain', '-10']);
  const out = await devRenderer(t).render({ path: input }, parseChain([{ type: 'pitch_shift', params: { semitones: 12 } }]));
  const path = writeTemp(dir, 'out.wav', out.wav);
  const f = dominantFrequency(samplesOf(path), sampleRateOf(path));
  assert.ok(Math.abs(f - 440) < 440 * 0.02, `fundamental ${f.toFixed(1)} Hz, expected 440`);
  assert.ok(Math.abs(durationSeconds(path) - 3) < 0.05, `duration ${durationSeconds(path)} s`);
});

test('pitch_shift adds no echo: after a 200 ms tone burst there is silence, not a repeat (Voicebox issue #333)', async (t) => {
  const dir = scratch(t);
  // 0.5 s silence, 0.2 s tone, 1 s silence.
  const input = synth(dir, 'burst.wav', RATE, 1, ['synth', '0.2', 'sine', '300', 'gain', '-6', 'pad', '0.5', '1']);
  const out = await devRenderer(t).render({ path: input }, parseChain([{ type: 'pitch_shift', params: { semitones: -3 } }]));
  const samples = samplesOf(writeTemp(dir, 'out.wav', out.wav));
  const level = (from: number, to: number): number => {
    let peak = 0;
    for (let i = Math.round(from * RATE); i < Math.min(samples.length, Math.round(to * RATE)); i++)
      peak = Math.max(peak, Math.abs(samples[i]));
    return 20 * Math.log10(peak || 1e-10);
  };
  const burst = level(0.5, 0.7);
  assert.ok(burst > -12, `the burst is there (${burst.toFixed(1)} dB)`);
  // From 80 ms after the burst to the end: no echo or smear above −50 dB relative to it.
  const after = level(0.78, 1.7);
  assert.ok(after < burst - 50, `after the burst: ${after.toFixed(1)} dB, burst ${burst.toFixed(1)} dB`);
});

test('tempo 1.5 gives 2/3 of the duration at the same fundamental', async (t) => {
  const dir = scratch(t);
  const input = synth(dir, 'in.wav', RATE, 1, ['synth', '3', 'sine', '220', 'gain', '-10']);
  const out = await devRenderer(t).render({ path: input }, parseChain([{ type: 'tempo', params: { rate: 1.5 } }]));
  const path = writeTemp(dir, 'out.wav', out.wav);
  assert.ok(Math.abs(durationSeconds(path) - 2) < 0.05, `duration ${durationSeconds(path)} s, expected 2`);
  const f = dominantFrequency(samplesOf(path), RATE);
  assert.ok(Math.abs(f - 220) < 220 * 0.02, `fundamental ${f.toFixed(1)} Hz, expected 220`);
});

test('trim_silence removes padded silence to within 20 ms, keeping the padding asked for', async (t) => {
  const dir = scratch(t);
  const renderer = devRenderer(t);
  // 1.0 s of tone with 0.8 s of silence before and 1.3 s after.
  const input = synth(dir, 'in.wav', RATE, 1, ['synth', '1', 'sine', '300', 'gain', '-12', 'pad', '0.8', '1.3']);
  assert.ok(Math.abs(durationSeconds(input) - 3.1) < 0.001);
  for (const [padding, expected] of [
    [0, 1.0],
    [100, 1.2],
  ] as const) {
    const out = await renderer.render(
      { path: input },
      parseChain([{ type: 'trim_silence', params: { threshold_db: -50, padding_ms: padding } }]),
    );
    const seconds = durationSeconds(writeTemp(dir, `out-${padding}.wav`, out.wav));
    assert.ok(Math.abs(seconds - expected) <= 0.02, `padding ${padding} ms: ${seconds} s, expected ${expected}`);
  }
});

test('resample to 48 kHz: the rate changes, the pitch and duration do not (float output)', async (t) => {
  const dir = scratch(t);
  const input = synth(dir, 'in.wav', RATE, 2, ['synth', '2', 'sine', '1000', 'gain', '-10']);
  const out = await devRenderer(t).render({ path: input }, parseChain([{ type: 'resample', params: { sample_rate_hz: 48000 } }]), {
    output: 'float32',
  });
  const path = writeTemp(dir, 'out.wav', out.wav);
  assert.deepEqual([sampleRateOf(path), out.sampleRate, out.channels], [48000, 48000, 2]);
  assert.ok(Math.abs(durationSeconds(path) - 2) < 0.001, `duration ${durationSeconds(path)}`);
  assert.ok(Math.abs(dominantFrequency(samplesOf(path), 48000) - 1000) < 5);
  assert.ok(Math.abs(20 * Math.log10(rms(path) / rms(input))) < 0.2, 'level kept');
});
