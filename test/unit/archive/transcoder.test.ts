// The encode worker as shipped (esbuild bundle) on real WAV files, checked by Debian's ffmpeg
// and flac as independent decoders: same duration, FLAC bit-exact, MP3 loudness kept, and a
// cancel or a failure never leaves a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExportFormat, withLoudness } from '../../../src/archive/export-format';
import { convertAudio } from '../../../src/archive/audio-convert';
import { Transcoder } from '../../../src/archive/transcoder';
import { makeWav } from '../audio/make-wav';
import { devRenderer } from '../effects/meters';
import { decodeToPcm, loudnessLufs, probe, transcoderOptions } from './encoder-build';
import { tempDir } from './helpers';

/** Speech-like test signal: a few partials with a syllable-rate envelope, plus a little noise. */
function speechy(sampleRate: number, channels: number, seconds: number, bits: 16 | 24 = 16): Buffer {
  let seed = 12345;
  const noise = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.02;
  return makeWav({
    sampleRate,
    channels,
    bits,
    frames: Math.round(seconds * sampleRate),
    sample: (f, c) => {
      const t = f / sampleRate;
      const env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
      const v =
        0.3 * Math.sin(2 * Math.PI * (180 + 20 * c) * t) + 0.15 * Math.sin(2 * Math.PI * 720 * t) + 0.05 * Math.sin(2 * Math.PI * 2400 * t);
      return env * v + noise();
    },
  });
}

async function transcoder(t: { after: (fn: () => Promise<void>) => void }): Promise<Transcoder> {
  const tr = new Transcoder(await transcoderOptions());
  t.after(() => tr.dispose());
  return tr;
}

test('FLAC export decodes (ffmpeg and flac -t) to exactly the source samples, 16 and 24 bit, mono and stereo', async (t) => {
  const dir = tempDir(t);
  const tr = await transcoder(t);
  for (const [rate, channels, bits] of [
    [16000, 1, 16],
    [44100, 2, 16],
    [48000, 2, 24],
  ] as const) {
    const src = join(dir, `src-${rate}-${channels}-${bits}.wav`);
    writeFileSync(src, speechy(rate, channels, 3.3, bits));
    const out = join(dir, `out-${rate}-${channels}-${bits}.flac`);
    const r = await convertAudio(tr, src, out, parseExportFormat('flac'));
    assert.equal(r.converted, true);
    const p = probe(out);
    assert.equal(p.codec, 'flac');
    assert.equal(p.sampleRate, rate);
    assert.equal(p.channels, channels);
    assert.deepEqual(decodeToPcm(out, bits), decodeToPcm(src, bits), `${rate}/${channels}/${bits}: PCM differs`);
    // The reference decoder checks frame CRCs and the MD5 we wrote into STREAMINFO.
    execFileSync('flac', ['-t', '-s', out]);
  }
});

test('WAV 16/24-bit, MP3 and Ogg exports decode with ffmpeg to the same duration', async (t) => {
  const dir = tempDir(t);
  const tr = await transcoder(t);
  const src = join(dir, 'src.wav');
  writeFileSync(src, speechy(44100, 2, 4));
  const expected = probe(src).durationSeconds;
  for (const [code, codec, ext, tolerance] of [
    ['wav_16', 'pcm_s16le', 'wav', 0.001],
    ['wav_24', 'pcm_s24le', 'wav', 0.001],
    ['mp3_128', 'mp3', 'mp3', 0.06],
    ['mp3_320', 'mp3', 'mp3', 0.06],
    ['ogg_q5', 'vorbis', 'ogg', 0.03],
  ] as const) {
    const out = join(dir, `${code}.${ext}`);
    await convertAudio(tr, src, out, parseExportFormat(code));
    const p = probe(out);
    assert.equal(p.codec, codec, code);
    assert.equal(p.channels, 2, code);
    assert.ok(Math.abs(p.durationSeconds - expected) <= tolerance, `${code}: ${p.durationSeconds} s vs ${expected} s`);
  }
  // 16 -> 24 bit is exact: every 24-bit sample is the 16-bit one shifted by 8 bits.
  assert.deepEqual(decodeToPcm(join(dir, 'wav_24.wav'), 16), decodeToPcm(src, 16));
});

