// Markdown markup that must not be spoken: emphasis, code ticks, links (their text stays), images,
// footnote marks, HTML tags and entities; and the list or quote marker at the start of a line.
// Not a CommonMark parser (markdown-it took ~85 ms for the inline parse of 10,000 lines, the whole
// rescan budget): a handful of linear regexes, each bounded so that a hostile megabyte-long line
// cannot make them backtrack.
import { decodeEntities, stripTags } from './markup';

const SPECIAL = /[*_~`[\]<>&\\!]/;
const ESCAPED = /\\([!-/:-@[-`{-~])/g;
// A private-use character stands in for an escaped one while the markup is removed.
const HOLD = '\uE000';
const HELD = /\uE000(.)/gu;
const IMAGE = /!\[[^\]\n]{0,1000}\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:"[^"\n]{0,1000}"|'[^'\n]{0,1000}'))?\s*\)/g;
const LINK = /\[([^\]\n]{0,1000})\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:"[^"\n]{0,1000}"|'[^'\n]{0,1000}'))?\s*\)/g;
const REFERENCE_LINK = /\[([^\]\n]{1,1000})\]\[[^\]\n]{0,1000}\]/g;
const FOOTNOTE = /\[\^[^\]\s]{1,100}\]/g;
const AUTOLINK = /<((?:https?|mailto|ftp):[^<>\s]{1,2000}|[^<>\s@]{1,200}@[^<>\s@]{1,200})>/g;
const COMMENT = /<!--.*?-->/g;
const STARS = /(?<!\uE000)(?:\*+(?=\S)|(?<=\S)\*+)/g;
const TILDES = /(?<!\uE000)(?:~~+(?=\S)|(?<=\S)~~+)/g;
// Underscores inside a word (snake_case) are not emphasis.
const UNDERSCORES = /(?<![\p{L}\p{N}\uE000])_+(?=\S)|(?<=[^\s\uE000])_+(?![\p{L}\p{N}])/gu;
const TICKS = /(?<!\uE000)`+/g;

/** The words of a Markdown line without its inline markup. */
export function stripInlineMarkdown(text: string): string {
  if (!SPECIAL.test(text)) return text;
  const stripped = text
    .replace(ESCAPED, `${HOLD}$1`)
    .replace(COMMENT, ' ')
    .replace(IMAGE, '')
    .replace(LINK, '$1')
    .replace(REFERENCE_LINK, '$1')
    .replace(FOOTNOTE, '')
    .replace(AUTOLINK, '$1')
    .replace(TICKS, '')
    .replace(STARS, '')
    .replace(TILDES, '')
    .replace(UNDERSCORES, '');
  return decodeEntities(stripTags(stripped)).replace(HELD, '$1');
}

const BLOCK_PREFIX = /^\s{0,3}(?:>\s?)*\s*(?:(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)?/;
const LIST_ITEM = /^\s{0,3}(?:>\s?)*\s*(?:[-*+]|\d{1,9}[.)])\s+\S/;

/** A line without its block-quote markers and list bullet or number (and task box). */
export function stripBlockPrefix(line: string): string {
  return line.replace(BLOCK_PREFIX, '');
}

/** A list item starts a cue of its own, even without a blank line before it. */
export function isListItem(line: string): boolean {
  return LIST_ITEM.test(line);
}
