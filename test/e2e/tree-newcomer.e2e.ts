// What a newcomer does in the History view in the first minutes, in a real VS Code (code-server +
// Chromium) over a small seeded history: clicks a row and then the title-bar buttons (VS Code
// hands the focused row to them), right-clicks one row, two rows and a failed row, looks at a
// favourite. Light and dark screenshots go to test-results/newcomer-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';
import { seededHistory, type SeededHistory } from './tree-seed';
import { runCommand, setTheme as setThemeIn, titleAction as titleActionOf } from './palette';

const shots = join(root, 'test-results');
let seed: SeededHistory;
let server: CodeServer;
let page: Page;
let close: () => Promise<void>;

const sidebar = () => page.locator('.part.sidebar');
const generationRows = () => sidebar().locator('.monaco-list-row[aria-label*=", voice "]');
const quickInput = () => page.locator('.quick-input-widget');
const errorToasts = () => page.locator('.notifications-toasts .notification-toast:has(.codicon-error)');
const shot = (name: string) => page.screenshot({ path: join(shots, name) });

const setTheme = (theme: string, dark: boolean) => setThemeIn(page, theme, dark);

const titleAction = (label: string) => titleActionOf(page, 'History', label);

/** Opens the title bar's "…" menu and returns the labels it offers. */
async function moreActionsMenu(): Promise<Locator> {
  await (await titleAction('More Actions')).click();
  const menu = page.locator('.context-view .monaco-menu').first();
  await menu.waitFor({ timeout: 10000 });
  return menu;
}

async function menuLabels(menu: Locator): Promise<string[]> {
  const labels = await menu.locator('.action-item:not(.disabled) .action-label').allInnerTexts();
  return labels.map((l) => l.trim()).filter(Boolean);
}

async function contextMenuOn(rowLocator: Locator): Promise<string[]> {
  await rowLocator.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu').first();
  await menu.waitFor({ timeout: 10000 });
  const labels = await menuLabels(menu);
  return labels;
}

async function closeMenus(): Promise<void> {
  await page.keyboard.press('Escape');
  await page
    .locator('.context-view .monaco-menu')
    .waitFor({ state: 'detached', timeout: 5000 })
    .catch(() => undefined);
}

/** The quick input opened by a title-bar button, with no error toast; then closes it. */
async function expectPicker(what: string, titleOrPlaceholder: RegExp): Promise<void> {
  await quickInput()
    .waitFor({ state: 'visible', timeout: 10000 })
    .catch(() => undefined);
  // An error toast would have arrived by now (the failing commands throw at once).
  await page.waitForTimeout(400);
  const errors = await errorToasts().allInnerTexts();
  assert.deepEqual(errors, [], `${what}: no error toast`);
  if (!(await quickInput().isVisible())) await shot(`newcomer-failed-${what.replace(/\W+/g, '-')}.png`);
  assert.ok(await quickInput().isVisible(), `${what}: its picker opened`);
  const shown = `${await quickInput()
    .locator('.quick-input-title')
    .innerText()
    .catch(() => '')} ${await quickInput().locator('.quick-input-box input').getAttribute('placeholder')}`;
  assert.match(shown, titleOrPlaceholder, `${what}: the right picker`);
  await page.keyboard.press('Escape');
  await quickInput().waitFor({ state: 'hidden', timeout: 5000 });
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  // 30 today with audio (one favourite), 10 older failed ones without.
  seed = await seededHistory({ count: 40, withAudio: 30, spacingMinutes: 600 });
  server = await startCodeServer({
    env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: seed.storageDir },
    settings: { 'voiceHistory.tree.groupBy': 'date', 'voiceHistory.confirmDelete': true },
  });
  ({ page, close } = await openWorkbench({ server, theme: 'light' }));
  await page.locator('.activitybar a[aria-label^="Voice History"]').click();
  await sidebar().locator('.monaco-list-row[aria-label^="Today, group"]').waitFor({ timeout: 30000 });
  await setTheme('Light Modern', false);
  await runCommand(page, 'Notifications: Clear All Notifications');
});

after(async () => {
  await close?.();
  await server?.stop();
  seed?.dispose();
});

