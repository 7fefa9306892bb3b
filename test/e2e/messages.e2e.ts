// What a newcomer reads when something goes wrong, and the tabs and toasts around it, in a real
// VS Code (code-server + Chromium): commands run from keybindings with arguments they cannot use,
// Generate Speech against an OpenAI-compatible server on 127.0.0.1 that answers with a JSON 500,
// a stack trace or JSON instead of audio, an import of a file that is not a ZIP. Every toast is
// sentences (no JSON, no stack frames) and an error offers Show Log. Then Show Statistics keeps
// its own tab while files are opened, and the export toast shows where the file went.
// Screenshots go to test-results/messages-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { openHistory } from '../../src/history';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';
import { answerFileDialog, runCommand, setTheme } from './palette';
import { toneWav } from './player-seed';

const shots = join(root, 'test-results');
const FOX = 'The quick brown fox jumps over the lazy dog.';

let scratch: string;
let workspace: string;
let exportsDir: string;
let server: CodeServer;
let engine: Server;
let answer: (res: ServerResponse) => void = (res) => res.end();
let page: Page;
let close: () => Promise<void>;

const sidebar = () => page.locator('.part.sidebar');
const toasts = () => page.locator('.notifications-toasts .notification-toast');
const toast = (text: string | RegExp): Locator => toasts().filter({ hasText: text }).first();
const shot = (name: string) => page.screenshot({ path: join(shots, name) });
const tab = (label: string) => page.locator('.part.editor .tabs-container .tab', { hasText: label });

/** Keybindings a user might write, each passing an argument the command cannot use. */
const KEYS = {
  badFilter: 'ctrl+shift+alt+f7',
  rowAsGroupBy: 'ctrl+shift+alt+f8',
  speakOpenAi: 'ctrl+shift+alt+f9',
} as const;

/** The Voice History log file the extension host writes (what Show Log shows). */
function voiceHistoryLog(): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/Voice History\.log$/.test(e.name)) files.push(p);
    }
  };
  walk(join(server.userDataDir, 'logs'));
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

/** Export Audio… asks for a format first: the one offered first (the last used, else the default). */
async function pickFormat(): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-box input[placeholder="Which format?"]').waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
}

async function clearNotifications(): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await toasts()
    .first()
    .waitFor({ state: 'detached', timeout: 5000 })
    .catch(() => undefined);
}

async function press(key: string): Promise<void> {
  // Keybindings reach the workbench from the editor area (not from a webview or an input).
  await page.locator('.part.editor').click({ position: { x: 300, y: 300 } });
  await page.keyboard.press(key.replace(/ctrl\+shift\+alt\+/, 'Control+Shift+Alt+').replace(/f(\d+)$/, 'F$1'));
}

/** The toast's message and its buttons, separately. */
async function read(t: Locator): Promise<{ message: string; buttons: string[] }> {
  await t.hover();
  const message = (await t.locator('.notification-list-item-message').innerText()).trim();
  const buttons = (await t.locator('.notification-list-item-buttons-container .monaco-button').allInnerTexts()).map((b) => b.trim());
  return { message, buttons };
}

/** Sentences only: no JSON (braces, "key": pairs, a serialized row), no stack frames. */
function assertPlain(message: string, what: string): void {
  assert.doesNotMatch(message, /[{}]/, `${what}: no JSON braces in "${message}"`);
  assert.doesNotMatch(message, /"\w+"\s*:/, `${what}: no JSON fields in "${message}"`);
  assert.doesNotMatch(message, /"kind"/, `${what}: no serialized row in "${message}"`);
  assert.doesNotMatch(
    message,
    /\bat \S+ \([^)]*:\d+:\d+\)|\bat (?:\/|node:)\S*:\d+|\.[jt]s:\d+:\d+/,
    `${what}: no stack frames in "${message}"`,
  );
}

