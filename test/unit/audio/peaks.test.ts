import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { computeWavPeaks, computeWavPeaksFromFile, PeakAccumulator, unsupportedReason } from '../../../src/audio/peaks';
import { PeaksCache } from '../../../src/audio/peaks-cache';
import { parseWavHeader, wavHeader } from '../../../src/audio/wav';
import { makeWav, sine } from './make-wav';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vh-peaks-'));
}

/** In bucket b (of 10, 100 frames each) samples swing between -b/20 and +b/10. */
const staircase = (frame: number): number => {
  const b = Math.floor(frame / 100);
  return frame % 2 === 0 ? b / 10 - 0.0 : -b / 20;
};

test('min and max per slice, exactly where the slices are', () => {
  const peaks = computeWavPeaks(makeWav({ frames: 1000, sample: staircase }), 10);
  assert.equal(peaks.buckets, 10);
  assert.equal(peaks.channels, 1);
  assert.equal(peaks.frames, 1000);
  for (let b = 0; b < 10; b++) {
    assert.ok(Math.abs(peaks.max[0][b] - b / 10) < 1e-3, `max ${b}: ${peaks.max[0][b]}`);
    assert.ok(Math.abs(peaks.min[0][b] + b / 20) < 1e-3, `min ${b}: ${peaks.min[0][b]}`);
  }
});

test('the same sound in every sample format gives the same peaks', () => {
  const formats = [
    { bits: 8 as const },
    { bits: 16 as const },
    { bits: 24 as const },
    { bits: 32 as const },
    { bits: 32 as const, float: true },
    { bits: 64 as const, float: true },
  ];
  const reference = computeWavPeaks(makeWav({ frames: 1000, sample: staircase, bits: 16 }), 10);
  for (const f of formats) {
    const peaks = computeWavPeaks(makeWav({ frames: 1000, sample: staircase, ...f }), 10);
    for (let b = 0; b < 10; b++) {
      // 8-bit has 1/128 resolution; the others agree to 4 decimals.
      const tolerance = f.bits === 8 ? 1 / 100 : 2e-4;
      assert.ok(Math.abs(peaks.max[0][b] - reference.max[0][b]) <= tolerance, `${f.bits}${f.float ? 'f' : ''} max ${b}`);
      assert.ok(Math.abs(peaks.min[0][b] - reference.min[0][b]) <= tolerance, `${f.bits}${f.float ? 'f' : ''} min ${b}`);
    }
  }
});

test('channels are kept apart', () => {
  const peaks = computeWavPeaks(
    makeWav({ channels: 2, frames: 400, sample: (f, c) => (c === 0 ? 0.5 * Math.sign(Math.sin(f)) : -0.25) }),
    4,
  );
  assert.equal(peaks.channels, 2);
  assert.deepEqual(peaks.max[0], [0.5, 0.5, 0.5, 0.5]);
  assert.deepEqual(peaks.min[0], [-0.5, -0.5, -0.5, -0.5]);
  assert.deepEqual(peaks.max[1], [-0.25, -0.25, -0.25, -0.25]);
  assert.deepEqual(peaks.min[1], [-0.25, -0.25, -0.25, -0.25]);
});

test('uneven division spreads frames over all slices; fewer frames than slices gives one slice per frame', () => {
  // 7 frames over 3 slices: slices of 2, 2, 3 frames.
  const values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
  const p = computeWavPeaks(makeWav({ frames: 7, sample: (f) => values[f], bits: 32, float: true }), 3);
  assert.deepEqual(p.max[0], [0.2, 0.4, 0.7]);
  assert.deepEqual(p.min[0], [0.1, 0.3, 0.5]);
  const few = computeWavPeaks(makeWav({ frames: 3, sample: (f) => values[f], bits: 32, float: true }), 1000);
  assert.equal(few.buckets, 3);
  assert.deepEqual(few.max[0], [0.1, 0.2, 0.3]);
  const none = computeWavPeaks(makeWav({ frames: 0, sample: () => 0 }), 100);
  assert.equal(none.buckets, 0);
  assert.deepEqual(none.max, [[]]);
});

test('feeding chunks of any frame-aligned size gives the same result as one piece', () => {
  const wav = makeWav({ channels: 2, bits: 24, frames: 12_345, sample: (f, c) => sine(330 + c * 110, 16000, 0.8)(f) });
  const info = parseWavHeader(wav);
  const whole = computeWavPeaks(wav, 97);
  const acc = new PeakAccumulator(info, 97);
  const data = wav.subarray(info.dataOffset, info.dataOffset + info.dataLength);
  for (let at = 0; at < data.length; at += info.blockAlign * 37)
    acc.push(data.subarray(at, Math.min(data.length, at + info.blockAlign * 37)));
  assert.deepEqual(acc.finish(), whole);
});

