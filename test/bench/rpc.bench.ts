// `npm run bench -- rpc`: the RPC layer measured in plain Node, as a baseline for the numbers
// taken through the real postMessage inside code-server. The "webview" is a worker thread on a
// MessageChannel (structured clone, another thread), the host is the real adapter + router +
// HistoryService on a temp folder. Keys are prefixed `rpc.node_` so they never collide with the
// code-server figures (`rpc.list_roundtrip_median_ms`, ...).
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MessageChannel, Worker } from 'node:worker_threads';
import { openHistory } from '../../src/history';
import { serveAppRouter, type PlayerContext, type RpcContext } from '../../src/rpc';
import { wavHeader } from '../../src/audio/wav';

const quietLog = { debug() {}, warn() {}, error() {} };
const noPlayer: PlayerContext = { currentList: () => [], currentId: () => undefined, open: () => undefined };

// The view: sends requests one after another and reports each round trip's time.
const VIEW = `
const { workerData, parentPort } = require('node:worker_threads');
const { port } = workerData;
const waiting = new Map();
port.on('message', (m) => { const w = waiting.get(m.id); if (w) { waiting.delete(m.id); w(m); } });
let n = 0;
function call(type, path, input) {
  const id = 'b' + (n++);
  return new Promise((resolve) => { waiting.set(id, resolve); port.postMessage({ channel: 'vh-rpc', kind: 'request', id, op: { type, path, input } }); });
}
parentPort.on('message', async ({ path, input, times }) => {
  const ms = [];
  let last;
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    last = await call('query', path, input);
    ms.push(performance.now() - t0);
  }
  if (last.kind !== 'result') throw new Error(JSON.stringify(last.error));
  parentPort.postMessage(ms);
});
`;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
function p95(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
}
const round = (x: number): number => Math.round(x * 100) / 100;

/** A WAV of `seconds` of 16 kHz mono 16-bit (flite's format) written to `path`. */
function writeLongWav(path: string, seconds: number): void {
  const second = new Uint8Array(32000);
  const view = new DataView(second.buffer);
  for (let i = 0; i < 16000; i++) view.setInt16(i * 2, Math.round(8000 * Math.sin(i / 7)), true);
  const fd = openSync(path, 'w');
  writeSync(fd, wavHeader({ sampleRate: 16000, channels: 1, bitsPerSample: 16, dataLength: second.length * seconds }));
  for (let s = 0; s < seconds; s++) writeSync(fd, second);
  closeSync(fd);
}

export async function run({ quick = false }: { quick?: boolean } = {}): Promise<Record<string, number>> {
  // --quick: a smaller history and fewer round trips, enough to prove the path still works.
  const [generations, listCalls, audioCalls] = quick ? [100, 40, 3] : [1000, 200, 20];
  const work = mkdtempSync(join(tmpdir(), 'vh-bench-rpc-'));
  const history = await openHistory({ storageDir: join(work, 'storage'), checkOnOpen: false });
  const { port1, port2 } = new MessageChannel();
  const ctx: RpcContext = {
    history,
    player: noPlayer,
    log: quietLog,
    toWebviewUri: (p) => `https://file+.vscode-resource.vscode-cdn.net${p}`,
  };
  const adapter = serveAppRouter(
    {
      postMessage: (m) => (port1.postMessage(m), true),
      onDidReceiveMessage: (l) => (port1.on('message', l), { dispose: () => port1.off('message', l) }),
    },
    () => ctx,
    quietLog,
  );
  const worker = new Worker(VIEW, { eval: true, workerData: { port: port2 }, transferList: [port2] });
  const measure = (path: string, input: unknown, times: number): Promise<number[]> =>
    new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage({ path, input, times });
    });
  try {
    const profile = await history.createProfile({ name: 'Bench' });
    const tiny = new Uint8Array([
      ...wavHeader({ sampleRate: 16000, channels: 1, bitsPerSample: 16, dataLength: 3200 }),
      ...new Uint8Array(3200),
    ]);
    for (let i = 0; i < generations; i++) {
      const text = `Bench generation ${i} with some realistic length of text to show in a list.`;
      await history.create({ profileId: profile.id, text, status: 'completed' }, { data: tiny, format: 'wav' });
    }
    await measure('history.list', { pageSize: 50 }, 20); // warm up
    const list = await measure('history.list', { pageSize: 50 }, listCalls);

    const short = join(work, 'short.wav');
    const long = join(work, 'long.wav');
    const largestInline = join(work, 'inline.wav');
    writeLongWav(short, 10);
    writeLongWav(long, 600);
    writeLongWav(largestInline, 262); // just under MAX_INLINE_AUDIO_BYTES (8 MiB)
    const g10s = await history.create({ profileId: profile.id, text: '10 s', status: 'completed' }, { filePath: short, format: 'wav' });
    const g10m = await history.create({ profileId: profile.id, text: '10 min', status: 'completed' }, { filePath: long, format: 'wav' });
    const gInline = await history.create(
      { profileId: profile.id, text: '262 s', status: 'completed' },
      { filePath: largestInline, format: 'wav' },
    );

    const uri10m = await measure('history.audio', { id: g10m.id }, audioCalls);
    const bytes10s = await measure('history.audio', { id: g10s.id, as: 'bytes' }, audioCalls);
    const bytesLoop = monitorEventLoopDelay({ resolution: 1 });
    bytesLoop.enable();
    const bytesMax = await measure('history.audio', { id: gInline.id, as: 'bytes' }, Math.min(5, audioCalls));
    bytesLoop.disable();

    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const peaksCold = await measure('history.peaks', { id: g10m.id, buckets: 2000 }, 1);
    loop.disable();
    const peaksWarm = await measure('history.peaks', { id: g10m.id, buckets: 2000 }, audioCalls);

    return {
      'rpc.node_list_roundtrip_median_ms': round(median(list)),
      'rpc.node_list_roundtrip_p95_ms': round(p95(list)),
      'rpc.node_audio_10min_uri_ms': round(median(uri10m)),
      'rpc.node_audio_10s_bytes_ms': round(median(bytes10s)),
      'rpc.node_audio_8mb_bytes_ms': round(median(bytesMax)),
      'rpc.node_audio_8mb_bytes_max_block_ms': round(bytesLoop.max / 1e6),
      'rpc.node_peaks_10min_cold_ms': round(peaksCold[0]),
      'rpc.node_peaks_10min_cold_max_block_ms': round(loop.max / 1e6),
      'rpc.node_peaks_10min_cached_ms': round(median(peaksWarm)),
    };
  } finally {
    await worker.terminate();
    adapter.dispose();
    port1.close();
    await history.close();
    rmSync(work, { recursive: true, force: true });
  }
}

// Runnable on its own: `npx tsx test/bench/rpc.bench.ts`.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  run().then(
    (r) => console.table(r),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