async function errorToast(text: string | RegExp, what: string, screenshot: string): Promise<{ message: string; buttons: string[] }> {
  const t = toast(text);
  await t.waitFor({ timeout: 30000 });
  await page.waitForTimeout(500);
  await shot(screenshot);
  const seen = await read(t);
  assertPlain(seen.message, what);
  assert.ok(seen.buttons.includes('Show Log'), `${what}: offers Show Log (buttons: ${seen.buttons.join(', ')})`);
  return seen;
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), 'vh-messages-e2e-'));
  workspace = join(scratch, 'workspace');
  exportsDir = join(scratch, 'exports');
  const storageDir = join(scratch, 'storage');
  for (const d of [workspace, exportsDir, storageDir]) mkdirSync(d, { recursive: true });
  writeFileSync(join(workspace, 'notes.txt'), 'Notes to read aloud later.\n');
  writeFileSync(join(workspace, 'README.md'), '# Project notes\n\nA Markdown file a newcomer clicks.\n');
  writeFileSync(join(workspace, 'not-an-archive.zip'), 'This is a text file with a .zip name.\n');
  const history = await openHistory({ storageDir, checkOnOpen: false });
  try {
    const alice = await history.createProfile({ name: 'Alice', engine: 'flite', voiceId: 'slt' });
    await history.create(
      { profileId: alice.id, text: FOX, engine: 'flite', status: 'completed', createdAt: Date.now() - 30_000 },
      { data: toneWav(2, 220), format: 'wav', duration: 2, sampleRate: 16000, channels: 1 },
    );
  } finally {
    await history.close();
  }
  engine = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((r) => engine.listen(0, '127.0.0.1', r));
  server = await startCodeServer({
    workspace,
    env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: storageDir },
    settings: {
      'voiceHistory.openai.baseUrl': `http://127.0.0.1:${(engine.address() as AddressInfo).port}`,
      'voiceHistory.playAfterGenerating': false,
    },
  });
  // The base URL is a machine setting: a remote window (code-server is one) reads it from the machine's settings.
  mkdirSync(join(server.userDataDir, 'Machine'), { recursive: true });
  writeFileSync(
    join(server.userDataDir, 'Machine', 'settings.json'),
    JSON.stringify({ 'voiceHistory.openai.baseUrl': `http://127.0.0.1:${(engine.address() as AddressInfo).port}` }),
  );
  writeFileSync(
    join(server.userDataDir, 'User', 'keybindings.json'),
    JSON.stringify([
      { key: KEYS.badFilter, command: 'voiceHistory.filter', args: { status: ['sleeping'] } },
      { key: KEYS.rowAsGroupBy, command: 'voiceHistory.groupBy', args: { kind: 'generation', id: 'not-a-row' } },
      {
        key: KEYS.speakOpenAi,
        command: 'voiceHistory.generateSpeech',
        args: { engine: 'openai', voice: 'alloy', text: 'Speak through a broken server.', play: false },
      },
    ]),
  );
  ({ page, close } = await openWorkbench({ server, theme: 'dark' }));
  await page.locator('.activitybar a[aria-label="Voice History"]').click();
  await sidebar().locator(`.monaco-list-row[aria-label^="${FOX}"]`).first().waitFor({ timeout: 30000 });
  // Once the workbench is up (the settings file alone is not applied on code-server's first load).
  await setTheme(page, 'Dark Modern', true);
});

after(async () => {
  await close?.();
  await server?.stop();
  await new Promise<void>((r) => (engine ? engine.close(() => r()) : r()));
  if (scratch) rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
});

test('a keybinding passing a bad filter or a row-like object: a sentence with Show Log, which opens the log', async () => {
  await clearNotifications();
  await press(KEYS.badFilter);
  const filter = await errorToast('history filter is not valid', 'bad filter', 'messages-dark-bad-filter.png');
  assert.match(filter.message, /status/, `says which field: ${filter.message}`);
  await clearNotifications();
  await press(KEYS.rowAsGroupBy);
  await errorToast('Cannot group by', 'row-like group by', 'messages-dark-bad-group-by.png');
  assert.match((await read(toast('Cannot group by'))).message, /Cannot group by an object; use one of date/);
  await toast('Cannot group by').getByRole('button', { name: 'Show Log' }).click();
  // The Output panel opens (on the Voice History log: see the screenshot); the log keeps what the
  // toast leaves out, the stack.
  await page.locator('.part.panel .view-lines').first().waitFor({ timeout: 15000 });
  await page.waitForTimeout(1000);
  await shot('messages-dark-show-log.png');
  const log = voiceHistoryLog();
  assert.match(
    log,
    /voiceHistory\.groupBy failed: Cannot group by an object[^\n]*\n(?:.*\n)*?\s+at \S+/,
    'the log has the message and its stack',
  );
  await runCommand(page, 'View: Toggle Panel Visibility');
});

for (const [name, respond, expected] of [
  [
    'a JSON 500 whose message carries a stack',
    (res: ServerResponse) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { message: 'TypeError: voice is undefined\n    at synth (/srv/tts/app.js:41:13)', type: 'server_error' } }),
      );
    },
    /server error \(500: TypeError: voice is undefined\)/,
  ],
  [
    'a plain-text 500 that is a stack trace',
    (res: ServerResponse) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Error: out of memory\n    at Worker.run (/srv/tts/worker.js:9:5)\n    at node:internal/process/task_queues:95:5');
    },
    /server error \(500: Error: out of memory\)/,
  ],
  [
    'JSON instead of audio with status 200',
    (res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'model overloaded', code: 'overloaded' } }));
    },
    /not audio .*model overloaded/,
  ],
] as const) {
  test(`Generate Speech against ${name}: the toast is a sentence with Retry and Show Log`, async () => {
    await clearNotifications();
    answer = respond;
    await press(KEYS.speakOpenAi);
    const seen = await errorToast('could not speak it', name, `messages-dark-engine-${name.replace(/\W+/g, '-')}.png`);
    assert.match(seen.message, expected);
    assert.ok(seen.buttons.includes('Retry'), `offers Retry: ${seen.buttons.join(', ')}`);
  });
}

