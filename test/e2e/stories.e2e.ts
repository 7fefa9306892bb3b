// Stories through the real workbench (code-server + Chromium): two generations selected in the
// History view, Add to Story… (a new story, one track per voice), the Stories view, Export Story…
// with its questions, the save dialog, progress and the done toast; Cancel on a long export; the
// delete confirmations naming the story and its items. Dark and light. Screenshots go to
// test-results/stories-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { openHistory } from '../../src/history';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';
import { answerFileDialog, runCommand, setSideBarWidth, setTheme } from './palette';
import { toneWav, writeLongWav } from './player-seed';

const shots = join(root, 'test-results');
const TEXTS = {
  alice: 'Welcome to the show, I am Alice.',
  bob: 'Thanks for having me, said Bob.',
  later: 'A line nobody added.',
  long: 'The long narration for the long story.',
};
const LONG_STORY = 'Long story';

let scratch: string;
let storageDir: string;
let exportsDir: string;
let server: CodeServer;
let page: Page;
let close: () => Promise<void>;

const sidebar = () => page.locator('.part.sidebar');
const row = (labelStart: string) =>
  sidebar()
    .locator(`.monaco-list-row[aria-label^="${labelStart.replace(/"/g, '\\"')}"]`)
    .first();
const quickInput = () => page.locator('.quick-input-widget');
const pickRow = (text: string) => quickInput().locator('.monaco-list-row', { hasText: text }).first();
const toast = (text: string | RegExp): Locator => page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
const dialog = () => page.locator('.monaco-dialog-box');
const shot = (name: string) => page.screenshot({ path: join(shots, name) });
const settle = () => page.waitForTimeout(600);

async function seed(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const history = await openHistory({ storageDir: dir, checkOnOpen: false });
  try {
    const alice = await history.createProfile({
      name: 'Alice',
      engine: 'flite',
      voiceId: 'slt',
    });
    const bob = await history.createProfile({
      name: 'Bob',
      engine: 'flite',
      voiceId: 'awb',
    });
    const now = Date.now();
    const wav = (seconds: number, hz: number) => ({
      data: toneWav(seconds, hz),
      format: 'wav',
      duration: seconds,
      sampleRate: 16000,
      channels: 1,
    });
    await history.create(
      {
        profileId: alice.id,
        text: TEXTS.later,
        engine: 'flite',
        status: 'completed',
        createdAt: now - 90_000,
      },
      wav(1, 330),
    );
    await history.create(
      {
        profileId: alice.id,
        text: TEXTS.alice,
        engine: 'flite',
        status: 'completed',
        createdAt: now - 60_000,
      },
      wav(2, 220),
    );
    await history.create(
      {
        profileId: bob.id,
        text: TEXTS.bob,
        engine: 'flite',
        status: 'completed',
        createdAt: now - 30_000,
      },
      wav(1.5, 262),
    );
    // A story long enough (20 minutes) that its export can be cancelled while it runs.
    const file = join(dir, 'long.wav');
    writeLongWav(file, 1200, 180);
    const long = await history.create(
      {
        profileId: alice.id,
        text: TEXTS.long,
        engine: 'flite',
        status: 'completed',
        createdAt: now - 5 * 86_400_000,
      },
      {
        filePath: file,
        format: 'wav',
        duration: 1200,
        sampleRate: 16000,
        channels: 1,
      },
    );
    rmSync(file);
    const story = await history.createStory({
      name: LONG_STORY,
      description: 'Twenty minutes of one voice.',
    });
    await history.editStory(story.id, {
      type: 'add',
      items: [{ generationId: long.id }, { generationId: long.id, track: 1, startMs: 600_000 }],
    });
  } finally {
    await history.close();
  }
}

async function clearNotifications(): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page
    .locator('.notifications-toasts .notification-toast')
    .first()
    .waitFor({ state: 'detached', timeout: 5000 })
    .catch(() => undefined);
}

/** Opens a row's context menu and runs one of its items (retrying while the tree re-renders). */
async function contextMenu(target: Locator, item: string, expect: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await target.click({ button: 'right' });
    const entry = page.locator('.context-view .action-menu-item', { hasText: item }).first();
    await entry
      .hover({ timeout: 10000 })
      .then(() => page.keyboard.press('Enter'))
      .catch(() => undefined);
    if (
      await expect.waitFor({ timeout: 10000 }).then(
        () => true,
        () => false,
      )
    )
      return;
    if (attempt === 3) {
      await shot('stories-failure-context-menu.png');
      throw new Error(`"${item}" did not open from the context menu (see test-results/stories-failure-context-menu.png)`);
    }
    await page.keyboard.press('Escape');
  }
}

/** The length of an audio file, measured by ffprobe. */
function probeSeconds(file: string): number {
  return Number(
    execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim(),
  );
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), 'vh-stories-e2e-'));
  storageDir = join(scratch, 'storage');
  exportsDir = join(scratch, 'exports');
  mkdirSync(exportsDir);
  await seed(storageDir);
  server = await startCodeServer({
    env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: storageDir },
    settings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'voiceHistory.confirmDelete': true,
    },
  });
  ({ page, close } = await openWorkbench({
    server,
    theme: 'dark',
    viewport: { width: 1400, height: 900 },
  }));
  await page.locator('.activitybar a[aria-label="Voice History"]').click();
  await row(TEXTS.bob).waitFor({ timeout: 30000 });
  // code-server's first load ignores the theme in settings: picked as a user does.
  await setTheme(page, 'Dark Modern', true);
  // Wide enough for the rows' descriptions (track · start · length) to show.
  await setSideBarWidth(page, 560);
});

