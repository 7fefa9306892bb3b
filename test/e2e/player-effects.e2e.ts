// The player's effects panel and takes in the real VS Code (code-server) driven by Playwright,
// with the real effects worker: build a chain, preview it (nothing stored), save it as a version,
// A/B at the same position with one key, set the default, save a preset; screenshots in dark and
// light themes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';
import { seedPlayerHistory, TEXTS, type PlayerSeed } from './player-seed';
import { chooseInPlayer, playerFrame, setTheme, waitUntil } from './palette';

const shots = join(root, 'test-results');
let scratch: string;
let seed: PlayerSeed;
let server: CodeServer;
let page: Page;
let close: () => Promise<void>;

const player = (): FrameLocator => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
const treeRow = (labelStart: string) =>
  page.locator(`.part.sidebar .monaco-list-row[aria-label^="${labelStart.replace(/"/g, '\\"')}"]`).first();
const versionRows = () => player().locator('ul.versions li');

const until = <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 20000) => waitUntil(page, what, read, ok, ms);

const choose = (selector: string, value: string): Promise<void> => chooseInPlayer(page, selector, value);

before(async () => {
  mkdirSync(shots, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), 'vh-effects-e2e-'));
  seed = await seedPlayerHistory(join(scratch, 'storage'));
  server = await startCodeServer({
    env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: seed.storageDir },
    settings: { 'voiceHistory.confirmDelete': true },
  });
  ({ page, close } = await openWorkbench({ server, theme: 'dark' }));
  await page.locator('.activitybar a[aria-label="Voice History"]').click();
  await treeRow(TEXTS.second).waitFor({ timeout: 30000 });
  await page.setViewportSize({ width: 1400, height: 1000 });
});

/** Collapses the History section (on its twistie) so the player gets the side bar's height. */
async function collapseHistory(): Promise<void> {
  const header = page.locator('.part.sidebar .pane-header[aria-label^="History"]');
  if ((await header.getAttribute('aria-expanded')) === 'false') return;
  await header.click({ position: { x: 10, y: 11 } });
  await until(
    'History to collapse',
    () => header.getAttribute('aria-expanded'),
    (v) => v === 'false',
  );
}

after(async () => {
  await close?.();
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('the effects panel is not part of the first paint: its script loads when it is opened', async () => {
  await treeRow(TEXTS.second).click();
  await page.keyboard.press('Enter');
  await until(
    'the second text in the player',
    () => player().locator('#generation-text').textContent(),
    (t) => t === TEXTS.second,
    30000,
  );
  await player().locator('.wave canvas').first().waitFor({ timeout: 15000 });
  const frame = await playerFrame(page);
  const scripts = () => frame.evaluate(() => document.querySelectorAll('script[src*="effects-panel"]').length);
  assert.equal(await scripts(), 0, 'no effects script before the panel is opened');
  assert.equal(await player().locator('.fx').count(), 0);
  await collapseHistory();
  await player().locator('vscode-button.effects-toggle').click();
  await player().locator('.fx').waitFor({ timeout: 15000 });
  assert.equal(await scripts(), 1);
  await until(
    'the effects to load',
    () => player().locator('.fx-add-type vscode-option').count(),
    (n) => n >= 8,
  );
});

test('build a chain: add, set by number and by slider, reorder, switch off and on', async () => {
  await choose('.fx-add-type', 'gain');
  await player().locator('vscode-button.fx-add').click();
  await choose('.fx-add-type', 'highpass');
  await player().locator('vscode-button.fx-add').click();
  assert.deepEqual(
    await player()
      .locator('.fx-effect')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.type)),
    ['gain', 'highpass'],
  );
  // The number field takes a typed value; the slider follows (and keeps to the schema's range).
  const gainNumber = player().locator('.fx-effect[data-type="gain"] .fx-number');
  await gainNumber.fill('6');
  await gainNumber.press('Tab');
  assert.equal(await player().locator('.fx-effect[data-type="gain"] .fx-slider').inputValue(), '6');
  await gainNumber.fill('99');
  await gainNumber.press('Tab');
  assert.equal(await gainNumber.inputValue(), '40', 'clamped to the range of gain_db');
  await gainNumber.fill('6');
  await gainNumber.press('Tab');
  // The slider moves by its step with the arrow keys.
  const cutoff = player().locator('.fx-effect[data-type="highpass"] .fx-slider');
  const before = Number(await cutoff.inputValue());
  await cutoff.focus();
  await page.keyboard.press('ArrowRight');
  assert.ok(Number(await cutoff.inputValue()) > before, 'the arrow key moved the cutoff');
  assert.equal(await player().locator('.fx-effect[data-type="highpass"] .fx-number').inputValue(), await cutoff.inputValue());
  await player().locator('.fx-effect[data-type="highpass"] .fx-up').click();
  assert.deepEqual(
    await player()
      .locator('.fx-effect')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.type)),
    ['highpass', 'gain'],
  );
  const enabled = player().locator('.fx-effect[data-type="gain"] .fx-enabled');
  await enabled.uncheck();
  assert.match((await player().locator('.fx-effect[data-type="gain"]').getAttribute('class')) ?? '', /\boff\b/);
  await enabled.check();
});

