// effects.preview_first_audio_ms, through the real VS Code (code-server + Chromium) as the user
// does it: a 10 s, 24 kHz clip of Flite speech in the player, the effects panel open with the
// render bench's chain (highpass 80 → compressor → reverb → normalize −16, all at their defaults,
// added through the panel), then a click on Preview. Timed in the webview: from the click's
// handler to the source node's start() (the moment the browser is told to play the decoded
// render from the current position), split into the host's render and delivery, the browser's
// decode, and the rest. The audio context's own output latency (what the device adds after
// start()) is read too and reported on its own row; headless Chromium has no sound card, so it
// is what the context reports, not a measurement of a speaker. The first preview after opening
// starts the effects worker (cold); the rest find it warm.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { openHistory } from '../../src/history';
import { openWorkbench, startCodeServer } from '../support/code-server.mjs';
import { chooseInPlayer, playerFrame, waitUntil } from '../e2e/palette';
import { speechClip } from './effects.bench';
import { printTable } from './table.mjs';
import type { EffectsMetrics } from '../../webview-ui/player/effects-metrics';

const TEXT = 'Ten seconds of speech for the preview benchmark.';
const CHAIN = ['highpass', 'compressor', 'reverb', 'normalize'];

type Metrics = EffectsMetrics;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number): number => Math.round(x * 10) / 10;

async function seed(storageDir: string, work: string): Promise<void> {
  const clip = await speechClip(work, 10);
  const history = await openHistory({ storageDir, checkOnOpen: false });
  try {
    const profile = await history.createProfile({ name: 'Bench', engine: 'flite', voiceId: 'slt' });
    await history.create(
      { profileId: profile.id, text: TEXT, engine: 'flite', model: 'cmu_us_slt', language: 'en', status: 'completed' },
      { filePath: clip, format: 'wav', duration: 10 },
    );
  } finally {
    await history.close();
  }
}

export async function run({ quick = false }: { quick?: boolean } = {}): Promise<Record<string, number>> {
  const runs = quick ? 2 : 10;
  const root = resolve(import.meta.dirname, '..', '..');
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const scratch = mkdtempSync(join(tmpdir(), 'vh-bench-preview-'));
  const storageDir = join(scratch, 'storage');
  await seed(storageDir, scratch);
  const server = await startCodeServer({ env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: storageDir }, quiet: true });
  const { page, close } = await openWorkbench({ server });
  const until = <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 60000) => waitUntil(page, what, read, ok, ms);
  const player = (): FrameLocator => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  try {
    await page.locator('.activitybar a[aria-label="Voice History"]').click();
    const row = page.locator(`.part.sidebar .monaco-list-row[aria-label^="${TEXT}"]`).first();
    await row.waitFor({ timeout: 60000 });
    await row.click();
    await page.keyboard.press('Enter');
    await until(
      'the clip in the player',
      () => player().locator('#generation-text').textContent(),
      (t) => t === TEXT,
    );
    const frame = await playerFrame(page);
    // Paused at the start, so every preview plays the whole render from 0.
    if (await frame.evaluate(() => (globalThis as unknown as { vhPlayer: { wave: { playing: boolean } } }).vhPlayer.wave.playing))
      await player()
        .locator('.subtitle')
        .click()
        .then(() => page.keyboard.press('k'));
    await player().locator('vscode-button.effects-toggle').click();
    await until(
      'the effects to load',
      () => player().locator('.fx-add-type vscode-option').count(),
      (n) => n >= 8,
    );
    for (const type of CHAIN) {
      await chooseInPlayer(page, '.fx-add-type', type);
      await player().locator('vscode-button.fx-add').click();
    }
    const metrics = (): Promise<Metrics> =>
      frame.evaluate(() => ({ ...(globalThis as unknown as { vhEffects: { metrics: Metrics } }).vhEffects.metrics }));
    // Callbacks passed to evaluate() run in the page: they reach its globals through globalThis.
    const previewing = (): Promise<string> =>
      frame.evaluate(
        () => (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset.previewing ?? '',
      );
    const samples: Required<Metrics>[] = [];
    for (let i = 0; i < runs + 1; i++) {
      const before = (await metrics()).previewStartedAt ?? 0;
      await player().locator('vscode-button.fx-preview').click();
      const m = (await until('the preview to play', metrics, (x) => (x.previewStartedAt ?? 0) > before)) as Required<Metrics>;
      samples.push(m);
      await until('the preview to be on', previewing, (v) => v === 'true');
      await player().locator('vscode-button.fx-preview').click();
      await until('the preview to stop', previewing, (v) => v === '');
    }
    const [cold, ...warm] = samples;
    const of = (f: (m: Required<Metrics>) => number): number => round(median(warm.map(f)));
    const figures = {
      'effects.preview_first_audio_ms': of((m) => m.previewFirstAudioMs),
      'effects.preview_first_audio_max_ms': round(Math.max(...warm.map((m) => m.previewFirstAudioMs))),
      'effects.preview_first_audio_cold_ms': round(cold!.previewFirstAudioMs),
      'effects.preview_render_ms': of((m) => m.previewRenderedAt - m.previewClickedAt),
      'effects.preview_decode_ms': of((m) => m.previewDecodedAt - m.previewRenderedAt),
      'effects.preview_output_latency_ms': of((m) => m.previewOutputLatencyS * 1000),
    };
    console.log(`\nEffects preview, 10 s clip (medians of ${warm.length} warm previews; ms)`);
    printTable(
      ['row', 'value', 'target'],
      [
        ['effects.preview_first_audio_ms (click → start())', figures['effects.preview_first_audio_ms'], '≤ 300'],
        ['effects.preview_first_audio_max_ms', figures['effects.preview_first_audio_max_ms'], ''],
        ['effects.preview_first_audio_cold_ms (worker started)', figures['effects.preview_first_audio_cold_ms'], ''],
        ['  render on the host, delivered to the webview', figures['effects.preview_render_ms'], ''],
        ['  decoded by the browser', figures['effects.preview_decode_ms'], ''],
        ['effects.preview_output_latency_ms (context-reported)', figures['effects.preview_output_latency_ms'], ''],
      ],
    );
    return figures;
  } finally {
    await close();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
