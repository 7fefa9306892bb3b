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

/** Phase-major coefficients of an L× interpolator: H[p * 12 + k] is tap k of phase p. */
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
    // n = p + k * L
    out[(n % factor) * TAPS_PER_PHASE + Math.floor(n / factor)] = sinc * (0.5 - 0.5 * Math.cos((2 * Math.PI * (n + 0.5)) / length));
  }
  filters.set(factor, out);
  return out;
}

/**
 * Highest absolute value of the points the interpolator puts between x[c] and x[c + 1] (zeros
 * outside x): the filter's delay puts the phases of output i between x[i - 6] and x[i - 5].
 * Written out for the 12 taps: this is most of the time a true-peak measurement takes.
 */
function between(x: Float32Array, c: number, h: Float64Array, factor: number): number {
  const n = c + TAPS_PER_PHASE / 2;
  if (n - TAPS_PER_PHASE + 1 < 0 || n >= x.length) return betweenAtEdge(x, c, h, factor);
  const x0 = x[n]!;
  const x1 = x[n - 1]!;
  const x2 = x[n - 2]!;
  const x3 = x[n - 3]!;
  const x4 = x[n - 4]!;
  const x5 = x[n - 5]!;
  const x6 = x[n - 6]!;
  const x7 = x[n - 7]!;
  const x8 = x[n - 8]!;
  const x9 = x[n - 9]!;
  const x10 = x[n - 10]!;
  const x11 = x[n - 11]!;
  let peak = 0;
  for (let p = 0, j = 0; p < factor; p++, j += TAPS_PER_PHASE) {
    let acc =
      h[j]! * x0 +
      h[j + 1]! * x1 +
      h[j + 2]! * x2 +
      h[j + 3]! * x3 +
      h[j + 4]! * x4 +
      h[j + 5]! * x5 +
      h[j + 6]! * x6 +
      h[j + 7]! * x7 +
      h[j + 8]! * x8 +
      h[j + 9]! * x9 +
      h[j + 10]! * x10 +
      h[j + 11]! * x11;
    if (acc < 0) acc = -acc;
    if (acc > peak) peak = acc;
  }
  return peak;
}

/** `between` within 6 samples of either end (the samples beyond count as silence). */
function betweenAtEdge(x: Float32Array, c: number, h: Float64Array, factor: number): number {
  const padded = new Float32Array(TAPS_PER_PHASE + 1);
  const from = c - TAPS_PER_PHASE / 2 + 1;
  for (let k = 0; k < padded.length; k++) if (from + k >= 0 && from + k < x.length) padded[k] = x[from + k]!;
  return between(padded, c - from, h, factor);
}

/** Largest Σ|h| over the phases: no point interpolated exceeds this × the largest of its 12 inputs. */
const bounds = new Map<number, number>();
function gainBound(factor: number): number {
  let bound = bounds.get(factor);
  if (bound === undefined) {
    const h = filterFor(factor);
    bound = 0;
    for (let p = 0; p < factor; p++) {
      let sum = 0;
      for (let k = 0; k < TAPS_PER_PHASE; k++) sum += Math.abs(h[p * TAPS_PER_PHASE + k]!);
      bound = Math.max(bound, sum);
    }
    bounds.set(factor, bound);
  }
  return bound;
}

const BLOCK = 16;

/**
 * Calls `visit(c)` for each stretch c (between x[c] and x[c + 1]), from ≤ c < to, whose
 * interpolated points could exceed `over`. Skips, exactly, every block of 16 stretches whose
 * 12-tap windows (inside the block and its neighbours) hold no sample within the filter's gain
 * bound of `over`; and, as a rule of thumb, stretches with both ends 12 dB under `over` (real
 * audio's inter-sample peaks stay well under that). Most of a true-peak measurement is skipped.
 */
function forEachCandidate(x: Float32Array, from: number, to: number, over: number, factor: number, visit: (c: number) => void): void {
  const blocks = Math.ceil(x.length / BLOCK);
  const blockMax = new Float32Array(blocks + 2); // blockMax[b + 1] is block b's; zeros either side
  for (let i = 0; i < x.length; i++) {
    const a = x[i]! < 0 ? -x[i]! : x[i]!;
    if (a > blockMax[(i >> 4) + 1]!) blockMax[(i >> 4) + 1] = a;
  }
  const reach = over / gainBound(factor);
  const near = over / 4;
  for (let c = from; c < to;) {
    const b = Math.floor(c / BLOCK);
    const end = Math.min(to, (b + 1) * BLOCK);
    const around = Math.max(
      blockMax[Math.max(0, b)]!,
      blockMax[Math.max(0, Math.min(blocks + 1, b + 1))]!,
      blockMax[Math.min(blocks + 1, b + 2)]!,
    );
    if (around >= reach)
      for (; c < end; c++) {
        if ((c >= 0 && Math.abs(x[c]!) >= near) || (c + 1 < x.length && Math.abs(x[c + 1]!) >= near)) visit(c);
      }
    c = end;
  }
}

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

/** True peak of the stretches c from ≤ c < to of each channel. */
function peakWithin(channels: Float32Array[], factor: number, from: (x: Float32Array) => number, to: (x: Float32Array) => number): number {
  const h = filterFor(factor);
  let peak = samplePeak(channels);
  for (const x of channels)
    forEachCandidate(x, from(x), to(x), peak, factor, (c) => {
      const value = between(x, c, h, factor);
      if (value > peak) peak = value;
    });
  return peak;
}

/**
 * Highest absolute value of the oversampled signal, linear (0 for silence), silence assumed before
 * and after. Only stretches that could beat the highest sample are interpolated (see
 * forEachCandidate): on speech that is a few per cent of them.
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
 * neighbour, over all channels: what a true-peak limiter must hold down. Exact wherever it exceeds
 * `over`; below that it may read as the sample's own level (only what passes `over` is interpolated).
 */
export function truePeakLevels(channels: Float32Array[], sampleRate: number, over: number): Float32Array {
  const factor = factorFor(sampleRate);
  const h = filterFor(factor);
  const frames = channels[0]?.length ?? 0;
  const level = new Float32Array(frames);
  for (const x of channels) {
    for (let i = 0; i < frames; i++) if (Math.abs(x[i]!) > level[i]!) level[i] = Math.abs(x[i]!);
    forEachCandidate(x, -1, frames, over, factor, (c) => {
      const peak = between(x, c, h, factor);
      if (c >= 0 && peak > level[c]!) level[c] = peak;
      if (c + 1 < frames && peak > level[c + 1]!) level[c + 1] = peak;
    });
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
