// Plain text and Markdown scripts: one cue per paragraph (or per non-empty line), with speakers from
// `NAME:` labels or screenplay character cues. Skipped, never spoken: front matter, headings (`#`
// lines, Markdown setext headings), fenced code blocks, `<!-- -->` comments, `//` comment lines,
// separator lines (`---`, `***`), whole-line parentheticals, link reference definitions.
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
    line = line.replace(/<!--.*?-->/g, ' ');
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
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch) {
      endParagraph();
      fence = fenceMatch[1]!;
      continue;
    }
    if (HEADING.test(line)) {
      endParagraph();
      continue;
    }
    // A Markdown line underlined with === or --- is a (setext) heading.
    if (SEPARATOR.test(line) || (options.markdown && SETEXT.test(lines[i + 1] ?? ''))) {
      endParagraph();
      continue;
    }
    if (LINE_COMMENT.test(line) || isParenthetical(line)) continue;
    if (options.markdown && (LINK_DEFINITION.test(line) || TABLE_RULE.test(line))) continue;

    if (options.markdown && isListItem(line)) flush();
    let text = options.markdown ? stripInlineMarkdown(stripBlockPrefix(line)).trim() : trimmed;
    if (options.markdown && /^\|.*\|$/.test(text)) text = tableRow(text);
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
