/**
 * What a story mixdown takes: clips placed on tracks, with the track settings. Built from a story
 * by whoever owns the story model; validated here, at the boundary, before any audio is read.
 */
import { z } from 'zod';

const ms = z.number().finite().min(0);

export const mixClipSchema = z.object({
  /** The audio file of the clip's (pinned or default) version: WAV, FLAC, MP3 or OGG/Vorbis. */
  path: z.string().min(1),
  /** Names the clip in errors ("clip 3: …"); the story's own label for it. */
  label: z.string().max(200).optional(),
  startMs: ms,
  /** Cut from the start and from the end of the source. */
  trimStartMs: ms.default(0),
  trimEndMs: ms.default(0),
  /** Linear gain, as in Voicebox (0–2). */
  volume: z.number().min(0).max(2).default(1),
  fadeInMs: ms.default(0),
  fadeOutMs: ms.default(0),
  track: z.number().int().min(0).max(63),
});

export const mixTrackSchema = z.object({
  /** Linear gain of the whole track (0–4). */
  gain: z.number().min(0).max(4).default(1),
  mute: z.boolean().default(false),
  solo: z.boolean().default(false),
});

export const mixPlanSchema = z.object({
  /** Output rate; absent: the highest among the clips. */
  sampleRate: z.number().int().min(8000).max(192000).optional(),
  channels: z.union([z.literal(1), z.literal(2)]).default(2),
  clips: z.array(mixClipSchema).max(100_000),
  /** Settings per track index; a track without an entry plays at unity gain. */
  tracks: z.array(mixTrackSchema).default([]),
});

export type MixPlan = z.input<typeof mixPlanSchema>;
export type ParsedMixPlan = z.output<typeof mixPlanSchema>;
export type MixClip = z.output<typeof mixClipSchema>;

/** Whether a track is heard: mute always silences; once any track is soloed only soloed ones play. */
export function trackAudible(plan: ParsedMixPlan, track: number): boolean {
  const anySolo = plan.tracks.some((t) => t.solo);
  const t = plan.tracks[track];
  if (t?.mute) return false;
  return anySolo ? !!t?.solo : true;
}

export const clipName = (clip: MixClip, index: number): string =>
  clip.label ? `clip ${index + 1} ("${clip.label}")` : `clip ${index + 1}`;
