/**
 * Rendering an effects chain, off the calling thread.
 *
 *   const renderer = createEffectsRenderer({ workerPath: context.asAbsolutePath('dist/effects-worker.js') });
 *   const { wav, sampleRate, channels, durationMs, loudnessLufs, truePeakDb } =
 *     await renderer.render({ path: audioFile }, chain, { signal, output: 'pcm16' });
 *   const facts = await renderer.analyze({ bytes }, { signal });   // duration, LUFS, true peak; no render
 *
 * - Input: WAV (8/16/24/32-bit PCM, 32/64-bit float, any channel count), MP3, FLAC, OGG/Vorbis,
 *   as bytes or a file path (the worker reads the file itself, so big files never cross threads).
 *   At most MAX_RENDER_SECONDS long.
 * - Output: a complete WAV in memory (16-bit PCM by default, or 32-bit float), at the source's
 *   sample rate unless the chain resamples. Nothing is written to disk here: the caller stores
 *   the bytes only once the promise resolves, so a failed render never leaves a file.
 * - Errors are EffectsError with a `code` and a message a person can act on; an aborted `signal`
 *   ends the worker at once and rejects with code 'cancelled'; a worker that dies rejects with
 *   'crashed'.
 */
import type { EffectsChain } from './chain';

/** Longest input rendered (1 hour: a long chapter; memory stays under ~1.5 GB even for 48 kHz stereo). */
export const MAX_RENDER_SECONDS = 60 * 60;

export type RenderSource = { bytes: Uint8Array } | { path: string };

export type RenderOutput = 'pcm16' | 'float32';

export interface RenderOptions {
  signal?: AbortSignal;
  /** Sample format of the WAV written (default 'pcm16'). */
  output?: RenderOutput;
}

export interface AudioFacts {
  sampleRate: number;
  channels: number;
  durationMs: number;
  /** Integrated loudness (ITU-R BS.1770-4); null when the sound is all below the −70 LUFS gate (silence). */
  loudnessLufs: number | null;
  /** True peak in dBTP (4× oversampled); null for digital silence. */
  truePeakDb: number | null;
}

export interface RenderResult extends AudioFacts {
  /** A complete RIFF/WAVE file. */
  wav: Uint8Array;
}

export type EffectsErrorCode = 'invalid-chain' | 'unsupported-input' | 'corrupt-input' | 'too-long' | 'cancelled' | 'crashed' | 'failed';

export class EffectsError extends Error {
  override readonly name = 'EffectsError';
  constructor(
    readonly code: EffectsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface EffectsRenderer {
  /** Decodes `source`, applies the enabled effects of `chain` in order, encodes a WAV. */
  render(source: RenderSource, chain: EffectsChain, options?: RenderOptions): Promise<RenderResult>;
  /** Decodes `source` and measures it (duration, loudness, true peak); renders nothing. */
  analyze(source: RenderSource, options?: Omit<RenderOptions, 'output'>): Promise<AudioFacts>;
  /** Ends any running work (its promises reject with 'cancelled'). */
  dispose(): void;
}

export interface EffectsRendererOptions {
  /** The worker script: `dist/effects-worker.js` in the extension; src/effects/worker.ts in tests. */
  workerPath: string;
  /** Node flags for the worker (tests: ['--import', 'tsx'] to run the .ts source). */
  execArgv?: string[];
}

export function createEffectsRenderer(options: EffectsRendererOptions): EffectsRenderer {
  void options;
  const notYet = (): Promise<never> =>
    Promise.reject(new EffectsError('failed', 'The effects engine is not built yet (this build has the chain format only).'));
  return { render: notYet, analyze: notYet, dispose: () => undefined };
}