test('importing a file that is not a ZIP says why in a sentence and offers the details', async () => {
  await clearNotifications();
  await runCommand(page, 'Voice History: Import…');
  await answerFileDialog(page, 'open', join(workspace, 'not-an-archive.zip'));
  const t = toast(/rejected 1 file|not imported|could not/i);
  await t.waitFor({ timeout: 30000 });
  await page.waitForTimeout(500);
  await shot('messages-dark-import-not-zip.png');
  const seen = await read(t);
  assertPlain(seen.message, 'import of a non-ZIP');
  assert.ok(
    seen.buttons.some((b) => /Show (Log|Details)/.test(b)),
    `offers the log: ${seen.buttons.join(', ')}`,
  );
});

test('Show Statistics keeps its own tab when a file is opened from the Explorer, and is reused', async () => {
  await clearNotifications();
  await runCommand(page, 'Voice History: Show Statistics');
  const statistics = tab('Voice History Statistics');
  await statistics.waitFor({ timeout: 20000 });
  await page.waitForTimeout(800);
  await shot('messages-dark-statistics.png');
  // The way a newcomer opens a file: a single click in the Explorer (a preview tab).
  await runCommand(page, 'View: Show Explorer');
  await sidebar().locator('.monaco-list-row[aria-label="notes.txt"]').first().click();
  await tab('notes.txt').waitFor({ timeout: 15000 });
  // A Markdown file: an unlocked Markdown preview would switch to showing it.
  await sidebar().locator('.monaco-list-row[aria-label="README.md"]').first().click();
  await tab('README.md').waitFor({ timeout: 15000 });
  await page.waitForTimeout(800);
  await shot('messages-dark-statistics-after-file.png');
  assert.equal(await statistics.count(), 1, 'the statistics tab is still open after files were opened');
  await runCommand(page, 'Voice History: Show Statistics');
  await page.waitForTimeout(500);
  assert.equal(await tab('Voice History Statistics').count(), 1, 'showing it again reuses the tab');
  await setTheme(page, 'Light Modern', false);
  await page.waitForTimeout(800);
  await shot('messages-light-statistics.png');
  await setTheme(page, 'Dark Modern', true);
  await runCommand(page, 'View: Close All Editors');
});

test('the export toast offers to show the file: in the Explorer view inside the workspace, Open Folder outside it', async () => {
  await clearNotifications();
  await page.locator('.activitybar a[aria-label="Voice History"]').click();
  await sidebar().locator(`.monaco-list-row[aria-label^="${FOX}"]`).first().click();
  await page.waitForTimeout(300);
  await runCommand(page, 'Voice History: Export Audio…');
  await pickFormat();
  const inside = join(workspace, 'fox.wav');
  await answerFileDialog(page, 'save', inside);
  const done = toast('exported the audio');
  await done.waitFor({ timeout: 30000 });
  await page.waitForTimeout(500);
  await shot('messages-dark-export-toast.png');
  const seen = await read(done);
  assert.deepEqual(seen.buttons, ['Reveal in Explorer View'], 'inside the workspace: the Explorer view');
  await done.getByRole('button', { name: 'Reveal in Explorer View' }).click();
  await sidebar().locator('.explorer-folders-view .monaco-list-row.selected[aria-label="fox.wav"]').waitFor({ timeout: 15000 });
  await shot('messages-dark-export-revealed.png');
  assert.ok(existsSync(inside));

  await clearNotifications();
  await page.locator('.activitybar a[aria-label="Voice History"]').click();
  await sidebar().locator(`.monaco-list-row[aria-label^="${FOX}"]`).first().click();
  await page.waitForTimeout(300);
  await runCommand(page, 'Voice History: Export Audio…');
  await pickFormat();
  await answerFileDialog(page, 'save', join(exportsDir, 'fox.wav'));
  const outside = toast('exported the audio');
  await outside.waitFor({ timeout: 30000 });
  await setTheme(page, 'Light Modern', false);
  await page.waitForTimeout(500);
  await shot('messages-light-export-toast.png');
  assert.deepEqual((await read(outside)).buttons, ['Open Folder'], 'outside the workspace in the browser: Open Folder');
});
