// `npm run bench -- effects`: rendering `highpass 80 → compressor → reverb → normalize −16` on a
// 60 s, 24 kHz mono clip of real speech (Flite reading a paragraph), end to end as the extension
// does it (worker start, read, decode, effects, loudness, WAV encode), with the worker bundled by
// esbuild exactly as it ships (dist/effects-worker.mjs + its .wasm). Against Debian sox doing the
// closest chain it has (highpass 80, compand 4:1 over −20 dB, reverb, gain -n: sox has no LUFS
// normaliser, so a peak normalisation) in the same run. While ours renders, the calling thread's
// event loop is watched (monitorEventLoopDelay): the most it was blocked is `host_max_block_ms`.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseChain } from '../../src/effects/chain';
import { createEffectsRenderer } from '../../src/effects/render';
import { FliteEngine } from '../../src/engines/flite';
import { fliteDevOptions } from '../unit/engines/flite-dev';
import { ensureAudioMeters } from '../support/setup.mjs';
import { printTable } from './table.mjs';
import { bundleEsmWorker } from './worker-bundle';

const PARAGRAPH = [
  'Voice History keeps every text-to-speech generation you make.',
  'Each one is stored with its text, voice, engine, model and settings, next to the audio itself.',
  'You can search the history, play any take again, compare versions and mark favourites.',
  'Exports are plain ZIP files, so nothing is locked away.',
  'And when you no longer need old takes, purging them frees the space they used.',
].join(' ');

const CHAIN = parseChain([
  { type: 'highpass', params: { cutoff_frequency_hz: 80 } },
  { type: 'compressor', params: { threshold_db: -20, ratio: 4, attack_ms: 10, release_ms: 100 } },
  { type: 'reverb' },
  { type: 'normalize', params: { target_lufs: -16, true_peak_db: -1 } },
]);
const SOX_CHAIN = ['highpass', '80', 'compand', '0.01,0.1', '-20,-20,0,-15', 'reverb', '50', '50', '100', 'gain', '-n', '-1'];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** A 60 s (or `seconds`) 24 kHz mono WAV of Flite speaking, repeated as needed. */
export async function speechClip(work: string, seconds: number): Promise<string> {
  const engine = new FliteEngine(fliteDevOptions({ tempDir: work }));
  try {
    const spoken = await engine.synthesize({ text: PARAGRAPH, voice: 'slt' }, new AbortController().signal);
    const raw = join(work, 'flite.wav');
    writeFileSync(raw, spoken.audio);
    const repeats = Math.ceil(seconds / spoken.duration!);
    const clip = join(work, `speech-${seconds}s.wav`);
    execFileSync('sox', [raw, '-r', '24000', '-c', '1', '-b', '16', clip, 'repeat', String(repeats), 'trim', '0', String(seconds)]);
    return clip;
  } finally {
    await engine.dispose();
  }
}

/** sox in a child process, awaited without blocking this thread (execFileSync would block it). */
function runSox(input: string, output: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sox', [input, output, ...SOX_CHAIN], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sox exited with ${code}`))));
  });
}

export async function run({ quick = false }: { quick?: boolean } = {}): Promise<Record<string, number>> {
  ensureAudioMeters();
  const runs = quick ? 1 : 5;
  const root = resolve(import.meta.dirname, '..', '..');
  const work = mkdtempSync(join(tmpdir(), 'vh-bench-effects-'));
  try {
    const workerPath = await bundleEsmWorker(root, 'src/effects/worker.ts', work, 'effects-worker.mjs');
    const clip = await speechClip(work, 60);
    const short = await speechClip(work, 10);
    const renderer = createEffectsRenderer({ workerPath });
    try {
      await renderer.render({ path: short }, CHAIN); // warm the OS file cache and the WebAssembly compile cache
      const ours: number[] = [];
      const sox: number[] = [];
      const blocked: number[] = [];
      const baseline: number[] = [];
      const tenSeconds: number[] = [];
      let loudness = 0;
      for (let i = 0; i < runs; i++) {
        // Interleaved, so a busy moment of the machine hits both sides alike.
        const watch = monitorEventLoopDelay({ resolution: 1 });
        watch.enable();
        ours.push(
          await time(async () => {
            loudness = (await renderer.render({ path: clip }, CHAIN)).loudnessLufs ?? NaN;
          }),
        );
        watch.disable();
        blocked.push(watch.max / 1e6);
        // The same probe while sox runs in another process and this thread only waits: what the machine's
        // own scheduling costs the event loop, for comparison with the figure above.
        const baselineWatch = monitorEventLoopDelay({ resolution: 1 });
        baselineWatch.enable();
        sox.push(await time(() => runSox(clip, join(work, 'sox-out.wav'))));
        baselineWatch.disable();
        baseline.push(baselineWatch.max / 1e6);
        tenSeconds.push(await time(() => renderer.render({ path: short }, CHAIN)));
      }
      const chainMs = median(ours);
      const soxMs = median(sox);
      const figures = {
        'effects.chain_60s_ms': Math.round(chainMs),
        'effects.sox_chain_60s_ms': Math.round(soxMs),
        'effects.chain_vs_sox_ratio': Number((chainMs / soxMs).toFixed(2)),
        'effects.realtime_factor': Math.round(60_000 / chainMs),
        'effects.host_max_block_ms': Number(Math.max(...blocked).toFixed(1)),
        'effects.host_max_block_idle_ms': Number(Math.max(...baseline).toFixed(1)),
        'effects.render_10s_ms': Math.round(median(tenSeconds)),
      };
      printTable(
        ['row', 'value', 'target'],
        [
          ['effects.chain_60s_ms', figures['effects.chain_60s_ms'], ''],
          ['effects.sox_chain_60s_ms', figures['effects.sox_chain_60s_ms'], ''],
          ['effects.chain_vs_sox_ratio', figures['effects.chain_vs_sox_ratio'], '≤ 2.0'],
          ['effects.realtime_factor', figures['effects.realtime_factor'], '≥ 50'],
          ['effects.host_max_block_ms', figures['effects.host_max_block_ms'], '≤ 50'],
          ['effects.host_max_block_idle_ms', figures['effects.host_max_block_idle_ms'], '(sox running, this thread idle)'],
          ['effects.render_10s_ms', figures['effects.render_10s_ms'], ''],
        ],
      );
      console.log(`(result measured ${loudness.toFixed(2)} LUFS; ${runs} interleaved run(s), medians)`);
      return figures;
    } finally {
      renderer.dispose();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Runnable on its own: node --import tsx test/bench/effects.bench.ts
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  run({ quick: process.argv.includes('--quick') }).then((results) => console.log(JSON.stringify(results, null, 2)));
}
