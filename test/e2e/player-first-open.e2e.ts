// The Player the first time it opens in a window (issue 18: "the player opens tall enough to show
// speed and volume the first time"): whether the user plays a row from the History tree or expands
// the Player's header, the speed and volume controls are on screen without resizing or scrolling.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';
import { playerFrame, waitUntil } from './palette';
import { seedPlayerHistory, TEXTS } from './player-seed';

const shots = join(root, 'test-results');
let scratch: string;
let storageDir: string;
let server: CodeServer;

before(async () => {
  mkdirSync(shots, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), 'vh-player-first-open-e2e-'));
  ({ storageDir } = await seedPlayerHistory(join(scratch, 'storage')));
  server = await startCodeServer({ env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: storageDir } });
});

after(async () => {
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

type Box = { x: number; y: number; width: number; height: number };
const inside = (inner: Box, outer: Box): boolean =>
  inner.width > 0 &&
  inner.height > 0 &&
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;

/**
 * Opens a fresh workbench (nothing remembered about the view's sizes), lets `open` bring the
 * Player up, and checks on screen that the speed and volume controls lie inside the part of the
 * Player's webview the user sees.
 */
async function firstOpen(
  name: string,
  viewport: { width: number; height: number },
  open: (page: Page) => Promise<void>,
  check?: (page: Page, player: FrameLocator) => Promise<void>,
): Promise<void> {
  const { page, close } = await openWorkbench({ server, theme: 'dark', viewport });
  try {
    await page.locator('.activitybar a[aria-label="Voice History"]').click();
    await page.locator(`.part.sidebar .monaco-list-row[aria-label^="${TEXTS.fox}"]`).first().waitFor({ timeout: 60000 });
    await open(page);
    const player: FrameLocator = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await waitUntil(
      page,
      'the fox text in the player',
      async () => (await player.locator('#generation-text').textContent()) ?? '',
      (t) => t === TEXTS.fox,
      30000,
    );
    // What the user sees of the player: its webview element, clipped by the side bar.
    const webview = (await page.locator('iframe.webview.ready').boundingBox())!;
    const sidebar = (await page.locator('.part.sidebar').boundingBox())!;
    const seen: Box = {
      x: Math.max(webview.x, sidebar.x),
      y: Math.max(webview.y, sidebar.y),
      width: Math.min(webview.x + webview.width, sidebar.x + sidebar.width) - Math.max(webview.x, sidebar.x),
      height: Math.min(webview.y + webview.height, sidebar.y + sidebar.height) - Math.max(webview.y, sidebar.y),
    };
    await page.locator('.part.sidebar').screenshot({ path: join(shots, `player-first-open-${name}.png`) });
    // Nothing scrolled: the controls are where the page first put them.
    const frame = await playerFrame(page);
    assert.equal(await frame.evaluate(() => window.scrollY), 0, 'the player page is not scrolled');
    for (const [label, selector] of [
      ['speed', 'vscode-single-select.speed'],
      ['volume', 'input.volume'],
      ['mute', '.transport vscode-toolbar-button[label="Mute"]'],
    ] as const) {
      const box = await player.locator(selector).boundingBox();
      assert.ok(box, `${label} has a box`);
      assert.ok(
        inside(box, seen),
        `${name}: the ${label} control ${JSON.stringify(box)} is inside the visible player ${JSON.stringify(seen)} (webview ${JSON.stringify(webview)})`,
      );
    }
    await check?.(page, player);
  } finally {
    await close();
  }
}

const playFox = async (page: Page): Promise<void> => {
  await page.locator(`.part.sidebar .monaco-list-row[aria-label^="${TEXTS.fox}"]`).first().click();
  await page.keyboard.press('Enter');
};
const expandPlayer = async (page: Page): Promise<void> => {
  await page.locator(`.part.sidebar .monaco-list-row[aria-label^="${TEXTS.fox}"]`).first().click();
  const header = page.locator('.part.sidebar .pane-header[aria-label^="Player"]');
  assert.equal(await header.getAttribute('aria-expanded'), 'false', 'the Player starts collapsed');
  await header.click();
};

test('played from the tree, the collapsed Player opens with speed and volume in sight', async () => {
  await firstOpen('play', { width: 1400, height: 900 }, playFox);
});

test('expanded by its header, the Player opens with speed and volume in sight', async () => {
  await firstOpen('expand', { width: 1400, height: 900 }, expandPlayer);
});

test('in a small window (1024 × 640) the Player still opens with speed and volume in sight', async () => {
  await firstOpen('small-window', { width: 1024, height: 640 }, playFox);
});

test('the player page fetches no file of its own before it is on screen, and its icons are drawn', async () => {
  // VS Code shows a webview's frame only after the page's `load`, which waits for every file the
  // page fetches (each a round trip through VS Code's resource loader): the bundle, the codicon
  // stylesheet and its font come with the page. (The audio is fetched later, by the media element.)
  const fetched: string[] = [];
  await firstOpen(
    'no-fetch',
    { width: 1400, height: 900 },
    async (page) => {
      // The context sees the page's requests and those of VS Code's webview service worker.
      page.context().on('request', (r) => {
        if (/\/dist\/(webview|codicons)\//.test(decodeURIComponent(r.url()))) fetched.push(r.url());
      });
      await playFox(page);
    },
    async (_page, player) => {
      assert.deepEqual(fetched, [], 'the player page fetched none of its files');
      // The icons' font is there and the play button's glyph uses it.
      const frame = await playerFrame(_page);
      assert.equal(await frame.evaluate(() => document.fonts.check('16px codicon')), true, 'the codicon font is loaded');
      const glyph = player.locator('vscode-toolbar-button.play vscode-icon span.codicon');
      assert.match(await glyph.evaluate((el) => getComputedStyle(el, '::before').content), /^".+"$/, 'the play icon has its glyph');
      assert.match(await glyph.evaluate((el) => getComputedStyle(el).fontFamily), /codicon/);
    },
  );
});

test('shown again after VS Code released it, the first frame of the player already has its text (no "Nothing selected.")', async () => {
  const { page, close } = await openWorkbench({ server, theme: 'dark' });
  try {
    await page.locator('.activitybar a[aria-label="Voice History"]').click();
    await playFox(page);
    const player: FrameLocator = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const shownText = async (): Promise<string> => (await player.locator('#generation-text').textContent()) ?? '';
    await waitUntil(page, 'the fox text in the player', shownText, (t) => t === TEXTS.fox, 30000);
    const header = page.locator('.part.sidebar .pane-header[aria-label^="Player"]');
    type Metrics = { firstPaintAt?: number; firstPaintText?: string };
    const metrics = async (): Promise<Metrics> =>
      (await playerFrame(page)).evaluate(() => ({ ...(globalThis as unknown as { vhPlayer: { metrics: Metrics } }).vhPlayer.metrics }));
    for (let round = 1; round <= 2; round++) {
      const before = (await metrics()).firstPaintAt ?? 0;
      await header.click(); // collapsed: VS Code releases the page
      await waitUntil(
        page,
        'the player to collapse',
        () => header.getAttribute('aria-expanded'),
        (v) => v === 'false',
      );
      await page.waitForTimeout(300);
      await header.click();
      const m = await waitUntil(page, 'a new first paint', metrics, (x) => (x.firstPaintAt ?? 0) > before, 30000);
      assert.equal(m.firstPaintText, TEXTS.fox, `round ${round}: the first frame showed the text`);
      await waitUntil(page, 'the fox text in the player', shownText, (t) => t === TEXTS.fox);
    }
    await page.locator('.part.sidebar').screenshot({ path: join(shots, 'player-first-open-shown-again.png') });
  } finally {
    await close();
  }
});
