/**
 * Loudness normalisation: one gain to the target integrated loudness. When that gain would push
 * the true peak over the ceiling, a look-ahead limiter holds the peaks down (a little under the
 * ceiling, since limiting sample peaks leaves some inter-sample overshoot); limiting takes some
 * loudness away, so the gain into the limiter is raised by what is missing and the original is
 * limited again, until the result is within 0.1 LU of the target (a few passes); inter-sample
 * peaks that still pass the ceiling lower the limiter's own ceiling on the next pass.
 */
import { limit } from './dynamics';
import { applyGain } from './level';
import { integratedLoudness, samplePeak, toDb, truePeak } from './loudness';

/** Limiter ceiling below the true-peak ceiling, for inter-sample peaks the sample limiter cannot see. */
const OVERSHOOT_MARGIN_DB = 0.5;
const LIMITER_RELEASE_MS = 50;
/** Kept below the ceiling as measured by our meter, for other meters' interpolators (ffmpeg's reads up to ~0.1 dB higher). */
const METER_MARGIN_DB = 0.2;
const MAX_PASSES = 8;
const INTER_SAMPLE_HEADROOM_DB = 3;
const CLOSE_ENOUGH_LU = 0.1;
/** Never drive the limiter by more than this (a hopeless target stays a little short instead). */
const MAX_EXTRA_DB = 20;

export function normalize(channels: Float32Array[], sampleRate: number, targetLufs: number, ceilingDb: number): void {
  const loudness = integratedLoudness(channels, sampleRate);
  if (loudness === null) return; // silence (or under 400 ms): nothing to measure, nothing to do
  const gainDb = targetLufs - loudness;
  // Inter-sample peaks of real audio stay within a few dB of the sample peak: when even that much
  // headroom is there, the true peak need not be computed.
  const clearlyUnder = (toDb(samplePeak(channels)) ?? -Infinity) + gainDb + INTER_SAMPLE_HEADROOM_DB <= ceilingDb - METER_MARGIN_DB;
  if (clearlyUnder || (toDb(truePeak(channels, sampleRate)) ?? -Infinity) + gainDb <= ceilingDb - METER_MARGIN_DB) {
    applyGain(channels, gainDb);
    return;
  }
  const original = channels.map((x) => x.slice());
  let drive = gainDb;
  let margin = OVERSHOOT_MARGIN_DB;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    channels.forEach((x, c) => x.set(original[c]));
    applyGain(channels, drive);
    limit(channels, sampleRate, ceilingDb - margin, LIMITER_RELEASE_MS);
    // Inter-sample peaks the sample limiter let through: limit lower next time.
    const over = (toDb(truePeak(channels, sampleRate)) ?? -Infinity) - (ceilingDb - METER_MARGIN_DB);
    if (over > 0) {
      margin += over + 0.05;
      continue;
    }
    const missing = targetLufs - (integratedLoudness(channels, sampleRate) ?? targetLufs);
    if (Math.abs(missing) < CLOSE_ENOUGH_LU || drive >= gainDb + MAX_EXTRA_DB) return;
    drive = Math.min(gainDb + MAX_EXTRA_DB, drive + missing);
  }
}
