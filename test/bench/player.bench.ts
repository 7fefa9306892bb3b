// The player measured through the real VS Code (code-server + Chromium):
//  - player.first_paint_ms: from expanding the Player view (a click on its header, timed in the
//    workbench page) to the first frame with the player on screen. VS Code keeps a webview's frame
//    hidden until the page's `load` event, so that is the frame after VS Code makes it visible
//    (seen from VS Code's webview host page, ./player-paint-probe.ts), cross-checked with the
//    page's own mark (the frame after its `load`). Its breakdown:
//      player.first_paint_document_start_ms  VS Code starts the webview's document (timeOrigin)
//      player.first_paint_html_start_ms      VS Code has written our page into it (its first line)
//      player.first_paint_vscode_ms          = html start: VS Code's share
//      player.first_paint_ours_ms            html start → on screen: parsing and running our page,
//                                            its first render and `load` (median of each run's)
//  - player.start_10min_ms: from pressing Enter on a 10-minute WAV in the History tree (timed in
//    the workbench page's keydown) to the media element's `playing` event in the webview, with
//    the peaks already cached (the item was opened once before).
// Every time uses performance.timeOrigin + performance.now(), one clock for every frame of the
// browser. Medians over several runs; max and the webview-only part are reported alongside.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { openWorkbench, startCodeServer } from '../support/code-server.mjs';
import { seedPlayerHistory, TEXTS } from '../e2e/player-seed';
import { printTable } from './table.mjs';
import { watchWebviewsShown, shownAt } from './player-paint-probe';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const max = (xs: number[]): number => Math.max(...xs);
const round = (x: number): number => Math.round(x * 10) / 10;

