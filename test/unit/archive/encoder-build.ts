// Builds the encode worker exactly as the extension ships it (esbuild bundle), once per test
// process, and points it at the encoders' wasm files in node_modules. Plus the Debian tools the
// format tests use as independent meters (ffmpeg/ffprobe, flac); never shipped.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { TranscoderOptions } from '../../../src/archive/transcoder';
import { ebur128 } from '../effects/meters';

const root = resolve(import.meta.dirname, '..', '..', '..');

export function encoderFilesFromNodeModules(): TranscoderOptions['files'] {
  return {
    flacDir: join(root, 'node_modules/libflacjs/dist'),
    mp3Wasm: join(root, 'node_modules/wasm-media-encoders/wasm/mp3.wasm'),
    oggWasm: join(root, 'node_modules/wasm-media-encoders/wasm/ogg.wasm'),
  };
}

let built: Promise<string> | undefined;

/** Path of a freshly bundled dist-like encode-worker.js (removed when the process exits). */
export function encodeWorkerBundle(): Promise<string> {
  built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vh-encode-worker-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const outfile = join(dir, 'encode-worker.js');
    await build({
      entryPoints: [join(root, 'src/audio/encode/worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile,
      logLevel: 'warning',
    });
    return outfile;
  })();
  return built;
}

export async function transcoderOptions(): Promise<TranscoderOptions> {
  return { workerPath: await encodeWorkerBundle(), files: encoderFilesFromNodeModules() };
}

export interface Probe {
  codec: string;
  sampleRate: number;
  channels: number;
  durationSeconds: number;
}

/** What ffprobe says of a file, decoding it fully (so a broken stream fails here). */
export function probe(path: string): Probe {
  const json = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-show_streams', '-show_format', '-of', 'json', path], { encoding: 'utf8' }),
  ) as { streams: Array<{ codec_name: string; sample_rate: string; channels: number; duration?: string }>; format: { duration: string } };
  const s = json.streams[0]!;
  return {
    codec: s.codec_name,
    sampleRate: Number(s.sample_rate),
    channels: s.channels,
    durationSeconds: Number(s.duration ?? json.format.duration),
  };
}

/** Decodes any audio file with ffmpeg to raw signed 16/24-bit little-endian PCM. */
export function decodeToPcm(path: string, bits: 16 | 24 = 16): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-f', bits === 16 ? 's16le' : 's24le', '-'], { maxBuffer: 512 * 1024 * 1024 });
}

/** Integrated loudness (LUFS, EBU R128) as ffmpeg's ebur128 filter measures it (the effects tests' meter). */
export function loudnessLufs(path: string): number {
  return ebur128(path).integrated;
}
