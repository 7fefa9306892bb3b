// Independent meters for the effects tests: sox makes the test signals, ffmpeg and sox measure
// what our engine rendered (loudness with ffmpeg's ebur128 filter, RMS with sox `stat`, duration
// with soxi, the spectrum from ffmpeg-decoded samples). None of our own DSP code is used to judge it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEffectsRenderer, type EffectsRenderer } from '../../../src/effects/render';

export const DEV_WORKER = join(import.meta.dirname, 'dev-worker.mjs');

export function devRenderer(t: { after: (fn: () => void) => void }, workerPath = DEV_WORKER): EffectsRenderer {
  const renderer = createEffectsRenderer({ workerPath, execArgv: ['--import', 'tsx'] });
  t.after(() => renderer.dispose());
  return renderer;
}

export function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vh-effects-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function tool(name: 'sox' | 'ffmpeg' | 'soxi', args: string[]): string {
  try {
    return execFileSync(name, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { code?: string; stderr?: string; stdout?: string };
    if (e.code === 'ENOENT') throw new Error(`${name} is not installed: run \`node test/support/setup.mjs\` (it installs ffmpeg and sox).`);
    // sox and ffmpeg print their reports on stderr; a non-zero exit with a report is still a failure.
    throw new Error(`${name} ${args.join(' ')} failed: ${e.stderr ?? ''}`);
  }
}

/** A file made by sox: `sox -n -r RATE -c CH -b 16 out.wav synth …effects`. */
export function synth(dir: string, name: string, rate: number, channels: number, effects: string[]): string {
  const path = join(dir, name);
  tool('sox', ['-n', '-r', String(rate), '-c', String(channels), '-b', '16', path, ...effects]);
  return path;
}

/** What a command printed on stdout and stderr together (sox `stat` and ffmpeg report on stderr). */
function report(command: string, path: string): string {
  return execFileSync('sh', ['-c', `${command} 2>&1`, path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** sox `stat`'s RMS amplitude of a file, or of `seconds` of it from `from` (sox `trim`). */
export function rms(path: string, from?: number, seconds?: number): number {
  const trim = from === undefined ? '' : ` trim ${from}${seconds === undefined ? '' : ` ${seconds}`}`;
  const text = report(`sox "$0" -n${trim} stat`, path);
  const m = /RMS\s+amplitude:\s+([\d.e+-]+)/.exec(text);
  if (!m) throw new Error(`sox stat printed no RMS amplitude: ${text}`);
  return Number(m[1]);
}

/** `rms` in dB (−200 for digital silence). */
export function rmsDb(path: string, from?: number, seconds?: number): number {
  const value = rms(path, from, seconds);
  return value > 0 ? 20 * Math.log10(value) : -200;
}

/**
 * Total harmonic distortion (plus noise) of a tone at `fundamentalHz`, as a fraction: the RMS left
 * after sox's steep `sinc` high-pass (50 Hz transition) at 1.5× the fundamental, over the RMS of
 * the whole, both without the first and last 250 ms (the filter's edges). Floor about −80 dB.
 */
export function thd(path: string, fundamentalHz: number): number {
  const middle = 'trim 0.25 -0.25 stat';
  const residual = report(`sox "$0" -n sinc -t 50 ${Math.round(fundamentalHz * 1.5)} ${middle}`, path);
  const whole = report(`sox "$0" -n ${middle}`, path);
  const value = (text: string): number => {
    const m = /RMS\s+amplitude:\s+([\d.e+-]+)/.exec(text);
    if (!m) throw new Error(`sox stat printed no RMS amplitude: ${text}`);
    return Number(m[1]);
  };
  return value(residual) / value(whole);
}

export function durationSeconds(path: string): number {
  return Number(tool('soxi', ['-D', path]).trim());
}

export function sampleRateOf(path: string): number {
  return Number(tool('soxi', ['-r', path]).trim());
}

/** ffmpeg's ebur128 filter: integrated loudness (LUFS) and true peak (dBTP). */
export function ebur128(path: string): { integrated: number; truePeak: number } {
  const text = report('ffmpeg -hide_banner -nostats -i "$0" -af ebur128=peak=true -f null -', path);
  const summary = text.slice(text.lastIndexOf('Summary:'));
  const integrated = /I:\s+(-?[\d.]+) LUFS/.exec(summary);
  const peak = /Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary);
  if (!integrated || !peak) throw new Error(`ffmpeg ebur128 printed no summary:\n${text.slice(-2000)}`);
  return { integrated: Number(integrated[1]), truePeak: peak[1] === '-inf' ? -Infinity : Number(peak[1]) };
}

/** The first channel's samples, decoded by ffmpeg (not by us). */
export function samplesOf(path: string): Float32Array {
  const raw = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', path, '-ac', '1', '-f', 'f32le', '-'], {
    maxBuffer: 512 * 1024 * 1024,
  });
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

/** Frequency of the strongest spectral peak (Hann window, radix-2 FFT, parabolic interpolation). */
export function dominantFrequency(samples: Float32Array, sampleRate: number): number {
  let n = 1;
  while (n * 2 <= samples.length && n < 1 << 17) n *= 2;
  const start = Math.floor((samples.length - n) / 2);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = samples[start + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len)
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
  }
  const mag = (k: number): number => Math.hypot(re[k], im[k]);
  let best = 1;
  for (let k = 2; k < n / 2; k++) if (mag(k) > mag(best)) best = k;
  const [l, c, r] = [mag(best - 1), mag(best), mag(best + 1)];
  const shift = (0.5 * (l - r)) / (l - 2 * c + r);
  return ((best + shift) * sampleRate) / n;
}

export function writeTemp(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

export const read = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

/** Highest absolute sample of a mono file, decoded by ffmpeg (float WAVs may hold values over 1). */
export function samplePeakOf(path: string): number {
  let peak = 0;
  for (const v of samplesOf(path)) peak = Math.max(peak, Math.abs(v));
  return peak;
}
