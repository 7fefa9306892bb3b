// Starts the real VS Code (code-server 4.96.4, VS Code 1.96.4) on 127.0.0.1 with fresh temp
// dirs, and opens its workbench in Debian Chromium through playwright-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const root = join(import.meta.dirname, '..', '..');
const entry = join(root, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms`);
}

/**
 * @param {{ workspace?: string, settings?: object, env?: object, extensionsDir?: string, quiet?: boolean }} opts
 */
export async function startCodeServer(opts = {}) {
  const temp = mkdtempSync(join(tmpdir(), 'vh-code-server-'));
  const userDataDir = join(temp, 'user-data');
  const extensionsDir = opts.extensionsDir ?? join(temp, 'extensions');
  const workspace = opts.workspace ?? join(temp, 'workspace');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  // Workspace trust would show a modal dialog that the test workbench refuses.
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        // Offline: keep the workbench from asking a marketplace it cannot reach.
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        ...opts.settings,
      },
      null,
      2,
    ),
  );
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      entry,
      '--auth',
      'none',
      '--bind-addr',
      host,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      workspace,
    ],
    // Its own process group: stop() ends the extension host with it, which otherwise outlives
    // code-server by seconds and may still write to the storage a test is removing.
    { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  const leftBehind = () => killGroup('SIGKILL');
  process.once('exit', leftBehind);
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-20000);
    if (!opts.quiet && process.env.VH_DEBUG) process.stderr.write(chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  await waitForHttp(`http://${host}/healthz`, child, 30000);
  return {
    host,
    port,
    temp,
    userDataDir,
    extensionsDir,
    workspace,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        killGroup('SIGTERM');
        await new Promise((r) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL');
            r();
          }, 5000);
          child.once('exit', () => {
            clearTimeout(t);
            r();
          });
        });
      }
      // The extension host closes its store on SIGTERM; give it a moment, then end what is left.
      for (let i = 0; i < 20 && killGroup(0); i++) await new Promise((r) => setTimeout(r, 100));
      killGroup('SIGKILL');
      process.removeListener('exit', leftBehind);
      rmSync(temp, { recursive: true, force: true });
    },
  };
}

/** The workbench URL, optionally loading a development extension and a test suite. */
export function workbenchUrl(server, { extensionDevelopmentPath, extensionTestsPath, folder } = {}) {
  const remote = (p) => `vscode-remote://${server.host}${p}`;
  const payload = [['skipWelcome', 'true']];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  return `http://${server.host}/?folder=${encodeURIComponent(remote(folder ?? server.workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--disable-dev-shm-usage',
      // The player starts audio when asked from the tree (no click inside its frame).
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/**
 * Opens the workbench in Chromium; with `extensionTestsPath` the page reports the suite's
 * exit through `codeAutomationExit`. Returns the page plus a close() that stops everything.
 */
export async function openWorkbench({ server, extensionDevelopmentPath = root, extensionTestsPath, theme, viewport } = {}) {
  const browser = await launchBrowser();
  const context = await browser.newContext({
    viewport: viewport ?? { width: 1400, height: 900 },
    colorScheme: theme === 'light' ? 'light' : 'dark',
  });
  const page = await context.newPage();
  await page.goto(workbenchUrl(server, { extensionDevelopmentPath, extensionTestsPath }));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  return { browser, page, close: () => browser.close() };
}
