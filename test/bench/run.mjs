// Benchmark runner: `npm run bench` runs every area, `npm run bench -- store rpc` only those.
// Each area is one or more modules registered below whose `run({ root, args })` returns flat
// figures (`{ "<prefix>.<row>[@<size>]": number }`, medians in ms / MB); all of them are merged
// into bench-results.json at the repo root (existing keys of other areas are kept).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..', '..');

/** Area name -> modules (relative to this folder; `.ts` ones are loaded through tsx). */
const AREAS = {
  store: ['./store/area.mjs'],
  rpc: ['./rpc.bench.ts', './rpc-vscode.bench.ts'],
  tree: ['./tree.bench.ts'],
  player: ['./player.bench.ts'],
  archive: ['./archive.bench.ts'],
  engines: ['./engines.bench.ts'],
};

async function load(modulePath) {
  const file = join(import.meta.dirname, modulePath);
  if (!file.endsWith('.ts')) return import(pathToFileURL(file).href);
  const { tsImport } = await import('tsx/esm/api');
  const mod = await tsImport(pathToFileURL(file).href, import.meta.url);
  return typeof mod.run === 'function' ? mod : mod.default;
}

const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = requested.filter((a) => !(a in AREAS));
if (unknown.length) {
  console.error(`Unknown bench area(s): ${unknown.join(', ')}. Known: ${Object.keys(AREAS).join(', ')}.`);
  process.exit(2);
}
const areas = requested.length ? requested : Object.keys(AREAS);
const resultsFile = join(root, 'bench-results.json');

function merge(figures) {
  let all = {};
  if (existsSync(resultsFile)) {
    try {
      all = JSON.parse(readFileSync(resultsFile, 'utf8'));
    } catch {
      console.warn(`bench-results.json was not valid JSON; starting it again.`);
    }
  }
  Object.assign(all, figures);
  const sorted = Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(resultsFile, `${JSON.stringify(sorted, null, 2)}\n`);
}

let failed = false;
for (const name of areas) {
  console.log(`\n=== bench: ${name} ===`);
  for (const modulePath of AREAS[name]) {
    try {
      const mod = await load(modulePath);
      const figures = await mod.run({ root, args: process.argv.slice(2) });
      merge(figures);
      console.log(`(${modulePath}: ${Object.keys(figures).length} figures merged into bench-results.json)`);
    } catch (e) {
      failed = true;
      console.error(`bench ${name} (${modulePath}) failed: ${e?.stack ?? e}`);
    }
  }
}
process.exit(failed ? 1 : 0);
