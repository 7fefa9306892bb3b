// Bench area "store": this store vs the naive sql.js approach vs native SQLite (better-sqlite3),
// at 10k and 100k generations. Each step runs in its own process (worker.ts). Datasets are
// cached in .bench-deps/datasets; better-sqlite3 is installed on demand into .bench-deps.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { printTable } from '../table.mjs';

const ROWS = [
  ['insert_durable_ms', 'durable insert of one generation', 'ms'],
  ['page_newest_ms', 'newest page of 50 (+ total)', 'ms'],
  ['page_offset50k_ms', 'page of 50 at offset 50k (+ total)', 'ms'],
  ['page_cursor50k_ms', 'page of 50 after the 50k-th, by cursor', 'ms'],
  ['page_search_ms', 'search page (+ total), median of 5 queries', 'ms'],
  ['page_profile_search_ms', 'profile + search page (+ total)', 'ms'],
  ['stats_ms', 'stats', 'ms'],
  ['tag_10k_ms', 'add a tag to 10k selected rows', 'ms'],
  ['untag_10k_ms', 'remove it from them again', 'ms'],
  ['open_first_page_ms', 'cold open to first page', 'ms'],
  ['rss_mb', 'process RSS after open + queries', 'MB'],
];
const TARGETS_100K = {
  insert_durable_ms: 2,
  page_newest_ms: 5,
  page_offset50k_ms: 10,
  page_cursor50k_ms: 10,
  page_search_ms: 10,
  page_profile_search_ms: 10,
  stats_ms: 10,
  open_first_page_ms: 300,
};
const IMPLS = ['store', 'naive', 'native'];
const NATIVE_VERSION = '12.9.0';
const DATA_VERSION = 1;

function worker(root, args, env = {}) {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'test', 'bench', 'store', 'worker.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`worker ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop();
  return JSON.parse(last);
}

/** Whether better-sqlite3 in `depsDir` loads *and* opens a database (its native addon is only needed by the constructor). */
function nativeLoads(depsDir) {
  try {
    const Database = createRequire(join(depsDir, 'package.json'))('better-sqlite3');
    new Database(':memory:').close();
    return true;
  } catch (e) {
    return e;
  }
}

/**
 * better-sqlite3 compiles from source here (a few minutes), so it lives outside package.json.
 * Its install script is what builds it: `npm run bench` passes the repo's ignore-scripts=true on
 * to every npm it starts (as npm_config_ignore_scripts), so the install and the repair below turn
 * scripts back on explicitly. An earlier install left uncompiled is rebuilt.
 */
function ensureNative(depsDir) {
  const loads = nativeLoads(depsDir);
  if (loads === true) return true;
  const installed = existsSync(join(depsDir, 'node_modules', 'better-sqlite3', 'package.json'));
  console.log(
    `${installed ? 'Building the installed' : 'Installing'} better-sqlite3@${NATIVE_VERSION} in .bench-deps (compiles from source, a few minutes)…`,
  );
  mkdirSync(depsDir, { recursive: true });
  if (!existsSync(join(depsDir, 'package.json')))
    writeFileSync(join(depsDir, 'package.json'), '{ "name": "voice-history-bench-deps", "private": true }\n');
  const npmArgs = installed
    ? ['rebuild', 'better-sqlite3', '--prefix', depsDir, '--ignore-scripts=false', '--loglevel=error']
    : [
        'install',
        '--prefix',
        depsDir,
        '--ignore-scripts=false',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `better-sqlite3@${NATIVE_VERSION}`,
      ];
  const r = spawnSync('npm', npmArgs, { cwd: depsDir, encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) return false;
  const after = nativeLoads(depsDir);
  if (after !== true) console.log(`better-sqlite3 installed but does not load: ${after.message}`);
  return after === true;
}

const fmt = (v, unit) => (v === undefined ? 'n/a' : unit === 'MB' ? v.toFixed(0) : v < 10 ? v.toFixed(2) : v.toFixed(1));

export async function run({ root, quick = false }) {
  const depsDir = join(root, '.bench-deps');
  // --quick: one small dataset, one cold open, and no native column (compiling better-sqlite3
  // takes minutes on a fresh clone; it is the reference, not what this project ships).
  const sizes = (process.env.BENCH_STORE_SIZES ?? (quick ? '2000' : '10000,100000')).split(',').map(Number);
  const nativeOk = !quick && ensureNative(depsDir);
  if (!nativeOk)
    console.log(
      quick ? 'Quick pass: the native column (better-sqlite3) is left out.' : 'better-sqlite3 is unavailable: the native column shows n/a.',
    );
  const env = { BENCH_DEPS: depsDir };
  const impls = IMPLS.filter((i) => i !== 'native' || nativeOk);
  const figures = {};
  const details = {};
  for (const size of sizes) {
    for (const impl of impls) {
      // The store's dataset depends on its schema: rebuild when the schema changes.
      const schemaTag =
        impl === 'store'
          ? `-${createHash('sha1')
              .update(readFileSync(join(root, 'src', 'store', 'schema.ts')))
              .digest('hex')
              .slice(0, 8)}`
          : '';
      const dataset = join(depsDir, 'datasets', `${impl}-${size}-v${DATA_VERSION}${schemaTag}`);
      const marker = join(dataset, '.complete');
      if (!existsSync(marker)) {
        rmSync(dataset, { recursive: true, force: true });
        process.stdout.write(`building ${impl} dataset of ${size}… `);
        const b = worker(root, ['build', impl, String(size), dataset], env);
        writeFileSync(marker, `${new Date().toISOString()}\n`);
        console.log(`${(b.ms / 1000).toFixed(1)} s`);
      }
      process.stdout.write(`measuring ${impl} @ ${size}… `);
      const m = worker(root, ['measure', impl, String(size), dataset], env);
      const opens = (quick ? [0] : [0, 1, 2]).map(() => worker(root, ['open', impl, String(size), dataset], env));
      const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      m.open_first_page_ms = med(opens.map((o) => o.open_first_page_ms));
      m.rss_mb = med(opens.map((o) => o.rss_mb));
      details[`${impl}@${size}`] = m.details;
      for (const [row] of ROWS) if (typeof m[row] === 'number') figures[`${impl}.${row}@${size}`] = Math.round(m[row] * 1000) / 1000;
      console.log('done');
    }
  }
  for (const size of sizes) {
    console.log(`\nHistory store at ${size.toLocaleString('en')} generations (medians; ms unless noted)`);
    const head = ['row', ...IMPLS, ...(size === 100000 ? ['target'] : [])];
    const lines = ROWS.map(([row, label, unit]) => [
      `${label}${unit === 'MB' ? ' (MB)' : ''}`,
      ...IMPLS.map((i) => fmt(figures[`${i}.${row}@${size}`], unit)),
      ...(size === 100000 ? [TARGETS_100K[row] ? `≤ ${TARGETS_100K[row]}` : ''] : []),
    ]);
    printTable(head, lines);
    console.log('  search detail (ms):');
    const keys = Object.keys(details[`store@${size}`] ?? {});
    printTable(
      ['query', ...impls],
      keys.map((k) => [k, ...impls.map((i) => fmt(details[`${i}@${size}`]?.[k], 'ms'))]),
      '  ',
    );
  }
  console.log('\nNote: 2 shared cores; other work on the machine adds noise. Figures are medians of repeated runs.');
  return figures;
}
