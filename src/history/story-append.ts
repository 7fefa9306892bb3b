// Where "Add to Story…" puts generations: one after another in the order given, after the end of
// the whole story (not just of their track, so a dialogue across tracks never overlaps), 200 ms
// apart; on one track, or one track per voice profile (a voice keeps the track it already has).
import { STORY_GAP_MS } from './story-ops';
import type { StoryOutline } from './story-clips';
import type { Generation } from './types';

export interface Placement {
  generationId: string;
  track: number;
  startMs: number;
}

export function appendPlacements(
  outline: Pick<StoryOutline, 'clips' | 'durationMs'>,
  generations: ReadonlyArray<Pick<Generation, 'id' | 'profileId' | 'duration'>>,
  options: { trackPerVoice: boolean },
): Placement[] {
  const trackOf = new Map<string, number>();
  let nextTrack = 0;
  for (const c of outline.clips) {
    nextTrack = Math.max(nextTrack, c.item.track + 1);
    const profile = c.generation?.profileId;
    if (profile && !trackOf.has(profile)) trackOf.set(profile, c.item.track);
  }
  let cursor = outline.clips.length > 0 ? outline.durationMs + STORY_GAP_MS : 0;
  return generations.map((g) => {
    let track = 0;
    if (options.trackPerVoice) {
      const known = trackOf.get(g.profileId);
      track = known ?? nextTrack++;
      trackOf.set(g.profileId, track);
    }
    const placement = { generationId: g.id, track, startMs: cursor };
    cursor += Math.round((g.duration ?? 0) * 1000) + STORY_GAP_MS;
    return placement;
  });
}
