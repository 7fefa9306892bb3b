// The player webview in the real VS Code (code-server) driven by Playwright: opened from the
// History tree, playing, keyboard, versions, takes, live updates, error states, hostile text,
// state across hide/show, and screenshots in dark, light and high-contrast themes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';
import { seedPlayerHistory, TEXTS, type PlayerSeed } from './player-seed';
import { playerFrame, runCommand, waitUntil } from './palette';

const shots = join(root, 'test-results');
let scratch: string;
let seed: PlayerSeed;
let server: CodeServer;
let page: Page;
let close: () => Promise<void>;
const dialogs: string[] = [];

const player = (): FrameLocator => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
const treeRow = (labelStart: string) =>
  page.locator(`.part.sidebar .monaco-list-row[aria-label^="${labelStart.replace(/"/g, '\\"')}"]`).first();

const until = <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms?: number): Promise<T> =>
  waitUntil(page, what, read, ok, ms);

/** Selects a row in the History tree and presses Enter (the tree's Play). */
async function playFromTree(labelStart: string): Promise<void> {
  const row = treeRow(labelStart);
  await row.click();
  await page.keyboard.press('Enter');
}

const sliderValue = async (): Promise<number> => Number(await player().locator('.wave').getAttribute('aria-valuenow'));
const shownText = async (): Promise<string> => (await player().locator('#generation-text').textContent()) ?? '';

/** Focuses the player's document without pressing any of its buttons. */
async function focusPlayer(): Promise<void> {
  await player().locator('.subtitle').click();
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), 'vh-player-e2e-'));
  seed = await seedPlayerHistory(join(scratch, 'storage'));
  server = await startCodeServer({
    env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: seed.storageDir },
    settings: { 'voiceHistory.confirmDelete': true },
  });
  ({ page, close } = await openWorkbench({ server, theme: 'dark' }));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.locator('.activitybar a[aria-label="Voice History"]').click();
  await treeRow(TEXTS.fox).waitFor({ timeout: 30000 });
});

