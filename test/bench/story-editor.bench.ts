// The story editor measured through the real VS Code (code-server + Chromium), beside a reference:
//  - stories.editor_open_ms: from Enter on the story in Open Story Editor's quick pick (timed in the
//    workbench page) to every clip laid out and every clip in view with its waveform painted (the
//    page's own mark, same clock). A 30-minute story of 300 clips on 3 tracks (30 generations, each
//    used 10 times); --quick: 30 clips of 5 generations.
//  - stories.editor_open_reference_ms: the same for an editor-tab webview of the same shape with
//    nothing behind it (test/bench/reference-webview): VS Code's own cost of such a tab.
//  - stories.seek_to_sound_ms: while playing, a click on the ruler → the first output samples of
//    the mix above silence (the analyser on the editor's output), medians of several seeks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { openHistory } from '../../src/history';
import { toneWav } from '../e2e/player-seed';
import { installFixtureExtension } from '../fixture-extension/dev-extensions.mjs';
import { openWorkbench, root, startCodeServer } from '../support/code-server.mjs';
import { median } from './stats';
import { printTable } from './table.mjs';

const now = (page: Page | Frame): Promise<number> => page.evaluate(() => performance.timeOrigin + performance.now());

async function seed(storageDir: string, clips: number, generations: number, seconds: number): Promise<void> {
  mkdirSync(storageDir, { recursive: true });
  const history = await openHistory({ storageDir, checkOnOpen: false });
  try {
    const voice = await history.createProfile({ name: 'Narrator', engine: 'flite', voiceId: 'slt' });
    const ids: string[] = [];
    for (let i = 0; i < generations; i++) {
      const g = await history.create(
        { profileId: voice.id, text: `Line ${i + 1} of the benchmark story.`, engine: 'flite', status: 'completed' },
        { data: toneWav(seconds, 180 + i * 7), format: 'wav', duration: seconds },
      );
      ids.push(g.id);
    }
    const story = await history.createStory({ name: 'Benchmark story' });
    await history.editStory(story.id, {
      type: 'add',
      items: Array.from({ length: clips }, (_, i) => ({ generationId: ids[i % generations]!, track: i % 3 })),
    });
  } finally {
    await history.close();
  }
}

async function frameWith(page: Page, selector: string): Promise<Frame> {
  for (let i = 0; i < 600; i++) {
    for (const f of page.frames()) {
      if (
        await f
          .locator(selector)
          .count()
          .catch(() => 0)
      )
        return f;
    }
    await page.waitForTimeout(20);
  }
  throw new Error(`no webview with ${selector} appeared`);
}

async function poll<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 60000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const v = await read();
      if (ok(v)) return v;
    } catch {
      /* frame starting */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Types a command into the palette and returns the epoch time Enter was pressed. */
async function paletteEnter(page: Page, title: string, pick?: string): Promise<number> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
  if (pick) {
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: pick }).first().waitFor();
  }
  const t0 = await now(page);
  await page.keyboard.press('Enter');
  return t0;
}

async function closeEditors(page: Page): Promise<void> {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget .quick-input-box input').fill('>View: Close All Editors');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'View: Close All Editors' }).first().click();
  await page.waitForTimeout(500);
}

async function openEditor(page: Page): Promise<{ ms: number; frame: Frame }> {
  const t0 = await paletteEnter(page, 'Voice History: Open Story Editor', 'Benchmark story');
  const frame = await frameWith(page, '.timeline');
  await poll(
    () => frame.evaluate<string>("document.body.dataset.drawn ?? ''"),
    (v) => v !== '',
    'the editor to draw its clips',
  );
  const drawnAt = await frame.evaluate(
    () => (globalThis as unknown as { vhStoryEditor: { metrics: { drawnAt: number } } }).vhStoryEditor.metrics.drawnAt,
  );
  return { ms: drawnAt - t0, frame };
}

