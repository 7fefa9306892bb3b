/**
 * Room reverb in the Freeverb design (Jezar at Dreampoint, public domain) that pedalboard's Reverb
 * (JUCE) also uses, with the same parameter mapping: eight damped feedback combs in parallel, then
 * four allpasses in series, per channel; the right channel's delays are 23 samples longer.
 */

const COMBS = [1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617];
const ALLPASSES = [556, 441, 341, 225];
const STEREO_SPREAD = 23;
const INPUT_GAIN = 0.015;

export interface ReverbParams {
  room_size: number;
  damping: number;
  wet_level: number;
  dry_level: number;
  width: number;
}

/** A ring buffer and where it is read and written next. */
interface Ring {
  buffer: Float32Array;
  at: number;
}

const ring = (tuning: number, spread: number, scale: number): Ring => ({
  buffer: new Float32Array(Math.max(1, Math.round((tuning + spread) * scale))),
  at: 0,
});

/** Frames until the first of `rings` wraps (at most `left`). */
function stretchOf(rings: Ring[], left: number): number {
  let n = left;
  for (const r of rings) n = Math.min(n, r.buffer.length - r.at);
  return n;
}

function advance(rings: Ring[], n: number): void {
  for (const r of rings) r.at = (r.at + n) % r.buffer.length;
}

/**
 * Four damped feedback combs in parallel, added into `out`. Four at a time in one loop, in
 * stretches that end where one of their ring buffers wraps (no wrap test per sample): the input
 * is read and the output written once for four filters.
 */
function fourCombs(input: Float32Array, out: Float32Array, rings: Ring[], feedback: number, damp: number): void {
  const [r0, r1, r2, r3] = rings as [Ring, Ring, Ring, Ring];
  const [b0, b1, b2, b3] = [r0.buffer, r1.buffer, r2.buffer, r3.buffer];
  const undamped = 1 - damp;
  let [s0, s1, s2, s3] = [0, 0, 0, 0];
  for (let i = 0; i < input.length;) {
    const n = stretchOf(rings, input.length - i);
    const [a0, a1, a2, a3] = [r0.at, r1.at, r2.at, r3.at];
    for (let k = 0; k < n; k++) {
      const x = input[i + k]!;
      const y0 = b0[a0 + k]!;
      const y1 = b1[a1 + k]!;
      const y2 = b2[a2 + k]!;
      const y3 = b3[a3 + k]!;
      s0 = y0 * undamped + s0 * damp;
      s1 = y1 * undamped + s1 * damp;
      s2 = y2 * undamped + s2 * damp;
      s3 = y3 * undamped + s3 * damp;
      b0[a0 + k] = x + s0 * feedback;
      b1[a1 + k] = x + s1 * feedback;
      b2[a2 + k] = x + s2 * feedback;
      b3[a3 + k] = x + s3 * feedback;
      out[i + k] += y0 + y1 + y2 + y3;
    }
    advance(rings, n);
    i += n;
  }
}

/** The four allpasses in series, in place, in one loop (stretches as above). */
function fourAllpasses(x: Float32Array, rings: Ring[]): void {
  const [r0, r1, r2, r3] = rings as [Ring, Ring, Ring, Ring];
  const [b0, b1, b2, b3] = [r0.buffer, r1.buffer, r2.buffer, r3.buffer];
  for (let i = 0; i < x.length;) {
    const n = stretchOf(rings, x.length - i);
    const [a0, a1, a2, a3] = [r0.at, r1.at, r2.at, r3.at];
    for (let k = 0; k < n; k++) {
      let v = x[i + k]!;
      let d = b0[a0 + k]!;
      b0[a0 + k] = v + d * 0.5;
      v = d - v;
      d = b1[a1 + k]!;
      b1[a1 + k] = v + d * 0.5;
      v = d - v;
      d = b2[a2 + k]!;
      b2[a2 + k] = v + d * 0.5;
      v = d - v;
      d = b3[a3 + k]!;
      b3[a3 + k] = v + d * 0.5;
      x[i + k] = d - v;
    }
    advance(rings, n);
    i += n;
  }
}

/** One channel's tank: returns the wet signal for `input` (mono sum of the channels fed in). */
function tank(input: Float32Array, sampleRate: number, spread: number, feedback: number, damp: number): Float32Array {
  const scale = sampleRate / 44100;
  const out = new Float32Array(input.length);
  fourCombs(
    input,
    out,
    COMBS.slice(0, 4).map((t) => ring(t, spread, scale)),
    feedback,
    damp,
  );
  fourCombs(
    input,
    out,
    COMBS.slice(4).map((t) => ring(t, spread, scale)),
    feedback,
    damp,
  );
  fourAllpasses(
    out,
    ALLPASSES.map((t) => ring(t, spread, scale)),
  );
  return out;
}

/** Returns the reverberated channels (mono stays mono; two or more channels get a stereo pair each). */
export function reverb(channels: Float32Array[], sampleRate: number, p: ReverbParams): Float32Array[] {
  const feedback = p.room_size * 0.28 + 0.7;
  const damp = p.damping * 0.4;
  const wet = p.wet_level * 3;
  const dry = p.dry_level * 2;
  const wet1 = 0.5 * wet * (1 + p.width);
  const wet2 = 0.5 * wet * (1 - p.width);
  const frames = channels[0]?.length ?? 0;
  const input = new Float32Array(frames);
  for (const x of channels) for (let i = 0; i < frames; i++) input[i] += (x[i] * INPUT_GAIN * 2) / channels.length;
  if (channels.length === 1) {
    const l = tank(input, sampleRate, 0, feedback, damp);
    const x = channels[0]!;
    for (let i = 0; i < frames; i++) l[i] = x[i]! * dry + l[i]! * wet1;
    return [l];
  }
  const l = tank(input, sampleRate, 0, feedback, damp);
  const r = tank(input, sampleRate, STEREO_SPREAD, feedback, damp);
  return channels.map((x, c) => {
    const [a, b] = c % 2 === 0 ? [l, r] : [r, l];
    return x.map((v, i) => v * dry + a[i] * wet1 + b[i] * wet2);
  });
}
