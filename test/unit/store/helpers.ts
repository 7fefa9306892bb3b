// Shared by the store and history unit tests: temp folders, an opened history, child processes.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openHistory, type OpenHistoryOptions } from '../../../src/history';
import type { HistoryService } from '../../../src/history/service';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export function tempDir(prefix = 'vh-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a history in a fresh temp folder; no timers left running (polling off, check on demand). */
export async function freshHistory(options: Partial<OpenHistoryOptions> = {}): Promise<{ h: HistoryService; dir: string; cleanup: () => Promise<void> }> {
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

/** Starts a TypeScript child script under tsx. */
export function spawnTs(script: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

const bundles = new Map<string, string>();

/**
 * Starts a TypeScript child script bundled once with esbuild (sql.js stays external): a third
 * less CPU per start than tsx, which matters for tests that start dozens of processes.
 */
export function spawnBundled(script: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  let out = bundles.get(script);
  if (!out) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vh-bundle-'));
    out = path.join(dir, `${path.basename(script, '.ts')}.cjs`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    esbuild.buildSync({ entryPoints: [script], bundle: true, platform: 'node', format: 'cjs', external: ['sql.js'], outfile: out, logLevel: 'error' });
    bundles.set(script, out);
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  const env = { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') };
  return spawn(process.execPath, [out, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env, ...options });
}

/** Collects a child's stdout lines as they arrive. */
export function lines(child: ChildProcess): { lines: string[]; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { lines: out, stderr: () => err, exited };
}

/** Bytes that look like a tiny WAV file. */
export function fakeAudio(seed: number, size = 64): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}
