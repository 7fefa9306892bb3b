// Titles and tags as a user meets them in a real VS Code (code-server + Chromium) over a small
// seeded history: F2 renames the focused row (an input box prefilled with the title; blank
// clears), Add Tags… on three selected rows (new names typed, a bad one refused in the box),
// Remove Tags… on one, the notes in the row's tooltip as plain text, grouping by tag (a row with
// two tags under both, Untagged last), in the dark and the light theme, and notes edited in the
// player. Screenshots go to test-results/organise-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openHistory, type Generation, type HistoryService } from '../../src/history';
import { firstLine } from '../../src/format/text';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';
import { seededHistory, type SeededHistory } from './tree-seed';
import { contextMenu, playerFrame, runCommand, setSideBarWidth, setTheme, sideBarRow, waitUntil } from './palette';

const shots = join(root, 'test-results');
let seed: SeededHistory;
let server: CodeServer;
let page: Page;
let close: () => Promise<void>;
/** The same history, opened from the test as a second window would. */
let history: HistoryService;
let newest: Generation[];

const sidebar = () => page.locator('.part.sidebar');
const row = (labelStart: string) => sideBarRow(page, labelStart);
const quickInput = () => page.locator('.quick-input-widget');
const input = () => quickInput().locator('.quick-input-box input');
const choice = (text: string) => quickInput().locator('.monaco-list-row', { hasText: text }).first();
const shot = (name: string) => page.screenshot({ path: join(shots, `organise-${name}.png`) });
const until = <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 15000) => waitUntil(page, what, read, ok, ms);
const tagsOf = async (g: Generation) => (await history.get(g.id))?.tags ?? [];

async function contextMenuItem(on: string, item: string): Promise<void> {
  await contextMenu(page, row(on), item);
  await quickInput().waitFor({ state: 'visible', timeout: 10000 });
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  // 30 today with audio, 10 older failed ones without (the tree-details seed).
  seed = await seededHistory({ count: 40, withAudio: 30, spacingMinutes: 600 });
  history = await openHistory({ storageDir: seed.storageDir, checkOnOpen: false, tuning: { pollIntervalMs: 200 } });
  newest = (await history.list({ pageSize: 3 })).items;
  server = await startCodeServer({
    env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: seed.storageDir },
    settings: { 'voiceHistory.tree.groupBy': 'date' },
  });
  ({ page, close } = await openWorkbench({ server, theme: 'dark' }));
  await page.locator('.activitybar a[aria-label^="Voice History"]').click();
  await row('Today, group').waitFor({ timeout: 30000 });
  await setTheme(page, 'Dark Modern', true);
  await runCommand(page, 'Notifications: Clear All Notifications');
  // Wide enough for the screenshots to show titles, details and texts.
  await setSideBarWidth(page, 520);
});

/** A screenshot of what the page showed when a test failed, beside the others. */
async function shootFailure(name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    await shot(`failed-${name}`).catch(() => undefined);
    throw e;
  }
}

after(async () => {
  await history?.close();
  await close?.();
  await server?.stop();
  seed?.dispose();
});

test('F2 renames the focused row: the title replaces the first line; F2 again shows it; blank brings the first line back', () =>
  shootFailure('rename', async () => {
    const g = newest[0]!;
    const text = firstLine(g.text);
    await row(text).click();
    await page.keyboard.press('F2');
    await input().waitFor({ timeout: 10000 });
    assert.match(await quickInput().innerText(), /Rename Generation/);
    assert.equal(await input().inputValue(), '', 'no title yet');
    assert.equal(await input().getAttribute('placeholder'), text, 'the first line as the hint');
    await input().fill('Opening take');
    await shot('rename-dark');
    await page.keyboard.press('Enter');
    await row('Opening take, voice').waitFor({ timeout: 15000 });
    assert.equal((await history.get(g.id))?.title, 'Opening take');

    // The row keeps the focus when the box closes (a second click on it would play it).
    await page.keyboard.press('F2');
    await input().waitFor({ timeout: 10000 });
    assert.equal(await input().inputValue(), 'Opening take', 'the box holds the title');
    await input().fill('   ');
    await page.keyboard.press('Enter');
    await row(`${text}, voice`).waitFor({ timeout: 15000 });
    assert.equal((await history.get(g.id))?.title, null);

    await page.keyboard.press('F2');
    await input().waitFor({ timeout: 10000 });
    await input().fill('Opening take');
    await page.keyboard.press('Enter');
    await row('Opening take, voice').waitFor({ timeout: 15000 });
  }));

