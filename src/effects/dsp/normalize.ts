/**
 * Loudness normalisation: one gain to the target integrated loudness. When that gain would push
 * the true peak over the ceiling, a look-ahead true-peak limiter holds the peaks down; limiting
 * takes some loudness away, so the gain into the limiter is raised by what is missing and the
 * original is limited again, until the result is within 0.1 LU of the target (a few passes). The
 * frames' true-peak levels are measured once: a gain scales them, so a pass only recomputes the
 * limiter's gain curve and the loudness.
 */
import { limiterGain } from './dynamics';
import { applyGain, dbToLinear } from './level';
import { integratedLoudness, samplePeak, toDb, truePeak } from './loudness';
import { truePeakLevels } from './true-peak';
import type { Measured } from '../pcm';

const LIMITER_RELEASE_MS = 50;
/** Kept below the ceiling as measured by our meter, for other meters' interpolators (ffmpeg's reads up to ~0.1 dB higher). */
const METER_MARGIN_DB = 0.2;
const MAX_PASSES = 8;
const INTER_SAMPLE_HEADROOM_DB = 3;
const CLOSE_ENOUGH_LU = 0.1;
/** Never drive the limiter by more than this (a hopeless target stays a little short instead). */
const MAX_EXTRA_DB = 20;
/** The frames' levels are measured to hold for this much more drive than the pass needs (re-measured beyond). */
const LEVELS_GOOD_FOR_DB = 0.5;
/** Attempts at a lower ceiling when inter-sample peaks still pass where the gain moved fast. */
const MAX_ATTEMPTS = 3;

/** Normalises `channels` in place; returns what it measured of the result (undefined where it measured nothing). */
export function normalize(channels: Float32Array[], sampleRate: number, targetLufs: number, ceilingDb: number): Measured | undefined {
  const loudness = integratedLoudness(channels, sampleRate);
  if (loudness === null) return undefined; // silence (or under 400 ms): nothing to measure, nothing to do
  const gainDb = targetLufs - loudness;
  let ceiling = dbToLinear(ceilingDb - METER_MARGIN_DB);
  // Inter-sample peaks of real audio stay within a few dB of the sample peak: when even that much
  // headroom is there, no true peak need be computed.
  if ((toDb(samplePeak(channels)) ?? -Infinity) + gainDb + INTER_SAMPLE_HEADROOM_DB <= ceilingDb - METER_MARGIN_DB) {
    applyGain(channels, gainDb);
    return undefined;
  }
  const original = channels.map((x) => x.slice());
  // Levels exact wherever a drive of up to `levelsDb` would take them over the ceiling.
  let levelsDb = gainDb + LEVELS_GOOD_FOR_DB;
  let levels = truePeakLevels(original, sampleRate, ceiling / dbToLinear(levelsDb));
  let loudnessLufs: number | null = null;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let drive = gainDb;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      if (drive > levelsDb) {
        levelsDb = drive + LEVELS_GOOD_FOR_DB;
        levels = truePeakLevels(original, sampleRate, ceiling / dbToLinear(levelsDb));
      }
      const g = dbToLinear(drive);
      const limiter = limiterGain(levels, g, ceiling, sampleRate, LIMITER_RELEASE_MS);
      channels.forEach((x, c) => {
        const o = original[c]!;
        if (limiter) for (let i = 0; i < x.length; i++) x[i] = o[i]! * g * limiter[i]!;
        else for (let i = 0; i < x.length; i++) x[i] = o[i]! * g;
      });
      if (!limiter) return undefined; // the gain alone keeps the true peak under the ceiling
      loudnessLufs = integratedLoudness(channels, sampleRate);
      const missing = targetLufs - (loudnessLufs ?? targetLufs);
      if (Math.abs(missing) < CLOSE_ENOUGH_LU || drive >= gainDb + MAX_EXTRA_DB) break;
      drive = Math.min(gainDb + MAX_EXTRA_DB, drive + missing);
    }
    // Where the limiter's gain moves fast the peaks between samples move a little too: check, and
    // limit a little lower if they passed.
    const peak = truePeak(channels, sampleRate);
    const over = (toDb(peak) ?? -Infinity) - (ceilingDb - METER_MARGIN_DB);
    if (over <= 0 || attempt === MAX_ATTEMPTS - 1) return { loudnessLufs, truePeak: peak };
    ceiling /= dbToLinear(over + 0.05);
    levelsDb = -Infinity; // measured for the higher ceiling
  }
  return undefined;
}
