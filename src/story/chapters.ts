/**
 * A story's chapter list, one chapter per heard clip (the story model has no marked sections yet;
 * clips starting at the same moment share one), written as a CUE sheet for the exported file and
 * as FFmetadata chapters (`ffmpeg -i mix.wav -i chapters.txt -map_chapters 1 …` puts them into an
 * M4B, MKA or MP3). The first chapter starts at 0 (the silence before the first clip is its lead-in)
 * and each one ends where the next starts; the last ends with the story.
 */
import { cleanCaptionText } from './captions-cues';
import { heardClips } from './captions';
import type { ResolvedStory } from './story-clips';

export interface Chapter {
  startMs: number;
  endMs: number;
  title: string;
  performer: string;
}

export function storyChapters(resolved: ResolvedStory): Chapter[] {
  const chapters: Chapter[] = [];
  for (const clip of heardClips(resolved)) {
    const title = cleanCaptionText(clip.label) || `Clip ${clip.index + 1}`;
    const performer = cleanCaptionText(clip.profileName);
    const last = chapters.at(-1);
    if (last && last.startMs === clip.startMs) {
      last.title = `${last.title} / ${title}`;
      if (performer && !last.performer.split(' / ').includes(performer))
        last.performer = last.performer ? `${last.performer} / ${performer}` : performer;
      continue;
    }
    chapters.push({ startMs: chapters.length === 0 ? 0 : clip.startMs, endMs: 0, title, performer });
  }
  for (const [i, c] of chapters.entries()) c.endMs = chapters[i + 1]?.startMs ?? Math.max(resolved.endMs, c.startMs + 1);
  return chapters;
}

/** A CUE sheet holds at most 99 tracks. */
export const CUE_MAX_TRACKS = 99;

/** More chapters than a CUE sheet holds become `max` groups of neighbours, named after their first. */
function atMost(chapters: Chapter[], max: number): Chapter[] {
  if (chapters.length <= max) return chapters;
  return Array.from({ length: max }, (_, g) => {
    const group = chapters.slice(Math.round((g * chapters.length) / max), Math.round(((g + 1) * chapters.length) / max));
    const first = group[0]!;
    return {
      startMs: first.startMs,
      endMs: group.at(-1)!.endMs,
      title: group.length > 1 ? `${first.title} (+${group.length - 1} more)` : first.title,
      performer: [...new Set(group.flatMap((c) => c.performer.split(' / ')).filter(Boolean))].join(' / '),
    };
  });
}

/** CUE has no escapes: a double quote becomes a single one; CD-TEXT fields hold 80 characters. */
const cueString = (s: string): string => {
  const chars = [...cleanCaptionText(s).replaceAll('"', "'")];
  return `"${chars.length > 80 ? `${chars.slice(0, 79).join('')}…` : chars.join('')}"`;
};

/** mm:ss:ff with 75 frames a second (minutes go past 99 for long stories; readers take that). */
function cueTime(ms: number): string {
  const frames = Math.round((ms * 75) / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(frames / 4500))}:${pad(Math.floor(frames / 75) % 60)}:${pad(frames % 75)}`;
}

/** The CUE sheet of `chapters` for the audio file named `fileName` (the mix, beside the sheet). */
export function toCueSheet(chapters: Chapter[], opts: { title: string; fileName: string }): string {
  const type = /\.mp3$/i.test(opts.fileName) ? 'MP3' : 'WAVE';
  const lines = [`TITLE ${cueString(opts.title)}`, `FILE ${cueString(opts.fileName)} ${type}`];
  for (const [i, c] of atMost(chapters, CUE_MAX_TRACKS).entries()) {
    lines.push(`  TRACK ${String(i + 1).padStart(2, '0')} AUDIO`, `    TITLE ${cueString(c.title)}`);
    if (c.performer) lines.push(`    PERFORMER ${cueString(c.performer)}`);
    lines.push(`    INDEX 01 ${cueTime(c.startMs)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** FFmetadata escapes `=`, `;`, `#`, `\` and line breaks with a backslash. */
const ffString = (s: string): string => cleanCaptionText(s).replace(/[=;#\\]/g, (c) => `\\${c}`);

export function toFfmetadata(chapters: Chapter[], opts: { title: string }): string {
  const lines = [';FFMETADATA1', `title=${ffString(opts.title)}`];
  for (const c of chapters) {
    lines.push(
      '',
      '[CHAPTER]',
      'TIMEBASE=1/1000',
      `START=${Math.round(c.startMs)}`,
      `END=${Math.round(c.endMs)}`,
      `title=${ffString(c.title)}`,
    );
    if (c.performer) lines.push(`artist=${ffString(c.performer)}`);
  }
  return `${lines.join('\n')}\n`;
}
