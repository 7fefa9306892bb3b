/**
 * Level-dependent gain, linked across channels (every channel gets the same gain so the stereo
 * image does not wander): compressor and noise gate (a peak envelope with attack and release,
 * as pedalboard's JUCE-based ones), and a look-ahead limiter that keeps the true peak (between
 * samples too) under its ceiling, from the very first sample on.
 */

import { truePeakLevels } from './true-peak';

const dbToLinear = (db: number): number => 10 ** (db / 20);
/** 20 / ln 10: dB = DB_PER_NEPER × ln(linear). */
const DB_PER_NEPER = 20 / Math.LN10;
const coefficient = (ms: number, sampleRate: number): number => Math.exp(-1 / ((Math.max(ms, 0.01) / 1000) * sampleRate));

/** Applies a gain computer (envelope level in dB -> gain in dB) through an attack/release envelope. */
function envelopeGain(
  channels: Float32Array[],
  sampleRate: number,
  attackMs: number,
  releaseMs: number,
  gainDbFor: (levelDb: number) => number,
  /** The computer changes the gain only above (true) or below (false) this level in dB. */
  activeDb: number,
  above: boolean,
): void {
  const activeAbove = dbToLinear(activeDb);
  const attack = coefficient(attackMs, sampleRate);
  const release = coefficient(releaseMs, sampleRate);
  const frames = channels[0]?.length ?? 0;
  let env = 0;
  for (let i = 0; i < frames; i++) {
    let level = 0;
    for (const x of channels) {
      const a = Math.abs(x[i]);
      if (a > level) level = a;
    }
    const c = level > env ? attack : release;
    env = c * env + (1 - c) * level;
    // Outside the range where the computer acts the gain is 0 dB: skip the logarithms.
    if (env > activeAbove !== above) continue;
    const gainDb = gainDbFor(env > 1e-9 ? DB_PER_NEPER * Math.log(env) : -180);
    const g = Math.exp(gainDb / DB_PER_NEPER);
    for (const x of channels) x[i] *= g;
  }
}

export function compress(
  channels: Float32Array[],
  sampleRate: number,
  p: { threshold_db: number; ratio: number; attack_ms: number; release_ms: number },
): void {
  const slope = 1 / p.ratio - 1;
  envelopeGain(
    channels,
    sampleRate,
    p.attack_ms,
    p.release_ms,
    (level) => (level > p.threshold_db ? (level - p.threshold_db) * slope : 0),
    p.threshold_db,
    true,
  );
}

/** Downward expander: below the threshold, every dB lower is `ratio` dB lower (floor −100 dB of gain). */
export function noiseGate(
  channels: Float32Array[],
  sampleRate: number,
  p: { threshold_db: number; ratio: number; attack_ms: number; release_ms: number },
): void {
  envelopeGain(
    channels,
    sampleRate,
    p.attack_ms,
    p.release_ms,
    (level) => (level < p.threshold_db ? Math.max(-100, (level - p.threshold_db) * (p.ratio - 1)) : 0),
    p.threshold_db,
    false,
  );
}

/**
 * Look-ahead limiter: per sample the gain that keeps it at `ceiling`, a sliding minimum over the
 * look-ahead window, a moving average over the same window (so the gain is already down when the
 * peak arrives: the average at a peak only covers minima that include it), then a release.
 */
export function limit(channels: Float32Array[], sampleRate: number, ceilingDb: number, releaseMs: number, lookaheadMs = 5): void {
  const frames = channels[0]?.length ?? 0;
  if (frames === 0) return;
  const ceiling = dbToLinear(ceilingDb);
  const w = Math.max(1, Math.round((lookaheadMs / 1000) * sampleRate));
  // The level of each frame includes the peaks between samples (4× oversampled), so what passes is
  // under the ceiling as a true-peak meter reads it, not just sample by sample.
  const need = truePeakLevels(channels, sampleRate, ceiling / 4);
  let any = false;
  for (let i = 0; i < frames; i++) {
    need[i] = need[i] > ceiling ? ceiling / need[i] : 1;
    if (need[i] < 1) any = true;
  }
  if (!any) return;
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
  for (let i = 0; i < frames; i++) {
    sum += minimum[i] - (i >= w ? minimum[i - w] : before);
    const smooth = Math.min(1, sum / w);
    gain = smooth < gain ? smooth : release * gain + (1 - release) * smooth;
    if (gain > smooth) gain = smooth;
    for (const x of channels) x[i] *= gain;
  }
}