for (const selection of ['one row', 'two rows'] as const) {
  test(`after clicking ${selection}, the title-bar Search, Filter, Group By and Import… open their pickers`, async () => {
    await generationRows().nth(1).click();
    if (selection === 'two rows')
      await generationRows()
        .nth(2)
        .click({ modifiers: ['Control'] });
    // The selection and focus reach the extension host asynchronously.
    await page.waitForTimeout(300);
    await (await titleAction('Search History')).click();
    await expectPicker('Search', /Search Voice History/);
    await (await titleAction('Filter History')).click();
    await expectPicker('Filter', /Filter/i);
    await (await titleAction('Group History By')).click();
    await expectPicker('Group By', /Group Voice History By/);
    const menu = await moreActionsMenu();
    // VS Code's menus act on mouse up over the item, not on a click on its label.
    const item = menu.locator('.action-menu-item', { hasText: 'Import…' }).first();
    await item.hover();
    await page.keyboard.press('Enter');
    // The open dialog in code-server is a quick input over the workspace folder.
    await expectPicker('Import…', /./);
    await runCommand(page, 'Notifications: Clear All Notifications');
  });
}

test("a row's context menu offers its single-row actions; two rows get bulk actions only; a failed row no audio actions", async () => {
  await generationRows().nth(1).click();
  await page.waitForTimeout(300);
  const one = await contextMenuOn(generationRows().nth(1));
  await shot('newcomer-light-context-one.png');
  await closeMenus();
  for (const action of ['Play', 'Export Audio…', 'Regenerate', 'Reveal Audio File', 'Delete…'])
    assert.ok(one.includes(action), `one row offers ${action}: ${one.join(', ')}`);

  await generationRows().nth(1).click();
  await generationRows()
    .nth(2)
    .click({ modifiers: ['Control'] });
  await page.waitForTimeout(300);
  const two = await contextMenuOn(generationRows().nth(2));
  await shot('newcomer-light-context-two.png');
  await closeMenus();
  for (const single of ['Play', 'Export Audio…', 'Regenerate', 'Reveal Audio File', 'Open Audio in Editor', 'Export Generation…']) {
    assert.ok(!two.includes(single), `two rows do not offer ${single}: ${two.join(', ')}`);
  }
  assert.ok(two.includes('Export Selected…'), `two rows offer Export Selected…: ${two.join(', ')}`);
  assert.ok(
    two.some((l) => /^Delete/.test(l)),
    `two rows offer Delete: ${two.join(', ')}`,
  );

  // The older rows failed without audio: nothing that needs the audio file.
  await (await titleAction('Collapse All')).click();
  const older = sidebar().locator('.monaco-list-row[aria-label*=", group of "]').last();
  await older.click();
  const failed = sidebar().locator('.monaco-list-row[aria-label*=", failed"]').first();
  await failed.waitFor({ timeout: 10000 });
  await failed.click();
  await page.waitForTimeout(300);
  const failedMenu = await contextMenuOn(failed);
  await shot('newcomer-light-context-failed.png');
  await closeMenus();
  for (const audio of ['Play', 'Export Audio…', 'Reveal Audio File', 'Open Audio in Editor']) {
    assert.ok(!failedMenu.includes(audio), `a failed row without audio does not offer ${audio}: ${failedMenu.join(', ')}`);
  }
  assert.ok(failedMenu.includes('Retry'), `a failed row offers Retry: ${failedMenu.join(', ')}`);
});

for (const [theme, dark] of [
  ['Light Modern', false],
  ['Dark Modern', true],
] as const) {
  test(`a favourite shows one star, selected or not (${theme})`, async () => {
    await setTheme(theme, dark);
    const favorites = sidebar().locator('.monaco-list-row[aria-label^="Favorites, group"]');
    await favorites.waitFor({ timeout: 10000 });
    if ((await favorites.getAttribute('aria-expanded')) !== 'true') await favorites.click();
    const favorite = sidebar().locator('.monaco-list-row[aria-label$=", favorite"]').first();
    await favorite.waitFor({ timeout: 10000 });
    await favorite.click();
    await favorite.hover();
    await page.waitForTimeout(300);
    // Stars the row shows: theme icons (inline actions) and the ★ decoration badge (no named inner
    // functions: the test runner's transpiler would wrap them in a helper the page does not have).
    const stars = await favorite.evaluate(
      (el) =>
        [...el.querySelectorAll('*')].filter((e) => {
          const style = getComputedStyle(e);
          if (style.display === 'none' || style.visibility === 'hidden' || e.getBoundingClientRect().width === 0) return false;
          const icon = e.matches('.codicon-star-full, .codicon-star, .codicon-star-empty');
          return icon || /★/.test(getComputedStyle(e, '::after').content);
        }).length,
    );
    await shot(`newcomer-${dark ? 'dark' : 'light'}-favorite.png`);
    assert.equal(stars, 1, 'one star on a favourite row');
  });
}
