/**
 * Second-order IIR sections (direct form I, coefficients normalised by a0), designed per Robert
 * Bristow-Johnson's "Audio EQ Cookbook". Filters run in place, one channel at a time.
 * Note: Voicebox's (pedalboard's) high/low-pass are first order (6 dB/octave); ours are
 * Butterworth second order (12 dB/octave), which is what removing rumble or hiss from speech needs.
 */

export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

const BUTTERWORTH_Q = Math.SQRT1_2;

/** Keeps the cutoff strictly below Nyquist (a 20 kHz lowpass on 24 kHz audio passes everything). */
const safeCutoff = (hz: number, sampleRate: number): number => Math.min(hz, sampleRate * 0.499);

export function highpass(cutoffHz: number, sampleRate: number, q = BUTTERWORTH_Q): Biquad {
  const w = (2 * Math.PI * safeCutoff(cutoffHz, sampleRate)) / sampleRate;
  const alpha = Math.sin(w) / (2 * q);
  const cos = Math.cos(w);
  const a0 = 1 + alpha;
  return { b0: (1 + cos) / 2 / a0, b1: -(1 + cos) / a0, b2: (1 + cos) / 2 / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

export function lowpass(cutoffHz: number, sampleRate: number, q = BUTTERWORTH_Q): Biquad {
  const w = (2 * Math.PI * safeCutoff(cutoffHz, sampleRate)) / sampleRate;
  const alpha = Math.sin(w) / (2 * q);
  const cos = Math.cos(w);
  const a0 = 1 + alpha;
  return { b0: (1 - cos) / 2 / a0, b1: (1 - cos) / a0, b2: (1 - cos) / 2 / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

/** Filters `x` into `out` (which may be `x` itself). */
export function runBiquad(f: Biquad, x: Float32Array, out: Float32Array = x): Float32Array {
  return biquadStream(f)(x, out);
}

/** A filter that keeps its state from one call to the next: a long signal filtered block by block. */
export function biquadStream(f: Biquad): (x: Float32Array, out?: Float32Array) => Float32Array {
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  const { b0, b1, b2, a1, a2 } = f;
  return (x, out = x) => {
    // The state in locals while the loop runs: doubles kept in the closure would be boxed on every store.
    let p1 = x1;
    let p2 = x2;
    let q1 = y1;
    let q2 = y2;
    for (let i = 0; i < x.length; i++) {
      const x0 = x[i];
      const y0 = b0 * x0 + b1 * p1 + b2 * p2 - a1 * q1 - a2 * q2;
      p2 = p1;
      p1 = x0;
      q2 = q1;
      q1 = y0;
      out[i] = y0;
    }
    x1 = p1;
    x2 = p2;
    y1 = q1;
    y2 = q2;
    return out;
  };
}
