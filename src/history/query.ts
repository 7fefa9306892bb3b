// Builds and runs `list()`: filters, search, sort, offset paging with a total, cursor paging.
import type { Reader } from '../store/database';
import { HistoryError } from '../store/errors';
import type { SqlValue } from '../store/sqlite';
import { GENERATION_COLUMNS, toGeneration } from './rows';
import type { ListQuery } from './schemas';
import { planSearch, searchCondition } from './search';
import type { ListPage } from './types';

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

export function listGenerations(r: Reader, q: ListQuery): ListPage {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const profileIds = values(q.profileId);
  const engines = values(q.engine);
  const statuses = values(q.status);
  const models = values(q.model);
  const languages = values(q.language);
  const sources = values(q.source);
  if (profileIds) inList('g.profile_id', profileIds, where, params);
  if (engines) inList('g.engine', engines, where, params);
  if (statuses) inList('g.status', statuses, where, params);
  if (models) inList('g.model', models, where, params);
  if (languages) inList('g.language', languages, where, params);
  if (sources) inList('g.source', sources, where, params);
  if (q.favoritesOnly) where.push('g.is_favorited = 1');
  if (q.after != null) {
    where.push('g.created_at >= ?');
    params.push(q.after);
  }
  if (q.before != null) {
    where.push('g.created_at < ?');
    params.push(q.before);
  }

  const cursorMode = q.startAfterId != null;
  const countWhere = [...where];
  const countParams = [...params];
  let searching = false;
  const search = q.search ? q.search : undefined;
  if (search) {
    const profiles = r.all('SELECT id, name FROM profiles').map((p) => ({ id: String(p.id), name: String(p.name) }));
    const plan = planSearch(r, search, profiles, totalGenerations(r));
    if (plan) {
      searching = true;
      const page = searchCondition(plan, false);
      const count = searchCondition(plan, true);
      if (!page || !count) return { items: [], lastId: null, hasMore: false, total: cursorMode ? null : 0 };
      where.push(page.sql);
      params.push(...page.params);
      countWhere.push(count.sql);
      countParams.push(...count.params);
    }
  }

  const desc = q.sort !== 'oldest';
  const dir = desc ? 'DESC' : 'ASC';
  if (cursorMode) {
    const c = r.get('SELECT created_at, seq FROM generations WHERE id = ?', [q.startAfterId as string]);
    if (!c) {
      throw new HistoryError('NOT_FOUND', 'The generation this page should start after no longer exists; load the list again from the start.');
    }
    // (created_at, seq) strictly after the cursor in list order; the first term lets the index range-scan.
    where.push(desc ? 'g.created_at <= ? AND (g.created_at < ? OR g.seq < ?)' : 'g.created_at >= ? AND (g.created_at > ? OR g.seq > ?)');
    params.push(c.created_at, c.created_at, c.seq);
  }
  const offset = cursorMode ? 0 : (q.offset ?? 0);
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  // Pick the page's rows by index first, then fetch their columns: deep offsets skip index entries only.
  const rows = r.all(
    `SELECT ${GENERATION_COLUMNS}
     FROM (SELECT g.seq FROM generations g ${whereSql} ORDER BY g.created_at ${dir}, g.seq ${dir} LIMIT ? OFFSET ?) AS pg
     JOIN generations g ON g.seq = pg.seq
     JOIN profiles p ON p.id = g.profile_id
     ORDER BY g.created_at ${dir}, g.seq ${dir}`,
    [...params, q.pageSize + 1, offset],
  );
  const hasMore = rows.length > q.pageSize;
  const items = rows.slice(0, q.pageSize).map(toGeneration);
  let total: number | null = null;
  if (!cursorMode) {
    total = (searching ? undefined : countFromTotals(r, q, profileIds, engines, statuses)) ?? Number(
      r.value(`SELECT count(*) FROM generations g ${countWhere.length ? `WHERE ${countWhere.join(' AND ')}` : ''}`, countParams) ?? 0,
    );
  }
  return { items, lastId: items.length ? items[items.length - 1].id : null, hasMore, total };
}

/** The running totals answer counts filtered only by profile, engine and status. */
function countFromTotals(
  r: Reader,
  q: ListQuery,
  profileIds: string[] | undefined,
  engines: string[] | undefined,
  statuses: string[] | undefined,
): number | undefined {
  if (q.model != null || q.language != null || q.source != null || q.favoritesOnly || q.after != null || q.before != null) return undefined;
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (profileIds) inList('profile_id', profileIds, where, params);
  if (engines) inList('engine', engines, where, params);
  if (statuses) inList('status', statuses, where, params);
  return Number(r.value(`SELECT total(count) FROM stat_groups ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`, params) ?? 0);
}
