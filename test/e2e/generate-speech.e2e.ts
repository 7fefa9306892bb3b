// Generate Speech… as a newcomer meets it in a real VS Code (code-server + Chromium) with the
// offline Flite engine: numbered steps ("1/3", "2/3", "3/3"), VS Code's Back button, and text of
// several lines written in an editor the text step opens ("Speak This Text" takes it, with no
// save prompt). Screenshots go to test-results/generate-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';
import { runCommand, setTheme } from './palette';

const shots = join(root, 'test-results');
let scratch: string;
let server: CodeServer;
let page: Page;
let close: () => Promise<void>;

const quickInput = () => page.locator('.quick-input-widget');
const titleBar = () => quickInput().locator('.quick-input-titlebar');
const backButton = () => titleBar().locator('.codicon-quick-input-back').first();
const shot = (name: string) => page.screenshot({ path: join(shots, name) });

/** The quick input's title bar once it reads `step` (e.g. "2/3"). */
async function atStep(step: string): Promise<string> {
  await titleBar().filter({ hasText: step }).waitFor({ timeout: 15000 });
  return (await titleBar().innerText()).replace(/\s+/g, ' ').trim();
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), 'vh-generate-e2e-'));
  const storageDir = join(scratch, 'storage');
  mkdirSync(storageDir);
  server = await startCodeServer({
    env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: storageDir },
    settings: { 'voiceHistory.playAfterGenerating': false },
  });
  ({ page, close } = await openWorkbench({ server, theme: 'dark' }));
  await page.locator('.activitybar a[aria-label="Voice History"]').click();
  await page.getByRole('button', { name: 'Generate Speech' }).first().waitFor({ timeout: 30000 });
  // Once the workbench is up (the settings file alone is not applied on code-server's first load).
  await setTheme(page, 'Dark Modern', true);
});

after(async () => {
  await close?.();
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
});

test('Generate Speech… numbers its steps 1/3, 2/3, 3/3 and Back returns to the previous one', async () => {
  await runCommand(page, 'Voice History: Generate Speech…');
  const first = await atStep('1/3');
  assert.match(first, /Generate Speech/);
  assert.equal(await backButton().count(), 0, 'the first step has no Back button');
  await quickInput().locator('.monaco-list-row', { hasText: 'Flite' }).first().waitFor();
  await shot('generate-dark-step-1.png');
  await page.keyboard.press('Enter');

  await atStep('2/3');
  await quickInput().locator('.monaco-list-row').first().waitFor({ timeout: 15000 });
  await shot('generate-dark-step-2.png');
  await backButton().click();
  await atStep('1/3');
  await page.keyboard.press('Enter');
  await atStep('2/3');
  await quickInput().locator('.monaco-list-row').first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');

  const third = await atStep('3/3');
  assert.match(third, /Generate Speech/);
  await shot('generate-dark-step-3.png');
  // Back from the text keeps the voice chosen, and forward again lands on the text.
  await backButton().click();
  await atStep('2/3');
  await page.keyboard.press('Escape');
  await quickInput().waitFor({ state: 'hidden', timeout: 5000 });
});

test('the text step opens an editor for several lines; Speak This Text speaks them without a save prompt', async () => {
  await runCommand(page, 'Voice History: Generate Speech…');
  await atStep('1/3');
  await page.keyboard.press('Enter');
  await atStep('2/3');
  await quickInput().locator('.monaco-list-row').first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  await atStep('3/3');
  await page.keyboard.type('First line of the note.');
  const editorButton = titleBar()
    .locator('a[aria-label="Type Several Lines in an Editor"], .action-label[title="Type Several Lines in an Editor"]')
    .first();
  await editorButton.click();
  const editor = page.locator('.part.editor .monaco-editor').first();
  await editor.waitFor({ timeout: 15000 });
  await quickInput().waitFor({ state: 'hidden', timeout: 5000 });
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('And a second line after it.');
  await page.waitForTimeout(500);
  await shot('generate-dark-compose.png');
  const speak = page.locator('.part.editor a.action-label[aria-label^="Speak This Text"]').first();
  await speak.waitFor({ timeout: 10000 });
  await setTheme(page, 'Light Modern', false);
  await page.waitForTimeout(500);
  await shot('generate-light-compose.png');
  await speak.click();
  // The untitled editor goes without asking to save; the generation appears in the History view.
  await page.locator('.part.sidebar .monaco-list-row[aria-label^="First line of the note."]').first().waitFor({ timeout: 60000 });
  assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no save prompt');
  assert.equal(await page.locator('.part.editor .tabs-container .tab', { hasText: 'Untitled' }).count(), 0, 'the editor was closed');
  await shot('generate-light-spoken.png');

  // Light theme, the numbered first step.
  await runCommand(page, 'Voice History: Generate Speech…');
  await atStep('1/3');
  await shot('generate-light-step-1.png');
  await page.keyboard.press('Escape');
  await setTheme(page, 'Dark Modern', true);
});
