/**
 * True peak per ITU-R BS.1770-4 Annex 2: the highest absolute value of the oversampled signal
 * (a Hann-windowed sinc polyphase interpolator, 12 taps per phase). The oversampled rate is at
 * least 192 kHz, as ffmpeg's ebur128 filter resamples to: at 24 kHz 4× would miss up to ~0.5 dB
 * of a peak near Nyquist that ffmpeg sees, so 24 kHz sound is oversampled 8×.
 */

const TAPS_PER_PHASE = 12;
const MIN_OVERSAMPLED_RATE = 192_000;

/** The oversampling factor for `sampleRate` (4 at 48 kHz, 8 at 24 kHz; at least 4). */
const factorFor = (sampleRate: number): number => Math.max(4, Math.ceil(MIN_OVERSAMPLED_RATE / sampleRate));

/** Tap-major coefficients of an L× interpolator: H[k * L + p] is tap k of phase p. */
const filters = new Map<number, Float64Array>();
function filterFor(factor: number): Float64Array {
  const known = filters.get(factor);
  if (known) return known;
  const length = factor * TAPS_PER_PHASE;
  const centre = (length - 1) / 2;
  const out = new Float64Array(length);
  for (let n = 0; n < length; n++) {
    const t = (n - centre) / factor;
    const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
    const h = sinc * (0.5 - 0.5 * Math.cos((2 * Math.PI * (n + 0.5)) / length));
    // n = p + k * L
    out[Math.floor(n / factor) * factor + (n % factor)] = h;
  }
  filters.set(factor, out);
  return out;
}

/**
 * Highest absolute value of the points the interpolator puts between x[c] and x[c + 1] (zeros
 * outside x): the filter's delay puts the phases of output i between x[i - 6] and x[i - 5].
 */
function between(x: Float32Array, c: number, h: Float64Array, factor: number): number {
  const newest = c + TAPS_PER_PHASE / 2;
  const inside = newest < x.length && newest - TAPS_PER_PHASE + 1 >= 0;
  let peak = 0;
  for (let p = 0; p < factor; p++) {
    let acc = 0;
    for (let k = 0, j = p; k < TAPS_PER_PHASE; k++, j += factor) {
      const n = newest - k;
      acc += h[j] * (inside || (n >= 0 && n < x.length) ? x[n] : 0);
    }
    if (acc < 0) acc = -acc;
    if (acc > peak) peak = acc;
  }
  return peak;
}

/** Whether the stretch between x[c] and x[c + 1] could peak over 4 × `near` (real audio's inter-sample peaks stay well under 12 dB). */
const worthInterpolating = (x: Float32Array, c: number, near: number): boolean =>
  (c >= 0 && Math.abs(x[c]) >= near) || (c + 1 < x.length && Math.abs(x[c + 1]) >= near);

/** Highest absolute sample, linear. */
export function samplePeak(channels: Float32Array[]): number {
  let peak = 0;
  for (const x of channels)
    for (let i = 0; i < x.length; i++) {
      const a = x[i] < 0 ? -x[i] : x[i];
      if (a > peak) peak = a;
    }
  return peak;
}

/** True peak of the stretches between x[from] and x[to], both in x. */
function peakWithin(channels: Float32Array[], factor: number, from: (x: Float32Array) => number, to: (x: Float32Array) => number): number {
  const highest = samplePeak(channels);
  const near = highest / 4;
  const h = filterFor(factor);
  let peak = highest;
  for (const x of channels)
    for (let c = from(x); c < to(x); c++) if (worthInterpolating(x, c, near)) peak = Math.max(peak, between(x, c, h, factor));
  return peak;
}

/**
 * Highest absolute value of the oversampled signal, linear (0 for silence), silence assumed before
 * and after. Interpolates only around samples within 12 dB of the highest sample: an inter-sample
 * peak above the sample peak needs large neighbours, and skipping quiet stretches makes this ~10×
 * faster on speech.
 */
export function truePeak(channels: Float32Array[], sampleRate: number): number {
  return peakWithin(
    channels,
    factorFor(sampleRate),
    () => -1,
    (x) => x.length,
  );
}

/**
 * Per frame, the highest absolute value of the oversampled signal at it or between it and a
 * neighbour, over all channels: what a true-peak limiter must hold down. Interpolates only where
 * a neighbour reaches `near` (elsewhere the level is the sample's own).
 */
export function truePeakLevels(channels: Float32Array[], sampleRate: number, near: number): Float32Array {
  const factor = factorFor(sampleRate);
  const h = filterFor(factor);
  const frames = channels[0]?.length ?? 0;
  const level = new Float32Array(frames);
  for (const x of channels)
    for (let c = -1; c < frames; c++) {
      if (c >= 0 && Math.abs(x[c]) > level[c]) level[c] = Math.abs(x[c]);
      if (!worthInterpolating(x, c, near)) continue;
      const peak = between(x, c, h, factor);
      if (c >= 0 && peak > level[c]) level[c] = peak;
      if (c + 1 < frames && peak > level[c + 1]) level[c + 1] = peak;
    }
  return level;
}

/**
 * True peak of sound pushed block by block: each block is measured with the last samples of the
 * one before, and only where the interpolator's taps are all inside (nothing is assumed past the
 * block). Without a sample rate it oversamples 4×.
 */
export function createTruePeakMeter(channelCount: number, sampleRate = 48_000): { push(channels: Float32Array[]): void; peak(): number } {
  const keep = TAPS_PER_PHASE;
  const factor = factorFor(sampleRate);
  let tails = Array.from({ length: channelCount }, () => new Float32Array(0));
  let peak = 0;
  return {
    push(channels) {
      const joined = channels.map((x, c) => {
        const tail = tails[c]!;
        const y = new Float32Array(tail.length + x.length);
        y.set(tail);
        y.set(x, tail.length);
        return y;
      });
      peak = Math.max(
        peak,
        peakWithin(
          joined,
          factor,
          () => TAPS_PER_PHASE / 2 - 1,
          (x) => x.length - TAPS_PER_PHASE / 2,
        ),
      );
      tails = joined.map((y) => y.slice(Math.max(0, y.length - keep)));
    },
    peak: () => peak,
  };
}
