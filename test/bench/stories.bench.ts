// `npm run bench -- stories`: a 30-minute story of 300 speech clips (Flite, three voices, one per
// track, 24 kHz mono WAVs) mixed end to end as the extension does it (a worker bundled by esbuild as
// it ships, reading, summing, the −1 dBTP limiter, 16-bit mono WAV), against Debian sox mixing the
// same clips padded to their offsets (`sox -m` of one concatenation per track: clip, silence,
// clip, …), in the same run, interleaved. While ours mixes, the process' RSS is sampled: its growth
// over the RSS before is `mixdown_rss_growth_mb` (the worker is a thread of this process).
// --quick: a 3-minute story of 30 clips (two sentences a voice), one run.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FliteEngine } from '../../src/engines/flite';
import { createStoryMixer } from '../../src/story/mixer';
import type { MixPlan } from '../../src/story/mix-plan';
import { fliteDevOptions } from '../unit/engines/flite-dev';
import { ensureAudioMeters } from '../support/setup.mjs';
import { median, time } from './stats';
import { printTable } from './table.mjs';
import { bundleEsmWorker } from './worker-bundle';

const LINES = [
  'The lighthouse keeper climbed the stairs every evening at dusk, one hundred and twelve steps, and lit the lamp.',
  'Nobody in the village remembered a night when the light had failed, not even the oldest fisherman.',
  'But that winter a storm came in from the north, and the wind tore the shutters from the windows.',
  'She heard the bell of the harbour ringing, far too early, and she knew that something was wrong.',
  'Down on the rocks a small boat was drifting, its sail in pieces, its lantern swinging in the dark.',
  'She ran down to the shore with a coil of rope over her shoulder and a lamp in her hand.',
  'The waves were higher than the harbour wall, and the spray stung her face like sand.',
  'When morning came, the boat was safe in the harbour, and the keeper was asleep by the stove.',
];
const VOICES = ['slt', 'rms', 'awb'];
const RATE = 24000;

/** Speech clips per voice: Flite, resampled to 24 kHz 16-bit mono by sox. */
export async function speechClips(work: string, lines = LINES.length): Promise<string[][]> {
  const engine = new FliteEngine(fliteDevOptions({ tempDir: work }));
  try {
    const clips: string[][] = [];
    for (const voice of VOICES) {
      const own: string[] = [];
      for (const [i, text] of LINES.slice(0, lines).entries()) {
        const spoken = await engine.synthesize({ text, voice }, new AbortController().signal);
        const raw = join(work, `${voice}-${i}.raw.wav`);
        writeFileSync(raw, spoken.audio);
        const clip = join(work, `${voice}-${i}.wav`);
        execFileSync('sox', [raw, '-r', String(RATE), '-c', '1', '-b', '16', clip]);
        own.push(clip);
      }
      clips.push(own);
    }
    return clips;
  } finally {
    await engine.dispose();
  }
}

const seconds = (path: string): number => Number(execFileSync('soxi', ['-D', path], { encoding: 'utf8' }));

interface Layout {
  plan: MixPlan;
  /** Per track: the files sox concatenates (clips and silences), in order. */
  soxTracks: string[][];
  durationMs: number;
}

/** `count` clips over `minutes`, on three tracks, never overlapping on one track (they do across tracks). */
export function layout(work: string, clips: string[][], count: number, minutes: number): Layout {
  const lengths = new Map(clips.flat().map((c) => [c, Math.round(seconds(c) * RATE)]));
  const perTrack = count / VOICES.length;
  const slot = Math.floor((minutes * 60 * RATE) / perTrack);
  const plan: MixPlan = { channels: 1, clips: [], tracks: VOICES.map(() => ({ gain: 0.7 })) };
  const soxTracks: string[][] = [];
  const silences = new Map<number, string>();
  const silence = (frames: number): string => {
    let path = silences.get(frames);
    if (!path) {
      path = join(work, `silence-${frames}.wav`);
      execFileSync('sox', ['-n', '-r', String(RATE), '-c', '1', '-b', '16', path, 'trim', '0', `${frames}s`]);
      silences.set(frames, path);
    }
    return path;
  };
  let end = 0;
  for (const [track, own] of clips.entries()) {
    const files: string[] = [];
    let at = 0;
    for (let i = 0; i < perTrack; i++) {
      const clip = own[(i + track) % own.length]!;
      // Tracks start a third of a slot apart, so each clip overlaps clips of the other tracks.
      const start = i * slot + Math.floor((track * slot) / 3);
      if (start > at) files.push(silence(start - at));
      files.push(clip);
      plan.clips.push({ path: clip, startMs: (start / RATE) * 1000, track });
      at = start + lengths.get(clip)!;
    }
    soxTracks.push(files);
    end = Math.max(end, at);
  }
  return { plan, soxTracks, durationMs: (end / RATE) * 1000 };
}

