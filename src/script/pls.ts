// Reads a W3C PLS 1.0 lexicon with saxes (a strict, non-validating XML parser): any XML that is
// not well-formed, or PLS without the parts a lexeme needs, is a LexiconError with its line and
// column. saxes expands only the five predefined entities, so no DTD trick can blow the file up.
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { LexiconError, where } from './errors';
import type { Lexeme, Lexicon, Pronunciation } from './lexicon-types';
import { sha256 } from './normalise';

const PLS_NS = 'http://www.w3.org/2005/01/pronunciation-lexicon';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const LEXEME_PARTS = new Set(['grapheme', 'phoneme', 'alias', 'example']);

interface Open {
  local: string;
  line: number;
  column: number;
  text: string;
  alphabet?: string;
  prefer: boolean;
}

interface RawLexeme {
  line: number;
  column: number;
  parts: Open[];
}

export function parseLexicon(xml: string): Lexicon {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: Open[] = [];
  const raw: RawLexeme[] = [];
  let alphabet: string | null = null;
  let language: string | null = null;
  let sawRoot = false;
  let tagStart = { line: 0, column: 0 };
  const fail = (message: string, at: { line: number; column: number }): never => {
    throw new LexiconError(at.line, at.column, `Lexicon ${where(at.line, at.column)}: ${message}`);
  };
  // saxes counts lines from 1 and stands on the character after the one it reports.
  const here = () => ({ line: parser.line - 1, column: Math.max(0, parser.column - 1) });

  let lastClosed: Open | undefined;
  parser.on('error', (e) => {
    const what = e.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '');
    if (what.startsWith('unexpected close tag') && lastClosed) {
      fail(`this closing tag does not close <${lastClosed.local}> (opened at ${where(lastClosed.line, lastClosed.column)}).`, here());
    }
    fail(`${what} The file must be well-formed XML.`, here());
  });
  parser.on('opentagstart', (tag) => {
    tagStart = { line: parser.line - 1, column: Math.max(0, parser.column - tag.name.length - 2) };
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const inPls = tag.uri === PLS_NS || tag.uri === '';
    const parent = stack[stack.length - 1];
    const attr = (name: string, uri = '') => Object.values(tag.attributes).find((a) => a.local === name && a.uri === uri)?.value;
    if (!sawRoot) {
      sawRoot = true;
      if (!inPls || tag.local !== 'lexicon')
        fail(`the root element is <${tag.name}>; a PLS lexicon is a <lexicon> element (xmlns="${PLS_NS}").`, tagStart);
      alphabet = attr('alphabet')?.trim() || null;
      language = attr('lang', XML_NS)?.trim() || null;
    } else if (inPls && parent?.local === 'lexicon' && tag.local === 'lexeme') {
      raw.push({ ...tagStart, parts: [] });
    } else if (inPls && parent?.local === 'lexeme' && !LEXEME_PARTS.has(tag.local)) {
      fail(`<${tag.name}> is not part of a PLS lexeme; use <grapheme>, <phoneme>, <alias> or <example>.`, tagStart);
    } else if (inPls && LEXEME_PARTS.has(parent?.local ?? '')) {
      fail(`<${tag.name}> cannot be inside <${parent!.local}>: it holds text only.`, tagStart);
    }
    const open: Open = {
      local: inPls ? tag.local : `{${tag.uri}}${tag.local}`,
      ...tagStart,
      text: '',
      alphabet: attr('alphabet')?.trim() || undefined,
      prefer: attr('prefer') === 'true',
    };
    if (parent?.local === 'lexeme' && LEXEME_PARTS.has(open.local)) raw[raw.length - 1]!.parts.push(open);
    stack.push(open);
  });
  const onText = (text: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  // saxes calls this before it reports a mismatched close tag: the checks wait for the whole file.
  parser.on('closetag', () => {
    lastClosed = stack.pop();
  });
  try {
    parser.write(xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml).close();
  } catch (e) {
    if (e instanceof LexiconError) throw e;
    fail(e instanceof Error ? e.message : String(e), here());
  }
  if (!sawRoot) fail('the file holds no <lexicon> element.', { line: 0, column: 0 });
  const lexemes = raw.map((r) => lexemeOf(r, alphabet, fail));
  return { hash: lexiconHash(alphabet, language, lexemes), alphabet, language, lexemes };
}

function lexemeOf(r: RawLexeme, lexiconAlphabet: string | null, fail: (m: string, at: { line: number; column: number }) => never): Lexeme {
  const lexeme: Lexeme = { graphemes: [], pronunciations: [], line: r.line };
  for (const part of r.parts) {
    const text = part.text.replace(/\s+/g, ' ').trim();
    if (text === '' && part.local !== 'example') fail(`this <${part.local}> is empty.`, part);
    if (part.local === 'grapheme') lexeme.graphemes.push(text);
    else if (part.local === 'alias' || part.local === 'phoneme')
      lexeme.pronunciations.push(pronunciation(part, text, lexiconAlphabet, fail));
  }
  if (lexeme.graphemes.length === 0) fail('this <lexeme> has no <grapheme>: say which written form it is for.', r);
  if (lexeme.pronunciations.length === 0) fail('this <lexeme> has no <alias> or <phoneme>: say how it sounds.', r);
  return lexeme;
}

function pronunciation(
  el: Open,
  text: string,
  lexiconAlphabet: string | null,
  fail: (m: string, at: { line: number; column: number }) => never,
): Pronunciation {
  if (el.local === 'alias') return { kind: 'alias', text, prefer: el.prefer };
  const alphabet = el.alphabet ?? lexiconAlphabet;
  if (!alphabet) fail('this <phoneme> has no alphabet: set alphabet="ipa" (or x-cmu, ...) on it or on <lexicon>.', el);
  return { kind: 'phoneme', text, alphabet: alphabet!, prefer: el.prefer };
}

/** The hash of what the lexicon says, so re-indenting it or editing a comment re-renders nothing. */
export function lexiconHash(alphabet: string | null, language: string | null, lexemes: Lexeme[]): string {
  return sha256(JSON.stringify([alphabet, language, lexemes.map(lexemeContent)]));
}

/** A lexeme's content without its position. */
export function lexemeContent(lexeme: Lexeme): unknown {
  return [lexeme.graphemes, lexeme.pronunciations.map((p) => [p.kind, p.text, p.alphabet ?? null, p.prefer])];
}
