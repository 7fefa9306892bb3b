// SRT and WebVTT files as scripts: each subtitle cue is one cue, placed at its time. A cue that
// cannot be read stops the parse with an error naming the cue and its line: voicing a subtitle
// file with a cue silently missing would put every later clip out of step with the picture.
import { ScriptError, where } from './errors';
import { decodeEntities, stripTags } from './markup';
import { normaliseSpeaker } from './normalise';
import type { RawCue } from './prose';
import { speakerLabel } from './speakers';
import type { ScriptWarning } from './types';

export interface TimedCue extends RawCue {
  slot: { startMs: number; endMs: number };
}

interface Block {
  start: number;
  lines: string[];
}

const SRT_TIME = /^\s*(\d{1,3}):(\d{1,2}):(\d{1,2})[,.](\d{1,3})\s*-->\s*(\d{1,3}):(\d{1,2}):(\d{1,2})[,.](\d{1,3})(?:\s.*)?$/;
const VTT_STAMP = String.raw`(?:(\d{1,}):)?(\d{2}):(\d{2})\.(\d{3})`;
const VTT_TIME = new RegExp(String.raw`^\s*${VTT_STAMP}\s+-->\s+${VTT_STAMP}(?:\s.*)?$`);
const VOICE = /<v(?:\.[^\s>]+)*[\s]+([^>]+)>/;
const ASS_OVERRIDE = /\{\\[^}]{0,200}\}/g;

/** Runs of non-blank lines, with the index of their first line. */
function blocks(lines: readonly string[], from: number): Block[] {
  const out: Block[] = [];
  let current: Block | null = null;
  for (let i = from; i < lines.length; i++) {
    if (lines[i]!.trim() === '') {
      current = null;
    } else if (current) {
      current.lines.push(lines[i]!);
    } else {
      current = { start: i, lines: [lines[i]!] };
      out.push(current);
    }
  }
  return out;
}

function ms(h: string | undefined, m: string, s: string, frac: string): number {
  return ((Number(h ?? 0) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Math.round(Number(`0.${frac}`) * 1000);
}

function slotOf(m: RegExpExecArray, cue: string, line: number, format: string): { startMs: number; endMs: number } {
  const startMs = ms(m[1], m[2]!, m[3]!, m[4]!);
  const endMs = ms(m[5], m[6]!, m[7]!, m[8]!);
  if (Number(m[3]) > 59 || Number(m[7]) > 59 || Number(m[2]) > 59 || Number(m[6]) > 59) {
    throw new ScriptError(line, 0, `${format} cue ${cue} (${where(line)}): minutes and seconds go up to 59; fix the timing line.`);
  }
  if (endMs < startMs) {
    throw new ScriptError(line, 0, `${format} cue ${cue} (${where(line)}): it ends before it starts; fix the timing line.`);
  }
  return { startMs, endMs };
}

function cueText(lines: string[], known: ReadonlySet<string>): { text: string; speaker: string | null } {
  const joined = lines.join(' ');
  const voice = VOICE.exec(joined);
  const text = decodeEntities(stripTags(joined.replace(ASS_OVERRIDE, '')))
    .replace(/^\s*-\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (voice) return { text, speaker: normaliseSpeaker(decodeEntities(voice[1]!)) };
  const label = speakerLabel(text, known);
  return label && label.rest !== '' ? { text: label.rest, speaker: label.speaker } : { text, speaker: null };
}

interface Format {
  name: 'SRT' | 'WebVTT';
  time: RegExp;
  example: string;
  shape: string;
}

const SRT: Format = {
  name: 'SRT',
  time: SRT_TIME,
  example: '00:00:01,000 --> 00:00:02,500',
  shape: 'a number, a timing line and its text',
};
const VTT: Format = {
  name: 'WebVTT',
  time: VTT_TIME,
  example: '00:01.000 --> 00:02.500',
  shape: 'an optional name, a timing line and its text',
};

/** One subtitle block whose timing line is at `timingAt`; null (with a warning) when it has no text. */
function readCue(
  format: Format,
  block: Block,
  timingAt: number,
  name: string,
  known: ReadonlySet<string>,
  warnings: ScriptWarning[],
): TimedCue | null {
  const line = block.start + timingAt;
  const timing = format.time.exec(block.lines[timingAt] ?? '');
  if (!timing) {
    const found = block.lines[timingAt] === undefined ? 'nothing' : `"${clip(block.lines[timingAt]!)}"`;
    throw new ScriptError(
      line,
      0,
      `${format.name} cue ${name} (${where(line)}): expected a timing line such as ${format.example}, found ${found}. Each cue is ${format.shape}, with a blank line after it.`,
    );
  }
  const slot = slotOf(timing, name, line, format.name);
  const body = block.lines.slice(timingAt + 1);
  if (body.length === 0) {
    warnings.push({ line: block.start, column: 0, message: `${format.name} cue ${name} has no text; it is not voiced.` });
    return null;
  }
  return { ...cueText(body, known), startLine: block.start, endLine: block.start + block.lines.length - 1, slot };
}

export function parseSrt(lines: readonly string[], known: ReadonlySet<string>, warnings: ScriptWarning[]): TimedCue[] {
  const cues: TimedCue[] = [];
  for (const [ordinal, block] of blocks(lines, 0).entries()) {
    const first = block.lines[0]!.trim();
    const numbered = /^\d+$/.test(first);
    const name = numbered ? first : String(ordinal + 1);
    if (!numbered) warnings.push({ line: block.start, column: 0, message: `SRT cue ${name} has no number line.` });
    const cue = readCue(SRT, block, numbered ? 1 : 0, name, known, warnings);
    if (cue) cues.push(cue);
  }
  return cues;
}

export function parseVtt(lines: readonly string[], known: ReadonlySet<string>, warnings: ScriptWarning[]): TimedCue[] {
  if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? '')) {
    throw new ScriptError(0, 0, `A WebVTT file starts with a line WEBVTT; line 1 is "${clip(lines[0] ?? '')}".`);
  }
  const cues: TimedCue[] = [];
  let ordinal = 0;
  // The header runs to the first blank line.
  for (const block of blocks(lines, 0).slice(1)) {
    const first = block.lines[0]!;
    if (/^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(first)) continue;
    ordinal++;
    const timingAt = first.includes('-->') ? 0 : 1;
    const name = timingAt === 1 ? `${ordinal} ("${clip(first.trim())}")` : String(ordinal);
    const cue = readCue(VTT, block, timingAt, name, known, warnings);
    if (cue) cues.push(cue);
  }
  return cues;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