after(async () => {
  await close?.();
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const playerHeader = () => page.locator('.part.sidebar .pane-header[aria-label^="Player"]');

test('the player starts collapsed; expanded with nothing selected, it says how to start', async () => {
  // Collapsed until used, so opening the History view does not also load a webview.
  assert.equal(await playerHeader().getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('iframe.webview').count(), 0);
  await playerHeader().click();
  await player().getByText('Nothing selected.').waitFor({ timeout: 30000 });
  assert.match(await player().locator('section.empty').innerText(), /Play a generation from the History view/);
  await page.locator('.part.sidebar').screenshot({ path: join(shots, 'player-empty.png') });
  // Collapsed again, the next test plays into a player page that has to start from scratch.
  await playerHeader().click();
  await until(
    'the player to collapse',
    () => playerHeader().getAttribute('aria-expanded'),
    (v) => v === 'false',
  );
});

test('playing from the tree opens the collapsed player: text, waveform, time advancing', async () => {
  await playFromTree(TEXTS.fox);
  await until(
    'the player to expand',
    () => playerHeader().getAttribute('aria-expanded'),
    (v) => v === 'true',
  );
  await until('the fox text in the player', shownText, (t) => t === TEXTS.fox, 30000);
  await player().locator('.wave canvas').first().waitFor({ timeout: 15000 });
  assert.ok((await player().locator('.wave canvas').count()) > 0, 'wavesurfer drew canvases');
  await until(
    'the slider to span the 12 s take',
    async () => Number(await player().locator('.wave').getAttribute('aria-valuemax')),
    (v) => v === 12,
  );
  // Autoplay from the tree: the position and the time display move.
  await until('the position to advance', sliderValue, (v) => v >= 1);
  await until(
    'the time display to advance',
    () => player().locator('.time-current').innerText(),
    (t) => t !== '0:00',
  );
  assert.equal(await player().locator('.time-duration').innerText(), '0:12');
  assert.match((await player().locator('.subtitle').innerText()) ?? '', /Alice/);
  // VS Code opened it at its minimum height: the waveform and the transport are still in sight.
  await page.locator('.part.sidebar').screenshot({ path: join(shots, 'player-first-play.png') });
  const frame = await playerFrame(page);
  const inSight = await frame.evaluate(() =>
    ['.wave', '.transport .play'].every((sel) => {
      const r = document.querySelector(sel)!.getBoundingClientRect();
      return r.height > 0 && r.bottom <= window.innerHeight;
    }),
  );
  assert.ok(inSight, 'the waveform and the play button are visible without scrolling');
});

test('keyboard shortcuts act: Space, arrows, [ ], F, M, N/P', async () => {
  await focusPlayer();
  // Space pauses (the button turns into Play), Space again plays and time moves on.
  await page.keyboard.press('Space');
  await until(
    'pause',
    () => player().locator('vscode-toolbar-button.play').getAttribute('label'),
    (l) => l === 'Play',
  );
  const paused = await sliderValue();
  await page.keyboard.press('Home'); // not on the slider: ignored
  assert.equal(await sliderValue(), paused);
  await player().locator('.wave').focus();
  await page.keyboard.press('Home');
  await until('Home on the slider', sliderValue, (v) => v === 0);
  await page.keyboard.press('ArrowRight');
  await until('→ to seek 5 s', sliderValue, (v) => v === 5);
  await page.keyboard.press('ArrowLeft');
  await until('← to seek back 5 s', sliderValue, (v) => v === 0);
  assert.equal(await player().locator('.wave').getAttribute('aria-valuetext'), '0:00 of 0:12');
  await page.keyboard.press('Space');
  await until('Space to play again', sliderValue, (v) => v > 0.5);

  const speed = () =>
    player()
      .locator('vscode-single-select.speed')
      .evaluate((el) => (el as HTMLElement & { value: string }).value);
  await page.keyboard.press(']');
  await until('] to speed up', speed, (v) => v === '1.25');
  await page.keyboard.press('[');
  await page.keyboard.press('[');
  await until('[ to slow down', speed, (v) => v === '0.75');
  await page.keyboard.press(']');

  await page.keyboard.press('m');
  await until(
    'M to mute',
    () => player().locator('vscode-toolbar-button[icon="mute"]').count(),
    (n) => n === 1,
  );
  await page.keyboard.press('m');

  // F: favourite, and the History tree shows it at once.
  await page.keyboard.press('f');
  await until(
    'F to favourite',
    () => player().locator('vscode-toolbar-button[data-favorite]').getAttribute('label'),
    (l) => l === 'Remove from favorites',
  );
  await until(
    'the tree to show the favourite',
    () => page.locator('.part.sidebar .monaco-list-row[aria-label*="favorite"]').count(),
    (n) => n >= 1,
  );
  assert.match(
    (await page.locator('.part.sidebar .monaco-list-row[aria-label*="favorite"]').first().getAttribute('aria-label')) ?? '',
    /quick brown fox.*voice Alice/,
  );

  // N/P: the next and previous generation of the tree's list (the Favorites group now lists the fox first).
  await focusPlayer();
  await page.keyboard.press('n');
  await until(
    'N to open the next generation',
    () => player().locator('.subtitle').innerText(),
    (s) => /Bob/.test(s),
  );
  await page.keyboard.press('p');
  await until(
    'P to go back',
    () => player().locator('.subtitle').innerText(),
    (s) => /Alice/.test(s),
  );
});

test('every control is a labelled button reachable by Tab; the waveform is a slider', async () => {
  await player().locator('#generation-text').focus();
  const names = new Set<string>();
  const frame = await playerFrame(page);
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const name = await frame.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return 'BODY';
      return el.getAttribute('label') || el.getAttribute('aria-label') || el.getAttribute('title') || el.textContent?.trim() || el.tagName;
    });
    names.add(name);
  }
  for (const expected of [
    'Position',
    'Previous generation',
    'Back 5 seconds',
    'Forward 5 seconds',
    'Next generation',
    'Loop',
    'Playback speed',
    'Volume',
    'Copy text',
    'Export generation as ZIP',
    'Export audio',
    'Reveal in History',
    'Delete generation…',
  ]) {
    assert.ok(names.has(expected), `Tab reaches "${expected}" (reached: ${[...names].join(' | ')})`);
  }
  assert.ok(names.has('Play') || names.has('Pause'));
  assert.equal(await player().getByRole('slider', { name: 'Position' }).count(), 1);
});

