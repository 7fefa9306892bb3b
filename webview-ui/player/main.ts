// The player webview's entry: builds the skeleton, paints, then connects to the host.
import { nonce, scriptStartAt } from './nonce';
import './elements';
import './player.css';
import { createWebviewClient } from '../rpc/client';
import type { PlayerRouter } from '../../src/player/router';
import { PlayerApp, type VsCodeApi } from './app';
import { buildLayout } from './layout';
import { Waveform } from './waveform';

declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('app');
if (root) {
  const vscode = acquireVsCodeApi();
  const ui = buildLayout(root);
  const wave = new Waveform(ui.slider, ui.wave, PlayerApp.colors(), nonce);
  const rpc = createWebviewClient<PlayerRouter>({ target: vscode, source: window });
  const app = new PlayerApp(ui, wave, rpc, vscode);
  // The benchmark and the e2e tests read these (epoch ms: comparable with the workbench's clock).
  (window as unknown as { vhPlayer?: PlayerApp }).vhPlayer = app;
  // First paint: the first frame after the page's `load` event, when VS Code shows the webview's
  // frame (it keeps it hidden until then; the benchmark checks that from VS Code's side too).
  const painted = (): void => {
    requestAnimationFrame(() =>
      setTimeout(() => {
        app.metrics.firstPaintAt = performance.timeOrigin + performance.now();
        app.metrics.documentStartAt = performance.timeOrigin;
        app.metrics.htmlStartAt = (window as unknown as { vhHtmlStartAt?: number }).vhHtmlStartAt;
        app.metrics.scriptStartAt = scriptStartAt;
        app.metrics.firstPaintText = ui.player.hidden ? '' : (ui.text.textContent ?? '');
        document.body.dataset.firstPaint = app.metrics.firstPaintAt.toFixed(1);
      }, 0),
    );
  };
  if (document.readyState === 'complete') painted();
  else window.addEventListener('load', painted, { once: true });
  new MutationObserver(() => wave.setColors(PlayerApp.colors())).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  void app.start();
}
