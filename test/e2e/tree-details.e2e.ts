// What the History view tells a newcomer without hovering, in a real VS Code (code-server +
// Chromium) over a small seeded history: how many generations each group header, filter choice
// and purge holds; a Clear Filters button when a filter matches nothing; a filter badge that is
// not cut off; and each row's voice, duration and age before its text is cut off at a narrow side
// bar. Screenshots (light, dark, high contrast; default and 190 px wide) go to test-results/details-*.png.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';
import { openHistory } from '../../src/history';
import { toneWav } from './player-seed';
import { seededHistory, type SeededHistory } from './tree-seed';
import { playerFrame, runCommand, setSideBarWidth, setTheme, titleAction as titleActionOf, waitUntil } from './palette';

const shots = join(root, 'test-results');
let seed: SeededHistory;
let server: CodeServer;
let page: Page;
let close: () => Promise<void>;
let defaultWidth = 0;
const DAY = 86_400_000;
const FLITE_TEXT = 'Spoken by the built-in slt voice.';
/** The seed plus the Flite voice's generation. */
const total = () => seed.count + 1;

const sidebar = () => page.locator('.part.sidebar');
const row = (labelStart: string) =>
  sidebar()
    .locator(`.monaco-list-row[aria-label^="${labelStart.replace(/"/g, '\\"')}"]`)
    .first();
const generationRows = () => sidebar().locator('.monaco-list-row[aria-label*=", voice "]');
const groupHeaders = () => sidebar().locator('.monaco-list-row[aria-label*=", group of "]');
const header = () => sidebar().locator('.pane-header', { hasText: 'History' }).first();
const quickInput = () => page.locator('.quick-input-widget');
const shot = (name: string) => page.screenshot({ path: join(shots, `details-${name}.png`) });
const titleAction = (label: string) => titleActionOf(page, 'History', label);

const until = <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 15000): Promise<T> =>
  waitUntil(page, what, read, ok, ms);

/** Each group header's label and the count it shows ("" when none). */
async function headerCounts(): Promise<Array<{ label: string; count: string }>> {
  return groupHeaders().evaluateAll((rows) =>
    rows.map((r) => ({
      label: r.querySelector('.label-name')?.textContent?.trim() ?? '',
      count: r.querySelector('.label-description')?.textContent?.trim() ?? '',
    })),
  );
}