after(async () => {
  await close?.();
  await server?.stop();
  if (scratch)
    rmSync(scratch, {
      recursive: true,
      force: true,
      maxRetries: 10,
      retryDelay: 300,
    });
});

test('two generations selected, Add to Story…: a new story, one track per voice, shown in the Stories view', async () => {
  await clearNotifications();
  // Selection order is the story's order: Alice first, then Bob (shown above her).
  await row(TEXTS.alice).click();
  await row(TEXTS.bob).click({ modifiers: ['Control'] });
  await contextMenu(row(TEXTS.bob), 'Add to Story…', pickRow('New Story…'));
  await shot('stories-add-pick.png');
  await pickRow('New Story…').click();
  const input = quickInput().locator('.quick-input-box input');
  await page.waitForFunction(
    () => (document.querySelector('.quick-input-widget .quick-input-box input') as HTMLInputElement)?.value !== '',
    undefined,
    { timeout: 10000 },
  );
  await input.fill('');
  await quickInput().getByText('Name the story.').waitFor({ timeout: 10000 });
  await shot('stories-add-name-empty.png');
  await input.fill('Pilot episode');
  await page.keyboard.press('Enter');
  await pickRow('One track per voice profile').waitFor({ timeout: 10000 });
  await shot('stories-add-tracks.png');
  await pickRow('One track per voice profile').click();

  const story = row('Pilot episode, story of 2 items');
  await story.waitFor({ timeout: 20000 });
  await row(`${TEXTS.alice}, Track 1, at 0:00.0`).waitFor({ timeout: 10000 });
  await row(`${TEXTS.bob}, Track 2, at 0:02.2`).waitFor({ timeout: 10000 });
  await page.mouse.move(900, 700);
  await settle();
  await shot('stories-view-dark.png');
  await setTheme(page, 'Light Modern', false);
  await clearNotifications();
  await settle();
  await shot('stories-view-light.png');
  await setTheme(page, 'Dark Modern', true);
});

test('Export Story…: format, channels, loudness, save dialog, then the export-done toast; ffprobe reads the file', async () => {
  await clearNotifications();
  await contextMenu(row('Pilot episode, story of'), 'Export Story…', pickRow('MP3, 192 kbps'));
  await shot('stories-export-format.png');
  await pickRow('MP3, 192 kbps').click();
  await pickRow('Stereo').click();
  await pickRow('−16 LUFS').click();
  // Captions and stems in the same flow: SRT ticked, then OK.
  await pickRow('SRT captions').waitFor({ timeout: 10000 });
  await pickRow('SRT captions').locator('.monaco-checkbox, input[type=checkbox]').first().click();
  await settle();
  await shot('stories-export-extras.png');
  await page.keyboard.press('Enter');
  const target = join(exportsDir, 'pilot.mp3');
  const suggested = await answerFileDialog(page, 'save', target, () => shot('stories-export-save.png'));
  assert.match(suggested, /Pilot episode\.mp3$/);
  await toast(/exported “Pilot episode” \(3\.7 s, .*\) to pilot\.mp3, with 1 caption file/).waitFor({
    timeout: 60000,
  });
  await settle();
  await shot('stories-export-done.png');
  assert.ok(Math.abs(probeSeconds(target) - 3.7) < 0.1, `the MP3 lasts the story's 3.7 s (${probeSeconds(target)})`);
  assert.deepEqual(readdirSync(exportsDir).sort(), ['pilot.mp3', 'pilot.srt']);
});

test('a long export shows progress and Cancel leaves no file', async () => {
  await clearNotifications();
  await contextMenu(row(`${LONG_STORY}, story of`), 'Export Story…', pickRow('WAV, 16-bit'));
  await pickRow('WAV, 16-bit').click();
  await pickRow('Stereo').click();
  await pickRow('Normalise peaks').click();
  await pickRow('Stems').waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  await answerFileDialog(page, 'save', join(exportsDir, 'long.wav'));
  const progress = toast(`Exporting “${LONG_STORY}”`);
  await progress.waitFor({ timeout: 15000 });
  await page.waitForTimeout(800);
  await shot('stories-export-progress.png');
  await progress.hover();
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await toast('was cancelled; nothing was saved').waitFor({ timeout: 15000 });
  assert.deepEqual(readdirSync(exportsDir).sort(), ['pilot.mp3', 'pilot.srt'], 'no partial file');
});

test('deleting a generation a story uses asks first and names the story; Delete Story names its items', async () => {
  await clearNotifications();
  await row(TEXTS.bob).click();
  await page.keyboard.press('Delete');
  await dialog().waitFor({ timeout: 15000 });
  const text = await dialog().innerText();
  assert.match(text, /Delete this generation and its audio\?/);
  assert.match(text, /It is used in the story: “Pilot episode” \(1 item\)\. That item is removed from the story too\./);
  await shot('stories-delete-generation-confirm.png');
  await dialog().getByRole('button', { name: 'Cancel' }).click();
  await dialog().waitFor({ state: 'detached' });

  await contextMenu(row('Pilot episode, story of'), 'Delete Story…', dialog());
  assert.match(
    await dialog().innerText(),
    /Delete the story “Pilot episode”\?[\s\S]*Its 2 items go with it; the generations and their audio stay/,
  );
  await shot('stories-delete-story-confirm.png');
  await dialog().getByRole('button', { name: 'Delete Story' }).click();
  await row('Pilot episode, story of').waitFor({
    state: 'detached',
    timeout: 15000,
  });
  assert.ok(existsSync(join(exportsDir, 'pilot.mp3')));
  await row(TEXTS.bob).waitFor();
  await settle();
  await shot('stories-after-delete.png');
});
