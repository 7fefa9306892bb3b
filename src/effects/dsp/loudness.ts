/**
 * Loudness per ITU-R BS.1770-4 / EBU R128: K-weighting (a high shelf and a high pass, designed for
 * any sample rate from the standard's 48 kHz analogue prototype), mean square over 400 ms blocks
 * every 100 ms, an absolute gate at −70 LUFS and a relative gate 10 LU below the ungated mean.
 * True peak: see true-peak.ts.
 */
import { biquadStream, type Biquad } from './biquad';

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

export function createLoudnessMeter(sampleRate: number, channelCount: number): LoudnessMeter {
  const step = Math.round(sampleRate / 10);
  const filters = Array.from({ length: channelCount }, () => {
    const stage1 = biquadStream(shelf(sampleRate));
    const stage2 = biquadStream(rlb(sampleRate));
    return (x: Float32Array, out: Float32Array) => stage2(stage1(x, out));
  });
  const weights = Array.from({ length: channelCount }, (_, c) => channelWeight(c, channelCount));
  /** Per whole 100 ms step: the sum over channels of the weighted K-filtered squares (a block is 4 steps). */
  const steps: number[] = [];
  let partial = 0;
  let inStep = 0;
  return {
    push(channels) {
      const n = channels[0]?.length ?? 0;
      const filtered = channels.map((x, c) => (weights[c] === 0 ? null : filters[c]!(x, new Float32Array(n))));
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let c = 0; c < filtered.length; c++) {
          const y = filtered[c];
          if (y) acc += weights[c]! * y[i]! * y[i]!;
        }
        partial += acc;
        if (++inStep === step) {
          steps.push(partial);
          partial = 0;
          inStep = 0;
        }
      }
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