/** sox in a child process: `sox -m -v g "|sox track0 files… -p" … out.wav`. */
function soxMix(l: Layout, output: string): Promise<void> {
  const args = ['-m'];
  for (const files of l.soxTracks) args.push('-v', '0.7', `|sox ${files.map((f) => `"${f}"`).join(' ')} -p`);
  args.push('-b', '16', output);
  return new Promise((resolve, reject) => {
    const child = spawn('sox', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sox exited with ${code}: ${err.slice(-500)}`))));
  });
}

const rssMb = (): number => process.memoryUsage.rss() / 2 ** 20;

export async function run({ quick = false }: { quick?: boolean } = {}): Promise<Record<string, number>> {
  ensureAudioMeters();
  const runs = quick ? 1 : 3;
  const [count, minutes] = quick ? [30, 3] : [300, 30];
  const root = resolve(import.meta.dirname, '..', '..');
  const work = mkdtempSync(join(tmpdir(), 'vh-bench-stories-'));
  try {
    const workerPath = await bundleEsmWorker(root, 'src/story/mix-worker.ts', work, 'mix-worker.mjs');
    const l = layout(work, await speechClips(work, quick ? 2 : LINES.length), count, minutes);
    const mixer = createStoryMixer({ workerPath, files: { flacDir: '', mp3Wasm: '', oggWasm: '' } });
    try {
      const out = join(work, 'ours.wav');
      const request = { target: { codec: 'wav', bits: 16 } as const, level: { mode: 'limit' } as const };
      // Warm the OS file cache and the WebAssembly compile cache on both sides.
      await mixer.mix({ ...l.plan, clips: l.plan.clips.slice(0, 6) }, out, request);
      await soxMix({ ...l, soxTracks: l.soxTracks.map((f) => f.slice(0, 4)) }, join(work, 'sox.wav'));
      const ours: number[] = [];
      const sox: number[] = [];
      let growth = 0;
      for (let i = 0; i < runs; i++) {
        global.gc?.();
        const before = rssMb();
        let peak = before;
        const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 25);
        ours.push(await time(() => mixer.mix(l.plan, out, request)));
        clearInterval(sampler);
        growth = Math.max(growth, peak - before);
        sox.push(await time(() => soxMix(l, join(work, 'sox.wav'))));
      }
      const oursMs = median(ours);
      const soxMs = median(sox);
      const figures = {
        'stories.mixdown_30min_ms': Math.round(oursMs),
        'stories.sox_mix_30min_ms': Math.round(soxMs),
        'stories.mixdown_vs_sox_ratio': Number((oursMs / soxMs).toFixed(2)),
        'stories.mixdown_realtime_factor': Math.round(l.durationMs / oursMs),
        'stories.mixdown_rss_growth_mb': Math.round(growth),
      };
      printTable(
        ['row', 'value', 'target'],
        [
          ['stories.mixdown_30min_ms', figures['stories.mixdown_30min_ms'], ''],
          ['stories.sox_mix_30min_ms', figures['stories.sox_mix_30min_ms'], '(Debian sox -m, same clips)'],
          ['stories.mixdown_vs_sox_ratio', figures['stories.mixdown_vs_sox_ratio'], '≤ 1.5'],
          ['stories.mixdown_realtime_factor', figures['stories.mixdown_realtime_factor'], '≥ 100'],
          ['stories.mixdown_rss_growth_mb', figures['stories.mixdown_rss_growth_mb'], '≤ 150'],
        ],
      );
      console.log(
        `(${l.plan.clips.length} clips on 3 tracks, ${(l.durationMs / 60000).toFixed(1)} min at ${RATE / 1000} kHz mono; ${runs} interleaved run(s), medians)`,
      );
      return figures;
    } finally {
      mixer.dispose();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Runnable on its own: node --import tsx test/bench/stories.bench.ts [--quick]
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  run({ quick: process.argv.includes('--quick') }).then((results) => console.log(JSON.stringify(results, null, 2)));
}