test('formats without a sample decoder are refused with a reason', () => {
  assert.match(unsupportedReason({ encoding: 'alaw', bitsPerSample: 8 }) ?? '', /8-bit alaw/);
  assert.match(unsupportedReason({ encoding: 'other', bitsPerSample: 4 }) ?? '', /compressed/);
  assert.match(unsupportedReason({ encoding: 'pcm', bitsPerSample: 12 }) ?? '', /12-bit pcm/);
  assert.equal(unsupportedReason({ encoding: 'pcm', bitsPerSample: 16 }), null);
});

test('from a file, read in small chunks, the peaks equal the in-memory ones; abort stops it', async () => {
  const dir = tempDir();
  try {
    const wav = makeWav({ channels: 2, frames: 50_000, sample: (f, c) => sine(200 + c, 16000)(f) });
    const path = join(dir, 'a.wav');
    writeFileSync(path, wav);
    const fromFile = await computeWavPeaksFromFile(path, 500, { chunkBytes: 1001 });
    assert.deepEqual(fromFile, computeWavPeaks(wav, 500));
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(computeWavPeaksFromFile(path, 500, { signal: ac.signal }), { name: 'AbortError' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const GEN = '6f1c5b7e-9d2a-4c8b-a1e6-0b7d2f4c9e13';
const VER = '7a2d6c8f-0e3b-4d9c-b2f7-1c8e3a5d0f24';
const VER2 = '8b3e7d90-1f4c-4ead-83a8-2d9f4b6e1a35';

test('the cache computes once, then serves from memory, then from disk in a new session', async () => {
  const dir = tempDir();
  try {
    const audio = join(dir, 'take.wav');
    writeFileSync(audio, makeWav({ frames: 16000, sample: sine(440, 16000) }));
    const cacheDir = join(dir, 'peaks');
    const cache = new PeaksCache({ dir: cacheDir });
    const key = { generationId: GEN, versionId: VER, buckets: 200 };
    const first = await cache.get(key, audio);
    assert.ok(first.peaks);
    assert.equal(first.peaks.buckets, 200);
    assert.deepEqual(readdirSync(cacheDir), [`${GEN}.${VER}.200.json`]);
    assert.equal(await cache.get(key, audio), first, 'same object from memory');

    // A new session reads the file; prove it by marking the file's content.
    const file = join(cacheDir, `${GEN}.${VER}.200.json`);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    stored.peaks.max[0][0] = 0.123;
    writeFileSync(file, JSON.stringify(stored));
    const again = await new PeaksCache({ dir: cacheDir }).get(key, audio);
    assert.equal(again.peaks?.max[0][0], 0.123);

    // Other resolutions are separate entries.
    const coarse = await cache.get({ ...key, buckets: 10 }, audio);
    assert.equal(coarse.peaks?.buckets, 10);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('changed audio or a damaged cache file is recomputed', async () => {
  const dir = tempDir();
  try {
    const audio = join(dir, 'take.wav');
    writeFileSync(audio, makeWav({ frames: 1000, sample: () => 0.5 }));
    const cacheDir = join(dir, 'peaks');
    const key = { generationId: GEN, versionId: VER, buckets: 4 };
    const cache = new PeaksCache({ dir: cacheDir });
    assert.equal((await cache.get(key, audio)).peaks?.max[0][0], 0.5);

    writeFileSync(audio, makeWav({ frames: 1000, sample: () => 0.25 }));
    utimesSync(audio, new Date(), new Date(Date.now() + 5000));
    assert.equal((await cache.get(key, audio)).peaks?.max[0][0], 0.25, 'memory entry invalidated');
    assert.equal((await new PeaksCache({ dir: cacheDir }).get(key, audio)).peaks?.max[0][0], 0.25, 'disk entry rewritten');

    writeFileSync(join(cacheDir, `${GEN}.${VER}.4.json`), '{"format":1,"source":');
    assert.equal((await new PeaksCache({ dir: cacheDir }).get(key, audio)).peaks?.max[0][0], 0.25);
    assert.doesNotThrow(() => JSON.parse(readFileSync(join(cacheDir, `${GEN}.${VER}.4.json`), 'utf8')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('non-WAV audio and undrawable WAVs give null peaks with a reason', async () => {
  const dir = tempDir();
  try {
    const cache = new PeaksCache({ dir: join(dir, 'peaks') });
    const mp3 = join(dir, 'a.mp3');
    writeFileSync(mp3, Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), Buffer.alloc(100)]));
    const r = await cache.get({ generationId: GEN, versionId: VER, buckets: 10 }, mp3);
    assert.equal(r.peaks, null);
    assert.match(r.reason ?? '', /MP3 audio.*WAV files only/);

    const alaw = makeWav({ bits: 8, frames: 10, sample: () => 0 });
    alaw.writeUInt16LE(6, 20);
    const alawPath = join(dir, 'alaw.wav');
    writeFileSync(alawPath, alaw);
    const r2 = await cache.get({ generationId: GEN, versionId: VER2, buckets: 10 }, alawPath);
    assert.equal(r2.peaks, null);
    assert.match(r2.reason ?? '', /alaw/);

    const broken = join(dir, 'broken.wav');
    writeFileSync(broken, Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVE')]));
    const r3 = await cache.get({ generationId: GEN, versionId: VER2, buckets: 11 }, broken);
    assert.equal(r3.peaks, null);
    assert.match(r3.reason ?? '', /fmt/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a cache folder that cannot be written still serves peaks and logs why', async () => {
  const dir = tempDir();
  try {
    const audio = join(dir, 'take.wav');
    writeFileSync(audio, makeWav({ frames: 100, sample: () => 0.1 }));
    // A file where the folder should be: mkdir fails with ENOTDIR, for root too.
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, '');
    const warnings: string[] = [];
    const cache = new PeaksCache({ dir: join(blocker, 'peaks'), log: { warn: (m) => warnings.push(m) } });
    const r = await cache.get({ generationId: GEN, versionId: VER, buckets: 5 }, audio);
    assert.equal(r.peaks?.buckets, 5);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /Could not store waveform peaks/);
    assert.deepEqual(readdirSync(dir).sort(), ['not-a-folder', 'take.wav'], 'no temp files left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('forgetting generations and versions removes their cache files; unsafe ids are refused', async () => {
  const dir = tempDir();
  try {
    const audio = join(dir, 'take.wav');
    writeFileSync(audio, makeWav({ frames: 100, sample: () => 0.1 }));
    const cacheDir = join(dir, 'peaks');
    const cache = new PeaksCache({ dir: cacheDir });
    const OTHER = '9c4f8ea1-2a5d-4fbe-94b9-3eaf5c7f2b46';
    await cache.get({ generationId: GEN, versionId: VER, buckets: 5 }, audio);
    await cache.get({ generationId: GEN, versionId: VER2, buckets: 5 }, audio);
    await cache.get({ generationId: OTHER, versionId: OTHER, buckets: 5 }, audio);
    await cache.forgetVersions([VER2]);
    assert.deepEqual(readdirSync(cacheDir).sort(), [`${GEN}.${VER}.5.json`, `${OTHER}.${OTHER}.5.json`].sort());
    await cache.forgetGenerations([GEN]);
    assert.deepEqual(readdirSync(cacheDir), [`${OTHER}.${OTHER}.5.json`]);
    await assert.rejects(cache.get({ generationId: '../../etc', versionId: VER, buckets: 5 }, audio), /plain ids/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('peaks of a 10-minute WAV are computed from disk in short steps (event-loop block reported)', async () => {
  const dir = tempDir();
  try {
    // 10 minutes of 16 kHz mono 16-bit (flite's format), written second by second.
    const path = join(dir, 'long.wav');
    const second = makeWav({ frames: 16000, sample: sine(220, 16000, 0.7) }).subarray(44);
    const fd = openSync(path, 'w');
    writeSync(fd, wavHeader({ sampleRate: 16000, channels: 1, bitsPerSample: 16, dataLength: second.length * 600 }));
    for (let s = 0; s < 600; s++) writeSync(fd, second);
    closeSync(fd);

    const cache = new PeaksCache({ dir: join(dir, 'peaks') });
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    const started = performance.now();
    const r = await cache.get({ generationId: GEN, versionId: VER, buckets: 2000 }, path);
    const computeMs = performance.now() - started;
    histogram.disable();
    assert.equal(r.peaks?.buckets, 2000);
    assert.equal(r.peaks?.durationSeconds, 600);
    assert.ok(r.peaks && Math.abs(r.peaks.max[0][1000] - 0.7) < 1e-3);
    const again = performance.now();
    await new PeaksCache({ dir: join(dir, 'peaks') }).get({ generationId: GEN, versionId: VER, buckets: 2000 }, path);
    console.log(
      `[peaks] 10 min 16 kHz mono WAV -> 2000 slices: ${computeMs.toFixed(0)} ms computed, ` +
        `${(performance.now() - again).toFixed(1)} ms from the disk cache; longest event-loop delay ${(histogram.max / 1e6).toFixed(1)} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
