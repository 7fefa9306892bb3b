// The one definition of how text is normalised and split into words for search. The index
// (SQL functions used by triggers) and the query planner both use it, so they always agree.
import type { SqlFunction } from './sqlite';

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
  unique: string[];
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
  const unique = [...new Set(words)];
  lastValue = {
    words: words.join(' '),
    body: ni ? `${nt}${FIELD_SEPARATOR}${ni}` : nt,
    terms: JSON.stringify(unique),
    unique,
  };
  lastKey = key;
  return lastValue;
}

let lastExtraKey: string | undefined;
let lastExtraTerms = '[]';
let lastExtraUnique: string[] = [];

/** The distinct words of a generation's normalised title and notes (memoised: triggers ask twice per row). */
function extraTerms(title: unknown, notes: unknown): { terms: string; unique: string[] } {
  const parts = [title, notes].map((x) => (typeof x === 'string' ? x : ''));
  const key = parts.map((x) => `${x.length}:${x}`).join('');
  if (key !== lastExtraKey) {
    lastExtraUnique = [...new Set(wordsOf(parts.join(FIELD_SEPARATOR)))];
    lastExtraTerms = JSON.stringify(lastExtraUnique);
    lastExtraKey = key;
  }
  return { terms: lastExtraTerms, unique: lastExtraUnique };
}

/**
 * SQL functions the schema's triggers call; registered on every database the store opens.
 * `onNewTerms` sees the words of every row indexed (including rows replayed from the journal or
 * a transaction later rolled back), so a vocabulary kept from it is a superset of the index's.
 */
export function createSearchFunctions(onNewTerms?: (terms: readonly string[]) => void): Record<string, SqlFunction> {
  return {
    vh_search_words: (text, instruct) => indexedFields(text, instruct).words,
    vh_search_body: (text, instruct) => indexedFields(text, instruct).body,
    vh_search_terms: (text, instruct) => {
      const f = indexedFields(text, instruct);
      onNewTerms?.(f.unique);
      return f.terms;
    },
    vh_search_old_terms: (text, instruct) => indexedFields(text, instruct).terms,
    // The body joins text and instruct with a separator that is no word character, so its words
    // are exactly vh_search_words(text, instruct).
    vh_search_words_of: (body) => wordsOf(typeof body === 'string' ? body : '').join(' '),
    // Title and notes are indexed from their normalised form (search_extra keeps it).
    vh_search_norm: (s) => (typeof s === 'string' ? normalizeForSearch(s) : ''),
    vh_search_extra_terms: (title, notes) => {
      const f = extraTerms(title, notes);
      onNewTerms?.(f.unique);
      return f.terms;
    },
  };
}

export const searchFunctions = createSearchFunctions();
