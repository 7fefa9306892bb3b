// The one definition of how text is normalised and split into words for search. The index
// (SQL functions used by triggers) and the query planner both use it, so they always agree.

const WHITESPACE = /\s+/gu;
const CONTROL = /\p{Cc}/gu;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** Case-folded, NFKC, whitespace collapsed: what search compares literally. */
export function normalizeForSearch(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(WHITESPACE, ' ').replace(CONTROL, '').trim();
}

/** Words (letters, digits, marks) of already normalised text. */
export function wordsOf(normalized: string): string[] {
  return normalized.match(WORD) ?? [];
}

/** Separates text from instruct in the stored search body; never survives query normalisation. */
export const FIELD_SEPARATOR = '\u0001';

interface Indexed {
  words: string;
  body: string;
  terms: string;
}

let lastKey: string | undefined;
let lastValue: Indexed | undefined;

/** What the search index stores for one generation (memoised: triggers ask three times per row). */
export function indexedFields(text: unknown, instruct: unknown): Indexed {
  const t = typeof text === 'string' ? text : '';
  const i = typeof instruct === 'string' ? instruct : '';
  const key = `${t.length}:${t}${FIELD_SEPARATOR}${i}`;
  if (key === lastKey && lastValue) return lastValue;
  const nt = normalizeForSearch(t);
  const ni = normalizeForSearch(i);
  const words = [...wordsOf(nt), ...wordsOf(ni)];
  lastValue = {
    words: words.join(' '),
    body: ni ? `${nt}${FIELD_SEPARATOR}${ni}` : nt,
    terms: JSON.stringify([...new Set(words)]),
  };
  lastKey = key;
  return lastValue;
}

/** SQL functions the schema's triggers call; registered on every database the store opens. */
export const searchFunctions: Record<string, (a: unknown, b: unknown) => string> = {
  vh_search_words: (text, instruct) => indexedFields(text, instruct).words,
  vh_search_body: (text, instruct) => indexedFields(text, instruct).body,
  vh_search_terms: (text, instruct) => indexedFields(text, instruct).terms,
};
