// Loads sql.js once per wasm location and gives the store a typed handle on it.
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';

export type { Database, SqlValue };
export type Params = SqlValue[];
/** A SQL function the schema calls (sql.js registers it with as many arguments as it declares). */
export type SqlFunction = (a: unknown, b: unknown) => SqlValue;

export interface WasmOptions {
  wasmPath?: string;
  locateFile?: (file: string) => string;
}

const loaded = new Map<string, Promise<SqlJsStatic>>();

export function loadSqlJs(options: WasmOptions = {}): Promise<SqlJsStatic> {
  const key = options.wasmPath ?? (options.locateFile ? 'custom' : 'default');
  let p = loaded.get(key);
  if (!p) {
    const locateFile = options.wasmPath ? () => options.wasmPath as string : options.locateFile;
    p = initSqlJs(locateFile ? { locateFile } : undefined);
    // A failed load (wrong path) must not poison later attempts.
    p.catch(() => loaded.delete(key));
    loaded.set(key, p);
  }
  return p;
}
