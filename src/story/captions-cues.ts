/**
 * A clip's text as caption cues: cleaned to one run of words, cut at sentence ends into cues of
 * at most two lines of `maxLineChars` and at most `maxCueMs` on screen (a longer sentence is cut
 * between words), each cue timed in proportion to its share of the characters (there are no
 * word timings), over the whole source, then cut to the part the trims leave heard.
 */

export interface CueTiming {
  /** Default 42 (the common broadcast limit). */
  maxLineChars?: number;
  /** Longest time one cue stays on screen, default 7000 ms. */
  maxCueMs?: number;
}

export interface Cue {
  startMs: number;
  endMs: number;
  /** One or two lines. */
  lines: string[];
}

// C0 and C1 controls, DEL, and characters that break lines or direction without being visible.
// eslint-disable-next-line no-control-regex
const UNSEEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

/** The text as words separated by single spaces: controls and line breaks become spaces, lone surrogates go. */
export function cleanCaptionText(text: string): string {
  return text
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(UNSEEN, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const sentences = (text: string): string[] =>
  [...new Intl.Segmenter(undefined, { granularity: 'sentence' }).segment(text)].map((s) => s.segment.trim()).filter(Boolean);

/** Words greedily into lines of at most `max` characters; a word longer than a line is cut. */
function wrap(words: string[], max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of words) {
    while ([...word].length > max) {
      if (line) lines.push(line);
      const chars = [...word];
      lines.push(chars.slice(0, max).join(''));
      word = chars.slice(max).join('');
      line = '';
    }
    if (!word) continue;
    if (!line) line = word;
    else if ([...line].length + 1 + [...word].length <= max) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Sentences packed into cues of at most two lines: a short sentence joins the cue before it when it
 * fits whole on its last line or as its second line (a sentence never starts at the end of a line);
 * a long one is cut between words.
 */
function pack(text: string, maxLine: number): string[][] {
  const cues: string[][] = [];
  let current: string[] = [];
  const fits = (line: string) => [...line].length <= maxLine;
  for (const sentence of sentences(text)) {
    const last = current.at(-1);
    if (last !== undefined && fits(`${last} ${sentence}`)) {
      current = [...current.slice(0, -1), `${last} ${sentence}`];
      continue;
    }
    if (current.length === 1 && fits(sentence)) {
      current = [current[0]!, sentence];
      continue;
    }
    if (current.length) cues.push(current);
    const lines = wrap(sentence.split(' '), maxLine);
    for (let i = 0; i + 2 < lines.length; i += 2) cues.push(lines.slice(i, i + 2));
    current = lines.slice(lines.length - (lines.length % 2 || 2));
  }
  if (current.length) cues.push(current);
  return cues;
}

const weight = (lines: string[]): number => lines.reduce((n, l) => n + [...l].length, 0) + lines.length;

/**
 * Cues for `text` spoken over the source [sourceStartMs, sourceStartMs + sourceMs) on the timeline,
 * of which only [heardStartMs, heardEndMs) is heard. A cue is kept when at least half of it is heard,
 * with its times cut to what is heard.
 */
export function cuesFor(
  text: string,
  span: { sourceStartMs: number; sourceMs: number; heardStartMs: number; heardEndMs: number },
  timing: CueTiming = {},
): Cue[] {
  const maxLine = timing.maxLineChars ?? 42;
  const maxCue = timing.maxCueMs ?? 7000;
  const clean = cleanCaptionText(text);
  if (!clean || span.sourceMs <= 0 || span.heardEndMs <= span.heardStartMs) return [];
  let packed = pack(clean, maxLine);
  const msPerChar = span.sourceMs / packed.reduce((n, c) => n + weight(c), 0);
  // A cue that would stay longer than maxCue is cut into halves between words until it fits.
  const fit = (lines: string[]): string[][] => {
    const words = lines.join(' ').split(' ');
    if (weight(lines) * msPerChar <= maxCue || words.length < 2) return [lines];
    const half = Math.ceil(words.length / 2);
    return [...fit(wrap(words.slice(0, half), maxLine)), ...fit(wrap(words.slice(half), maxLine))];
  };
  packed = packed.flatMap(fit);
  const cues: Cue[] = [];
  let chars = 0;
  for (const lines of packed) {
    const from = span.sourceStartMs + chars * msPerChar;
    chars += weight(lines);
    const to = span.sourceStartMs + chars * msPerChar;
    const startMs = Math.max(from, span.heardStartMs);
    const endMs = Math.min(to, span.heardEndMs);
    if (endMs - startMs >= (to - from) / 2) cues.push({ startMs: Math.round(startMs), endMs: Math.round(endMs), lines });
  }
  return cues;
}
