// Shared by the store and history unit tests: temp folders, an opened history, child processes.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openHistory, type OpenHistoryOptions } from '../../../src/history';
import type { HistoryService } from '../../../src/history/service';
import { DB_FILE } from '../../../src/store/database';
import { migrate } from '../../../src/store/schema';
import { searchFunctions } from '../../../src/store/search-text';
import { loadSqlJs, type Database } from '../../../src/store/sqlite';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function tempDir(prefix = 'vh-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a history in a fresh temp folder; no timers left running (polling off, check on demand). */
export async function freshHistory(
  options: Partial<OpenHistoryOptions> = {},
): Promise<{ h: HistoryService; dir: string; cleanup: () => Promise<void> }> {
  const t = tempDir();
  const h = await openHistory({ storageDir: t.dir, checkOnOpen: false, ...options, tuning: { pollIntervalMs: 0, ...options.tuning } });
  return {
    h,
    dir: t.dir,
    cleanup: async () => {
      await h.close().catch(() => undefined);
      t.cleanup();
    },
  };
}

export function reopen(dir: string, options: Partial<OpenHistoryOptions> = {}): Promise<HistoryService> {
  return openHistory({ storageDir: dir, checkOnOpen: false, ...options, tuning: { pollIntervalMs: 0, ...options.tuning } });
}

const bundles = new Map<string, string>();

/** Bundles a TypeScript child script once per process with esbuild into a temp folder of its own. */
function bundled(script: string, standalone: boolean): string {
  const key = `${standalone ? 'standalone' : 'sql.js external'}:${script}`;
  let out = bundles.get(key);
  if (!out) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vh-bundle-'));
    out = path.join(dir, `${path.basename(script, '.ts')}.cjs`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    esbuild.buildSync({
      entryPoints: [script],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: standalone ? [] : ['sql.js'],
      outfile: out,
      logLevel: 'error',
    });
    if (standalone) {
      // sql.js looks for its wasm beside the script that loaded it (the bundle); mkdtemp made the folder 0700.
      fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(dir, 'sql-wasm.wasm'));
      fs.chmodSync(dir, 0o755);
    }
    bundles.set(key, out);
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return out;
}

/**
 * Starts a TypeScript child script bundled once with esbuild (sql.js stays external): a third
 * less CPU per start than tsx, which matters for tests that start dozens of processes.
 */
export function spawnBundled(script: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const env = { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') };
  return spawn(process.execPath, [bundled(script, false), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env, ...options });
}

/**
 * Starts a TypeScript child script that needs nothing from the clone: one bundle with sql.js and
 * its wasm, in a world-readable temp folder, run from there. For a child running as another
 * (unprivileged) user, who may not be able to enter the folders the clone lives in.
 */
export function spawnStandalone(script: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const out = bundled(script, true);
  return spawn(process.execPath, [out, ...args], { cwd: path.dirname(out), stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** Collects a child's stdout lines as they arrive. */
export function lines(child: ChildProcess): {
  lines: string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
} {
  const out: string[] = [];
  let partial = '';
  let err = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    out.push(...parts);
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { lines: out, stderr: () => err, exited };
}

/** Bytes that look like a tiny WAV file. */
export function fakeAudio(seed: number, size = 64): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

export const OLD_PROFILE_ID = '8f9c7f2e-3b1a-4c6d-9e8f-1a2b3c4d5e6f';
/** Id of the i-th generation of `oldSchemaStore`. */
export const oldGenerationId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
export const oldGenerationText = (i: number) => `line number ${i} of the script`;

/**
 * Writes a history database that stopped at schema `version`, as that version left it: one
 * profile and `n` generations (ids and texts above, created_at = i), then whatever `more` adds
 * with raw SQL. A real store to upgrade, without running the code of that version.
 */
export async function oldSchemaStore(dir: string, version: number, n: number, more?: (db: Database) => void): Promise<void> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  try {
    for (const [name, fn] of Object.entries(searchFunctions)) db.create_function(name, fn);
    migrate(db, version);
    db.run(`INSERT INTO profiles (id, name, name_key, created_at, updated_at) VALUES ('${OLD_PROFILE_ID}', 'Narrator', 'narrator', 1, 1)`);
    db.run('BEGIN');
    const ins = db.prepare(
      "INSERT INTO generations (id, profile_id, text, status, duration, created_at, updated_at) VALUES (?, ?, ?, 'completed', 1, ?, ?)",
    );
    for (let i = 0; i < n; i++) ins.run([oldGenerationId(i), OLD_PROFILE_ID, oldGenerationText(i), i, i]);
    ins.free();
    more?.(db);
    db.run('COMMIT');
    fs.writeFileSync(path.join(dir, DB_FILE), db.export());
  } finally {
    db.close();
  }
}