async function playerFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 300; i++) {
    for (const f of page.frames()) {
      if (
        await f
          .locator('#app')
          .count()
          .catch(() => 0)
      )
        return f;
    }
    await page.waitForTimeout(50);
  }
  throw new Error('the player webview did not appear');
}

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 30000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const v = await read();
      if (ok(v)) return v;
    } catch {
      /* frame reloading */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

type Metrics = {
  documentStartAt?: number;
  htmlStartAt?: number;
  scriptStartAt?: number;
  firstPaintAt?: number;
  playingAt?: number;
  startMs?: number;
  loadedId?: string;
};
// Callbacks passed to evaluate() run in the page: they reach its globals through globalThis.
const metricsOf = (f: Frame): Promise<Metrics> =>
  f.evaluate(() => ({ ...(globalThis as unknown as { vhPlayer: { metrics: Metrics } }).vhPlayer.metrics }));

/**
 * The webview bundle as it ships (minified, as `npm run package` builds it). Only this bundle is
 * rebuilt, in place: `esbuild.mjs --production` would empty dist/ under anyone else using it.
 */
function buildShippedPlayer(root: string): void {
  // esbuild's CLI in a child process: its in-process API cannot find its binary when this file is loaded through tsx.
  execFileSync(
    join(root, 'node_modules', '.bin', 'esbuild'),
    [
      'webview-ui/player/main.ts',
      '--bundle',
      '--minify',
      '--legal-comments=none',
      '--platform=browser',
      '--format=iife',
      '--target=es2022',
      '--outfile=dist/webview/player.js',
      '--loader:.css=css',
      '--loader:.ttf=file',
      '--log-level=error',
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

export async function run(opts: { root?: string; quick?: boolean } = {}): Promise<Record<string, number>> {
  // --quick: a few runs of each, enough to prove the figures can still be taken.
  const [PAINT_RUNS, START_RUNS] = opts.quick ? [3, 2] : [12, 8];
  // The runner passes the repo root (loaded through tsx's ESM API, __dirname is not this folder).
  const root = opts.root ?? join(dirname(__filename), '..', '..');
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  buildShippedPlayer(root);
  const scratch = mkdtempSync(join(tmpdir(), 'vh-bench-player-'));
  const seed = await seedPlayerHistory(join(scratch, 'storage'), { tenMinutes: true });
  const server = await startCodeServer({ env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: seed.storageDir }, quiet: true });
  const { page, close } = await openWorkbench({ server });
  await watchWebviewsShown(page);
  try {
    await page.locator('.activitybar a[aria-label="Voice History"]').click();
    const row = (text: string) => page.locator(`.part.sidebar .monaco-list-row[aria-label^="${text}"]`).first();
    await row(TEXTS.long).waitFor({ timeout: 60000 });
    // The Player starts collapsed.
    const header = page.locator('.part.sidebar .pane-header[aria-label^="Player"]');
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    await playerFrame(page);

    // First paint: collapse the Player (VS Code releases the hidden webview), expand, time it.
    const paints: number[] = [];
    const pagePaints: number[] = [];
    const toDocument: number[] = [];
    const toHtml: number[] = [];
    const toScript: number[] = [];
    const ours: number[] = [];
    let lastPaint = 0;
    for (let i = 0; i < PAINT_RUNS + 2; i++) {
      await header.click();
      await page.waitForTimeout(400);
      const clickedAt = await header.evaluate((el) => {
        const t = performance.timeOrigin + performance.now();
        (el as unknown as { click(): void }).click();
        return t;
      });
      const pagePaintedAt = await waitFor(
        async () => (await metricsOf(await playerFrame(page))).firstPaintAt ?? 0,
        (t) => t > clickedAt && t !== lastPaint,
        'the player to paint',
      );
      lastPaint = pagePaintedAt;
      const frame = await playerFrame(page);
      const onScreenAt = await waitFor(
        () => shownAt(frame),
        (t) => t > clickedAt,
        'VS Code to show the player',
        5000,
      );
      if (i >= 2) {
        // the first two warm caches up
        const m = await metricsOf(frame);
        const htmlAt = m.htmlStartAt ?? m.scriptStartAt ?? onScreenAt;
        paints.push(onScreenAt - clickedAt);
        pagePaints.push(pagePaintedAt - clickedAt);
        toDocument.push((m.documentStartAt ?? onScreenAt) - clickedAt);
        toHtml.push(htmlAt - clickedAt);
        toScript.push((m.scriptStartAt ?? onScreenAt) - clickedAt);
        ours.push(onScreenAt - htmlAt);
      }
      await page.waitForTimeout(300);
    }

    // Start of a 10-minute WAV: once to compute and cache its peaks, then timed runs.
    await page.evaluate(() => {
      const page = globalThis as unknown as {
        vhEnterAt: number;
        addEventListener(type: 'keydown', l: (e: { key: string }) => void, capture: boolean): void;
      };
      page.addEventListener(
        'keydown',
        (e) => {
          if (e.key === 'Enter') page.vhEnterAt = performance.timeOrigin + performance.now();
        },
        true,
      );
    });
    const playFromTree = async (text: string): Promise<number> => {
      await row(text).click();
      await page.keyboard.press('Enter');
      return page.evaluate(() => (globalThis as unknown as { vhEnterAt: number }).vhEnterAt);
    };
    const starts: number[] = [];
    const inView: number[] = [];
    for (let i = 0; i < START_RUNS + 1; i++) {
      // Something else first, so the long take is loaded afresh each time.
      await playFromTree(TEXTS.second);
      const frame = await playerFrame(page);
      await waitFor(
        () => metricsOf(frame),
        (m) => m.loadedId === seed.second.id,
        'the short take',
      );
      const before = (await metricsOf(frame)).playingAt ?? 0;
      const enterAt = await playFromTree(TEXTS.long);
      const m = await waitFor(
        () => metricsOf(frame),
        (x) => x.loadedId === seed.long?.id && (x.playingAt ?? 0) > before && (x.playingAt ?? 0) > enterAt,
        'the 10-minute take to play',
        60000,
      );
      if (i >= 1) {
        starts.push(m.playingAt! - enterAt);
        if (m.startMs !== undefined) inView.push(m.startMs);
      }
    }

    const figures = {
      'player.first_paint_ms': round(median(paints)),
      'player.first_paint_max_ms': round(max(paints)),
      // Where the time goes: VS Code creating the webview's document and writing our page into it,
      // then our page parsed, run and rendered until VS Code shows it.
      'player.first_paint_document_start_ms': round(median(toDocument)),
      'player.first_paint_html_start_ms': round(median(toHtml)),
      'player.first_paint_vscode_ms': round(median(toHtml)),
      'player.first_paint_ours_ms': round(median(ours)),
      'player.first_paint_script_start_ms': round(median(toScript)),
      // The page's own mark (the frame after its `load`): agrees with VS Code's within a frame.
      'player.first_paint_in_page_ms': round(median(pagePaints)),
      'player.start_10min_ms': round(median(starts)),
      'player.start_10min_max_ms': round(max(starts)),
      'player.start_10min_in_view_ms': round(median(inView)),
    };
    console.log(`\nPlayer (medians of ${paints.length} first paints, ${starts.length} starts; ms)`);
    printTable(
      ['', 'median', 'max', 'target'],
      [
        ['click → player on screen (first paint)', figures['player.first_paint_ms'], figures['player.first_paint_max_ms'], '≤ 200'],
        ['  VS Code: click → webview document starts', figures['player.first_paint_document_start_ms'], round(max(toDocument)), ''],
        ['  VS Code: click → our page written into it', figures['player.first_paint_vscode_ms'], round(max(toHtml)), ''],
        ['  ours: our page parsed, run, rendered → on screen', figures['player.first_paint_ours_ms'], round(max(ours)), ''],
        ['Enter on a 10-minute WAV → playing', figures['player.start_10min_ms'], figures['player.start_10min_max_ms'], ''],
        ['  in the webview: play request → playing', figures['player.start_10min_in_view_ms'], '', ''],
      ],
      '  ',
    );
    return figures;
  } finally {
    await close();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
    // Back to the development bundle (with its source map) for everyone else.
    try {
      execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch {
      console.warn('player bench: could not rebuild the development bundles; run `npm run build`.');
    }
  }
}