test('MP3 export keeps the loudness (ffmpeg ebur128) within 0.5 LU, at 16 kHz speech and 44.1 kHz', async (t) => {
  const dir = tempDir(t);
  const tr = await transcoder(t);
  for (const rate of [16000, 44100]) {
    const src = join(dir, `src-${rate}.wav`);
    writeFileSync(src, speechy(rate, 1, 5));
    const out = join(dir, `out-${rate}.mp3`);
    await convertAudio(tr, src, out, parseExportFormat('mp3_128'));
    const p = probe(out);
    assert.equal(p.sampleRate, rate, 'MP3 keeps the source rate');
    assert.ok(Math.abs(p.durationSeconds - 5) < 0.08, `duration ${p.durationSeconds}`);
    const diff = Math.abs(loudnessLufs(out) - loudnessLufs(src));
    assert.ok(diff <= 0.5, `${rate} Hz: loudness differs by ${diff.toFixed(2)} LU`);
  }
});

test('cancelling a conversion leaves neither the target nor a temp file', async (t) => {
  const dir = tempDir(t);
  const tr = await transcoder(t);
  const src = join(dir, 'long.wav');
  writeFileSync(src, speechy(48000, 2, 120));
  const controller = new AbortController();
  const out = join(dir, 'long.flac');
  await assert.rejects(
    convertAudio(tr, src, out, parseExportFormat('flac'), {
      signal: controller.signal,
      onProgress: (f) => {
        if (f > 0) controller.abort();
      },
    }),
    (e: Error) => e.name === 'AbortError',
  );
  assert.deepEqual(readdirSync(dir), ['long.wav']);
  // The transcoder still works after a cancel (a new worker starts).
  await convertAudio(tr, src, out, parseExportFormat('wav_16'));
  assert.ok(existsSync(out));
});

test('a source that cannot be converted fails with words and leaves no file', async (t) => {
  const dir = tempDir(t);
  const tr = await transcoder(t);
  const src = join(dir, 'six.wav');
  const six = makeWav({ sampleRate: 44100, channels: 6, frames: 4410, sample: () => 0.1 });
  writeFileSync(src, six);
  await assert.rejects(
    convertAudio(tr, src, join(dir, 'six.mp3'), parseExportFormat('mp3_128')),
    /MP3 holds mono or stereo.*Choose another format/,
  );
  const odd = join(dir, 'odd.wav');
  writeFileSync(odd, makeWav({ sampleRate: 37000, channels: 1, frames: 3700, sample: () => 0.1 }));
  await assert.rejects(convertAudio(tr, odd, join(dir, 'odd.mp3'), parseExportFormat('mp3_128')), /MP3 cannot hold 37000 Hz/);
  await assert.rejects(
    convertAudio(tr, odd, join(dir, 'odd.flac'), parseExportFormat('flac_48000')),
    /FLAC, 48 kHz needs the effects engine/,
  );
  assert.deepEqual(readdirSync(dir).sort(), ['odd.wav', 'six.wav']);
});

test('format codes parse like ElevenLabs output_format and refuse what they cannot be', () => {
  assert.deepEqual(parseExportFormat('mp3_44100_192'), { codec: 'mp3', kbps: 192, sampleRate: 44100 });
  assert.deepEqual(parseExportFormat('wav_24'), { codec: 'wav', bits: 24, sampleRate: undefined });
  assert.deepEqual(parseExportFormat('pcm_16000'), { codec: 'wav', bits: 16, sampleRate: 16000 });
  assert.deepEqual(parseExportFormat('flac'), { codec: 'flac', sampleRate: undefined });
  assert.deepEqual(parseExportFormat('ogg_q7'), { codec: 'ogg', quality: 7, sampleRate: undefined });
  assert.deepEqual(parseExportFormat('original'), { codec: 'original' });
  for (const bad of ['mp3_100', 'wav_8', 'aac', 'flac_q3', 'ogg_q11', 'original_44100']) {
    assert.throws(() => parseExportFormat(bad), /is not an export format.*Use original, wav_16/);
  }
});

