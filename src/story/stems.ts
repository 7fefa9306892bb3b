/**
 * Stems: one file per track, the same length as the mix, as each track goes into the mix (its
 * clips' volumes and fades, the track's gain, and the mix's own gain when it has one), with no
 * limiter, so the stems add up to the mix before its limiter. Only the tracks the mix plays get a
 * stem: a muted track has none, and once a track is soloed only the soloed ones do.
 */
import { join } from 'node:path';
import { safeSegment } from '../format/file-name';
import { FILE_EXTENSIONS, type MixTarget } from './mix-options';
import type { MixPlan } from './mix-plan';
import type { MixResult } from './mixdown';
import type { StoryMixer } from './mixer';
import { audibleTracks, type ResolvedStory } from './story-clips';

export interface Stem {
  track: number;
  /** The track's name, or "Track N" (1-based) for a track without one. */
  name: string;
  path: string;
}

/** The stems a story has, with their file names in `dir`: "<story> - <N> <track name>.<ext>". */
export function plannedStems(resolved: ResolvedStory, dir: string, target: MixTarget): Stem[] {
  const audible = audibleTracks(resolved.story.tracks);
  const used = [...new Set(resolved.clips.filter((c) => c.heardMs > 0).map((c) => c.track))].filter(audible).sort((a, b) => a - b);
  const names = new Map(resolved.story.tracks.map((t) => [t.track, t.name]));
  return used.map((track) => {
    const name = names.get(track)?.trim() || `Track ${track + 1}`;
    const file = safeSegment(`${resolved.story.name} - ${track + 1} ${name}.${FILE_EXTENSIONS[target.codec]}`, true);
    return { track, name, path: join(dir, file) };
  });
}

/** Writes each stem at `pathOf(stem)` through the mixer (a worker each), one after another. */
export async function writeStems(
  mixer: StoryMixer,
  plan: MixPlan,
  stems: Stem[],
  o: {
    target: MixTarget;
    /** The full mix's gain (0 without a mix or a level pass). */
    gainDb: number;
    pathOf: (stem: Stem) => string | Promise<string>;
    signal?: AbortSignal;
    onProgress?: (fraction: number) => void;
  },
): Promise<MixResult[]> {
  const results: MixResult[] = [];
  for (const [i, stem] of stems.entries()) {
    results.push(
      await mixer.mix(plan, await o.pathOf(stem), {
        target: o.target,
        level: { mode: 'none' },
        onlyTracks: [stem.track],
        gainDb: o.gainDb,
        signal: o.signal,
        onProgress: (f) => o.onProgress?.((i + f) / stems.length),
      }),
    );
  }
  return results;
}
