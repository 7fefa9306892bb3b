// Runs files with Node's test runner (TypeScript through tsx), streaming the spec report and
// returning the pass/fail counts read from a TAP copy of the same run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');

export function collect(dir, suffix) {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return collect(p, suffix);
      return name.endsWith(suffix) ? [relative(root, p)] : [];
    })
    .sort();
}

export async function runNodeTests(files, { concurrency = 2, env = {} } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'vh-node-tests-'));
  const tap = join(scratch, 'report.tap');
  const args = [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ];
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  let passed = 0;
  let failed = 0;
  try {
    const text = readFileSync(tap, 'utf8');
    passed = Number(/^# pass (\d+)/m.exec(text)?.[1] ?? 0);
    failed = Number(/^# fail (\d+)/m.exec(text)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(text)?.[1] ?? 0);
  } catch {
    failed = 1;
  }
  rmSync(scratch, { recursive: true, force: true });
  if (code !== 0 && failed === 0) failed = 1;
  return { passed, failed, code };
}
