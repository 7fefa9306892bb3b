// `npm run bench -- engines`: Flite synthesis time, cold (new engine: child process start,
// wasm compile, first synthesis) and warm, for a sentence and a paragraph. The worker is
// bundled with esbuild first, exactly as the extension ships it (dist/flite-worker.js).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FliteEngine } from '../../src/engines/flite';
import { fliteBenchOptions } from './worker-bundle';

const SENTENCE = 'The quick brown fox jumps over the lazy dog while the band plays on.';
const PARAGRAPH = [
  'Voice History keeps every text-to-speech generation you make.',
  'Each one is stored with its text, voice, engine, model and settings, next to the audio itself.',
  'You can search the history, play any take again, compare versions and mark favourites.',
  'Exports are plain ZIP files, so nothing is locked away.',
  'And when you no longer need old takes, purging them frees the space they used.',
].join(' ');

const never = new AbortController().signal;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export async function run({ quick = false }: { quick?: boolean } = {}): Promise<Record<string, number>> {
  // --quick: one run of each, enough to prove the engine and the bench still work.
  const [coldRuns, sentenceRuns, paragraphRuns] = quick ? [1, 1, 1] : [3, 9, 5];
  const root = resolve(import.meta.dirname, '..', '..');
  const work = mkdtempSync(join(tmpdir(), 'vh-bench-engines-'));
  try {
    const options = await fliteBenchOptions(root, work);

    const cold: number[] = [];
    for (let i = 0; i < coldRuns; i++) {
      const engine = new FliteEngine(options);
      cold.push(await time(() => engine.synthesize({ text: SENTENCE, voice: 'slt' }, never)));
      await engine.dispose();
    }

    const engine = new FliteEngine(options);
    try {
      await engine.synthesize({ text: SENTENCE, voice: 'slt' }, never);
      const sentence: number[] = [];
      for (let i = 0; i < sentenceRuns; i++) sentence.push(await time(() => engine.synthesize({ text: SENTENCE, voice: 'slt' }, never)));
      const paragraph: number[] = [];
      for (let i = 0; i < paragraphRuns; i++) paragraph.push(await time(() => engine.synthesize({ text: PARAGRAPH, voice: 'slt' }, never)));
      return {
        'engines.flite_sentence_cold_ms': Math.round(median(cold)),
        'engines.flite_sentence_warm_ms': Math.round(median(sentence)),
        'engines.flite_paragraph_warm_ms': Math.round(median(paragraph)),
      };
    } finally {
      await engine.dispose();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Runnable on its own: node --import tsx test/bench/engines.bench.ts
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  run().then((results) => console.log(JSON.stringify(results, null, 2)));
}
