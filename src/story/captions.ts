/**
 * Captions of a story, as it is heard: every clip's text cut into cues (captions-cues.ts) at the
 * clip's place on the timeline, in time order, with the voice that speaks it.
 *
 * What is left out, on purpose: clips on muted tracks (or on tracks not soloed while another is),
 * or at zero volume, since captions describe what the mix plays; clips with no known length (their generation has no
 * audio yet, or failed), since they have no time on the timeline; clips with no text. A clip whose
 * audio file went missing on disk still gets captions (they are made from the history alone); the
 * mix of the same story refuses, naming the clip.
 */
import { cuesFor, type Cue, type CueTiming } from './captions-cues';
import { audibleTracks, type ResolvedStory, type StoryClip } from './story-clips';

export interface StoryCue extends Cue {
  /** The voice profile's name ('' when unknown). */
  speaker: string;
  itemId: string;
  track: number;
}

/** The clips that captions and chapters describe, in time order (then track). */
export function heardClips(resolved: ResolvedStory): StoryClip[] {
  const audible = audibleTracks(resolved.story.tracks);
  const silent = new Set(resolved.story.tracks.filter((t) => t.gain === 0).map((t) => t.track));
  return resolved.clips
    .filter((c) => audible(c.track) && !silent.has(c.track) && c.heardMs > 0 && c.volume > 0)
    .sort((a, b) => a.startMs - b.startMs || a.track - b.track || a.index - b.index);
}

export function storyCues(resolved: ResolvedStory, timing: CueTiming = {}): StoryCue[] {
  const cues: StoryCue[] = [];
  for (const clip of heardClips(resolved)) {
    const span = {
      sourceStartMs: clip.startMs - clip.trimStartMs,
      sourceMs: clip.sourceMs,
      heardStartMs: clip.startMs,
      heardEndMs: clip.startMs + clip.heardMs,
    };
    for (const cue of cuesFor(clip.text, span, timing))
      cues.push({ ...cue, speaker: clip.profileName, itemId: clip.itemId, track: clip.track });
  }
  return cues.sort((a, b) => a.startMs - b.startMs || a.track - b.track);
}
