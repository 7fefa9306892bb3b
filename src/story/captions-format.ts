/**
 * Caption files as text: SubRip (.srt), WebVTT (.vtt) and an Audacity label track (.txt). Lines
 * end in LF only; cue text is already clean (captions-cues.ts: no controls, no line breaks of its
 * own), so what is left is each format's own syntax:
 * - WebVTT: `&`, `<` and `>` as character references (so a text's `-->` cannot end a cue's
 *   timing and `<b>` stays text); the speaker as a voice span `<v Name>`.
 * - SRT has no escapes at all: `-->` in a text gets a zero-width space (`--\u200b>`) so no reader
 *   takes the line for a timing line; markup-like text (`<i>`) is left as written.
 */
import { cleanCaptionText } from './captions-cues';
import type { StoryCue } from './captions';
import { heardClips } from './captions';
import type { ResolvedStory } from './story-clips';

function clock(ms: number, fraction: ',' | '.'): string {
  const t = Math.max(0, Math.round(ms));
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor(t / 60_000) % 60;
  const s = Math.floor(t / 1000) % 60;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${fraction}${pad(t % 1000, 3)}`;
}

/** Cues never end before they start, nor last zero time (readers drop or reject those). */
const playable = (cues: StoryCue[]): StoryCue[] => cues.filter((c) => c.endMs > c.startMs);

export function toSrt(cues: StoryCue[]): string {
  return playable(cues)
    .map(
      (c, i) =>
        `${i + 1}\n${clock(c.startMs, ',')} --> ${clock(c.endMs, ',')}\n${c.lines.map((l) => l.replaceAll('-->', '--\u200b>')).join('\n')}\n`,
    )
    .join('\n');
}

const vttText = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

export function toWebVtt(cues: StoryCue[]): string {
  const body = playable(cues).map((c) => {
    const text = c.lines.map(vttText).join('\n');
    const voice = c.speaker ? `<v ${vttText(cleanCaptionText(c.speaker))}>` : '';
    return `${clock(c.startMs, '.')} --> ${clock(c.endMs, '.')}\n${voice}${text}\n`;
  });
  return ['WEBVTT\n', ...body].join('\n');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(6);

/** One label per heard clip, over its whole heard span: "Speaker: text", on one line, tabs turned to spaces. */
export function toAudacityLabels(resolved: ResolvedStory): string {
  return heardClips(resolved)
    .map((c) => {
      const text = cleanCaptionText(c.text);
      const speaker = cleanCaptionText(c.profileName);
      return `${seconds(c.startMs)}\t${seconds(c.startMs + c.heardMs)}\t${speaker ? `${speaker}: ${text}` : text}\n`;
    })
    .join('');
}
