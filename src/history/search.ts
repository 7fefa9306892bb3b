// Search planning. The meaning is always literal: the normalised text (or instruct) contains the
// normalised query, or the profile name does. The FTS4 word index and the vocabulary of indexed
// words only make that fast: a query word can sit anywhere inside an indexed word, so it is
// expanded to the vocabulary words containing it (first word: ending with it; last word:
// starting with it), and the literal check runs on the few candidates the index returns.
import type { Reader } from '../store/database';
import type { SqlValue } from '../store/sqlite';
import { normalizeForSearch, wordsOf } from '../store/search-text';

/** More vocabulary words than this containing a query word: scan instead of a huge OR. */
const MAX_EXPANSION = 64;
/** First query word ending this many vocabulary words or fewer: list them in the phrase. */
const MAX_FIRST_EXPANSION = 8;
/** Matches estimated above this share of all generations: walk the list in order instead of collecting matches. */
const DENSE_SHARE = 0.05;

export interface SearchPlan {
  /** The normalised query; every result's search body contains it. */
  needle: string;
  /** Generations of these profiles match by profile name. */
  profileIds: string[];
  /** How text matches are found: none can exist, via the word index, or by checking every row. */
  text: { kind: 'none' } | { kind: 'index'; match: string; verify: boolean; dense: boolean } | { kind: 'scan' };
}

export interface SqlPart {
  sql: string;
  params: SqlValue[];
}

function quote(term: string): string {
  // Terms are runs of letters, digits and marks: they never contain a double quote.
  return `"${term}"`;
}

function sumDocs(rows: Array<Record<string, SqlValue>>): number {
  return rows.reduce((n, r) => n + Number(r.docs), 0);
}

export function planSearch(r: Reader, query: string, profiles: ReadonlyArray<{ id: string; name: string }>, totalGenerations: number): SearchPlan | undefined {
  const needle = normalizeForSearch(query);
  if (!needle) return undefined;
  const profileIds = profiles.filter((p) => normalizeForSearch(p.name).includes(needle)).map((p) => p.id);
  const words = wordsOf(needle);
  const denseAt = Math.max(50, totalGenerations * DENSE_SHARE);
  if (words.length === 0) return { needle, profileIds, text: { kind: 'scan' } };

  if (words.length === 1) {
    const [w] = words;
    const terms = r.all('SELECT term, docs FROM search_terms WHERE instr(term, ?) > 0 LIMIT ?', [w, MAX_EXPANSION + 1]);
    if (terms.length === 0) return { needle, profileIds, text: { kind: 'none' } };
    if (terms.length > MAX_EXPANSION) return { needle, profileIds, text: { kind: 'scan' } };
    return {
      needle,
      profileIds,
      text: { kind: 'index', match: terms.map((t) => quote(String(t.term))).join(' OR '), verify: w !== needle, dense: sumDocs(terms) > denseAt },
    };
  }

  const first = words[0];
  const last = words[words.length - 1];
  const middle = [...new Set(words.slice(1, -1))];
  let estimate = Infinity;
  if (middle.length > 0) {
    const found = r.all(`SELECT term, docs FROM search_terms WHERE term IN (${middle.map(() => '?').join(',')})`, middle);
    if (found.length < middle.length) return { needle, profileIds, text: { kind: 'none' } };
    estimate = Math.min(...found.map((f) => Number(f.docs)));
  }
  const lastTerms = r.all('SELECT term, docs FROM search_terms WHERE term >= ? AND term < ? LIMIT ?', [last, `${last}\u{10FFFF}`, MAX_EXPANSION + 1]);
  if (lastTerms.length === 0) return { needle, profileIds, text: { kind: 'none' } };
  if (lastTerms.length <= MAX_EXPANSION) estimate = Math.min(estimate, sumDocs(lastTerms));
  const firstLen = [...first].length;
  const firstTerms = r.all('SELECT term, docs FROM search_terms WHERE substr(term, -?) = ? LIMIT ?', [firstLen, first, MAX_EXPANSION + 1]);
  if (firstTerms.length === 0) return { needle, profileIds, text: { kind: 'none' } };
  if (firstTerms.length <= MAX_EXPANSION) estimate = Math.min(estimate, sumDocs(firstTerms));
  const rest = `${[...words.slice(1, -1), last].join(' ')}*`;
  const match =
    firstTerms.length <= MAX_FIRST_EXPANSION ? firstTerms.map((f) => `"${String(f.term)} ${rest}"`).join(' OR ') : `"${rest}"`;
  return { needle, profileIds, text: { kind: 'index', match, verify: true, dense: estimate > denseAt } };
}

/**
 * SQL condition on `g` (generations) for a plan. `forCount` picks the form that collects all
 * matches at once; the page form checks rows in list order when matches are dense, so the first
 * page stops early.
 */
export function searchCondition(plan: SearchPlan, forCount: boolean): SqlPart | undefined {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  const t = plan.text;
  const walk = t.kind === 'scan' || (t.kind === 'index' && t.dense);
  if (t.kind !== 'none' && walk && !forCount) {
    parts.push('EXISTS (SELECT 1 FROM generation_search s WHERE s.docid = g.seq AND instr(s.body, ?) > 0)');
    params.push(plan.needle);
  } else if (t.kind === 'scan') {
    parts.push('g.seq IN (SELECT docid FROM generation_search WHERE instr(body, ?) > 0)');
    params.push(plan.needle);
  } else if (t.kind === 'index') {
    parts.push(`g.seq IN (SELECT docid FROM generation_search WHERE generation_search MATCH ?${t.verify ? ' AND instr(body, ?) > 0' : ''})`);
    params.push(t.match);
    if (t.verify) params.push(plan.needle);
  }
  if (plan.profileIds.length > 0) {
    parts.push(`g.profile_id IN (${plan.profileIds.map(() => '?').join(',')})`);
    params.push(...plan.profileIds);
  }
  if (parts.length === 0) return undefined;
  return { sql: parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`, params };
}
