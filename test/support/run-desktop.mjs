// `npm run test:desktop`: the same integration suite in desktop VS Code via @vscode/test-electron.
// Uses VSCODE_EXECUTABLE when set (an installed VS Code), otherwise downloads the 1.96.4 build.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = join(import.meta.dirname, '..', '..');
execFileSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: root, stdio: 'inherit' });
const scratch = mkdtempSync(join(tmpdir(), 'vh-desktop-'));
const workspace = join(scratch, 'workspace');
mkdirSync(workspace);
writeFileSync(join(workspace, 'script.txt'), 'Hello from the Voice History integration tests.\n');
// A cloned repository's settings trying to take over settings it must not (settings-scope.test.ts).
mkdirSync(join(workspace, '.vscode'));
copyFileSync(join(root, 'test', 'fixtures', 'hostile-workspace', 'settings.json'), join(workspace, '.vscode', 'settings.json'));
const resultsFile = join(scratch, 'results.json');
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'test', 'integration', 'index.js'),
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: '1.96.4' }),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(scratch, 'user-data')],
    extensionTestsEnv: { VH_TEST_RESULTS: resultsFile, VH_TEST_MODE: '1' },
  });
  console.log('desktop integration: passed (see the counts above)');
} catch (err) {
  console.error(`desktop integration failed: ${err?.message ?? err}`);
  if (!process.env.VSCODE_EXECUTABLE) {
    console.error('If desktop VS Code cannot be downloaded here (offline), set VSCODE_EXECUTABLE to an installed VS Code binary.');
  }
  process.exit(1);
}
