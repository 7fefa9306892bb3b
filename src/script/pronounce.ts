// Applies a lexicon to the words of a cue just before synthesis: each grapheme found whole-word
// (case-sensitive, as PLS files for ElevenLabs are) is replaced by its alias, or, for an engine
// that takes phonemes, kept and marked with its phoneme. Longer graphemes win ("New York City"
// before "New York"); where two lexemes share a grapheme the first in the file wins. An alias is
// not looked up again, so two entries that point at each other cannot loop.
import type { Lexeme, Lexicon, PhonemeSpan, PronouncedText, Pronunciation } from './lexicon-types';
import { lexemeContent } from './pls';
import { sha256 } from './normalise';

interface Matcher {
  pattern: RegExp | null;
  /** Grapheme (spacing collapsed) -> its lexeme's index. */
  byGrapheme: Map<string, number>;
}

const matchers = new WeakMap<Lexicon, Matcher>();

function matcherOf(lexicon: Lexicon): Matcher {
  let m = matchers.get(lexicon);
  if (m) return m;
  const byGrapheme = new Map<string, number>();
  lexicon.lexemes.forEach((lexeme, i) => {
    for (const g of lexeme.graphemes) if (!byGrapheme.has(g)) byGrapheme.set(g, i);
  });
  const alternatives = [...byGrapheme.keys()].sort((a, b) => b.length - a.length).map((g) => g.split(' ').map(escape).join('\\s+'));
  // Whole words: no letter, digit, combining mark or underscore on either side.
  const pattern = alternatives.length
    ? new RegExp(`(?<![\\p{L}\\p{N}\\p{M}_])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}\\p{M}_])`, 'gu')
    : null;
  m = { pattern, byGrapheme };
  matchers.set(lexicon, m);
  return m;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** PLS: the first preferred pronunciation the engine can use, else the first it can use. */
function choose(lexeme: Lexeme, phonemes: boolean): Pronunciation | undefined {
  const usable = lexeme.pronunciations.filter((p) => phonemes || p.kind === 'alias');
  return usable.find((p) => p.prefer) ?? usable[0];
}

function eachMatch(text: string, lexicon: Lexicon, fn: (index: number, lexeme: number, match: string) => void): void {
  const { pattern, byGrapheme } = matcherOf(lexicon);
  if (!pattern) return;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) fn(m.index, byGrapheme.get(m[0].replace(/\s+/g, ' '))!, m[0]);
}

/** The text an engine speaks. With `engineAcceptsPhonemes`, also where to use which phoneme. */
export function applyLexicon(text: string, lexicon: Lexicon, engineAcceptsPhonemes?: false): string;
export function applyLexicon(text: string, lexicon: Lexicon, engineAcceptsPhonemes: true): PronouncedText;
export function applyLexicon(text: string, lexicon: Lexicon, engineAcceptsPhonemes?: boolean): string | PronouncedText;
export function applyLexicon(text: string, lexicon: Lexicon, engineAcceptsPhonemes = false): string | PronouncedText {
  let out = '';
  let from = 0;
  const phonemes: PhonemeSpan[] = [];
  eachMatch(text, lexicon, (index, lexeme, match) => {
    const p = choose(lexicon.lexemes[lexeme]!, engineAcceptsPhonemes);
    if (!p) return;
    out += text.slice(from, index);
    if (p.kind === 'alias') {
      out += p.text;
    } else {
      phonemes.push({ start: out.length, end: out.length + match.length, ph: p.text, alphabet: p.alphabet! });
      out += match;
    }
    from = index + match.length;
  });
  out += text.slice(from);
  return engineAcceptsPhonemes ? { text: out, phonemes } : out;
}

/**
 * The part of the lexicon a cue's words use, as a hash (null when no entry applies): recorded on
 * a generation and compared by planRender, it re-renders only the cues whose entries changed.
 */
export function cueLexiconHash(text: string, lexicon: Lexicon | null): string | null {
  if (!lexicon) return null;
  const used = new Set<number>();
  eachMatch(text, lexicon, (_index, lexeme) => used.add(lexeme));
  if (used.size === 0) return null;
  const entries = [...used].sort((a, b) => a - b).map((i) => lexemeContent(lexicon.lexemes[i]!));
  return sha256(JSON.stringify([lexicon.alphabet, lexicon.language, entries]));
}
