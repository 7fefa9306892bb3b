/**
 * A story as its exports see it: each item with the text, voice and audio file of its (pinned or
 * default) version and where it sounds on the timeline. Read once from the history; the mix,
 * stems and captions are all made from this one reading, so they agree.
 */
import { firstLine } from '../format/text';
import type { HistoryService } from '../history/service';
import type { StoryTrack, StoryWithItems } from '../history/types';
import { MixError } from './mix-error';
import type { MixPlan } from './mix-plan';

/** What is read of the history (the service itself in the extension and in tests). */
export type StoryReader = Pick<HistoryService, 'getStory' | 'getMany' | 'getVersion' | 'resolveAudioPath'>;

export interface StoryClip {
  itemId: string;
  /** Position in the story's item list (track, then time order): "clip N" in messages. */
  index: number;
  track: number;
  text: string;
  /** The generation's title, else the first line of its text: names the clip in messages and chapters. */
  label: string;
  profileName: string;
  startMs: number;
  trimStartMs: number;
  trimEndMs: number;
  /** Length of the whole source (the version's recorded duration); 0 when not known. */
  sourceMs: number;
  /** What is heard of it: the source less both trims. */
  heardMs: number;
  volume: number;
  fadeInMs: number;
  fadeOutMs: number;
  /** Absolute path of the audio; null when the generation has none (failed, pending) or is gone. */
  audioPath: string | null;
}

export interface ResolvedStory {
  story: StoryWithItems;
  clips: StoryClip[];
  /** Where the last clip ends, heard or not (the mix is this long). */
  endMs: number;
}

/** Whether a track is heard: mute always silences; once any track is soloed only soloed ones play (as the mix does). */
export function audibleTracks(tracks: StoryTrack[]): (track: number) => boolean {
  const anySolo = tracks.some((t) => t.solo);
  const byIndex = new Map(tracks.map((t) => [t.track, t]));
  return (track) => {
    const t = byIndex.get(track);
    if (t?.mute) return false;
    return anySolo ? !!t?.solo : true;
  };
}

export class StoryNotFoundError extends Error {
  override readonly name = 'StoryNotFoundError';
}

export async function resolveStory(reader: StoryReader, storyId: string): Promise<ResolvedStory> {
  const story = await reader.getStory(storyId);
  if (!story) throw new StoryNotFoundError(`The story ${storyId} does not exist (any more); refresh the Stories view.`);
  const generations = new Map((await reader.getMany([...new Set(story.items.map((i) => i.generationId))])).map((g) => [g.id, g]));
  const clips: StoryClip[] = [];
  let endMs = 0;
  for (const [index, item] of story.items.entries()) {
    const g = generations.get(item.generationId);
    const version = item.versionId ? await reader.getVersion(item.versionId) : undefined;
    const seconds = version?.duration ?? g?.duration ?? 0;
    const sourceMs = Math.round(seconds * 1000);
    const heardMs = Math.max(0, sourceMs - item.trimStartMs - item.trimEndMs);
    const rel = version?.audioPath ?? g?.audioPath ?? null;
    clips.push({
      itemId: item.id,
      index,
      track: item.track,
      text: g?.text ?? '',
      label: g ? (g.title ?? firstLine(g.text, 60)) : `missing generation ${item.generationId}`,
      profileName: g?.profileName ?? '',
      startMs: item.startMs,
      trimStartMs: item.trimStartMs,
      trimEndMs: item.trimEndMs,
      sourceMs,
      heardMs,
      volume: item.volume,
      fadeInMs: item.fadeInMs,
      fadeOutMs: item.fadeOutMs,
      audioPath: rel ? reader.resolveAudioPath(rel) : null,
    });
    endMs = Math.max(endMs, item.startMs + heardMs);
  }
  return { story, clips, endMs };
}

/** The mix plan of a resolved story; refuses, naming the clip, when one has no audio at all (a MixError 'missing-audio', as the mixdown's for a file gone from disk). */
export function mixPlanOf(resolved: ResolvedStory, shape: { sampleRate?: number; channels?: 1 | 2 } = {}): MixPlan {
  const clips = resolved.clips.map((c) => {
    if (!c.audioPath)
      throw new MixError(
        'missing-audio',
        `Clip ${c.index + 1} ("${c.label}") has no audio (its generation failed, is still being made, or was deleted). Remove the clip or make its audio, then export again.`,
      );
    return {
      path: c.audioPath,
      label: c.label.slice(0, 200),
      startMs: c.startMs,
      trimStartMs: c.trimStartMs,
      trimEndMs: c.trimEndMs,
      volume: c.volume,
      fadeInMs: c.fadeInMs,
      fadeOutMs: c.fadeOutMs,
      track: c.track,
    };
  });
  const last = Math.max(-1, ...resolved.story.tracks.map((t) => t.track), ...clips.map((c) => c.track));
  const byIndex = new Map(resolved.story.tracks.map((t) => [t.track, t]));
  const tracks = Array.from({ length: last + 1 }, (_, i) => {
    const t = byIndex.get(i);
    return { gain: t?.gain ?? 1, mute: t?.mute ?? false, solo: t?.solo ?? false };
  });
  return { ...shape, clips, tracks };
}
