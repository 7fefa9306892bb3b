// Builds and runs `list()`: filters, search, sort, offset paging with a total, cursor paging.
import type { Reader, Row } from '../store/database';
import { HistoryError } from '../store/errors';
import type { SqlValue } from '../store/sqlite';
import { GENERATION_COLUMNS, toGeneration } from './rows';
import type { ListQuery } from './schemas';
import { DENSE_SHARE, planSearch, searchFilter, type SearchFilter, type SqlPart } from './search';
import type { ListPage } from './types';
import { nameKey } from './service-support';
import type { Vocabulary } from './vocabulary';

function values<T>(v: T | T[] | null | undefined): T[] | undefined {
  if (v == null) return undefined;
  return Array.isArray(v) ? [...new Set(v)] : [v];
}

function inList(column: string, vals: SqlValue[], where: string[], params: SqlValue[]): void {
  if (vals.length === 1) where.push(`${column} = ?`);
  else where.push(`${column} IN (${vals.map(() => '?').join(',')})`);
  params.push(...vals);
}

export function totalGenerations(r: Reader): number {
  return Number(r.value('SELECT total(count) FROM stat_groups') ?? 0);
}

const whereSql = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

/** Full rows for the given seqs, in that order. */
function fetchRows(r: Reader, seqs: number[]): Row[] {
  if (seqs.length === 0) return [];
  const rows = r.all(
    `SELECT g.seq AS seq_, ${GENERATION_COLUMNS} FROM generations g JOIN profiles p ON p.id = g.profile_id WHERE g.seq IN (${seqs.map(() => '?').join(',')})`,
    seqs,
  );
  const bySeq = new Map(rows.map((row) => [Number(row.seq_), row]));
  return seqs.map((s) => bySeq.get(s)).filter((row): row is Row => row !== undefined);
}