/** Opens the filter picker and returns its choices' texts (label and description). */
async function filterChoices(): Promise<string[]> {
  await (await titleAction('Filter History')).click();
  await quickInput().locator('.monaco-list-row', { hasText: 'Favorites only' }).waitFor({ timeout: 15000 });
  return quickInput()
    .locator('.monaco-list-row')
    .evaluateAll((rows) => rows.map((r) => (r.getAttribute('aria-label') ?? r.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

async function pickFilter(...choices: string[]): Promise<void> {
  await filterChoices();
  for (const c of choices) await quickInput().locator('.monaco-list-row', { hasText: c }).first().click();
  await page.keyboard.press('Enter');
  await quickInput().waitFor({ state: 'hidden', timeout: 10000 });
}

/**
 * The filter's words as the view shows them while the pointer is over it (the title-bar buttons
 * then take the header's room): the message line above the rows, whole or cut off.
 */
async function filterBadge(): Promise<{ text: string; cut: boolean }> {
  await header().hover();
  await page.waitForTimeout(200);
  const message = sidebar().locator('.pane-body .message', { hasText: 'match the filter' }).first();
  await message.waitFor({ timeout: 15000 });
  return message.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const bar = document.querySelector('.part.sidebar')!.getBoundingClientRect();
    return { text: el.textContent ?? '', cut: el.scrollWidth > el.clientWidth + 1 || box.right > bar.right + 1 || box.width === 0 };
  });
}

/**
 * How much of a generation row's details is visible: the text range from the row's start to the
 * end of its duration ("Alice · 3.8 s") and to the end of its age ("… · 5 min ago"), measured
 * against the row's label box (which clips what does not fit).
 */
async function detailsVisible(index: number): Promise<{ details: string; voiceAndDuration: boolean; all: boolean }> {
  return generationRows()
    .nth(index)
    .evaluate((r) => {
      const box = r.querySelector('.monaco-icon-label-container')!.getBoundingClientRect();
      const walker = document.createTreeWalker(r, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent ?? '';
        const m = /^(.*?\d+(?:\.\d)? s)( · (?:just now|\d+ (?:min|h|d) ago|yesterday|[^·]+))?/.exec(text);
        if (!m) continue;
        // No named inner functions: the test runner's transpiler would wrap them in a helper the page does not have.
        const [voiceAndDuration, all] = [m[1]!.length, m[0].length].map((end) => {
          const range = document.createRange();
          range.setStart(n, 0);
          range.setEnd(n, end);
          const rect = range.getBoundingClientRect();
          return rect.right <= box.right + 1 && rect.left >= box.left - 1;
        });
        return { details: m[0], voiceAndDuration: voiceAndDuration!, all: all! };
      }
      return { details: '', voiceAndDuration: false, all: false };
    });
}

/**
 * One more generation the way Generate Speech makes it with the built-in engine: a profile named
 * after its Flite voice ("slt"), 200 days old (its own month group, so Today keeps the seed's 30).
 */
async function addFliteVoiceGeneration(storageDir: string): Promise<void> {
  const history = await openHistory({ storageDir, checkOnOpen: false });
  try {
    const profile = await history.createProfile({ name: 'slt', engine: 'flite', voiceId: 'slt', language: 'en' });
    await history.create(
      {
        profileId: profile.id,
        text: FLITE_TEXT,
        engine: 'flite',
        model: 'flite-2.3',
        status: 'completed',
        createdAt: Date.now() - 200 * DAY,
      },
      { data: toneWav(1, 440), format: 'wav', duration: 1, sampleRate: 16000, channels: 1 },
    );
  } finally {
    await history.close();
  }
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  // 30 today with audio (one favourite), 10 older failed ones without (the same seed as tree-newcomer).
  seed = await seededHistory({ count: 40, withAudio: 30, spacingMinutes: 600 });
  await addFliteVoiceGeneration(seed.storageDir);
  server = await startCodeServer({
    env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: seed.storageDir },
    settings: { 'voiceHistory.tree.groupBy': 'date' },
  });
  ({ page, close } = await openWorkbench({ server, theme: 'light' }));
  await page.locator('.activitybar a[aria-label^="Voice History"]').click();
  await row('Today, group').waitFor({ timeout: 30000 });
  await setTheme(page, 'Light Modern', false);
  await runCommand(page, 'Notifications: Clear All Notifications');
  defaultWidth = Math.round((await sidebar().boundingBox())!.width);
});

/** Each test starts from the plain view: no dialog, picker or hover open, no filter, light theme at the default width. */
beforeEach(async () => {
  if (!page) return;
  for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
  await page
    .locator('.monaco-dialog-box')
    .waitFor({ state: 'detached', timeout: 5000 })
    .catch(() => undefined);
  await page.mouse.move(5, 5);
  if (await header().locator('.description', { hasText: 'Filtered' }).count()) {
    await runCommand(page, 'Voice History: Clear Filters');
    await header().locator('.description', { hasText: 'Filtered' }).waitFor({ state: 'detached', timeout: 15000 });
  }
  await runCommand(page, 'Notifications: Clear All Notifications');
  if (defaultWidth && Math.abs(Math.round((await sidebar().boundingBox())!.width) - defaultWidth) > 2)
    await setSideBarWidth(page, defaultWidth);
});

after(async () => {
  await close?.();
  await server?.stop();
  seed?.dispose();
});

test('group headers show how many generations each holds', async () => {
  const counts = await until('counts on every group header', headerCounts, (hs) => hs.length > 1 && hs.every((h) => /^\d+$/.test(h.count)));
  await shot('light-counts');
  const byLabel = new Map(counts.map((h) => [h.label, Number(h.count)]));
  assert.equal(byLabel.get('Today'), 30, `Today holds the 30 newest: ${JSON.stringify(counts)}`);
  assert.equal(byLabel.get('Favorites'), 1, 'one favourite');
  const regular = counts.filter((h) => h.label !== 'Favorites').reduce((n, h) => n + Number(h.count), 0);
  assert.equal(regular, total(), 'the regular groups add up to every generation');
  assert.match((await row('Today, group').getAttribute('aria-label')) ?? '', /^Today, group of 30 generations$/);
});

