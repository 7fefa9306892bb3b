// Search planning. The meaning is always literal: the normalised text, instruct, title, notes or
// one of the tags contains the normalised query, or the profile name does. That is checked with
// instr() on the normalised bodies (a byte comparison: no wildcards, nothing to escape). The FTS4
// word indexes (text and instruct in one, title, notes and tags in another) and the vocabulary of
// indexed words only narrow the rows to check: a query word can sit inside an indexed word, so a
// lone query word expands to the vocabulary words containing it, the first of several to those
// ending with it, the last to those starting with it, and middle words must be whole words. Only
// words rare enough to narrow are used; common ones are left to the check.
import type { Reader } from '../store/database';
import type { SqlValue } from '../store/sqlite';
import { normalizeForSearch, wordsOf } from '../store/search-text';
import type { Vocabulary } from './vocabulary';

/** More vocabulary words than this for one query word: it does not narrow usefully. */
const MAX_EXPANSION = 64;
/**
 * Matches above this share of all generations count as dense: a page then walks the list in
 * order and checks each row, instead of collecting every match first. Collecting costs per
 * match, a full count by scan costs about as much as collecting 12% of the rows, so with a total
 * to compute the switch comes late; for a cursor page (no total) it comes early.
 */
export const DENSE_SHARE = { withTotal: 0.1, withoutTotal: 0.02 };

export interface SqlPart {
  sql: string;
  params: SqlValue[];
}

export interface SearchPlan {
  /** The normalised query; every text match has it in its search body. */
  needle: string;
  /** Generations of these profiles match by profile name. */
  profileIds: string[];
  /** Generations carrying these tags match by tag name. */
  tagIds: string[];
  /** No text can match (a query word is in no indexed word). */
  none: boolean;
  /** FTS4 expression for candidate rows, or null when no query word narrows enough. */
  match: string | null;
  /** The FTS expression alone is the answer (no literal check needed). */
  exact: boolean;
  /** Many rows match: a page is found faster by walking the list in order. */
  dense: boolean;
}

const quote = (term: string) => `"${term}"`; // terms are letters/digits/marks only
const placeholders = (xs: readonly unknown[]) => xs.map(() => '?').join(',');
/** Ids of the profiles or tags whose name contains the needle (there are few: checked one by one). */
const named = (xs: ReadonlyArray<{ id: string; name: string }>, needle: string) =>
  xs.filter((x) => normalizeForSearch(x.name).includes(needle)).map((x) => x.id);

interface WordPart {
  expr: string;
  /** Upper bound of generations containing it; Infinity when unknown (too many expansions). */
  docs: number;
}

function expansion(found: Array<{ term: string; docs: number }> | 'too many'): WordPart | undefined {
  if (found === 'too many') return { expr: '', docs: Infinity };
  if (found.length === 0) return undefined;
  const expr = found.length === 1 ? quote(found[0].term) : `(${found.map((x) => quote(x.term)).join(' OR ')})`;
  return { expr, docs: found.reduce((n, x) => n + x.docs, 0) };
}

export function planSearch(
  r: Reader,
  vocabulary: Vocabulary,
  query: string,
  profiles: ReadonlyArray<{ id: string; name: string }>,
  tags: ReadonlyArray<{ id: string; name: string }>,
  totalGenerations: number,
  denseShare: number,
): SearchPlan | undefined {
  const needle = normalizeForSearch(query);
  if (!needle) return undefined;
  const plan: SearchPlan = {
    needle,
    profileIds: named(profiles, needle),
    tagIds: named(tags, needle),
    none: false,
    match: null,
    exact: false,
    dense: true,
  };
  const denseAt = Math.max(50, totalGenerations * denseShare);
  // Many generations carry the matching tags: a page is found faster by walking the list.
  const tagged = plan.tagIds.length
    ? Number(r.value(`SELECT count(*) FROM generation_tags WHERE tag_id IN (${placeholders(plan.tagIds)})`, plan.tagIds))
    : 0;
  const tagsDense = tagged > denseAt;
  const words = wordsOf(needle);
  if (words.length === 0) return plan; // only punctuation or symbols: check every row
  const none = { ...plan, none: true, dense: tagsDense };

  const parts: WordPart[] = [];
  if (words.length === 1) {
    const [w] = words;
    const part = expansion(vocabulary.find(r, (t) => t.includes(w), MAX_EXPANSION));
    if (!part) return none;
    parts.push(part);
    plan.exact = w === needle && part.docs !== Infinity;
  } else {
    const first = words[0];
    const firstPart = expansion(vocabulary.find(r, (t) => t.endsWith(first), MAX_EXPANSION));
    if (!firstPart) return none;
    parts.push(firstPart);
    for (const w of new Set(words.slice(1, -1))) {
      const docs = r.value('SELECT docs FROM search_terms WHERE term = ?', [w]);
      if (docs == null) return none;
      parts.push({ expr: quote(w), docs: Number(docs) });
    }
    const last = words[words.length - 1];
    const lastRows = r.all('SELECT docs FROM search_terms WHERE term >= ? AND term < ? LIMIT ?', [
      last,
      `${last}\u{10FFFF}`,
      MAX_EXPANSION + 1,
    ]);
    if (lastRows.length === 0) return none;
    parts.push({ expr: `"${last}*"`, docs: lastRows.length > MAX_EXPANSION ? Infinity : lastRows.reduce((n, x) => n + Number(x.docs), 0) });
  }
  const selective = parts.filter((p) => p.docs <= denseAt);
  plan.dense = selective.length === 0 || tagsDense;
  if (selective.length > 0) plan.match = selective.map((p) => p.expr).join(' AND ');
  return plan;
}

