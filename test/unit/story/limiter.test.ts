// The story limiter's pass-through of blocks that need no limiting gives exactly what its
// frame-by-frame path gives (frame-sized blocks never take the pass-through).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLimiter } from '../../../src/story/limiter';
import { rng } from '../history/fixtures';

function run(signal: Float32Array, channels: number, blocks: (i: number) => number): Float32Array {
  const limiter = createLimiter({ channels, sampleRate: 8000, ceiling: 0.5 });
  const parts: Float32Array[] = [];
  for (let at = 0, i = 0; at < signal.length; i++) {
    const frames = Math.min(blocks(i), (signal.length - at) / channels);
    parts.push(limiter.process(signal.subarray(at, at + frames * channels)));
    at += frames * channels;
  }
  parts.push(limiter.flush());
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
}

test('quiet blocks pass through delayed and unchanged; loud passages are limited the same way in blocks as frame by frame', () => {
  const r = rng(3);
  for (const channels of [1, 2]) {
    // Quiet stretches (pass-through) with loud bursts between them, some near block edges.
    const frames = 8000 * 6;
    const signal = new Float32Array(frames * channels);
    for (let f = 0; f < frames; f++) {
      const loud = Math.floor(f / 3000) % 4 === 1 && f % 3000 < 700;
      for (let c = 0; c < channels; c++) signal[f * channels + c] = (r() * 2 - 1) * (loud ? 0.9 : 0.3);
    }
    const reference = run(signal, channels, () => 1);
    assert.equal(reference.length, signal.length);
    for (const size of [37, 40, 41, 512, 4096]) {
      const sizes = (i: number) => (size === 37 ? 37 + (i % 5) * 11 : size);
      assert.deepEqual(run(signal, channels, sizes), reference, `blocks of ${size} frames, ${channels} channel(s)`);
    }
    // Below the ceiling nothing changes: the first quiet stretch comes out as it went in.
    assert.deepEqual(reference.subarray(0, 2900 * channels), signal.subarray(0, 2900 * channels));
    assert.ok(reference.every((v) => Math.abs(v) <= 0.5 + 1e-7));
  }
});
