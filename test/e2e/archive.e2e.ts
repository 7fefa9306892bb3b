// Export, import and purge through the real workbench (code-server) with Playwright: the save and
// open dialogs (code-server's simple file dialog, a quick input one types a path into), the
// progress notification with Cancel, the question for an audio file's text, the summaries, and
// the purge confirmation. Screenshots go to test-results/archive-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { openHistory } from '../../src/history';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';
import { answerFileDialog as answerDialog } from './palette';
import { toneWav, writeLongWav } from './player-seed';

const shots = join(root, 'test-results');
const TEXTS = {
  fox: 'The quick brown fox jumps over the lazy dog.',
  bob: 'A second sentence, spoken by Bob.',
  failed: 'This one failed at the engine.',
  imported: 'Hello from the inbox, typed in the import question.',
};
/** Long narrations that make a bulk export take a few seconds (time to see the progress and cancel). */
const NARRATIONS = 8;

let scratch: string;
let storageDir: string;
let exportsDir: string;
let inbox: string;
let server: CodeServer;
let page: Page;
let close: () => Promise<void>;

const sidebar = () => page.locator('.part.sidebar');
const row = (labelStart: string) =>
  sidebar()
    .locator(`.monaco-list-row[aria-label^="${labelStart.replace(/"/g, '\\"')}"]`)
    .first();
const quickInput = () => page.locator('.quick-input-widget');
const INPUT = '.quick-input-widget .quick-input-box input';
const quickInputBox = () => page.locator(INPUT);
const toast = (text: string | RegExp): Locator => page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
const shot = (name: string) => page.screenshot({ path: join(shots, name) });
/** Lets a notification finish sliding in before a screenshot. */
const settle = () => page.waitForTimeout(600);

async function seed(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const history = await openHistory({ storageDir: dir, checkOnOpen: false });
  try {
    const alice = await history.createProfile({ name: 'Alice', engine: 'flite', voiceId: 'slt' });
    const bob = await history.createProfile({ name: 'Bob', engine: 'flite', voiceId: 'awb' });
    const now = Date.now();
    const wav = (seconds: number, hz: number) => ({
      data: toneWav(seconds, hz),
      format: 'wav',
      duration: seconds,
      sampleRate: 16000,
      channels: 1,
    });
    for (let i = 0; i < NARRATIONS; i++) {
      const file = join(dir, `narration-${i}.wav`);
      writeLongWav(file, 1500, 150 + 20 * i); // 25 minutes, 48 MB
      await history.create(
        {
          profileId: alice.id,
          text: `Chapter ${i + 1} of the long narration.`,
          engine: 'flite',
          status: 'completed',
          createdAt: now - 3 * 86_400_000 + i,
        },
        { filePath: file, format: 'wav', duration: 1500, sampleRate: 16000, channels: 1 },
      );
      rmSync(file);
    }
    await history.create({
      profileId: alice.id,
      text: TEXTS.failed,
      engine: 'flite',
      status: 'failed',
      error: 'The engine crashed.',
      createdAt: now - 120_000,
    });
    await history.create(
      { profileId: bob.id, text: TEXTS.bob, engine: 'flite', status: 'completed', createdAt: now - 60_000 },
      wav(2, 262),
    );
    await history.create(
      {
        profileId: alice.id,
        text: TEXTS.fox,
        engine: 'flite',
        model: 'cmu_us_slt',
        seed: 7,
        status: 'completed',
        isFavorited: true,
        createdAt: now - 30_000,
      },
      wav(3, 220),
    );
  } finally {
    await history.close();
  }
}

/** Each test starts without the previous test's notifications. */
async function clearNotifications(): Promise<void> {
  await palette('Notifications: Clear All Notifications');
  await page
    .locator('.notifications-toasts .notification-toast')
    .first()
    .waitFor({ state: 'detached', timeout: 5000 })
    .catch(() => undefined);
}

/** Runs a command from the Command Palette by its title. */
async function palette(title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = quickInputBox();
  await input.waitFor();
  await input.fill(`>${title}`);
  await quickInput().locator('.monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
}

/** The save or open dialog, answered with `path` (a screenshot of the suggestion first, when named). */
function answerFileDialog(kind: 'save' | 'open', path: string, screenshot?: string): Promise<string> {
  return answerDialog(page, kind, path, screenshot ? () => shot(screenshot) : undefined);
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), 'vh-archive-e2e-'));
  storageDir = join(scratch, 'storage');
  exportsDir = join(scratch, 'exports');
  inbox = join(scratch, 'inbox');
  mkdirSync(exportsDir);
  mkdirSync(inbox);
  writeFileSync(join(inbox, 'hello-from-the-inbox.wav'), toneWav(1.5, 440));
  await seed(storageDir);
  // A theme set up front keeps VS Code's "try the new theme" notification out of the screenshots.
  server = await startCodeServer({
    env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: storageDir },
    settings: { 'workbench.colorTheme': 'Default Dark Modern' },
  });
  ({ page, close } = await openWorkbench({ server, theme: 'dark' }));
  await page.locator('.activitybar a[aria-label="Voice History"]').click();
  await row(TEXTS.fox).waitFor({ timeout: 30000 });
});

after(async () => {
  await close?.();
  await server?.stop();
  // The extension host may still be closing its store for a moment after code-server stops.
  if (scratch) rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
});