async function openReference(page: Page): Promise<number> {
  const t0 = await paletteEnter(page, 'Reference Webview: Open');
  const frame = await frameWith(page, '#ref');
  const drawnAt = Number(
    await poll(
      () => frame.evaluate<string>("document.body.dataset.drawnAt ?? ''"),
      (v) => v !== '',
      'the reference to paint',
    ),
  );
  return drawnAt - t0;
}

async function seekToSound(page: Page, frame: Frame, seeks: number): Promise<number[]> {
  const ruler = (await frame.locator('.ruler').boundingBox())!;
  await frame.locator('.story-name').click();
  await page.keyboard.press('Space');
  await page.waitForTimeout(1000);
  const out: number[] = [];
  for (let i = 0; i < seeks; i++) {
    await page.mouse.click(ruler.x + 40 + ((i * 97) % Math.max(1, ruler.width - 80)), ruler.y + ruler.height / 2);
    const soundAt = await poll(
      () =>
        frame.evaluate(
          () => (globalThis as unknown as { vhStoryEditor: { metrics: { soundAt?: number } } }).vhStoryEditor.metrics.soundAt ?? 0,
        ),
      (v) => v > 0,
      'sound after a seek',
      10000,
    );
    const seekAt = await frame.evaluate(
      () => (globalThis as unknown as { vhStoryEditor: { metrics: { seekAt: number } } }).vhStoryEditor.metrics.seekAt,
    );
    out.push(soundAt - seekAt);
    await page.waitForTimeout(300);
  }
  await page.keyboard.press('Space');
  return out;
}

export async function run({ quick = false }: { quick?: boolean } = {}): Promise<Record<string, number>> {
  const clips = quick ? 30 : 300;
  const runs = quick ? 2 : 5;
  execFileSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: root, stdio: 'ignore' });
  const scratch = mkdtempSync(join(tmpdir(), 'vh-story-editor-bench-'));
  const extensionsDir = join(scratch, 'extensions');
  installFixtureExtension(root, extensionsDir, join(root, 'test', 'bench', 'reference-webview'));
  const storageDir = join(scratch, 'storage');
  // 300 clips of ~17.8 s with 200 ms gaps on 3 tracks: a 30-minute story.
  await seed(storageDir, clips, quick ? 5 : 30, quick ? 6 : 17.8);
  const server = await startCodeServer({
    extensionsDir,
    env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: storageDir, VH_BENCH_CLIPS: String(clips) },
  });
  const { page, close } = await openWorkbench({ server, theme: 'dark' });
  try {
    await page.locator('.activitybar a[aria-label="Voice History"]').click();
    await page.waitForTimeout(2000);
    // Warm-up of both (first use of each panel type), not counted.
    await openEditor(page);
    await closeEditors(page);
    await openReference(page);
    await closeEditors(page);
    const ours: number[] = [];
    const reference: number[] = [];
    // Interleaved, so a slow spell of the shared machine hits both alike.
    for (let i = 0; i < runs; i++) {
      ours.push((await openEditor(page)).ms);
      await closeEditors(page);
      reference.push(await openReference(page));
      await closeEditors(page);
    }
    const { frame } = await openEditor(page);
    const seeks = await seekToSound(page, frame, quick ? 3 : 7);
    const figures = {
      'stories.editor_open_ms': Math.round(median(ours)),
      'stories.editor_open_reference_ms': Math.round(median(reference)),
      'stories.editor_open_max_ms': Math.round(Math.max(...ours)),
      'stories.seek_to_sound_ms': Math.round(median(seeks)),
      'stories.seek_to_sound_max_ms': Math.round(Math.max(...seeks)),
    };
    console.log(`Story editor: ${clips} clips on 3 tracks, ${runs} opens each, ${seeks.length} seeks`);
    printTable(
      ['figure', 'value'],
      Object.entries(figures).map(([k, v]) => [k, v]),
    );
    return figures;
  } finally {
    await close();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
