// `npm run bench -- archive`: export and import of 1,000 generations (100 with --quick; ~500 MB of WAV) through the
// real history service, next to `zip -0` / `unzip` on the same audio files, with the peak RSS
// growth of each. Export and import each run in their own child process (this file, re-entered),
// so the memory figure is that operation's alone: peak RSS during the work minus RSS just before.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHistory } from '../../src/history';
import { collectIds, exportArchive } from '../../src/archive/export';
import { importFiles } from '../../src/archive/import';
import { wavHeader } from '../../src/audio/wav';

const SECONDS_EACH = 16; // 16 kHz mono 16-bit: 512 kB per file, ~500 MB in all
const MB = 1024 * 1024;
const round = (x: number) => Math.round(x * 10) / 10;
const log = (m: string) => process.stderr.write(`[archive bench] ${m}\n`);

function have(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

/** zip and unzip come from Debian; installed on demand (the bench only). */
function ensureZipTools(): void {
  const missing = ['zip', 'unzip'].filter((b) => !have(b));
  if (missing.length === 0) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  log(`installing ${missing.join(' ')}`);
  execFileSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'update', '-qq'], { stdio: 'inherit' });
  execFileSync(
    sudo[0] ?? 'apt-get',
    [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'install', '-y', '-qq', '--no-install-recommends', ...missing],
    {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    },
  );
}

/** Distinct WAV files (a tone with the index written into the samples), so no two hash alike. */
function writeWavs(dir: string, generations: number): string[] {
  mkdirSync(dir, { recursive: true });
  const dataLength = 16000 * 2 * SECONDS_EACH;
  const header = Buffer.from(wavHeader({ sampleRate: 16000, channels: 1, bitsPerSample: 16, dataLength }));
  const body = Buffer.alloc(dataLength);
  for (let i = 0; i < dataLength / 2; i++) body.writeInt16LE(Math.round(8000 * Math.sin(i / 9)), i * 2);
  const files: string[] = [];
  for (let n = 0; n < generations; n++) {
    body.writeUInt32LE(n, 0);
    const p = join(dir, `take-${String(n).padStart(4, '0')}.wav`);
    writeFileSync(p, Buffer.concat([header, body]));
    files.push(p);
  }
  return files;
}

/** Runs `fn`, sampling RSS; returns seconds and the peak growth over the RSS just before. */
async function measured(fn: () => Promise<unknown>): Promise<{ seconds: number; rssGrowthMb: number }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  await fn();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds, rssGrowthMb: (peak - before) / MB };
}

/** Child: export every generation of the history in `storage` to `target`. */
async function childExport(storage: string, target: string): Promise<unknown> {
  const history = await openHistory({ storageDir: storage, checkOnOpen: false, tuning: { pollIntervalMs: 0 } });
  const ids = await collectIds(history);
  const m = await measured(() => exportArchive(history, ids, target, { extensionVersion: 'bench' }));
  await history.close();
  return m;
}

/** Child: import `archive` into a fresh history at `storage`. */
async function childImport(storage: string, archive: string, generations: number): Promise<unknown> {
  const history = await openHistory({ storageDir: storage, checkOnOpen: false, tuning: { pollIntervalMs: 0 } });
  let summary: Awaited<ReturnType<typeof importFiles>> | undefined;
  const m = await measured(async () => (summary = await importFiles(history, [archive])));
  await history.close();
  if (summary?.imported !== generations)
    throw new Error(`import bench: imported ${summary?.imported}, rejected ${JSON.stringify(summary?.rejected)}`);
  return m;
}

function runChild(mode: string, ...args: string[]): { seconds: number; rssGrowthMb: number } {
  // VH_BENCH_CPU_PROF=<folder>: each child writes a CPU profile there (open it in Chrome's DevTools).
  const prof = process.env.VH_BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.VH_BENCH_CPU_PROF] : [];
  const r = spawnSync(process.execPath, ['--expose-gc', ...prof, '--import', 'tsx', import.meta.filename, mode, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * MB,
  });
  if (r.status !== 0) throw new Error(`archive bench child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

function timeCommand(cmd: string, args: string[], cwd: string): number {
  const t0 = performance.now();
  execFileSync(cmd, args, { cwd, stdio: 'ignore' });
  return (performance.now() - t0) / 1000;
}

export async function run({ quick = false }: { quick?: boolean } = {}): Promise<Record<string, number>> {
  // --quick: 100 generations (~50 MB), enough to prove export, import and the CLI comparison work.
  const generations = quick ? 100 : 1000;
  ensureZipTools();
  const work = mkdtempSync(join(tmpdir(), 'vh-bench-archive-'));
  try {
    log(`writing ${generations} WAV files`);
    const files = writeWavs(join(work, 'wavs'), generations);
    const source = join(work, 'source');
    const history = await openHistory({ storageDir: source, checkOnOpen: false, tuning: { pollIntervalMs: 0 } });
    const profile = await history.createProfile({ name: 'Bench voice', engine: 'flite', voiceId: 'slt' });
    log('storing them as generations');
    for (const [i, filePath] of files.entries()) {
      await history.create(
        { profileId: profile.id, text: `Benchmark generation number ${i}`, engine: 'flite' },
        { filePath, format: 'wav', duration: SECONDS_EACH, sampleRate: 16000, channels: 1 },
      );
    }
    await history.close();

    log('export');
    const archive = join(work, 'bench.voicehistory.zip');
    const exp = runChild('child-export', source, archive);
    const archiveMb = statSync(archive).size / MB;
    log(`export: ${round(archiveMb)} MB in ${exp.seconds.toFixed(2)} s, RSS +${round(exp.rssGrowthMb)} MB`);

    log('import');
    const imp = runChild('child-import', join(work, 'imported'), archive, String(generations));
    log(`import: ${imp.seconds.toFixed(2)} s, RSS +${round(imp.rssGrowthMb)} MB`);

    // The same audio with the CLI tools: zip -0 (stored) of the folder, then unzip.
    const cliZip = join(work, 'cli.zip');
    const zipSeconds = timeCommand('zip', ['-0', '-q', '-r', cliZip, 'wavs'], work);
    const cliMb = statSync(cliZip).size / MB;
    const out = join(work, 'unzipped');
    const unzipSeconds = timeCommand('unzip', ['-q', '-o', cliZip, '-d', out], work);
    if (readdirSync(join(out, 'wavs')).length !== generations) throw new Error('unzip produced the wrong number of files');
    log(`zip -0: ${round(cliMb)} MB in ${zipSeconds.toFixed(2)} s; unzip: ${unzipSeconds.toFixed(2)} s`);

    return {
      'archive.export_mbps': round(archiveMb / exp.seconds),
      'archive.import_mbps': round(archiveMb / imp.seconds),
      'archive.zip_cli_mbps': round(cliMb / zipSeconds),
      'archive.unzip_cli_mbps': round(cliMb / unzipSeconds),
      'archive.export_rss_growth_mb': round(exp.rssGrowthMb),
      'archive.import_rss_growth_mb': round(imp.rssGrowthMb),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  const [mode, a, b, c] = process.argv.slice(2);
  const job = mode === 'child-export' ? childExport(a!, b!) : mode === 'child-import' ? childImport(a!, b!, Number(c)) : run();
  job.then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
