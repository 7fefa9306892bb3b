// Who speaks a line: a `NAME: words` label, or a screenplay character cue (a line in capitals
// above the dialogue). Mixed-case labels count only for speakers the mapping names, so that
// "Note: bring a coat" stays narration while "NOTE: bring a coat" or a mapped "Alice:" is a speaker.
import { normaliseSpeaker } from './normalise';

const MAX_NAME = 40;
const LABEL = /^\s*(\p{L}[\p{L}\p{N} .'’&_-]{0,39}?)\s*(?:\([^)\n]{0,40}\))?\s*:(?:\s+|$)/u;
const CAPS_NAME = /^\p{Lu}[\p{Lu}\p{N} .'’&_-]*$/u;
const LOWER = /\p{Ll}/u;
const TWO_LETTERS = /\p{L}.*\p{L}/u;
const EXTENSION = /\s*\([^)\n]{0,40}\)\s*$/;

export interface SpeakerLabel {
  speaker: string;
  /** The words after the label (may be empty: the label then names the speaker of the lines under it). */
  rest: string;
  /** Where the words start in the line. */
  column: number;
}

/** `ALICE: Hello` -> ALICE and "Hello"; null when the line has no speaker label. */
export function speakerLabel(line: string, known: ReadonlySet<string>): SpeakerLabel | null {
  const m = LABEL.exec(line);
  if (!m) return null;
  const name = m[1]!.trim();
  const speaker = normaliseSpeaker(name);
  if (speaker === '' || !(isCaps(name) || known.has(speaker))) return null;
  return { speaker, rest: line.slice(m[0].length).trim(), column: m[0].length };
}

/** A screenplay character cue: a short line in capitals, maybe with an extension such as "(V.O.)". */
export function isCharacterCue(line: string): boolean {
  const t = line.trim();
  if (t.length < 2 || t.length > MAX_NAME + 20) return false;
  const name = t.replace(EXTENSION, '');
  return CAPS_NAME.test(name) && isCaps(name) && name.split(/\s+/).length <= 4;
}

/** At least two letters, none of them lower case. */
function isCaps(name: string): boolean {
  return !LOWER.test(name) && TWO_LETTERS.test(name);
}

/** A whole-line parenthetical, "(beat)": a direction for the actor, not words to speak. */
export function isParenthetical(line: string): boolean {
  return /^\s*\([^)]*\)\s*$/.test(line);
}
