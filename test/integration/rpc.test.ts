// The one API through the real postMessage of a real VS Code webview: the probe page (built
// from rpc-probe/probe.ts) calls the router the extension serves, and reports back.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { wavHeader } from '../../src/audio/wav';
import type { HistoryService } from '../../src/history';
import { serveAppRouter, type HostAdapter } from '../../src/rpc';
import { activated } from './extension-api';

interface ProbeMessage {
  channel: 'vh-probe';
  kind: string;
  data: unknown;
}

function toneWav(seconds: number, sampleRate = 16000): Uint8Array {
  const samples = new Int16Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
  const data = new Uint8Array(samples.buffer);
  const out = new Uint8Array(44 + data.length);
  out.set(wavHeader({ sampleRate, channels: 1, bitsPerSample: 16, dataLength: data.length }), 0);
  out.set(data, 44);
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

describe('RPC over the real webview postMessage', function () {
  this.timeout(120000);
  let history: HistoryService;
  let panel: vscode.WebviewPanel;
  let adapter: HostAdapter;
  const inbox: ProbeMessage[] = [];
  const waiters: { kind: string; resolve(m: ProbeMessage): void }[] = [];

  function next(kind: string, timeoutMs = 30000): Promise<ProbeMessage> {
    const i = inbox.findIndex((m) => m.kind === kind);
    if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`probe sent no "${kind}" within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({ kind, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  }
  const send = (command: unknown) => panel.webview.postMessage({ channel: 'vh-probe-cmd', command });

  before(async () => {
    const api = await activated();
    assert.ok(api.history, 'the history service opened');
    history = api.history;
    const profile = await history.findOrCreateProfile({ name: 'RPC probe voice', engine: 'test', voiceId: 'probe' });
    for (let i = 0; i < 60; i++) {
      await history.create(
        { profileId: profile.id, text: `RPC probe generation ${i}`, status: 'completed', engine: 'test' },
        { data: toneWav(0.2), format: 'wav' },
      );
    }
    const outDir = vscode.Uri.file(path.join(__dirname, '..'));
    panel = vscode.window.createWebviewPanel('voiceHistory.rpcProbe', 'RPC probe', vscode.ViewColumn.One, {
      enableScripts: true,
      localResourceRoots: [outDir, vscode.Uri.file(history.audioDir)],
    });
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(outDir, 'rpc-probe', 'probe.js'));
    const nonce = Math.random().toString(36).slice(2);
    panel.webview.onDidReceiveMessage((m: ProbeMessage) => {
      if (m?.channel !== 'vh-probe') return;
      const w = waiters.findIndex((x) => x.kind === m.kind);
      if (w >= 0) waiters.splice(w, 1)[0].resolve(m);
      else inbox.push(m);
    });
    const log = { info: () => {}, warn: () => {}, error: (m: string) => console.error(m), debug: () => {}, trace: () => {} };
    adapter = serveAppRouter(
      panel.webview,
      () => ({
        history,
        log,
        toWebviewUri: (p) => panel.webview.asWebviewUri(vscode.Uri.file(p)).toString(),
        player: { currentList: () => [], currentId: () => undefined, open: () => {} },
      }),
      log,
    );
    panel.webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; connect-src ${panel.webview.cspSource}"></head><body><script nonce="${nonce}" src="${script}"></script></body></html>`;
    await next('ready');
  });

  after(() => {
    adapter?.dispose();
    panel?.dispose();
  });

  it('lists a page of the history', async () => {
    await send({ kind: 'list', pageSize: 50 });
    const { data } = (await next('list')) as { data: { total: number; ids: string[] } };
    assert.equal(data.ids.length, 50);
    assert.ok(data.total >= 60, `total ${data.total}`);
    const first = await history.get(data.ids[0]);
    assert.ok(first, 'ids are real generation ids');
  });

  it('streams history changes to a subscribed webview', async () => {
    await send({ kind: 'subscribe' });
    await next('subscribed');
    const page = await history.list({ pageSize: 1 });
    await history.update(page.items[0].id, { isFavorited: true });
    const { data } = (await next('changed')) as { data: { ids?: string[] } };
    assert.ok(JSON.stringify(data).includes(page.items[0].id), `change event names the generation: ${JSON.stringify(data)}`);
  });

  it('rejects invalid input with BAD_REQUEST and the zod issues', async () => {
    await send({ kind: 'bad-input' });
    const { data } = (await next('bad-input')) as { data: { code?: string; issues?: unknown[] } };
    assert.equal(data.code, 'BAD_REQUEST');
    assert.ok(Array.isArray(data.issues) && data.issues.length > 0);
  });

  it('measures list round trips and audio fetches (bench figures)', async () => {
    await send({ kind: 'bench-list', calls: 200 });
    const { data: times } = (await next('bench-list', 120000)) as { data: number[] };
    assert.equal(times.length, 200);
    const profile = await history.findOrCreateProfile({ name: 'RPC probe voice', engine: 'test', voiceId: 'probe' });
    const figures: Record<string, number> = {
      'rpc.list_roundtrip_median_ms': median(times),
      'rpc.list_roundtrip_p95_ms': p95(times),
    };
    for (const [key, seconds] of [
      ['10s', 10],
      ['10min', 600],
    ] as const) {
      const g = await history.create(
        { profileId: profile.id, text: `RPC probe ${key} audio`, status: 'completed', engine: 'test' },
        { data: toneWav(seconds), format: 'wav' },
      );
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) {
        await send({ kind: 'audio', id: g.id, as: 'uri' });
        const { data } = (await next('audio', 60000)) as { data: { ms: number; bytes: number } };
        assert.equal(data.bytes, 44 + seconds * 16000 * 2, 'the webview received every byte');
        runs.push(data.ms);
      }
      figures[`rpc.audio_${key}_ms`] = median(runs);
    }
    console.log(`[integration] rpc bench ${JSON.stringify(figures)}`);
    if (process.env.VH_BENCH_RESULTS) writeFileSync(process.env.VH_BENCH_RESULTS, JSON.stringify(figures));
  });
});