test('switching versions changes the audio; set as default', async () => {
  const [original, slower] = [seed.foxVersions.find((v) => v.isDefault)!, seed.foxVersions.find((v) => !v.isDefault)!];
  const frame = await playerFrame(page);
  const loaded = () => frame.evaluate(() => document.body.dataset.loadedVersion ?? '');
  const url = () =>
    frame.evaluate(() => (window as unknown as { vhPlayer: { metrics: { loadedUrl?: string } } }).vhPlayer.metrics.loadedUrl ?? '');
  assert.equal(await loaded(), original.id);
  const before = await url();
  await player().locator(`li[data-version-id="${slower.id}"] button.item-main`).click();
  await until('the slower version to load', loaded, (v) => v === slower.id);
  assert.notEqual(await url(), before, 'another audio file is playing');
  assert.equal(Number(await player().locator('.wave').getAttribute('aria-valuemax')), 15);
  assert.equal(await player().locator(`li[data-version-id="${slower.id}"] button.item-main`).getAttribute('aria-pressed'), 'true');
  await player().locator(`li[data-version-id="${slower.id}"] vscode-toolbar-button`).click();
  await until(
    'the default badge to move',
    () => player().locator(`li[data-version-id="${slower.id}"] vscode-badge`).count(),
    (n) => n === 1,
  );
  assert.equal(await player().locator(`li[data-version-id="${original.id}"] vscode-badge`).count(), 0);
});

test('takes of the same text are listed and open on click', async () => {
  const takes = player().locator('ul.takes li');
  await until(
    'two takes',
    () => takes.count(),
    (n) => n === 2,
  );
  assert.match(await takes.nth(0).innerText(), /Take 1[\s\S]*Bob/);
  await takes.nth(0).locator('button').click();
  await until(
    'the first take to show',
    () => player().locator('.subtitle').innerText(),
    (s) => /Bob/.test(s),
  );
  assert.equal(await shownText(), TEXTS.fox);
});

test('hostile text from an import is shown literally, never as HTML', async () => {
  await playFromTree(TEXTS.xss);
  await until('the literal text', shownText, (t) => t === TEXTS.xss);
  assert.equal(await player().locator('img').count(), 0, 'no <img> element was created');
  assert.ok(await player().getByText(TEXTS.xss, { exact: true }).isVisible());
  assert.deepEqual(dialogs, [], 'no alert() ran');
});

test('error states: failed, audio missing (offers Reconcile), unplayable AAC', async () => {
  // The tree's Play offers Retry for a failed row instead of playing, so step there with N from the previous row.
  await focusPlayer();
  await page.keyboard.press('n');
  await until(
    'the failure banner',
    () => player().locator('.banner-text').innerText(),
    (t) => /engine crashed/.test(t),
  );
  assert.equal(await shownText(), TEXTS.failed);
  assert.match(await player().locator('.details').innerText(), /Error\s+The engine crashed/);

  await page.keyboard.press('n');
  await until(
    'the missing-audio banner',
    () => player().locator('.banner-text').innerText(),
    (t) => /missing/i.test(t),
  );
  assert.equal(await shownText(), TEXTS.missing);
  assert.equal(await player().locator('.transport').isVisible(), false, 'no transport without audio');
  await page.locator('.part.sidebar').screenshot({ path: join(shots, 'player-missing-audio.png') });
  // The offer runs the extension's Reconcile Storage, which asks first; cancel it here.
  await player().getByRole('button', { name: 'Reconcile Storage' }).click();
  const confirm = page.locator('.monaco-dialog-box');
  await confirm.waitFor({ timeout: 15000 });
  assert.match(await confirm.innerText(), /Reconcile Voice History storage\?/);
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached', timeout: 10000 });

  await playFromTree(TEXTS.aac);
  await until(
    'the unplayable banner',
    () => player().locator('.banner-text').innerText(),
    (t) => /VS Code plays WAV/.test(t),
  );
  assert.match(await player().locator('.banner-text').innerText(), /AAC/);
});

test('live: a favourite from the tree and a deletion show in the player at once', async () => {
  await playFromTree(TEXTS.second);
  await until('the second generation', shownText, (t) => t === TEXTS.second);
  // The tree's inline star on that row.
  const row = treeRow(TEXTS.second);
  await row.hover();
  await row.locator('.action-label[aria-label^="Favorite"]').first().click();
  await until(
    'the favourite mark in the player',
    () => player().locator('.favorite-mark').isVisible(),
    (v) => v,
  );

  // Delete from the player: VS Code asks first.
  await player().getByRole('button', { name: 'Delete generation…' }).click();
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 10000 });
  assert.match(await dialog.innerText(), /Delete the generation "A second sentence/);
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await until(
    'the player to say it was deleted',
    () => player().locator('.banner-text').innerText(),
    (t) => /deleted/.test(t),
  );
  await until(
    'the row to leave the tree',
    () => treeRow(TEXTS.second).count(),
    (n) => n === 0,
  );
});