test("the filter picker's choices show their counts", async () => {
  const choices = await filterChoices();
  await shot('light-filter-counts');
  await page.keyboard.press('Escape');
  const count = (re: RegExp) => {
    const c = choices.find((t) => re.test(t));
    assert.ok(c, `a choice matching ${re}: ${choices.join(' | ')}`);
    return Number(/\((\d+)\)/.exec(c)?.[1]);
  };
  assert.equal(count(/Favorites only/), 1);
  assert.equal(count(/\bcompleted\b/), 31);
  assert.equal(count(/\bfailed\b/), 10);
  const profiles = choices.filter((t) => /Alice|Bob|Narrator|Documentary|Podcast intro|slt/.test(t) && !/\bfailed|completed\b/.test(t));
  assert.equal(
    profiles.reduce((n, t) => n + Number(/\((\d+)\)/.exec(t)?.[1] ?? NaN), 0),
    total(),
    `every profile choice has a count: ${profiles.join(' | ')}`,
  );
});

test('a filter that matches nothing offers Clear Filters in the view', async () => {
  await pickFilter('Favorites only', 'failed');
  const welcome = sidebar().locator('.welcome-view-content');
  const clear = welcome.locator('a, .monaco-button', { hasText: 'Clear Filters' }).first();
  await clear.waitFor({ timeout: 15000 });
  await shot('light-no-results');
  const description = (await header().locator('.description').textContent()) ?? '';
  assert.match(description, /^Filtered: /);
  assert.match(description, /favorites/);
  assert.match(description, /failed/);
  await clear.click();
  await header().locator('.description', { hasText: 'Filtered' }).waitFor({ state: 'detached', timeout: 15000 });
  await row('Today, group').waitFor({ timeout: 15000 });
});

test('the filter reads whole at the default side bar width, with the pointer over the view', async () => {
  await pickFilter('Favorites only', 'completed');
  const badge = await filterBadge();
  await shot('light-filtered-default');
  assert.equal(badge.text, `1 of ${total()} generations match the filter: completed, favorites.`);
  assert.equal(badge.cut, false, `"${badge.text}" is not cut off at the default ${defaultWidth} px side bar`);
});

test('the purge preview names the count and can show exactly those rows in the tree before confirming', async () => {
  await runCommand(page, 'Voice History: Purge…');
  await quickInput().locator('.monaco-list-row', { hasText: 'Failed generations' }).click();
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 15000 });
  assert.match(await dialog.innerText(), /Purge 10 generations\?/);
  await shot('light-purge-preview');
  await dialog.getByRole('button', { name: 'Show in History' }).click();
  await header().locator('.description', { hasText: 'Filtered: 10 to purge' }).waitFor({ timeout: 15000 });
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Purge the 10 generations' }).first();
  await toast.waitFor({ timeout: 15000 });
  // Every group is one of the failed rows' groups; expanded, they list exactly the 10 failed rows.
  for (const h of await groupHeaders().all()) if ((await h.getAttribute('aria-expanded')) !== 'true') await h.click();
  const shown = await until(
    'the 10 rows to purge',
    () => generationRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? '')),
    (labels) => labels.length === 10,
  );
  assert.ok(
    shown.every((l) => /, failed/.test(l)),
    `only failed rows: ${shown.join(' | ')}`,
  );
  await shot('light-purge-shown');
  await toast.getByRole('button', { name: 'Cancel' }).click();
  // Cancelled: nothing deleted, the view's own filter (none) is back.
  await header().locator('.description', { hasText: 'Filtered' }).waitFor({ state: 'detached', timeout: 15000 });
  // Collapsed, every group header is on screen (the list renders only what fits).
  await (await titleAction('Collapse All')).click();
  const counts = await until('counts again', headerCounts, (hs) => hs.some((h) => h.label === 'Today' && h.count === '30'));
  assert.equal(
    counts.filter((h) => h.label !== 'Favorites').reduce((n, h) => n + Number(h.count), 0),
    total(),
  );
});

