// One audio file to a target file in an export format: `original` and same-format exports are
// copied; WAV is encoded off the host thread by the Transcoder; a sample-rate change, a loudness
// target or a FLAC source first goes through the effects engine (its own worker). Always temp + rename, so a
// failure or a cancel leaves no file at the target.
import { copyFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { formatName, sniffAudioFile, type AudioFormat } from '../audio/format';
import { readWavInfo } from '../audio/wav';
import type { EffectsChain } from '../effects/chain';
import { EffectsError, type EffectsRenderer } from '../effects/render';
import { ArchiveError } from './errors';
import { describeExportFormat, type ExportFormat } from './export-format';
import { describeTranscodeError, type Transcoder } from './transcoder';
import { tempPathBeside } from './zip-writer';

export interface ConvertOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** Words for messages: `"Hello world"`. */
  what?: string;
  /** Resampling, loudness and FLAC sources go through it (src/effects). */
  effects?: EffectsRenderer;
}

/** Copies `source` to `target` atomically. */
export async function copyAtomically(source: string, target: string, signal?: AbortSignal): Promise<number> {
  signal?.throwIfAborted();
  const temp = tempPathBeside(target);
  try {
    await copyFile(source, temp);
    signal?.throwIfAborted();
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  return (await stat(target)).size;
}

/** The effects chain an export needs before encoding: resample and/or normalise; empty when none. */
function exportChain(format: ExportFormat, sourceRate: number | undefined): EffectsChain {
  const chain: EffectsChain = [];
  if (format.sampleRate !== undefined && format.sampleRate !== sourceRate) {
    chain.push({ type: 'resample', enabled: true, params: { sample_rate_hz: format.sampleRate } });
  }
  if (format.loudnessLufs !== undefined) {
    chain.push({ type: 'normalize', enabled: true, params: { target_lufs: format.loudnessLufs, true_peak_db: -1 } });
  }
  return chain;
}

/** Writes `source` (a stored audio file) to `target` in `format`; resolves to the bytes written. */
export async function convertAudio(
  transcoder: Transcoder | undefined,
  source: string,
  target: string,
  format: ExportFormat,
  options: ConvertOptions = {},
): Promise<{ bytes: number; converted: boolean }> {
  const what = options.what ?? 'the audio';
  const container: AudioFormat | null = await sniffAudioFile(source);
  const sourceRate = container === 'wav' ? (await readWavInfo(source)).sampleRate : undefined;
  const plain = format.sampleRate === undefined && format.loudnessLufs === undefined;
  if (format.codec === 'original' || (container === format.codec && format.codec !== 'wav' && plain)) {
    return { bytes: await copyAtomically(source, target, options.signal), converted: false };
  }
  if (!transcoder) throw new ArchiveError('not-exportable', 'Converting audio is not available here; export in the original format.');
  const chain = exportChain(format, sourceRate);
  // WAV goes to the encoder as it is; anything else (FLAC) or a chain goes through the effects engine first.
  if (container === 'wav' && chain.length === 0) {
    try {
      const r = await transcoder.encode(source, target, format, { signal: options.signal, onProgress: options.onProgress });
      return { bytes: r.bytes, converted: true };
    } catch (e) {
      throw describeTranscodeError(e, what);
    }
  }
  if (container !== 'wav' && container !== 'flac') {
    throw new ArchiveError(
      'not-exportable',
      `${what} is stored as ${container === null ? 'an unrecognised format' : formatName(container)}, which cannot be converted to ${describeExportFormat(format)} yet. Export it in its original format.`,
    );
  }
  if (!options.effects)
    throw new ArchiveError(
      'not-exportable',
      `Converting ${what} to ${describeExportFormat(format)} needs the effects engine, which is not available here.`,
    );
  let rendered;
  try {
    rendered = await options.effects.render({ path: source }, chain, {
      signal: options.signal,
      output: format.codec === 'wav' && format.bits === 16 ? 'pcm16' : 'float32',
    });
  } catch (e) {
    options.signal?.throwIfAborted();
    throw e instanceof EffectsError ? new ArchiveError('not-exportable', `Could not convert ${what}: ${e.message}`) : e;
  }
  // The rendered WAV sits in a temp file beside the target only while it is encoded.
  const temp = `${tempPathBeside(target)}.wav`;
  try {
    await writeFile(temp, rendered.wav);
    const r = await transcoder.encode(temp, target, format, { signal: options.signal, onProgress: options.onProgress });
    return { bytes: r.bytes, converted: true };
  } catch (e) {
    throw describeTranscodeError(e, what);
  } finally {
    await rm(temp, { force: true });
  }
}
