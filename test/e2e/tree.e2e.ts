// The History view as a user sees it in a real VS Code (code-server + Chromium), over a history of
// 10,000 generations seeded with the real service: opening the view, the pending badge, switching
// grouping, searching and revealing, multi-selecting and deleting with the confirmation, in the
// light and the dark theme. Screenshots go to test-results/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openHistory } from '../../src/history';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';
import { SEED_NEEDLE, SEED_PROFILES, seededHistory, type SeededHistory } from './tree-seed';
import { runCommand as runPaletteCommand, setTheme as setThemeIn, titleAction as titleActionOf } from './palette';

const shots = join(root, 'test-results');
let seed: SeededHistory;
let server: CodeServer;
let page: Page;
let close: () => Promise<void>;

const sidebar = () => page.locator('.part.sidebar');
const rows = () => sidebar().locator('.monaco-list-row');
const row = (labelStart: string) => sidebar().locator(`.monaco-list-row[aria-label^="${labelStart.replace(/"/g, '\\"')}"]`);
const shot = (name: string) => page.screenshot({ path: join(shots, name) });

const runCommand = (title: string) => runPaletteCommand(page, title);

const setTheme = (theme: string, dark: boolean) => setThemeIn(page, theme, dark);

const titleAction = (label: string) => titleActionOf(page, 'History', label);

before(async () => {
  mkdirSync(shots, { recursive: true });
  seed = await seededHistory({ count: 9_997, withAudio: 9_997, spacingMinutes: 45 });
  // 9,997 seeded + 3 added while the view is open = 10,000.
  server = await startCodeServer({
    env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: seed.storageDir },
    settings: { 'voiceHistory.tree.groupBy': 'date', 'voiceHistory.confirmDelete': true },
  });
  ({ page, close } = await openWorkbench({ server, theme: 'light' }));
});

after(async () => {
  await close?.();
  await server?.stop();
  seed?.dispose();
});

/** Aria labels of the rows rendered now (the list is virtual: only what fits is in the DOM). */
const labels = () => rows().evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
// "Today, group of generations" until the header's count arrives, then "Today, group of 30 generations".
const GROUP_LABEL = /, group of (?:[\d,]+ )?generations?$/;
const groupLabels = async () => (await labels()).filter((l) => GROUP_LABEL.test(l)).map((l) => l.replace(GROUP_LABEL, ''));

async function collapseAll(): Promise<void> {
  await (await titleAction('Collapse All')).click();
  await page.waitForFunction(() => !document.querySelector('.part.sidebar .monaco-list-row[aria-expanded="true"]'), undefined, {
    timeout: 10000,
  });
}

test('opens on 10,000 generations: groups by date, newest first; new ones appear live with the pending badge', async () => {
  await page.locator('.activitybar a[aria-label^="Voice History"]').click();
  await row('Today, group').waitFor({ timeout: 30000 });
  await rows().nth(3).waitFor();
  // Another process (like a second window or the engine) adds three generations: they show up without a refresh.
  await seed.addFresh();
  await row(seed.freshTexts[2]!).waitFor({ timeout: 30000 });
  await setTheme('Light Modern', false);
  await runCommand('Notifications: Clear All Notifications');
  // A wider side bar, so the screenshots show the rows' descriptions.
  const box = (await sidebar().boundingBox())!;
  await page.mouse.move(box.x + box.width - 1, box.y + 300);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width + 260, box.y + 300, { steps: 5 });
  await page.mouse.up();
  await page.mouse.move(900, 700);
  const top = await labels();
  assert.match(top[0]!, /^Favorites/, 'the Favorites group on top');
  assert.match(top[1]!, /^Today/);
  // Newest first inside Today: the three made just now (pending, generating, completed), then the seeded ones.
  assert.deepEqual(
    top.slice(2, 5).map((l) => l.split(', voice ')[0]),
    [seed.freshTexts[2], seed.freshTexts[1], seed.freshTexts[0]],
  );
  // Rows are spoken with their voice, duration, time, status and star.
  assert.equal(top[2], `${seed.freshTexts[2]}, voice Alice, just now, pending`);
  assert.match(top[4]!, /, voice Alice, 3 seconds, 1 min ago, favorite$/);
  const badge = page.locator('.activitybar li.action-item[aria-label^="Voice History"] .badge-content');
  await page.waitForFunction(
    () => document.querySelector('.activitybar li.action-item[aria-label^="Voice History"] .badge-content')?.textContent === '2',
    undefined,
    { timeout: 15000 },
  );
  assert.equal(await badge.innerText(), '2', 'one generating + one pending');
  assert.match(
    String(await page.locator('.activitybar li.action-item[aria-label^="Voice History"]').getAttribute('aria-label')),
    /2 generations pending/,
  );
  await shot('tree-light-by-date.png');

  await collapseAll();
  const groups = await groupLabels();
  assert.deepEqual(groups.slice(0, 3), ['Favorites', 'Today', 'Yesterday']);
  assert.ok(groups.length >= 8, `months back to about a year ago: ${groups.join(', ')}`);
  assert.match(groups.at(-1)!, /^[A-Z][a-z]+ \d{4}$/, 'older months are named');
});

