/**
 * Loudness per ITU-R BS.1770-4 / EBU R128: K-weighting (a high shelf and a high pass, designed for
 * any sample rate from the standard's 48 kHz analogue prototype), mean square over 400 ms blocks
 * every 100 ms, an absolute gate at −70 LUFS and a relative gate 10 LU below the ungated mean.
 * True peak: see true-peak.ts.
 */
import type { Biquad } from './biquad';

/** K-weighting stage 1 (head acoustics, +4 dB high shelf) for `sampleRate`. */
function shelf(sampleRate: number): Biquad {
  const f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  const q = 0.7071752369554196;
  const k = Math.tan((Math.PI * f0) / sampleRate);
  const vh = 10 ** (gainDb / 20);
  const vb = vh ** 0.4996667741545416;
  const a0 = 1 + k / q + k * k;
  return {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
}

/** K-weighting stage 2 (RLB high pass at ~38 Hz) for `sampleRate`. */
function rlb(sampleRate: number): Biquad {
  const f0 = 38.13547087602444;
  const q = 0.5003270373238773;
  const k = Math.tan((Math.PI * f0) / sampleRate);
  const a0 = 1 + k / q + k * k;
  return { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
}

/** Channel weights: 1 for front channels, 1.41 for surrounds, 0 for LFE (5.1 order L R C LFE Ls Rs). */
function channelWeight(index: number, count: number): number {
  if (count < 6) return 1;
  if (index === 3) return 0;
  return index >= 4 ? 1.41 : 1;
}

const blockLoudness = (meanSquare: number): number => -0.691 + 10 * Math.log10(meanSquare);

/** Integrated loudness measured block by block, for sound too long to hold (a story's mixdown). */
export interface LoudnessMeter {
  /** The next stretch of sound, one array per channel (all the same length). */
  push(channels: Float32Array[]): void;
  /** LUFS of everything pushed so far, or null when nothing is above the absolute gate. */
  integrated(): number | null;
}

/** One channel's K-weighting: both stages' coefficients and their state (x1 x2 y1 y2 of each). */
interface KFilter {
  stage1: Biquad;
  stage2: Biquad;
  state: Float64Array;
}

/**
 * Filters `x` through both K-weighting stages and adds `weight` × the sum of the squares of each
 * 100 ms step to `sums` (sums[0] is the step that already holds `offset` frames). One loop with
 * the state in locals: no filtered copy, no doubles boxed in a closure.
 */
function addStepSquares(x: Float32Array, k: KFilter, weight: number, offset: number, step: number, sums: Float64Array): void {
  const { b0, b1, b2, a1, a2 } = k.stage1;
  const { b0: c0, b1: c1, b2: c2, a1: d1, a2: d2 } = k.stage2;
  const st = k.state;
  let [x1, x2, y1, y2, u1, u2, z1, z2] = [st[0]!, st[1]!, st[2]!, st[3]!, st[4]!, st[5]!, st[6]!, st[7]!];
  let at = 0;
  let left = step - offset;
  let acc = 0;
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i]!;
    const y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x0;
    y2 = y1;
    y1 = y0;
    const z0 = c0 * y0 + c1 * u1 + c2 * u2 - d1 * z1 - d2 * z2;
    u2 = u1;
    u1 = y0;
    z2 = z1;
    z1 = z0;
    acc += z0 * z0;
    if (--left === 0) {
      sums[at++] += weight * acc;
      acc = 0;
      left = step;
    }
  }
  sums[at] += weight * acc;
  st.set([x1, x2, y1, y2, u1, u2, z1, z2]);
}

export function createLoudnessMeter(sampleRate: number, channelCount: number): LoudnessMeter {
  const step = Math.round(sampleRate / 10);
  const filters: KFilter[] = Array.from({ length: channelCount }, () => ({
    stage1: shelf(sampleRate),
    stage2: rlb(sampleRate),
    state: new Float64Array(8),
  }));
  const weights = Array.from({ length: channelCount }, (_, c) => channelWeight(c, channelCount));
  /** Per whole 100 ms step: the sum over channels of the weighted K-filtered squares (a block is 4 steps). */
  const steps: number[] = [];
  let partial = 0;
  let inStep = 0;
  return {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      // The steps this stretch touches: the one under way, the ones it completes, the next one begun.
      const sums = new Float64Array(Math.floor((inStep + n) / step) + 1);
      channels.forEach((x, c) => {
        if (weights[c] !== 0) addStepSquares(x, filters[c]!, weights[c]!, inStep, step, sums);
      });
      sums[0] += partial;
      for (let s = 0; s < sums.length - 1; s++) steps.push(sums[s]!);
      partial = sums[sums.length - 1]!;
      inStep = (inStep + n) % step;
    },
    integrated() {
      const blocks: number[] = [];
      for (let s = 0; s + 4 <= steps.length; s++) blocks.push((steps[s]! + steps[s + 1]! + steps[s + 2]! + steps[s + 3]!) / (4 * step));
      const aboveAbsolute = blocks.filter((ms) => ms > 0 && blockLoudness(ms) > -70);
      if (aboveAbsolute.length === 0) return null;
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      const relativeGate = blockLoudness(mean(aboveAbsolute)) - 10;
      const gated = aboveAbsolute.filter((ms) => blockLoudness(ms) > relativeGate);
      return blockLoudness(mean(gated));
    },
  };
}

/**
 * Integrated loudness in LUFS, or null when nothing is above the absolute gate (silence, or
 * shorter than one 400 ms block).
 */
export function integratedLoudness(channels: Float32Array[], sampleRate: number): number | null {
  const meter = createLoudnessMeter(sampleRate, channels.length);
  meter.push(channels);
  return meter.integrated();
}

export const toDb = (linear: number): number | null => (linear > 0 ? 20 * Math.log10(linear) : null);

// The true-peak meter lived here first; callers still import it from the loudness module.
export { createTruePeakMeter, samplePeak, truePeak } from './true-peak';
