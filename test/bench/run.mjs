// Benchmark runner: `npm run bench` runs every area, `npm run bench -- store rpc` only those, and
// `npm run bench -- --quick` a quick pass of every area (small datasets, few repetitions: CI runs
// it so the benchmarks cannot rot; its figures are not comparable with the full ones).
// Each area is one or more modules registered below whose `run({ root, args, quick })` returns flat
// figures (`{ "<prefix>.<row>[@<size>]": number }`, medians in ms / MB); all of them are merged
// into bench-results.json at the repo root (bench-results.quick.json for --quick; existing keys
// of other areas are kept).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..', '..');

// The `.ts` areas are loaded the way the tests run TypeScript: `node --import tsx` for the whole
// process. (tsx's tsImport() loads a module under a `?namespace=` query that leaks into the
// paths its dependencies compute for themselves: esbuild then spawned `bin/esbuild?namespace=…`.)
if (!process.env.VH_BENCH_TSX) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...process.execArgv, import.meta.filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, VH_BENCH_TSX: '1' },
  });
  process.exit(r.status ?? 1);
}

/** Area name -> modules (relative to this folder), and whether it runs a real VS Code (code-server). */
const AREAS = {
  store: { modules: ['./store/area.mjs'] },
  rpc: { modules: ['./rpc.bench.ts', './rpc-vscode.bench.ts'], codeServer: true },
  tree: { modules: ['./tree.bench.ts'], codeServer: true },
  player: { modules: ['./player.bench.ts'], codeServer: true },
  archive: { modules: ['./archive.bench.ts'] },
  engines: { modules: ['./engines.bench.ts'] },
  formats: { modules: ['./formats.bench.ts'] },
  effects: { modules: ['./effects.bench.ts', './effects-preview.bench.ts'], codeServer: true },
  stories: { modules: ['./stories.bench.ts'] },
  scripts: { modules: ['./scripts.bench.ts', './scripts-rescan.bench.ts'] },
  'story-editor': { modules: ['./story-editor.bench.ts'], codeServer: true },
};

async function load(modulePath) {
  const mod = await import(pathToFileURL(join(import.meta.dirname, modulePath)).href);
  return typeof mod.run === 'function' ? mod : mod.default;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const requested = args.filter((a) => !a.startsWith('-'));
const unknown = requested.filter((a) => !(a in AREAS));
if (unknown.length) {
  console.error(`Unknown bench area(s): ${unknown.join(', ')}. Known: ${Object.keys(AREAS).join(', ')}.`);
  process.exit(2);
}
const areas = requested.length ? requested : Object.keys(AREAS);
const resultsFile = join(root, quick ? 'bench-results.quick.json' : 'bench-results.json');

function merge(figures) {
  let all = {};
  if (existsSync(resultsFile)) {
    try {
      all = JSON.parse(readFileSync(resultsFile, 'utf8'));
    } catch {
      console.warn(`${resultsFile} was not valid JSON; starting it again.`);
    }
  }
  Object.assign(all, figures);
  const sorted = Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(resultsFile, `${JSON.stringify(sorted, null, 2)}\n`);
}

if (areas.some((a) => AREAS[a].codeServer)) {
  // The same machine setup `npm test` runs first (code-server's offline install, chromium, ripgrep):
  // without it code-server exits with code 1 on a fresh clone.
  const { setup } = await import('../support/setup.mjs');
  setup();
}

const started = performance.now();
let failed = false;
for (const name of areas) {
  console.log(`\n=== bench: ${name}${quick ? ' (quick)' : ''} ===`);
  const areaStarted = performance.now();
  for (const modulePath of AREAS[name].modules) {
    try {
      const mod = await load(modulePath);
      const figures = await mod.run({ root, args, quick });
      merge(figures);
      console.log(`(${modulePath}: ${Object.keys(figures).length} figures merged into ${resultsFile})`);
    } catch (e) {
      failed = true;
      console.error(`bench ${name} (${modulePath}) failed: ${e?.stack ?? e}`);
    }
  }
  console.log(`(${name} took ${((performance.now() - areaStarted) / 1000).toFixed(0)} s)`);
}
console.log(
  `\nbench${quick ? ' --quick' : ''}: ${areas.join(', ')} in ${((performance.now() - started) / 1000).toFixed(0)} s${failed ? '; FAILED (see above)' : ''}`,
);
process.exit(failed ? 1 : 0);