test('switches grouping from the title bar: by voice profile', async () => {
  await (await titleAction('Group History By')).click();
  const pick = page.locator('.quick-input-widget');
  await pick.locator('.monaco-list-row', { hasText: 'Voice Profile' }).click();
  await row('Alice, group').waitFor({ timeout: 15000 });
  await shot('tree-light-by-profile.png');
  await collapseAll();
  assert.deepEqual(await groupLabels(), ['Favorites', ...[...SEED_PROFILES].sort((a, b) => a.localeCompare(b))]);
  // Back to dates for the rest.
  await (await titleAction('Group History By')).click();
  await pick.locator('.monaco-list-row', { hasText: 'Date' }).click();
  await row('Today, group').waitFor({ timeout: 15000 });
});

test('search shows live results and reveals the chosen generation in the tree', async () => {
  await (await titleAction('Search History')).click();
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.pressSequentially(SEED_NEEDLE, { delay: 20 });
  const result = page.locator('.quick-input-widget .monaco-list-row', { hasText: `The ${SEED_NEEDLE} counts the ships` });
  await result.first().waitFor({ timeout: 15000 });
  const count = await result.count();
  assert.ok(count >= 5 && count <= 11, `every match of ~10 found, got ${count}`);
  await shot('tree-light-search.png');
  // The result's text (its label); the tree row shows it after the row's voice, length and age.
  const chosen = (
    await result
      .nth(count - 1)
      .locator('.label-name')
      .first()
      .innerText()
  )
    .split('\n')[0]!
    .trim();
  await result.nth(count - 1).click();
  // The oldest match lies months back and far beyond the first page: the tree loads its page and selects it.
  const revealed = sidebar().locator('.monaco-list-row.selected', { hasText: chosen });
  await revealed.waitFor({ timeout: 15000 });
  assert.equal(await revealed.getAttribute('aria-selected'), 'true');
  await shot('tree-light-revealed.png');
});

test('multi-select and Delete ask for confirmation with the count, then remove them', async () => {
  await collapseAll();
  await row('Today, group').click();
  await row(seed.freshTexts[2]!).waitFor();
  const top = await labels();
  const todayAt = top.findIndex((l) => l.startsWith('Today'));
  const targets = top.slice(todayAt + 1, todayAt + 4).map((l) => l.split(', voice ')[0]!);
  assert.deepEqual(targets, [seed.freshTexts[2], seed.freshTexts[1], seed.freshTexts[0]]);
  await row(targets[0]!).click();
  await row(targets[2]!).click({ modifiers: ['Shift'] });
  assert.equal(await sidebar().locator('.monaco-list-row.selected').count(), 3);
  // The selection reaches the extension host asynchronously; a person takes longer than this to press a key.
  await page.waitForTimeout(300);
  await page.keyboard.press('Delete');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 10000 });
  assert.match(await dialog.innerText(), /Delete 3 generations and their audio\?/);
  await shot('tree-light-delete-confirm.png');
  await dialog.getByRole('button', { name: 'Delete 3' }).click();
  for (const t of targets) await row(t).waitFor({ state: 'detached', timeout: 15000 });
  // Nothing pending any more: the badge is gone.
  await page.waitForFunction(
    () => !document.querySelector('.activitybar li.action-item[aria-label^="Voice History"] .badge-content')?.textContent,
    undefined,
    { timeout: 15000 },
  );
  await shot('tree-light-after-delete.png');
});

test('the filter picker narrows the tree, says so in the header, and one click clears it', async () => {
  await (await titleAction('Filter History')).click();
  const pick = page.locator('.quick-input-widget');
  const favorites = pick.locator('.monaco-list-row', { hasText: 'Favorites only' });
  await favorites.waitFor({ timeout: 15000 });
  assert.ok(await pick.locator('.monaco-list-row', { hasText: 'Alice' }).count(), 'profiles are offered');
  await favorites.click();
  await page.keyboard.press('Enter');
  const header = sidebar().locator('.pane-header', { hasText: 'History' }).first();
  await header.locator('.description', { hasText: 'Filtered: favorites' }).waitFor({ timeout: 15000 });
  // No separate Favorites group when only favorites show.
  await row('Favorites, group').waitFor({ state: 'detached', timeout: 15000 });
  await row('Today, group').waitFor();
  const shown = await labels();
  assert.ok(
    shown.filter((l) => l.includes(', voice ')).every((l) => l.endsWith('favorite')),
    'only favorites',
  );
  await shot('tree-light-filtered.png');
  await (await titleAction('Clear Filters')).click();
  await header.locator('.description', { hasText: 'Filtered' }).waitFor({ state: 'detached', timeout: 15000 });
  await row('Favorites, group').waitFor();
});

test('dark theme', async () => {
  await setTheme('Dark Modern', true);
  await row('Today, group').waitFor();
  await shot('tree-dark-by-date.png');
  // The tooltip: the whole text and the details, on hover.
  const first = sidebar().locator('.monaco-list-row[aria-label*=", voice "]').first();
  await first.hover();
  const hover = page.locator('.monaco-hover:visible, .workbench-hover-container:visible').first();
  await hover.waitFor({ timeout: 10000 });
  // The tooltip is resolved when first hovered: VS Code shows "Loading..." until it arrives.
  await hover.filter({ hasText: 'Engine:' }).waitFor({ timeout: 10000 });
  assert.match(await hover.innerText(), /Engine:/);
  await shot('tree-dark-tooltip.png');
});

test('the deletion reached the store: 3 fewer generations', async () => {
  await close();
  await server.stop();
  const history = await openHistory({ storageDir: seed.storageDir, checkOnOpen: false });
  try {
    assert.equal((await history.list({ pageSize: 1, offset: 0 })).total, seed.count + 3 - 3);
  } finally {
    await history.close();
  }
});