test('a voice shows by its friendly name in the filter picker and the row tooltip', async () => {
  const choices = await filterChoices();
  const slt = choices.find((t) => /\bslt\b/.test(t) && /person|\(1\)/.test(t));
  assert.ok(slt && /slt — US English, female/.test(slt), `the profile choice names its voice: ${slt ?? choices.join(' | ')}`);
  await quickInput().locator('.monaco-list-row', { hasText: 'US English, female' }).first().click();
  await page.keyboard.press('Enter');
  await quickInput().waitFor({ state: 'hidden', timeout: 10000 });
  // Its month group: VS Code keeps the collapsed state it had before the filter.
  const month = groupHeaders().first();
  await month.waitFor({ timeout: 15000 });
  if ((await month.getAttribute('aria-expanded')) !== 'true') await month.click();
  const only = generationRows().first();
  await only.waitFor({ timeout: 15000 });
  const hover = page.locator('.monaco-hover:visible, .workbench-hover-container:visible').first();
  // The hover waits for the pointer to rest; moving away and back retries it.
  for (let attempt = 0; attempt < 3 && !(await hover.isVisible()); attempt++) {
    await page.mouse.move(5, 5);
    await only.hover();
    await hover.waitFor({ timeout: 5000 }).catch(() => undefined);
  }
  await hover.waitFor({ timeout: 5000 });
  const tip = await hover.innerText();
  await shot('light-voice-tooltip');
  assert.match(tip, /Voice: slt — US English, female/);
  await page.mouse.move(5, 5);
  // A click loads the row in the player, whose details name the voice the same way.
  const playerHeader = sidebar().locator('.pane-header[aria-label^="Player"]');
  if ((await playerHeader.getAttribute('aria-expanded')) !== 'true') await playerHeader.click();
  await only.click();
  const player = await playerFrame(page);
  const details = await until(
    "the player's details",
    () => player.locator('#app').evaluate((el) => el.textContent ?? ''),
    (t) => t.includes(FLITE_TEXT) && /Voice\s*slt — US English, female/.test(t),
  );
  assert.ok(details);
  await shot('light-voice-player');
  await playerHeader.click();
  await (await titleAction('Clear Filters')).click();
  await header().locator('.description', { hasText: 'Filtered' }).waitFor({ state: 'detached', timeout: 15000 });
});

/** Picks a color theme and waits until the workbench wears it (`kind`: the workbench's theme class). */
async function useTheme(theme: string, kind: string): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  await quickInput().locator('.quick-input-box input').fill(theme);
  await quickInput().locator('.monaco-list-row', { hasText: theme }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.monaco-workbench.${kind}`).waitFor({ timeout: 15000 });
}

for (const [theme, kind, slug] of [
  ['Light Modern', 'vs', 'light'],
  ['Dark Modern', 'vs-dark', 'dark'],
  ['Light High Contrast', 'hc-light', 'hc-light'],
  ['Dark High Contrast', 'hc-black', 'hc-dark'],
] as const) {
  test(`rows show voice, duration and age before the text is cut off, default and 190 px side bar (${theme})`, async () => {
    await useTheme(theme, kind);
    await setSideBarWidth(page, defaultWidth);
    await row('Today, group').waitFor();
    await generationRows().first().waitFor({ timeout: 15000 });
    await shot(`${slug}-default`);
    const wide = await detailsVisible(0);
    await setSideBarWidth(page, 190);
    await page.waitForTimeout(300);
    await shot(`${slug}-narrow`);
    const narrow = await detailsVisible(0);
    // A filtered view at the narrow width: the filter still reads whole.
    await pickFilter('Favorites only');
    const badge = await filterBadge();
    await shot(`${slug}-narrow-filtered`);
    await (await titleAction('Clear Filters')).click();
    await header().locator('.description', { hasText: 'Filtered' }).waitFor({ state: 'detached', timeout: 15000 });
    await setSideBarWidth(page, defaultWidth);
    assert.ok(wide.all, `default width: "${wide.details}" is visible`);
    // 190 px leaves about 17 characters: the voice and the length come before anything else.
    assert.ok(narrow.voiceAndDuration, `190 px: the voice and duration of "${narrow.details}" are visible`);
    assert.equal(badge.cut, false, `190 px: "${badge.text}" is not cut off`);
  });
}