test('Add Tags… on three selected rows with names typed in the box; a bad name is refused there; Remove Tags… on one', () =>
  shootFailure('tags', async () => {
    const [a, b, c] = newest as [Generation, Generation, Generation];
    await row('Opening take, voice').click();
    await row(firstLine(c.text)).click({ modifiers: ['Shift'] });
    await contextMenuItem(firstLine(c.text), 'Add Tags…');
    assert.match(await quickInput().innerText(), /Add Tags to 3 generations/);
    await input().fill('x'.repeat(70));
    await choice('A tag is at most 64 characters').waitFor({ timeout: 5000 });
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    assert.ok(await quickInput().isVisible(), 'a bad name keeps the box open');
    await input().fill('chapter 1, keeper');
    await choice('New tag “keeper”').waitFor({ timeout: 5000 });
    await shot('add-tags-dark');
    await page.keyboard.press('Enter');
    await until(
      'the three tagged',
      async () => Promise.all([a, b, c].map(tagsOf)),
      (t) => t.every((x) => x.join() === 'chapter 1,keeper'),
    );

    // One row: its tags to pick from, with how many generations carry each.
    await row(firstLine(b.text)).click();
    await contextMenuItem(firstLine(b.text), 'Remove Tags…');
    await choice('keeper').waitFor({ timeout: 5000 });
    await choice('keeper').click();
    await page.keyboard.press('Enter');
    await until(
      'keeper off the middle row',
      () => tagsOf(b),
      (t) => t.join() === 'chapter 1',
    );

    await row(firstLine(b.text)).click();
    await contextMenuItem(firstLine(b.text), 'Add Tags…');
    await choice('3 generations').waitFor({ timeout: 5000 });
    assert.match(await choice('chapter 1').innerText(), /3 generations/);
    assert.match(await choice('keeper').innerText(), /2 generations/);
    await page.keyboard.press('Escape');
  }));

test('grouped by tag, in dark and light: a row with two tags under both, Untagged last; notes show in the tooltip as text', () =>
  shootFailure('group', async () => {
    await history.setNotes(newest[0]!.id, '# Mix notes\n[run this](command:workbench.action.quit) and **not bold**');
    await runCommand(page, 'Voice History: Group History By…');
    await choice('Tag').click();
    await row('chapter 1, group').waitFor({ timeout: 15000 });
    await row('keeper, group').waitFor({ timeout: 15000 });
    await row('Untagged, group').waitFor({ timeout: 15000 });
    const groups = await sidebar()
      .locator('.monaco-list-row[aria-label*=", group of "]')
      .evaluateAll((rows) => rows.map((r) => (r.getAttribute('aria-label') ?? '').replace(/, group of .*/, '')));
    assert.deepEqual(groups, ['Favorites', 'chapter 1', 'keeper', 'Untagged']);
    // Opening "keeper" too shows "Opening take" under both of its tags.
    await row('keeper, group').click();
    await until(
      'Opening take under both tags',
      () => sidebar().locator('.monaco-list-row[aria-label^="Opening take, voice"]').count(),
      (n) => n === 2,
    );
    await page.mouse.move(900, 700);
    await shot('group-by-tag-dark');

    for (const [theme, dark, name] of [
      ['Dark Modern', true, 'dark'],
      ['Light Modern', false, 'light'],
    ] as const) {
      await setTheme(page, theme, dark);
      if (!dark) await shot('group-by-tag-light');
      const hover = page.locator('.monaco-hover:visible, .workbench-hover-container:visible').first();
      for (let attempt = 0; attempt < 4 && !(await hover.isVisible()); attempt++) {
        await page.mouse.move(5, 5);
        await row('Opening take, voice').hover();
        await hover.waitFor({ timeout: 5000 }).catch(() => undefined);
      }
      const tip = await hover.innerText();
      await shot(`tooltip-${name}`);
      assert.match(tip, /Opening take/);
      assert.match(tip, /# Mix notes/, 'the heading shows as typed');
      assert.match(tip, /\[run this\]\(command:workbench\.action\.quit\)/, 'the link shows as text');
      assert.match(tip, /\*\*not bold\*\*/);
      assert.match(tip, /Tags: chapter 1, keeper/);
      assert.equal(await hover.locator('a').count(), 0, 'nothing to click in it');
      await page.mouse.move(5, 5);
    }
  }));

test('notes are edited in the player: typed in the details, saved on leaving the box', () =>
  shootFailure('player-notes', async () => {
    const playerHeader = sidebar().locator('.pane-header[aria-label^="Player"]');
    if ((await playerHeader.getAttribute('aria-expanded')) !== 'true') await playerHeader.click();
    await row('Opening take, voice').click();
    const player = await playerFrame(page);
    const box = player.locator('textarea.notes');
    await box.waitFor({ timeout: 15000 });
    await until(
      'the notes in the box',
      () => box.inputValue(),
      (v) => v.startsWith('# Mix notes'),
    );
    await box.fill('Warmer next time.\nUse for the *trailer*.');
    await box.press('Tab');
    await until(
      'the notes saved',
      async () => (await history.get(newest[0]!.id))?.notes,
      (n) => n === 'Warmer next time.\nUse for the *trailer*.',
    );
    await box.scrollIntoViewIfNeeded();
    await shot('player-notes-light');
  }));
