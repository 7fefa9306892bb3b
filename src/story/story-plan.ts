/**
 * The mix plan of a story as stored: each item's playing version (pinned, else default) with its
 * start, trims, volume and fades, and the track settings. An item that cannot sound (generation
 * deleted, no audio) is refused here by name, before a worker starts.
 */
import { firstLine } from '../format/text';
import type { StoryOutline } from '../history';
import { MixError } from './mix-error';
import type { MixPlan } from './mix-plan';

export function storyMixPlan(
  outline: StoryOutline,
  resolveAudioPath: (relativePath: string) => string,
  options: { channels: 1 | 2; sampleRate?: number },
): MixPlan {
  if (outline.clips.length === 0) throw new MixError('invalid-plan', `The story “${outline.name}” is empty: add generations to it first.`);
  const clips = outline.clips.map((c, i) => {
    const label = c.generation ? c.generation.title || firstLine(c.generation.text, 60) : undefined;
    const named = `item ${i + 1}${label ? ` (“${label}”)` : ''}`;
    if (!c.generation)
      throw new MixError('missing-audio', `${named} places a generation that was deleted; remove it from the story and export again.`);
    if (!c.version) {
      throw new MixError(
        'missing-audio',
        `${named} has no audio (the generation is ${c.generation.status}); remove it from the story or generate it first.`,
      );
    }
    const item = c.item;
    return {
      path: resolveAudioPath(c.version.audioPath),
      label,
      startMs: item.startMs,
      trimStartMs: item.trimStartMs,
      trimEndMs: item.trimEndMs,
      volume: item.volume,
      fadeInMs: item.fadeInMs,
      fadeOutMs: item.fadeOutMs,
      track: item.track,
    };
  });
  const last = Math.max(...outline.tracks.map((t) => t.track), 0);
  const byTrack = new Map(outline.tracks.map((t) => [t.track, t]));
  const tracks = Array.from({ length: last + 1 }, (_, n) => {
    const t = byTrack.get(n);
    return { gain: t?.gain ?? 1, mute: t?.mute ?? false, solo: t?.solo ?? false };
  });
  return { channels: options.channels, sampleRate: options.sampleRate, clips, tracks };
}
