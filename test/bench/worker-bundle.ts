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
