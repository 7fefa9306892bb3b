// Generate Script as a user meets it in a real VS Code (code-server + Chromium) with the offline
// Flite engine: open a script, run Generate Script from the palette and watch the per-cue states
// and the progress, see a CodeLens on each voiced cue, edit a line and see it marked stale on the
// keystroke, regenerate it from its lens, and play a cue from its lens. Dark and light looks go to
// test-results/scripts-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';
import { playerFrame, runCommand, setTheme, waitUntil } from './palette';

const shots = join(root, 'test-results');
let scratch: string;
let server: CodeServer;
let page: Page;
let close: () => Promise<void>;
const shot = (name: string) => page.screenshot({ path: join(shots, name) });

const CUES = 24;
const SCRIPT = [
  '---',
  'cues: line',
  'speakers:',
  '  NARRATOR: slt',
  '  ROBOT: rms',
  '---',
  '# The lighthouse',
  ...Array.from({ length: CUES }, (_, i) =>
    i % 2 === 0 ? `NARRATOR: The keeper climbed step ${i + 1} of the tower.` : `ROBOT: Beacon check ${i + 1}, all clear.`,
  ),
  '',
].join('\n');

const lenses = (text: string) => page.locator('.contentWidgets .codelens-decoration a', { hasText: text });

before(async () => {
  mkdirSync(shots, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), 'vh-scripts-e2e-'));
  const storageDir = join(scratch, 'storage');
  const workspace = join(scratch, 'workspace');
  mkdirSync(storageDir);
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'lighthouse.md'), SCRIPT);
  server = await startCodeServer({
    workspace,
    env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: storageDir },
    settings: { 'voiceHistory.playAfterGenerating': false, 'workbench.startupEditor': 'none' },
  });
  ({ page, close } = await openWorkbench({ server, theme: 'dark' }));
  await setTheme(page, 'Dark Modern', true);
  // Open the script from the Explorer, as a user would.
  await page.keyboard.press('Control+Shift+E');
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'lighthouse.md' }).first().click();
  await page.locator('.tabs-container .tab', { hasText: 'lighthouse.md' }).waitFor({ timeout: 30000 });
});

after(async () => {
  await close?.();
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
});

test('Generate Script shows progress and per-cue states, then a ▶ Play lens on every voiced cue', async () => {
  await page.locator('.monaco-editor .view-lines').first().click();
  await runCommand(page, 'Voice History: Generate Script');
  const progress = page.locator('.notifications-toasts .notification-toast', { hasText: 'Generate Script: lighthouse.md' });
  await progress.waitFor({ timeout: 30000 });
  const message = await waitUntil(
    page,
    'a progress count',
    () => progress.innerText(),
    (t) => /\d+ of 24 cues/.test(t),
  );
  assert.match(message, /of 24 cues/);
  await shot('scripts-dark-running.png');
  await waitUntil(
    page,
    'a lens on every cue',
    () => lenses('▶ Play').count(),
    (n) => n === CUES,
    180_000,
  );
  await page.locator('.notifications-toasts', { hasText: '24 cues generated, 0 unchanged' }).waitFor({ timeout: 30000 });
  await shot('scripts-dark-voiced.png');
  assert.equal(await lenses('1 take').count(), CUES);
});

test('an edited line is marked stale on the keystroke; its lens regenerates just that cue', async () => {
  // Line 9 of the file is the third cue ("NARRATOR: The keeper climbed step 3 …").
  await runCommand(page, 'Go to Line/Column...');
  await page.keyboard.type('9:1');
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
  await page.keyboard.type(' Slowly.');
  await lenses('stale: regenerate').first().waitFor({ timeout: 5000 });
  assert.equal(await lenses('stale: regenerate').count(), 1);
  assert.equal(await lenses('▶ Play old take').count(), 1);
  await shot('scripts-dark-stale.png');
  await lenses('stale: regenerate').first().click();
  await page.locator('.notifications-toasts', { hasText: '1 cue generated, 23 unchanged' }).waitFor({ timeout: 60000 });
  await waitUntil(
    page,
    'no stale lens',
    () => lenses('stale: regenerate').count(),
    (n) => n === 0,
  );
  assert.equal(await lenses('▶ Play').count(), CUES);
});

test('▶ Play on a cue plays it in the player; the light theme reads as well', async () => {
  await lenses('▶ Play').nth(1).click();
  const frame = await playerFrame(page);
  await waitUntil(
    page,
    'the player showing the cue',
    () => frame.locator('#app').innerText(),
    (t) => t.includes('Beacon check 2'),
    30_000,
  );
  await shot('scripts-dark-play.png');
  await setTheme(page, 'Light Modern', false);
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('ROBOT: A new last line.');
  await page.keyboard.press('Control+Home');
  await runCommand(page, 'Go to Line/Column...');
  await page.keyboard.type('10:1');
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
  await page.keyboard.type(' Over.');
  await lenses('stale: regenerate').first().waitFor({ timeout: 5000 });
  await shot('scripts-light-stale.png');
});
