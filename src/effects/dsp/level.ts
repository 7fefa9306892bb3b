/** Sample-by-sample level effects: gain, distortion (tanh saturation), hard clipping, fades. */

export const dbToLinear = (db: number): number => 10 ** (db / 20);

export function applyGain(channels: Float32Array[], gainDb: number): void {
  const g = dbToLinear(gainDb);
  if (g === 1) return;
  for (const x of channels) for (let i = 0; i < x.length; i++) x[i] *= g;
}

/** Soft saturation, as pedalboard's Distortion: tanh of the input driven by `driveDb`. */
export function distort(channels: Float32Array[], driveDb: number): void {
  const drive = dbToLinear(driveDb);
  for (const x of channels) for (let i = 0; i < x.length; i++) x[i] = Math.tanh(x[i] * drive);
}

export function clip(channels: Float32Array[], thresholdDb: number): void {
  const t = dbToLinear(thresholdDb);
  for (const x of channels) for (let i = 0; i < x.length; i++) x[i] = x[i] > t ? t : x[i] < -t ? -t : x[i];
}

/** Linear fade-in over the first `inMs` and fade-out over the last `outMs` (each at most the whole sound). */
export function fade(channels: Float32Array[], sampleRate: number, inMs: number, outMs: number): void {
  const frames = channels[0]?.length ?? 0;
  const fadeIn = Math.min(frames, Math.round((inMs / 1000) * sampleRate));
  const fadeOut = Math.min(frames, Math.round((outMs / 1000) * sampleRate));
  for (const x of channels) {
    for (let i = 0; i < fadeIn; i++) x[i] *= i / fadeIn;
    for (let i = 0; i < fadeOut; i++) x[frames - 1 - i] *= i / fadeOut;
  }
}

/**
 * Cuts leading and trailing silence: keeps from `paddingMs` before the first sample above
 * `thresholdDb` (any channel) to `paddingMs` after the last. All-silent input becomes empty.
 */
export function trimSilence(channels: Float32Array[], sampleRate: number, thresholdDb: number, paddingMs: number): Float32Array[] {
  const frames = channels[0]?.length ?? 0;
  const threshold = dbToLinear(thresholdDb);
  const loud = (i: number): boolean => channels.some((x) => Math.abs(x[i]) > threshold);
  let first = 0;
  while (first < frames && !loud(first)) first++;
  if (first === frames) return channels.map(() => new Float32Array(0));
  let last = frames - 1;
  while (last > first && !loud(last)) last--;
  const pad = Math.round((paddingMs / 1000) * sampleRate);
  const start = Math.max(0, first - pad);
  const end = Math.min(frames, last + 1 + pad);
  return channels.map((x) => x.slice(start, end));
}
