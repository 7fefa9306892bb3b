/**
 * What play-through schedules from a story position, pure: which clips sound (mute always
 * silences; once a track is soloed only soloed tracks play, as the export's mixdown decides),
 * when each starts from now, where in its audio, for how long, at what gain, and the linear fade
 * envelope from there on. The audio engine turns each entry into an AudioBufferSourceNode.
 */
import { heardMs, type ClipSpan } from './timeline';

export interface MixClip extends ClipSpan {
  itemId: string;
  track: number;
  volume: number;
  fadeInMs: number;
  fadeOutMs: number;
}

export interface MixTrack {
  track: number;
  mute: boolean;
  solo: boolean;
  gain: number;
}

export interface ScheduledClip {
  itemId: string;
  /** From the moment play starts until this clip sounds. */
  delayMs: number;
  /** Where in the clip's audio it starts (its start trim plus what the position skips). */
  offsetMs: number;
  durationMs: number;
  /** Volume × track gain. */
  gain: number;
  /** The fade envelope as (time from play start, gain factor 0..1) points, linear between them. */
  envelope: Array<{ atMs: number; value: number }>;
}

export function trackAudible(tracks: readonly MixTrack[], track: number): boolean {
  const t = tracks.find((x) => x.track === track);
  if (t?.mute) return false;
  return tracks.some((x) => x.solo) ? !!t?.solo : true;
}

/** The fade factor `intoMs` into a clip's heard part. */
export function fadeAt(c: Pick<MixClip, 'fadeInMs' | 'fadeOutMs'>, heard: number, intoMs: number): number {
  let g = 1;
  if (c.fadeInMs > 0 && intoMs < c.fadeInMs) g *= Math.max(0, intoMs) / c.fadeInMs;
  const left = heard - intoMs;
  if (c.fadeOutMs > 0 && left < c.fadeOutMs) g *= Math.max(0, left) / c.fadeOutMs;
  return g;
}

export function scheduleFrom(clips: readonly MixClip[], tracks: readonly MixTrack[], fromMs: number): ScheduledClip[] {
  const out: ScheduledClip[] = [];
  for (const c of clips) {
    const heard = heardMs(c);
    if (heard <= 0 || !trackAudible(tracks, c.track)) continue;
    const end = c.startMs + heard;
    if (end <= fromMs) continue;
    const into = Math.max(0, fromMs - c.startMs);
    const delayMs = Math.max(0, c.startMs - fromMs);
    const trackGain = tracks.find((t) => t.track === c.track)?.gain ?? 1;
    // Envelope corners after the point we start from: the fade-in's end and the fade-out's start and end.
    const corners = new Set([into, heard]);
    if (c.fadeInMs > into) corners.add(c.fadeInMs);
    if (heard - c.fadeOutMs > into) corners.add(heard - c.fadeOutMs);
    const envelope = [...corners]
      .filter((t) => t >= into && t <= heard)
      .sort((a, b) => a - b)
      .map((t) => ({ atMs: delayMs + (t - into), value: fadeAt(c, heard, t) }));
    out.push({
      itemId: c.itemId,
      delayMs,
      offsetMs: c.trimStartMs + into,
      durationMs: heard - into,
      gain: c.volume * trackGain,
      envelope,
    });
  }
  return out;
}
