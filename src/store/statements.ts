// Prepared statements cached per database (least recently used freed past a bound: sql.js
// keeps every statement until it is freed), and the Reader over them.
import type { Statement } from 'sql.js';
import type { Database, Params, SqlValue } from './sqlite';
import type { Reader, Row } from './store-types';

export class StatementCache {
  /** Per database, least recently used first. */
  private readonly stmts = new WeakMap<Database, Map<string, Statement>>();

  constructor(private readonly max = 200) {}

  get(db: Database, sql: string): Statement {
    let cache = this.stmts.get(db);
    if (!cache) {
      cache = new Map();
      this.stmts.set(db, cache);
    }
    let stmt = cache.get(sql);
    if (stmt) {
      cache.delete(sql); // re-inserted below: the map's order is least recently used first
    } else {
      stmt = db.prepare(sql);
      for (const [oldSql, old] of cache) {
        if (cache.size < this.max) break;
        cache.delete(oldSql);
        old.free();
      }
    }
    cache.set(sql, stmt);
    return stmt;
  }

  /** Frees every cached statement of `db` (before export, or when the database is replaced). */
  free(db: Database): void {
    const cache = this.stmts.get(db);
    this.stmts.delete(db);
    for (const stmt of cache?.values() ?? []) {
      try {
        stmt.free();
      } catch {
        // already freed with its database
      }
    }
  }
}

export function readerFor(statements: StatementCache, db: Database): Reader {
  const all = (sql: string, params: Params = []): Row[] => {
    const stmt = statements.get(db, sql);
    try {
      stmt.bind(params);
      const rows: Row[] = [];
      while (stmt.step()) rows.push(stmt.getAsObject() as Row);
      return rows;
    } finally {
      stmt.reset();
    }
  };
  const rows = (sql: string, params: Params = []): SqlValue[][] => {
    const stmt = statements.get(db, sql);
    try {
      stmt.bind(params);
      const out: SqlValue[][] = [];
      while (stmt.step()) out.push(stmt.get());
      return out;
    } finally {
      stmt.reset();
    }
  };
  const get = (sql: string, params: Params = []): Row | undefined => {
    const stmt = statements.get(db, sql);
    try {
      stmt.bind(params);
      return stmt.step() ? (stmt.getAsObject() as Row) : undefined;
    } finally {
      stmt.reset();
    }
  };
  const value = (sql: string, params: Params = []): SqlValue | undefined => {
    const stmt = statements.get(db, sql);
    try {
      stmt.bind(params);
      return stmt.step() ? stmt.get()[0] : undefined;
    } finally {
      stmt.reset();
    }
  };
  return { all, rows, get, value };
}
