/**
 * Level-dependent gain, linked across channels (every channel gets the same gain so the stereo
 * image does not wander): compressor and noise gate (a peak envelope with attack and release,
 * as pedalboard's JUCE-based ones), and a look-ahead limiter that keeps the true peak (between
 * samples too) under its ceiling, from the very first sample on.
 */

import { truePeakLevels } from './true-peak';

const dbToLinear = (db: number): number => 10 ** (db / 20);
const coefficient = (ms: number, sampleRate: number): number => Math.exp(-1 / ((Math.max(ms, 0.01) / 1000) * sampleRate));

/** The attack/release peak envelope of the frames (the highest channel of each), linear. */
function envelope(channels: Float32Array[], sampleRate: number, attackMs: number, releaseMs: number): Float32Array {
  const attack = coefficient(attackMs, sampleRate);
  const release = coefficient(releaseMs, sampleRate);
  const frames = channels[0]?.length ?? 0;
  const level = new Float32Array(frames);
  for (const x of channels)
    for (let i = 0; i < frames; i++) {
      const a = x[i]! < 0 ? -x[i]! : x[i]!;
      if (a > level[i]!) level[i] = a;
    }
  let env = 0;
  for (let i = 0; i < frames; i++) {
    const l = level[i]!;
    const c = l > env ? attack : release;
    env = c * env + (1 - c) * l;
    level[i] = env;
  }
  return level;
}

/**
 * Multiplies each frame of every channel by the gain computer's gain for its envelope level; the
 * computer acts only above (or below) `threshold` and gives 1 there, so the gain is continuous.
 * The logarithm and exponential are taken every `step` frames and the gain interpolated between:
 * the envelope moves by a small fraction of its time constant in a step, so the result differs by
 * a few thousandths of a dB from taking them every frame, for a sixth of the work.
 */
function applyFrameGains(
  channels: Float32Array[],
  env: Float32Array,
  gainFor: (env: number) => number,
  threshold: number,
  above: boolean,
  step: number,
): void {
  const gainAt = (e: number): number => (e > threshold === above ? gainFor(e) : 1);
  const frames = env.length;
  let g0 = frames > 0 ? gainAt(env[0]!) : 1;
  for (let start = 0; start < frames; start += step) {
    const end = Math.min(frames, start + step);
    const g1 = end < frames ? gainAt(env[end]!) : g0;
    // Nothing to do where the computer rests at both ends.
    if (g0 !== 1 || g1 !== 1) {
      const slope = (g1 - g0) / step;
      for (let c = 0; c < channels.length; c++) {
        const x = channels[c]!;
        for (let i = start; i < end; i++) x[i]! *= g0 + slope * (i - start);
      }
    }
    g0 = g1;
  }
}

/** Frames per gain-computer step: a thirty-second of the faster of attack and release, at most 16. */
const gainStep = (attackMs: number, releaseMs: number, sampleRate: number): number =>
  Math.max(1, Math.min(16, Math.floor(((Math.min(attackMs, releaseMs) / 1000) * sampleRate) / 32)));

export function compress(
  channels: Float32Array[],
  sampleRate: number,
  p: { threshold_db: number; ratio: number; attack_ms: number; release_ms: number },
): void {
  // Over the threshold every dB is 1/ratio dB: gain = (env / threshold)^(1/ratio − 1).
  const threshold = dbToLinear(p.threshold_db);
  const slope = 1 / p.ratio - 1;
  const env = envelope(channels, sampleRate, p.attack_ms, p.release_ms);
  const step = gainStep(p.attack_ms, p.release_ms, sampleRate);
  applyFrameGains(channels, env, (e) => Math.exp(slope * Math.log(e / threshold)), threshold, true, step);
}

/** Downward expander: below the threshold, every dB lower is `ratio` dB lower (floor −100 dB of gain). */
export function noiseGate(
  channels: Float32Array[],
  sampleRate: number,
  p: { threshold_db: number; ratio: number; attack_ms: number; release_ms: number },
): void {
  const threshold = dbToLinear(p.threshold_db);
  const exponent = p.ratio - 1;
  const floor = dbToLinear(-100);
  const env = envelope(channels, sampleRate, p.attack_ms, p.release_ms);
  const step = gainStep(p.attack_ms, p.release_ms, sampleRate);
  applyFrameGains(channels, env, (e) => Math.max(floor, Math.exp(exponent * Math.log(e / threshold))), threshold, false, step);
}

/**
 * Look-ahead limiter: per frame the gain that keeps it at `ceiling`, a sliding minimum over the
 * look-ahead window, a moving average over the same window (so the gain is already down when the
 * peak arrives: the average at a peak only covers minima that include it), then a release. The
 * level of each frame includes the peaks between samples (oversampled), so what passes is under
 * the ceiling as a true-peak meter reads it, not just sample by sample.
 */
export function limit(channels: Float32Array[], sampleRate: number, ceilingDb: number, releaseMs: number, lookaheadMs = 5): void {
  if ((channels[0]?.length ?? 0) === 0) return;
  const ceiling = dbToLinear(ceilingDb);
  const gain = limiterGain(truePeakLevels(channels, sampleRate, ceiling), 1, ceiling, sampleRate, releaseMs, lookaheadMs);
  if (!gain) return;
  for (const x of channels) for (let i = 0; i < x.length; i++) x[i] *= gain[i];
}

/**
 * The limiter's gain for each frame, for frames whose peak levels are `levels` × `scale` (the
 * gain the sound gets before the limiter); null when nothing reaches the ceiling. Separate from
 * `limit` so that normalisation can try several input gains on levels measured once.
 */
export function limiterGain(
  levels: Float32Array,
  scale: number,
  ceiling: number,
  sampleRate: number,
  releaseMs: number,
  lookaheadMs = 5,
): Float32Array | null {
  const frames = levels.length;
  const w = Math.max(1, Math.round((lookaheadMs / 1000) * sampleRate));
  const need = new Float32Array(frames);
  let any = false;
  for (let i = 0; i < frames; i++) {
    const level = levels[i] * scale;
    need[i] = level > ceiling ? ceiling / level : 1;
    if (need[i] < 1) any = true;
  }
  if (!any) return null;
  // Forward sliding minimum m[j] = min(need[j .. j+w-1]) with a monotonic deque.
  const minimum = new Float32Array(frames);
  const deque = new Int32Array(frames);
  let head = 0;
  let tail = 0;
  for (let i = frames - 1; i >= 0; i--) {
    while (tail > head && need[deque[tail - 1]] >= need[i]) tail--;
    deque[tail++] = i;
    while (deque[head] > i + w - 1) head++;
    minimum[i] = need[deque[head]];
  }
  const release = coefficient(releaseMs, sampleRate);
  // Running sum of the last w minima. Before the start they count as the first one: a peak inside
  // the first window has no time to ramp down to, so the gain is already down at the first sample.
  const before = minimum[0];
  let sum = w * before;
  let gain = 1;
  const out = need; // no longer read: the gains go here
  for (let i = 0; i < frames; i++) {
    sum += minimum[i] - (i >= w ? minimum[i - w] : before);
    const smooth = Math.min(1, sum / w);
    gain = smooth < gain ? smooth : release * gain + (1 - release) * smooth;
    if (gain > smooth) gain = smooth;
    out[i] = gain;
  }
  return out;
}
