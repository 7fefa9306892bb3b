// The story editor benchmark's reference: an editor tab with the editor's shape (three lanes of
// `VH_BENCH_CLIPS` clips, a canvas each with a waveform painted from numbers in the page) and
// nothing behind it (no RPC, no history). It marks `data-drawn-at` on its body when painted.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('referenceWebview.open', (clips: number = Number(process.env.VH_BENCH_CLIPS ?? 30)) => {
      const panel = vscode.window.createWebviewPanel('referenceWebview', 'Reference webview', vscode.ViewColumn.Active, {
        enableScripts: true,
      });
      const nonce = Math.random().toString(36).slice(2);
      panel.webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'">
<style nonce="${nonce}">.lane{position:relative;height:72px;border-bottom:1px solid #8884}.clip{position:absolute;top:4px;bottom:4px;border:1px solid #38f}canvas{width:100%;height:100%}</style></head>
<body><main id="ref"></main><script nonce="${nonce}">
const clips = ${Math.max(1, Math.min(10000, Math.round(clips)))};
const main = document.getElementById('ref');
const lanes = [0, 1, 2].map(() => main.appendChild(Object.assign(document.createElement('div'), { className: 'lane' })));
const peaks = Array.from({ length: 250 }, (_, i) => Math.abs(Math.sin(i / 9)));
for (let i = 0; i < clips; i++) {
  const el = document.createElement('div');
  el.className = 'clip';
  el.style.left = (i / 3 | 0) * 200 + 'px';
  el.style.width = '180px';
  const c = el.appendChild(document.createElement('canvas'));
  lanes[i % 3].appendChild(el);
  if (el.getBoundingClientRect().left < innerWidth) {
    c.width = 180; c.height = 64;
    const g = c.getContext('2d'); g.fillStyle = '#38f';
    for (let x = 0; x < 180; x++) { const v = peaks[(x * 250 / 180) | 0] * 30; g.fillRect(x, 32 - v, 1, 2 * v); }
  }
}
requestAnimationFrame(() => { document.body.dataset.drawnAt = String(performance.timeOrigin + performance.now()); });
</script></body></html>`;
    }),
  );
}
