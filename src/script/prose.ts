// Plain text and Markdown scripts: one cue per paragraph (or per non-empty line), with speakers from
// `NAME:` labels or screenplay character cues. Skipped, never spoken: front matter, headings (`#`
// lines, Markdown setext headings, screenplay scene headings and transitions), fenced code blocks,
// `<!-- -->` comments, `//` comment lines, separator lines (`---`, `***`), whole-line
// parentheticals, Markdown link and footnote definitions. List items and table rows are cues of their own.
// A speaker holds for the paragraph it opens: a blank line returns to the default voice.
import { isListItem, stripBlockPrefix, stripInlineMarkdown } from './markdown-inline';
import { normaliseSpeaker } from './normalise';
import { isCharacterCue, isParenthetical, speakerLabel } from './speakers';
import type { CueMode, ScriptWarning } from './types';

/** A cue before hashing: its words as written (markup stripped), speaker and lines. */
export interface RawCue {
  text: string;
  speaker: string | null;
  startLine: number;
  endLine: number;
}

export interface ProseOptions {
  markdown: boolean;
  cueMode: CueMode;
  /** Lines of front matter to skip. */
  firstLine: number;
  /** Speakers the mapping names (mixed-case labels count only for them). */
  known: ReadonlySet<string>;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const HEADING = /^\s{0,3}#{1,6}(?:\s|$)/;
// Screenplay scene headings (INT. HOUSE - NIGHT) and transitions (CUT TO:) are directions.
const SCENE_HEADING = /^\s*(?:INT|EXT|EST|INT\.?\/EXT|I\/E)[.\s]/;
const TRANSITION = /^\s*[A-Z][A-Z ]* TO:\s*$/;
const LINE_COMMENT = /^\s*\/\//;
const SEPARATOR = /^\s{0,3}([-*_=~])(?:\s*\1){2,}\s*$/;
const SETEXT = /^\s{0,3}(?:=+|-+)\s*$/;
const LINK_DEFINITION = /^\s{0,3}\[[^\]\n]{1,1000}\]:\s/;
const TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$/;

export function parseProse(lines: readonly string[], options: ProseOptions, warnings: ScriptWarning[]): RawCue[] {
  const cues: RawCue[] = [];
  let pending: { line: number; text: string }[] = [];
  let speaker: string | null = null;
  let fence: string | null = null;
  let inComment = false;
  /** Whether the paragraph has had words yet: a character cue can only open one. */
  let spoken = false;

  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.map((p) => p.text).join(' ');
    cues.push({ text, speaker, startLine: pending[0]!.line, endLine: pending[pending.length - 1]!.line });
    pending = [];
  };
  const endParagraph = () => {
    flush();
    speaker = null;
    spoken = false;
  };

  for (let i = options.firstLine; i < lines.length; i++) {
    let line = lines[i]!;
    if (fence !== null) {
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') fence = null;
      continue;
    }
    // Comments first: they may open and close anywhere on a line, or span lines.
    if (inComment) {
      const close = line.indexOf('-->');
      if (close < 0) continue;
      inComment = false;
      line = line.slice(close + 3);
    }
    if (line.includes('<!--')) line = line.replace(/<!--.*?-->/g, ' ');
    const open = line.indexOf('<!--');
    if (open >= 0) {
      inComment = true;
      line = line.slice(0, open);
    }
    const trimmed = line.trim();
    if (trimmed === '') {
      if (open < 0) endParagraph();
      continue;
    }
    const kind = structure(line, trimmed, lines[i + 1], options.markdown);
    if (kind === 'fence') {
      endParagraph();
      fence = FENCE.exec(line)![1]!;
      continue;
    }
    if (kind === 'heading') {
      endParagraph();
      continue;
    }
    if (kind === 'skip') continue;

    const first = trimmed[0]!;
    if (
      options.markdown &&
      (first === '|' || ((first === '-' || first === '*' || first === '+' || (first >= '0' && first <= '9')) && isListItem(line)))
    )
      flush();
    let text = options.markdown ? stripInlineMarkdown(stripBlockPrefix(line)).trim() : trimmed;
    if (options.markdown && first === '|' && /^\|.*\|$/.test(text)) text = tableRow(text);
    if (text === '') continue;

    if (!spoken && isCharacterCue(text) && isDialogueBelow(lines, i + 1)) {
      flush();
      speaker = normaliseSpeaker(text);
      continue;
    }
    const label = speakerLabel(text, options.known);
    if (label) {
      flush();
      speaker = label.speaker;
      text = label.rest;
      if (text === '') continue;
    }
    pending.push({ line: i, text });
    spoken = true;
    if (options.cueMode === 'line') flush();
  }
  if (fence !== null)
    warnings.push({ line: lines.length - 1, column: 0, message: 'A code block (```) is never closed: the lines after it are not voiced.' });
  flush();
  return cues;
}

/**
 * What a non-blank line is, if it is not words: a code fence, a heading or separator (which end
 * the paragraph), or a line to skip. Looked at by its first character: most lines are words.
 */
function structure(line: string, trimmed: string, next: string | undefined, markdown: boolean): 'fence' | 'heading' | 'skip' | null {
  const c = trimmed[0]!;
  if ((c === '`' || c === '~') && FENCE.test(line)) return 'fence';
  if (c === '#' && HEADING.test(line)) return 'heading';
  if ((c === 'I' || c === 'E') && SCENE_HEADING.test(line)) return 'heading';
  if (trimmed.endsWith(' TO:') && TRANSITION.test(line)) return 'heading';
  if ('-*_=~'.includes(c) && SEPARATOR.test(line)) return 'heading';
  // A Markdown line underlined with === or --- is a (setext) heading.
  if (markdown && next !== undefined && (next.includes('=') || next.includes('-')) && SETEXT.test(next)) return 'heading';
  if (c === '/' && LINE_COMMENT.test(line)) return 'skip';
  if (c === '(' && isParenthetical(line)) return 'skip';
  if (markdown && c === '[' && LINK_DEFINITION.test(line)) return 'skip';
  if (markdown && (c === '|' || c === ':' || c === '-') && TABLE_RULE.test(line)) return 'skip';
  return null;
}

/** A character cue needs words under it, on the very next line. */
function isDialogueBelow(lines: readonly string[], next: number): boolean {
  const line = lines[next];
  return (
    line !== undefined &&
    line.trim() !== '' &&
    !FENCE.test(line) &&
    !HEADING.test(line) &&
    !SEPARATOR.test(line) &&
    !LINE_COMMENT.test(line)
  );
}

/** A Markdown table row is spoken cell by cell. */
function tableRow(text: string): string {
  return text
    .slice(1, -1)
    .split('|')
    .map((c) => c.trim())
    .filter((c) => c !== '')
    .join(', ');
}