/** The literal check on a generation's text and instruct (d = search_docs). */
const TEXT_HAS = 'instr(d.body, ?) > 0';
/** The literal check on its title and notes (e = search_extra); takes the needle twice. */
const EXTRA_HAS = '(instr(e.title, ?) > 0 OR instr(e.notes, ?) > 0)';
const TEXT_EXISTS = `EXISTS (SELECT 1 FROM search_docs d WHERE d.docid = g.seq AND ${TEXT_HAS})`;
const EXTRA_EXISTS = `EXISTS (SELECT 1 FROM search_extra e WHERE e.docid = g.seq AND ${EXTRA_HAS})`;

const anyOf = (parts: SqlPart[]): SqlPart =>
  parts.length === 1 ? parts[0] : { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params) };

/**
 * How the search narrows `g` (generations):
 * - `collect`: few rows match; `cond` finds them all at once (index candidates, then the literal
 *   check), and the caller sorts, counts and pages that set.
 * - `walk`: many rows match; `cond` is checked row by row in list order (a page stops early;
 *   with other filters, counting checks just their rows); `alone` counts all matches when
 *   nothing else filters, by one scan of the search bodies (and of the few titles and notes).
 * Undefined when nothing can match.
 */
export type SearchFilter = { kind: 'collect'; cond: SqlPart } | { kind: 'walk'; cond: SqlPart; alone: (r: Reader) => number };

export function searchFilter(plan: SearchPlan): SearchFilter | undefined {
  const n = plan.needle;
  // Whole sets that match by name: a profile's generations, a tag's generations.
  const byProfile: SqlPart | undefined = plan.profileIds.length
    ? { sql: `g.profile_id IN (${placeholders(plan.profileIds)})`, params: plan.profileIds }
    : undefined;
  const byTag: SqlPart | undefined = plan.tagIds.length
    ? { sql: `g.id IN (SELECT generation_id FROM generation_tags WHERE tag_id IN (${placeholders(plan.tagIds)}))`, params: plan.tagIds }
    : undefined;
  const named = [byTag, byProfile].filter((x): x is SqlPart => x !== undefined);
  if (plan.none && named.length === 0) return undefined;
  if (plan.none && !plan.dense) return { kind: 'collect', cond: anyOf(named) };
  if (!plan.none && plan.match && !plan.dense) {
    const text = 'SELECT docid FROM generation_search WHERE generation_search MATCH ?';
    const extra = 'SELECT docid FROM generation_search_extra WHERE generation_search_extra MATCH ?';
    const cond: SqlPart = plan.exact
      ? { sql: `g.seq IN (${text} UNION ${extra})`, params: [plan.match, plan.match] }
      : {
          sql: `g.seq IN (SELECT d.docid FROM search_docs d WHERE d.docid IN (${text}) AND ${TEXT_HAS}
            UNION SELECT e.docid FROM search_extra e WHERE e.docid IN (${extra}) AND ${EXTRA_HAS})`,
          params: [plan.match, n, plan.match, n, n],
        };
    return { kind: 'collect', cond: anyOf([cond, ...named]) };
  }
  const fields: SqlPart[] = plan.none ? [] : [{ sql: `(${TEXT_EXISTS} OR ${EXTRA_EXISTS})`, params: [n, n, n] }];
  return {
    kind: 'walk',
    cond: anyOf([...fields, ...named]),
    alone: (r) => {
      let total = 0;
      let outside: SqlPart = { sql: '', params: [] };
      if (byProfile) {
        // Whole profiles match by name: count them from the running totals, and other matches only outside them.
        const ph = placeholders(plan.profileIds);
        total += Number(r.value(`SELECT total(count) FROM stat_groups WHERE profile_id IN (${ph})`, plan.profileIds));
        if (Number(r.value(`SELECT count(*) FROM profiles WHERE id NOT IN (${ph})`, plan.profileIds)) === 0) return total;
        outside = { sql: `g.profile_id NOT IN (${ph}) AND`, params: plan.profileIds };
      }
      const count = (sql: string, params: SqlValue[]) => Number(r.value(sql, params));
      if (!plan.none) {
        // Each generation once: by its text, else by its title or notes (few have those), else by a tag.
        const join = outside.sql ? 'JOIN generations g ON g.seq = d.docid' : '';
        total += count(`SELECT count(*) FROM search_docs d ${join} WHERE ${outside.sql} ${TEXT_HAS}`, [...outside.params, n]);
        total += count(
          `SELECT count(*) FROM search_extra e JOIN search_docs d ON d.docid = e.docid JOIN generations g ON g.seq = e.docid
           WHERE ${outside.sql} ${EXTRA_HAS} AND NOT ${TEXT_HAS}`,
          [...outside.params, n, n, n],
        );
      }
      if (byTag) {
        const unmatched = plan.none ? '' : `AND NOT ${TEXT_EXISTS} AND NOT ${EXTRA_EXISTS}`;
        total += count(`SELECT count(*) FROM generations g WHERE ${outside.sql} ${byTag.sql} ${unmatched}`, [
          ...outside.params,
          ...byTag.params,
          ...(plan.none ? [] : [n, n, n]),
        ]);
      }
      return total;
    },
  };
}