test('the player restores its item, position and speed after being hidden', async () => {
  await playFromTree(TEXTS.fox);
  await until('the fox', shownText, (t) => t === TEXTS.fox);
  await focusPlayer();
  await page.keyboard.press('Space'); // pause
  await player().locator('.wave').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await until('position 5', sliderValue, (v) => v === 5);
  await page.keyboard.press(']');
  const speedBefore = await player()
    .locator('vscode-single-select.speed')
    .evaluate((el) => (el as HTMLElement & { value: string }).value);
  const header = playerHeader();
  await header.click(); // collapse: VS Code releases the hidden webview
  await page.waitForTimeout(500);
  await header.click();
  await until('the fox again', shownText, (t) => t === TEXTS.fox, 30000);
  await until('the position restored', sliderValue, (v) => v === 5);
  assert.equal(
    await player()
      .locator('vscode-single-select.speed')
      .evaluate((el) => (el as HTMLElement & { value: string }).value),
    speedBefore,
  );
});

/**
 * Switches the colour theme with the theme picker (Ctrl+K Ctrl+T), as a user would. (A
 * `workbench.colorTheme` written to the user settings is not applied by this code-server.)
 */
async function useTheme(label: string, kind: string): Promise<void> {
  await page.locator('.part.editor').click({ position: { x: 60, y: 60 } });
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  await page
    .locator('.quick-input-widget .monaco-list-row', { hasText: 'Browse Additional Color Themes' })
    .first()
    .waitFor({ timeout: 10000 });
  await page.keyboard.type(label);
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  const frame = await playerFrame(page);
  await until(
    `the ${kind} theme`,
    () => frame.evaluate(() => document.body.dataset.vscodeThemeKind ?? ''),
    (k) => k === kind,
    20000,
  );
  await page.waitForTimeout(500);
}

test('screenshots in dark, light and high-contrast themes', async () => {
  await playFromTree(TEXTS.fox);
  await until('the fox', shownText, (t) => t === TEXTS.fox);
  // Paused 5 s in, so the played part of the waveform shows its own colour.
  await focusPlayer();
  await page.keyboard.press('Space');
  await player().locator('.wave').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await until('position 5', sliderValue, (v) => v === 5);
  for (const [theme, kind, file] of [
    ['Dark Modern', 'vscode-dark', 'player-dark.png'],
    ['Light Modern', 'vscode-light', 'player-light.png'],
    ['Dark High Contrast', 'vscode-high-contrast', 'player-high-contrast.png'],
  ] as const) {
    await useTheme(theme, kind);
    await page.screenshot({ path: join(shots, file) });
    // The waveform was redrawn in the theme's colours.
    assert.ok((await player().locator('.wave canvas').count()) > 0);
  }
});

test('the "Open Player" editor tab comes back after a window reload, on the same generation', async () => {
  await playFromTree(TEXTS.fox);
  await until('the fox', shownText, (t) => t === TEXTS.fox, 30000);
  await runCommand(page, 'Voice History: Open Player');
  // Editor webviews sit in an overlay, not inside the editor part: find the page laid out as a panel.
  const tab = async (): Promise<Frame | undefined> => {
    for (const f of page.frames())
      if (
        await f
          .locator('body.placement-panel')
          .count()
          .catch(() => 0)
      )
        return f;
    return undefined;
  };
  const tabText = async () =>
    (await (
      await tab()
    )
      ?.locator('#generation-text')
      .textContent({ timeout: 2000 })
      .catch(() => '')) ?? '';
  await until('the editor tab to show the fox', tabText, (t) => t === TEXTS.fox, 30000);
  const beforeReload = (await tab())!;
  // VS Code's own reload: the workbench saves its editors (and their webview state) first.
  await runCommand(page, 'Developer: Reload Window');
  await until(
    'the window to reload',
    async () => beforeReload.isDetached(),
    (gone) => gone,
    30000,
  );
  // The serializer activates the extension and adopts the restored tab; the page restores its item.
  await until('the restored tab to show the fox', tabText, (t) => t === TEXTS.fox, 60000);
  await (await tab())!.locator('.wave canvas').first().waitFor({ timeout: 15000 });
  await page.screenshot({ path: join(shots, 'player-panel-restored.png') });
});
