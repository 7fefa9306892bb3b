// Our FLAC decoder against ffmpeg's, sample for sample, on files made by two different encoders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { EffectsError } from '../../../src/effects/errors';
import { decodeFlac } from '../../../src/effects/flac';
import { read, scratch } from './meters';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'archives', 'audio', 'tone.flac');

/** Every channel of a file, as ffmpeg decodes it (planar float). */
function ffmpegChannels(path: string, channels: number): Float32Array[] {
  const raw = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', path, '-f', 'f32le', '-'], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  return Array.from({ length: channels }, (_, c) => all.filter((_, i) => i % channels === c));
}

function assertSameAsFfmpeg(path: string, expect: { sampleRate: number; channels: number }): void {
  const pcm = decodeFlac(read(path));
  assert.equal(pcm.sampleRate, expect.sampleRate, path);
  assert.equal(pcm.channels.length, expect.channels, path);
  const reference = ffmpegChannels(path, expect.channels);
  for (let c = 0; c < expect.channels; c++) {
    assert.equal(pcm.channels[c].length, reference[c].length, `${path} channel ${c} length`);
    let worst = 0;
    for (let i = 0; i < reference[c].length; i++) worst = Math.max(worst, Math.abs(pcm.channels[c][i] - reference[c][i]));
    assert.ok(worst < 1e-6, `${path} channel ${c}: differs from ffmpeg by up to ${worst}`);
  }
}

test('FLAC from sox and from ffmpeg (every compression level, 8 to 24 bits, mono to 6 channels) decodes exactly as ffmpeg does', (t) => {
  const dir = scratch(t);
  assertSameAsFfmpeg(FIXTURE, { sampleRate: 44100, channels: 2 });
  const cases: [string, number, number, number, string[]][] = [
    ['sox-16-mono', 24000, 1, 16, ['synth', '1.3', 'pinknoise', 'tremolo', '5', '80']],
    ['sox-24-stereo', 48000, 2, 24, ['synth', '0.7', 'sine', '300', 'sine', '1234']],
    ['sox-8-mono', 8000, 1, 8, ['synth', '0.5', 'square', '200']],
    ['sox-silence-6ch', 16000, 6, 16, ['trim', '0', '0.4']],
  ];
  for (const [name, rate, channels, bits, effects] of cases) {
    const path = join(dir, `${name}.flac`);
    execFileSync('sox', ['-n', '-r', String(rate), '-c', String(channels), '-b', String(bits), path, ...effects]);
    assertSameAsFfmpeg(path, { sampleRate: rate, channels });
  }
  const wav = join(dir, 'speechy.wav');
  execFileSync('sox', ['-n', '-r', '22050', '-c', '2', '-b', '16', wav, 'synth', '1.1', 'brownnoise', 'synth', 'sine', 'amod', '3']);
  for (const level of ['0', '5', '8', '12']) {
    const path = join(dir, `ffmpeg-${level}.flac`);
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', wav, '-compression_level', level, path]);
    assertSameAsFfmpeg(path, { sampleRate: 22050, channels: 2 });
  }
});

test('a truncated or damaged FLAC is a corrupt-input error saying so', () => {
  const bytes = read(FIXTURE);
  for (const [damaged, message] of [
    [bytes.slice(0, Math.floor(bytes.length * 0.6)), /damaged: (the file ends in the middle of a frame|it holds \d+ of its \d+ samples)/],
    [bytes.slice(0, 20), /damaged/],
    [new Uint8Array([...bytes.slice(0, 42), ...new Uint8Array(200).fill(0x55)]), /damaged/],
  ] as const) {
    assert.throws(
      () => decodeFlac(damaged),
      (e: unknown) => e instanceof EffectsError && e.code === 'corrupt-input' && message.test(e.message),
    );
  }
});