export function listGenerations(r: Reader, vocabulary: Vocabulary, q: ListQuery): ListPage {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const profileIds = values(q.profileId);
  const engines = values(q.engine);
  const statuses = values(q.status);
  if (profileIds) inList('g.profile_id', profileIds, where, params);
  if (engines) inList('g.engine', engines, where, params);
  if (statuses) inList('g.status', statuses, where, params);
  const models = values(q.model);
  const languages = values(q.language);
  const sources = values(q.source);
  if (models) inList('g.model', models, where, params);
  if (languages) inList('g.language', languages, where, params);
  if (sources) inList('g.source', sources, where, params);
  if (q.favoritesOnly) where.push('g.is_favorited = 1');
  if (q.ids) {
    // One JSON parameter, however many ids (SQLite limits the number of parameters).
    where.push('g.id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(q.ids));
  }
  if (q.withoutEngine) where.push('g.engine IS NULL');
  const tagKeys = values(q.tag)?.map(nameKey);
  if (tagKeys) {
    where.push(
      'g.id IN (SELECT gt.generation_id FROM generation_tags gt JOIN tags t ON t.id = gt.tag_id WHERE t.name_key IN (SELECT value FROM json_each(?)))',
    );
    params.push(JSON.stringify(tagKeys));
  }
  if (q.untagged) where.push('NOT EXISTS (SELECT 1 FROM generation_tags gt WHERE gt.generation_id = g.id)');
  if (q.after != null) {
    where.push('g.created_at >= ?');
    params.push(q.after);
  }
  if (q.before != null) {
    where.push('g.created_at < ?');
    params.push(q.before);
  }

  const cursorMode = q.startAfterId != null;
  const counted = !cursorMode && q.withTotal;
  const empty: ListPage = { items: [], lastId: null, hasMore: false, total: counted ? 0 : null };
  let cursor: { createdAt: number; seq: number } | undefined;
  if (cursorMode) {
    const c = r.get('SELECT created_at, seq FROM generations WHERE id = ?', [q.startAfterId as string]);
    if (!c)
      throw new HistoryError(
        'NOT_FOUND',
        'The generation this page should start after no longer exists; load the list again from the start.',
      );
    cursor = { createdAt: Number(c.created_at), seq: Number(c.seq) };
  }

  let filter: SearchFilter | undefined;
  if (q.search) {
    const named = (sql: string) => r.all(sql).map((p) => ({ id: String(p.id), name: String(p.name) }));
    const plan = planSearch(
      r,
      vocabulary,
      q.search,
      named('SELECT id, name FROM profiles'),
      named('SELECT id, name FROM tags'),
      totalGenerations(r),
      counted ? DENSE_SHARE.withTotal : DENSE_SHARE.withoutTotal,
    );
    if (plan) {
      filter = searchFilter(plan);
      if (!filter) return empty;
    }
  }
  const desc = q.sort !== 'oldest';
  if (filter?.kind === 'collect') return collected(r, q, where, params, filter.cond, cursor, desc);

  const dir = desc ? 'DESC' : 'ASC';
  const pageWhere = [...where];
  const pageParams = [...params];
  if (filter) {
    pageWhere.push(filter.cond.sql);
    pageParams.push(...filter.cond.params);
  }
  if (cursor) {
    // Strictly after the cursor in list order; the first term lets the index range-scan.
    pageWhere.push(
      desc ? 'g.created_at <= ? AND (g.created_at < ? OR g.seq < ?)' : 'g.created_at >= ? AND (g.created_at > ? OR g.seq > ?)',
    );
    pageParams.push(cursor.createdAt, cursor.createdAt, cursor.seq);
  }
  const offset = cursorMode ? 0 : (q.offset ?? 0);
  // Pick the page's rows by index first, then fetch their columns: deep offsets skip index entries only.
  const seqs = r
    .rows(`SELECT g.seq FROM generations g ${whereSql(pageWhere)} ORDER BY g.created_at ${dir}, g.seq ${dir} LIMIT ? OFFSET ?`, [
      ...pageParams,
      q.pageSize + 1,
      offset,
    ])
    .map(([seq]) => Number(seq));
  const items = fetchRows(r, seqs.slice(0, q.pageSize)).map(toGeneration);
  let total: number | null = null;
  if (counted) {
    if (filter?.kind === 'walk') {
      total =
        where.length === 0
          ? filter.alone(r)
          : Number(
              r.value(`SELECT count(*) FROM generations g ${whereSql([...where, filter.cond.sql])}`, [...params, ...filter.cond.params]) ??
                0,
            );
    } else {
      total =
        countFromTotals(r, q, profileIds, engines, statuses) ??
        Number(r.value(`SELECT count(*) FROM generations g ${whereSql(where)}`, params) ?? 0);
    }
  }
  return { items, lastId: items.length ? items[items.length - 1].id : null, hasMore: seqs.length > q.pageSize, total };
}

/** Few matches: fetch them all (position only), then sort, count and page in memory. */
function collected(
  r: Reader,
  q: ListQuery,
  where: string[],
  params: SqlValue[],
  cond: SqlPart,
  cursor: { createdAt: number; seq: number } | undefined,
  desc: boolean,
): ListPage {
  const dir = desc ? 'DESC' : 'ASC';
  const keys = r.rows(
    `SELECT g.seq, g.created_at FROM generations g ${whereSql([...where, cond.sql])} ORDER BY g.created_at ${dir}, g.seq ${dir}`,
    [...params, ...cond.params],
  );
  let start = q.offset ?? 0;
  if (cursor) {
    const sign = desc ? -1 : 1;
    start = keys.findIndex(([seq, at]) => sign * (Number(at) - cursor.createdAt || Number(seq) - cursor.seq) > 0);
    if (start < 0) start = keys.length;
  }
  const slice = keys.slice(start, start + q.pageSize + 1);
  const items = fetchRows(
    r,
    slice.slice(0, q.pageSize).map(([seq]) => Number(seq)),
  ).map(toGeneration);
  return {
    items,
    lastId: items.length ? items[items.length - 1].id : null,
    hasMore: slice.length > q.pageSize,
    total: cursor || !q.withTotal ? null : keys.length,
  };
}

/** The running totals answer counts filtered only by profile, engine and status. */
function countFromTotals(
  r: Reader,
  q: ListQuery,
  profileIds: string[] | undefined,
  engines: string[] | undefined,
  statuses: string[] | undefined,
): number | undefined {
  if (
    q.model != null ||
    q.language != null ||
    q.source != null ||
    q.favoritesOnly ||
    q.after != null ||
    q.before != null ||
    q.ids != null ||
    q.tag != null ||
    q.untagged
  )
    return undefined;
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (profileIds) inList('profile_id', profileIds, where, params);
  if (engines) inList('engine', engines, where, params);
  // The totals keep a missing engine as ''.
  if (q.withoutEngine) where.push("engine = ''");
  if (statuses) inList('status', statuses, where, params);
  return Number(r.value(`SELECT total(count) FROM stat_groups ${whereSql(where)}`, params) ?? 0);
}
