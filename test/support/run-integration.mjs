// Runs test/integration inside the extension host of a real VS Code (code-server 4.96.4):
// the workbench is opened in Chromium with our extension as a development extension and the
// bundled suite as extensionTestsPath. The suite writes its counts to VH_TEST_RESULTS.
import { copyFileSync, mkdtempSync, readFileSync, existsSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, root, startCodeServer, workbenchUrl } from './code-server.mjs';
import { installFixtureExtension } from '../fixture-extension/dev-extensions.mjs';

export async function runIntegration({ timeoutMs = 10 * 60 * 1000, env = {} } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'vh-integration-'));
  const resultsFile = join(scratch, 'results.json');
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'script.txt'), 'Hello from the Voice History integration tests.\n');
  // A cloned repository's settings trying to take over settings it must not (settings-scope.test.ts).
  mkdirSync(join(workspace, '.vscode'));
  copyFileSync(join(root, 'test', 'fixtures', 'hostile-workspace', 'settings.json'), join(workspace, '.vscode', 'settings.json'));
  const extensionsDir = join(scratch, 'extensions');
  // The fixture uses our public API the way another extension would.
  installFixtureExtension(root, extensionsDir);
  const server = await startCodeServer({
    workspace,
    extensionsDir,
    env: { VH_TEST_RESULTS: resultsFile, VH_EXPECT_VSCODE: '1.96', VH_TEST_MODE: '1', ...env },
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    let exitCode;
    const exited = new Promise((resolve) => {
      page.exposeFunction('codeAutomationExit', (code) => {
        exitCode = code;
        resolve(code);
      });
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      // The offline workbench cannot reach the extension gallery; that error is expected noise.
      const galleryNoise = /open-vsx\.org|extensionquery|ENOTFOUND/.test(text);
      if ((type === 'error' && !galleryNoise) || text.includes('[integration]') || process.env.VH_DEBUG) console.log(`  ${text}`);
    });
    await page.goto(
      workbenchUrl(server, {
        extensionDevelopmentPath: root,
        extensionTestsPath: join(root, 'out', 'test', 'integration', 'index.js'),
      }),
    );
    const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs));
    const result = await Promise.race([exited, timer]);
    if (result === 'timeout') throw new Error(`integration suite did not finish in ${timeoutMs / 1000}s`);
    if (!existsSync(resultsFile)) {
      return {
        passed: 0,
        failed: 1,
        failures: [{ title: 'integration suite', error: `exited ${exitCode} without results; server log:\n${server.output()}` }],
      };
    }
    const outcome = JSON.parse(readFileSync(resultsFile, 'utf8'));
    if (exitCode !== 0 && outcome.failed === 0) outcome.failed = 1;
    return outcome;
  } finally {
    await browser.close();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  const outcome = await runIntegration();
  for (const f of outcome.failures ?? []) console.log(`  FAILED ${f.title}\n${f.error}`);
  console.log(`integration: ${outcome.passed} passed, ${outcome.failed} failed`);
  process.exit(outcome.failed > 0 ? 1 : 0);
}