test('Export Generation… from the context menu: layout pick, save dialog, summary', async () => {
  await clearNotifications();
  const layouts = quickInput().locator('.monaco-list-row', { hasText: 'Voice History archive' });
  // The tree may still re-render right after start-up and close a context menu opened on it: try again then.
  for (let attempt = 1; ; attempt++) {
    await row(TEXTS.fox).click({ button: 'right' });
    // Hover then Enter: a mouse click on the menu item is not always taken by this workbench's menu.
    const item = page.locator('.context-view .action-menu-item', { hasText: 'Export Generation…' });
    await item
      .hover({ timeout: 10000 })
      .then(() => page.keyboard.press('Enter'))
      .catch(() => undefined);
    const shown = await layouts.waitFor({ timeout: 15000 }).then(
      () => true,
      () => false,
    );
    if (shown) break;
    if (attempt === 3) {
      await shot('archive-failure-context-menu.png');
      throw new Error('the layout pick did not open from the context menu (see test-results/archive-failure-context-menu.png)');
    }
    await page.keyboard.press('Escape');
  }
  await shot('archive-export-layout-pick.png');
  await quickInput().locator('.monaco-list-row', { hasText: 'Voice History archive' }).click();
  const target = join(exportsDir, 'fox.voicehistory.zip');
  const suggested = await answerFileDialog('save', target, 'archive-save-dialog.png');
  assert.match(suggested, /The-quick-brown-fox-jumps-over-the-lazy-dog-[0-9a-f]{8}\.voicehistory\.zip$/, 'a readable default name');
  await toast(/exported 1 generation .* to "fox\.voicehistory\.zip"/).waitFor({ timeout: 30000 });
  await settle();
  await shot('archive-export-done.png');
  assert.ok(existsSync(target));
});

test('Export Filtered… shows progress; Cancel leaves no file behind', async () => {
  await clearNotifications();
  await palette('Voice History: Export Filtered…');
  // Archive or audio files in a folder: this test exports the archive.
  const asArchive = quickInput().locator('.monaco-list-row', { hasText: 'Voice History archive' });
  await asArchive.waitFor({ timeout: 15000 });
  await shot('archive-export-kind-pick.png');
  await asArchive.click();
  const target = join(exportsDir, 'everything.zip');
  const suggested = await answerFileDialog('save', target);
  assert.match(suggested, new RegExp(`voice-history-${NARRATIONS + 3}-generations-\\d{4}-\\d{2}-\\d{2}\\.voicehistory\\.zip$`));
  const progress = toast(`Exporting ${NARRATIONS + 3} generations`);
  await progress.waitFor({ timeout: 15000 });
  await page.waitForTimeout(400);
  await shot('archive-export-progress.png');
  await progress.hover();
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await toast('export cancelled; no file was written').waitFor({ timeout: 15000 });
  await settle();
  await shot('archive-export-cancelled.png');
  assert.deepEqual(readdirSync(exportsDir).sort(), ['fox.voicehistory.zip'], 'neither the archive nor a partial file');
});

test('Import… through the open dialog asks the text of a plain audio file, with progress, then summarises', async () => {
  await clearNotifications();
  await palette('Voice History: Import…');
  await answerFileDialog('open', join(inbox, 'hello-from-the-inbox.wav'), 'archive-open-dialog.png');
  const question = quickInputBox();
  await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLInputElement | null)?.value === 'hello-from-the-inbox', INPUT, {
    timeout: 15000,
  });
  await toast('Importing 1 file').waitFor({ timeout: 10000 });
  assert.match(await quickInput().innerText(), /Text of hello-from-the-inbox\.wav/);
  await toast('what is spoken in it?').waitFor({ timeout: 10000 });
  await settle();
  await shot('archive-import-question.png');
  await question.fill(TEXTS.imported);
  await page.keyboard.press('Enter');
  await toast('imported 1 generation').waitFor({ timeout: 30000 });
  await row(TEXTS.imported).waitFor({ timeout: 15000 });
  await settle();
  await shot('archive-import-done.png');
});

test('a hostile archive is rejected with its reason; Show Details writes it to the log', async () => {
  await clearNotifications();
  await palette('Voice History: Import…');
  await answerFileDialog('open', join(root, 'test', 'fixtures', 'archives', 'hostile', 'zip-slip-dotdot.voicehistory.zip'));
  const summary = toast('rejected 1 file');
  await summary.waitFor({ timeout: 30000 });
  assert.match(await summary.innerText(), /climbs out of the archive/);
  await settle();
  await shot('archive-import-rejected.png');
  await summary.hover();
  await summary.getByRole('button', { name: 'Show Details' }).click();
  const output = page.locator('.part.panel .view-lines');
  await output.filter({ hasText: 'zip-slip-dotdot.voicehistory.zip [zip-slip]' }).first().waitFor({ timeout: 15000 });
  await shot('archive-import-details.png');
});

test('Purge… previews and asks before deleting; favorites are kept', async () => {
  await clearNotifications();
  await palette('Voice History: Purge…');
  await quickInput().locator('.monaco-list-row', { hasText: 'Failed generations' }).waitFor();
  await shot('archive-purge-rules.png');
  await quickInput().locator('.monaco-list-row', { hasText: 'Failed generations' }).click();
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 15000 });
  assert.match(await dialog.innerText(), /Purge 1 generation\?/);
  assert.match(await dialog.innerText(), /failed generations; favorites are kept/);
  assert.match(await dialog.innerText(), /They have no audio files/);
  await shot('archive-purge-confirm.png');
  await dialog.getByRole('button', { name: 'Purge 1' }).click();
  await toast('purged 1 generation').waitFor({ timeout: 15000 });
  await row(TEXTS.failed).waitFor({ state: 'detached', timeout: 15000 });
  assert.ok(await row(TEXTS.fox).isVisible(), 'the favorite and the rest stay');
  await settle();
  await shot('archive-purge-done.png');
});
