// MP3 (MPEG-2, 24 kHz mono: what OpenAI and ElevenLabs return) and Ogg/Vorbis input, decoded by the
// LGPL decoders the worker loads at run time, rendered through `gain +6` and measured by sox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseChain } from '../../../src/effects/chain';
import { devRenderer, durationSeconds, rms, sampleRateOf, scratch, synth, writeTemp } from './meters';

const gainUp6 = parseChain([{ type: 'gain', params: { gain_db: 6 } }]);

async function rendersLouder(t: Parameters<typeof devRenderer>[0], dir: string, encoded: string, wav: string, rate: number) {
  const out = await devRenderer(t).render({ path: encoded }, gainUp6);
  const path = writeTemp(dir, 'out.wav', out.wav);
  assert.deepEqual([out.sampleRate, out.channels, sampleRateOf(path)], [rate, 1, rate]);
  // MP3 encoder delay/padding: LAME writes a gapless header that mpg123 trims; within 60 ms either way.
  const drift = Math.abs(durationSeconds(path) - durationSeconds(wav));
  assert.ok(drift < 0.06, `duration differs from the source by ${(drift * 1000).toFixed(1)} ms`);
  // The encoded file as ffmpeg decodes it (sox here has no MP3 handler).
  const reference = join(dir, 'reference.wav');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', encoded, reference]);
  const ratio = rms(path) / rms(reference);
  assert.ok(Math.abs(ratio - 10 ** (6 / 20)) < 0.03, `RMS ratio ${ratio}, expected 1.995`);
}

test('an MP3 (MPEG-2, 24 kHz mono, made by LAME) renders through gain +6', async (t) => {
  const dir = scratch(t);
  const wav = synth(dir, 'in.wav', 24000, 1, ['synth', '1.5', 'sine', '440', 'gain', '-12']);
  const mp3 = join(dir, 'in.mp3');
  execFileSync('lame', ['--quiet', '-b', '64', wav, mp3]);
  await rendersLouder(t, dir, mp3, wav, 24000);
});

test('an Ogg/Vorbis file (24 kHz mono, made by ffmpeg) renders through gain +6', async (t) => {
  const dir = scratch(t);
  const wav = synth(dir, 'in.wav', 24000, 1, ['synth', '1.5', 'sine', '440', 'gain', '-12']);
  const ogg = join(dir, 'in.ogg');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', wav, '-c:a', 'libvorbis', '-q:a', '4', ogg]);
  await rendersLouder(t, dir, ogg, wav, 24000);
});
