// A test-only webview page: it drives the real tRPC client over the real postMessage and reports
// what it saw back to the test on a separate "vh-probe" channel (the RPC adapter ignores it).
import { createWebviewClient } from '../../../webview-ui/rpc/client';
import type { AppRouter } from '../../../src/rpc/router';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscode = acquireVsCodeApi();
const rpc = createWebviewClient<AppRouter>({ target: vscode, source: window });
const report = (kind: string, data: unknown): void => vscode.postMessage({ channel: 'vh-probe', kind, data });

type Command =
  | { kind: 'list'; pageSize: number }
  | { kind: 'subscribe' }
  | { kind: 'bad-input' }
  | { kind: 'bench-list'; calls: number }
  | { kind: 'audio'; id: string; as: 'uri' | 'bytes' };

function errorOf(e: unknown): { code?: string; message: string; issues?: unknown } {
  const err = e as { message?: string; data?: { code?: string; issues?: unknown } };
  return { code: err.data?.code, message: String(err.message ?? e), issues: err.data?.issues };
}

async function handle(cmd: Command): Promise<void> {
  switch (cmd.kind) {
    case 'list': {
      const page = await rpc.history.list.query({ pageSize: cmd.pageSize });
      report('list', { total: 'total' in page ? page.total : undefined, ids: page.items.map((g) => g.id) });
      return;
    }
    case 'subscribe': {
      rpc.history.onChanged.subscribe(undefined, {
        onStarted: () => report('subscribed', null),
        onData: (event) => report('changed', event),
        onError: (e) => report('error', errorOf(e)),
      });
      return;
    }
    case 'bad-input': {
      try {
        await rpc.history.list.query({ pageSize: 100_000 });
        report('bad-input', { accepted: true });
      } catch (e) {
        report('bad-input', errorOf(e));
      }
      return;
    }
    case 'bench-list': {
      const times: number[] = [];
      for (let i = 0; i < cmd.calls; i++) {
        const t0 = performance.now();
        await rpc.history.list.query({ pageSize: 50 });
        times.push(performance.now() - t0);
      }
      report('bench-list', times);
      return;
    }
    case 'audio': {
      const t0 = performance.now();
      const audio = await rpc.history.audio.query({ id: cmd.id, as: cmd.as });
      let bytes = 0;
      if (cmd.as === 'bytes' && audio.bytes) bytes = audio.bytes.byteLength;
      else if (audio.uri) bytes = (await (await fetch(audio.uri)).arrayBuffer()).byteLength;
      report('audio', { ms: performance.now() - t0, bytes, format: audio.format });
      return;
    }
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  const msg = event.data as { channel?: string; command?: Command };
  if (msg?.channel !== 'vh-probe-cmd' || !msg.command) return;
  handle(msg.command).catch((e) => report('error', errorOf(e)));
});
report('ready', null);
