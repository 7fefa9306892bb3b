// Low-pass, distortion and clipping, rendered by the real engine and measured by sox (RMS, and
// harmonic distortion as what sox's steep high-pass leaves of a tone) and ffmpeg (decoded peaks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChain } from '../../../src/effects/chain';
import { devRenderer, rmsDb, samplePeakOf, scratch, synth, thd, writeTemp } from './meters';

const RATE = 24000;
const tone = (hz: number, db: number): string[] => ['synth', '2', 'sine', String(hz), 'gain', String(db)];

test('lowpass 1 kHz takes a 4 kHz tone down by at least 20 dB, passes 200 Hz, and is −3 dB at the cutoff (sox stat)', async (t) => {
  const dir = scratch(t);
  const renderer = devRenderer(t);
  const chain = parseChain([{ type: 'lowpass', params: { cutoff_frequency_hz: 1000 } }]);
  const change = async (hz: number): Promise<number> => {
    const input = synth(dir, `in-${hz}.wav`, RATE, 1, tone(hz, -6));
    const out = await renderer.render({ path: input }, chain, { output: 'float32' });
    return rmsDb(writeTemp(dir, `out-${hz}.wav`, out.wav), 0.2, 1.6) - rmsDb(input, 0.2, 1.6);
  };
  const high = await change(4000);
  assert.ok(high <= -20, `4 kHz changed by ${high.toFixed(1)} dB`);
  const low = await change(200);
  assert.ok(Math.abs(low) < 0.5, `200 Hz changed by ${low.toFixed(2)} dB`);
  const cutoff = await change(1000);
  assert.ok(Math.abs(cutoff + 3) < 0.5, `1 kHz changed by ${cutoff.toFixed(2)} dB (Butterworth: −3 dB)`);
});

test('distortion: harmonic distortion rises with the drive and the peak stays under full scale (sox, ffmpeg)', async (t) => {
  const dir = scratch(t);
  const renderer = devRenderer(t);
  const input = synth(dir, 'in.wav', RATE, 1, tone(200, -6));
  assert.ok(thd(input, 200) < 0.001, `the test tone is clean (${thd(input, 200)})`);
  const measured: { drive: number; thd: number; peak: number }[] = [];
  for (const drive of [0, 10, 30]) {
    const out = await renderer.render({ path: input }, parseChain([{ type: 'distortion', params: { drive_db: drive } }]), {
      output: 'float32',
    });
    const path = writeTemp(dir, `out-${drive}.wav`, out.wav);
    measured.push({ drive, thd: thd(path, 200), peak: samplePeakOf(path) });
  }
  const [soft, driven, hard] = measured;
  const show = JSON.stringify(measured);
  // tanh of a 0.5 sine: a little third harmonic; driven 10 dB: clearly saturated; 30 dB: nearly square (a square wave is 43 %).
  assert.ok(soft!.thd > 0.005 && soft!.thd < 0.05, show);
  assert.ok(driven!.thd > 0.1 && driven!.thd > 3 * soft!.thd, show);
  assert.ok(hard!.thd > 0.3 && hard!.thd > driven!.thd, show);
  for (const m of measured) assert.ok(m.peak <= 1, show);
});

test('clipping −6 dB: a louder tone is cut at the threshold (distortion rises), a quieter one passes untouched (sox, ffmpeg)', async (t) => {
  const dir = scratch(t);
  const renderer = devRenderer(t);
  const chain = parseChain([{ type: 'clipping', params: { threshold_db: -6 } }]);
  const render = async (db: number): Promise<{ input: string; output: string }> => {
    const input = synth(dir, `in${db}.wav`, RATE, 1, tone(200, db));
    const out = await renderer.render({ path: input }, chain, { output: 'float32' });
    return { input, output: writeTemp(dir, `out${db}.wav`, out.wav) };
  };
  const loud = await render(-1);
  const threshold = 10 ** (-6 / 20);
  assert.ok(samplePeakOf(loud.output) <= threshold + 1e-6, `peak ${samplePeakOf(loud.output)}, threshold ${threshold}`);
  assert.ok(thd(loud.output, 200) > 0.05, `clipped tone: THD ${thd(loud.output, 200)}`);
  const quiet = await render(-12);
  assert.ok(thd(quiet.output, 200) < 0.001, `quiet tone: THD ${thd(quiet.output, 200)}`);
  assert.ok(Math.abs(rmsDb(quiet.output) - rmsDb(quiet.input)) < 0.01, 'quiet tone: level kept');
});