test('Preview plays the render and stores nothing', async () => {
  assert.equal(await versionRows().count(), 1);
  const frame = await playerFrame(page);
  await player().locator('vscode-button.fx-preview').click();
  await until(
    'the preview to play',
    () => frame.evaluate(() => `${document.body.dataset.previewing ?? ''} | ${document.querySelector('.fx-status')?.textContent ?? ''}`),
    (v) => v.startsWith('true'),
  );
  const ms = await frame.evaluate(
    () => (window as unknown as { vhEffects: { metrics: { previewFirstAudioMs?: number } } }).vhEffects.metrics.previewFirstAudioMs,
  );
  console.log(`[effects e2e] Preview click -> sound starts: ${ms?.toFixed(0)} ms (3 s clip)`);
  assert.match(await player().locator('.fx-status').innerText(), /Previewing \(not saved\)/);
  await page.locator('.part.sidebar').screenshot({ path: join(shots, 'player-effects-dark.png') });
  await player().locator('vscode-button.fx-preview').click();
  await until(
    'the preview to stop',
    () => frame.evaluate(() => document.body.dataset.previewing ?? ''),
    (v) => v === '',
  );
  assert.equal(await versionRows().count(), 1, 'a preview adds no version');
});

test('Save as Version adds version-2 with its chain summary and loudness, and plays it', async () => {
  const frame = await playerFrame(page);
  const loaded = () => frame.evaluate(() => document.body.dataset.loadedVersion ?? '');
  const original = await loaded();
  await player().locator('vscode-button.fx-save').click();
  await until(
    'two versions',
    () => versionRows().count(),
    (n) => n === 2,
  );
  const row = versionRows().nth(1);
  await until('the new version to play', loaded, (v) => v !== original && v !== '');
  assert.equal(await row.getAttribute('data-version-id'), await loaded());
  assert.match(await row.locator('.item-label').innerText(), /^version-2$/);
  await until(
    'its chain summary and loudness',
    () => row.locator('.item-meta').innerText(),
    (t) => /highpass .*→ gain \+6 dB/.test(t) && /LUFS/.test(t),
  );
  await until(
    'the original row to show its loudness',
    () => versionRows().nth(0).locator('.item-meta').innerText(),
    (t) => /LUFS/.test(t),
  );
  assert.match(await player().locator('.fx-status').innerText(), /Saved version-2/);
});

test('A switches between the two versions at the same position; Set as default moves the badge', async () => {
  const frame = await playerFrame(page);
  const loaded = () => frame.evaluate(() => document.body.dataset.loadedVersion ?? '');
  const position = async () => Number(await player().locator('.wave').getAttribute('aria-valuenow'));
  const [first, second] = [
    await versionRows().nth(0).getAttribute('data-version-id'),
    await versionRows().nth(1).getAttribute('data-version-id'),
  ];
  // Seek to the middle of the 3 s clip with a click on the waveform, then compare.
  const box = await player().locator('.wave').boundingBox();
  assert.ok(box, 'the waveform is on screen');
  await player()
    .locator('.wave')
    .click({ position: { x: box.width / 2, y: box.height / 2 } });
  await until('the position to move to the middle', position, (p) => p > 0.8 && p < 2.2);
  // Compare paused, so the position cannot move on while the other version loads.
  if (await frame.evaluate(() => (window as unknown as { vhPlayer: { wave: { playing: boolean } } }).vhPlayer.wave.playing)) {
    await page.keyboard.press('k');
  }
  const at = await position();
  await player().locator('.subtitle').click();
  await page.keyboard.press('a');
  await until('A to switch to the original', loaded, (v) => v === first);
  assert.ok(Math.abs((await position()) - at) < 0.6, `same position after A (${at} → ${await position()})`);
  await page.keyboard.press('a');
  await until('A to switch back', loaded, (v) => v === second);
  await versionRows().nth(1).locator('vscode-toolbar-button').click();
  await until(
    'the default badge to move',
    () => versionRows().nth(1).locator('vscode-badge').count(),
    (n) => n === 1,
  );
  assert.equal(await versionRows().nth(0).locator('vscode-badge').count(), 0);
});

test('Save as Preset keeps the chain under a name; light theme screenshot', async () => {
  await player().locator('vscode-button.fx-save-preset').click();
  const name = player().locator('.fx-name');
  await name.fill('Bright and loud');
  await name.press('Enter');
  await until(
    'the preset to be saved',
    () => player().locator('.fx-status').innerText(),
    (t) => /Saved preset Bright and loud/.test(t),
  );
  assert.equal(await player().locator('.fx-preset vscode-option', { hasText: 'Bright and loud' }).count(), 1);
  await setTheme(page, 'Light Modern', false);
  await page.waitForTimeout(500);
  await page.locator('.part.sidebar').screenshot({ path: join(shots, 'player-effects-light.png') });
});

test('deleting a preset asks first in a modal naming it; Cancel keeps it, Delete removes it', async () => {
  const option = () => player().locator('.fx-preset vscode-option', { hasText: 'Bright and loud' });
  const remove = player().locator('.fx-delete-preset');
  const dialog = page.locator('.monaco-dialog-box');
  // The rename and delete buttons belong to the chosen user preset.
  await chooseInPlayer(page, '.fx-preset', (await option().getAttribute('value')) ?? '');
  await remove.waitFor({ timeout: 10000 });
  await remove.click();
  await dialog.waitFor({ timeout: 15000 });
  assert.match(await dialog.innerText(), /Delete the preset "Bright and loud"\?/);
  await page.locator('.monaco-workbench').screenshot({ path: join(shots, 'player-effects-delete-preset.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 10000 });
  await until(
    'the panel to say the preset stays',
    () => player().locator('.fx-status').innerText(),
    (t) => /Kept the preset Bright and loud/.test(t),
  );
  assert.equal(await option().count(), 1);
  await remove.click();
  await dialog.waitFor({ timeout: 15000 });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await until(
    'the preset to go',
    () => option().count(),
    (n) => n === 0,
  );
  assert.match(await player().locator('.fx-status').innerText(), /Deleted the preset Bright and loud/);
});