test('without the LAME file only MP3 export stops, with words; FLAC still works', async (t) => {
  const dir = tempDir(t);
  const options = await transcoderOptions();
  const tr = new Transcoder({ ...options, files: { ...options.files, mp3Wasm: join(dir, 'lame-mp3.wasm') } });
  t.after(() => tr.dispose());
  const src = join(dir, 'src.wav');
  writeFileSync(src, speechy(44100, 1, 0.5));
  await assert.rejects(
    convertAudio(tr, src, join(dir, 'x.mp3'), parseExportFormat('mp3_128')),
    /MP3 export needs lame-mp3\.wasm, which is missing/,
  );
  await convertAudio(tr, src, join(dir, 'x.flac'), parseExportFormat('flac'));
  assert.deepEqual(readdirSync(dir).sort(), ['src.wav', 'x.flac']);
});

test('a sample-rate part resamples and a loudness target normalises (effects engine), measured by ffmpeg', async (t) => {
  const dir = tempDir(t);
  const tr = await transcoder(t);
  const effects = devRenderer(t);
  const src = join(dir, 'src.wav');
  writeFileSync(src, speechy(16000, 1, 4));
  const up = join(dir, 'up.mp3');
  await convertAudio(tr, src, up, parseExportFormat('mp3_44100_128'), { effects });
  const p = probe(up);
  assert.equal(p.sampleRate, 44100);
  assert.ok(Math.abs(p.durationSeconds - 4) <= (3 * 1152) / 44100, `duration ${p.durationSeconds}`);
  for (const lufs of [-16, -23]) {
    const out = join(dir, `loud${lufs}.flac`);
    await convertAudio(tr, src, out, withLoudness(parseExportFormat('flac_48000'), lufs), { effects });
    assert.equal(probe(out).sampleRate, 48000);
    const measured = loudnessLufs(out);
    assert.ok(Math.abs(measured - lufs) <= 1, `${lufs} LUFS asked, ${measured} measured`);
  }
  const mp3 = join(dir, 'loud.mp3');
  await convertAudio(tr, src, mp3, withLoudness(parseExportFormat('mp3_128'), -16), { effects });
  assert.ok(Math.abs(loudnessLufs(mp3) - -16) <= 1, `mp3 at -16: ${loudnessLufs(mp3)}`);
  assert.throws(() => withLoudness(parseExportFormat('original'), -16), /choose a format/);
});

test('a FLAC source converts to MP3 and WAV through the effects engine; the FLAC round trip is bit-exact', async (t) => {
  const dir = tempDir(t);
  const tr = await transcoder(t);
  const effects = devRenderer(t);
  const wav = join(dir, 'src.wav');
  writeFileSync(wav, speechy(22050, 2, 2));
  const flac = join(dir, 'src.flac');
  await convertAudio(tr, wav, flac, parseExportFormat('flac'));
  const back = join(dir, 'back.wav');
  await convertAudio(tr, flac, back, parseExportFormat('wav_16'), { effects });
  assert.deepEqual(decodeToPcm(back), decodeToPcm(wav), 'WAV -> FLAC -> WAV gives the same samples');
  const mp3 = join(dir, 'from-flac.mp3');
  await convertAudio(tr, flac, mp3, parseExportFormat('mp3_128'), { effects });
  assert.equal(probe(mp3).codec, 'mp3');
  // Without the effects engine the message says so, and nothing is written.
  await assert.rejects(convertAudio(tr, flac, join(dir, 'x.mp3'), parseExportFormat('mp3_128')), /needs the effects engine/);
  assert.deepEqual(readdirSync(dir).sort(), ['back.wav', 'from-flac.mp3', 'src.flac', 'src.wav']);
});
