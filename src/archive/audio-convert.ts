// One audio file to a target file in an export format: `original` and same-format exports are
// copied; WAV is encoded off the host thread by the Transcoder. Always temp + rename, so a
// failure or a cancel leaves no file at the target.
import { copyFile, rename, rm, stat } from 'node:fs/promises';
import { formatName, sniffAudioFile, type AudioFormat } from '../audio/format';
import { readWavInfo } from '../audio/wav';
import { ArchiveError } from './errors';
import { describeExportFormat, type ExportFormat } from './export-format';
import { describeTranscodeError, type Transcoder } from './transcoder';
import { tempPathBeside } from './zip-writer';

export interface ConvertOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** Words for messages: `"Hello world"`. */
  what?: string;
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
  if (format.codec === 'original' || (container === format.codec && format.codec !== 'wav' && format.sampleRate === undefined)) {
    return { bytes: await copyAtomically(source, target, options.signal), converted: false };
  }
  if (container !== 'wav') {
    throw new ArchiveError(
      'not-exportable',
      `${what} is stored as ${container === null ? 'an unrecognised format' : formatName(container)}, which cannot be converted to ${describeExportFormat(format)} yet. Export it in its original format.`,
    );
  }
  if (format.sampleRate !== undefined) {
    const info = await readWavInfo(source);
    if (info.sampleRate !== format.sampleRate) {
      throw new ArchiveError(
        'not-exportable',
        `${what} is ${info.sampleRate} Hz; changing the sample rate on export is not available yet. Leave the rate out (e.g. "flac" instead of "flac_${format.sampleRate}").`,
      );
    }
  }
  if (!transcoder) throw new ArchiveError('not-exportable', 'Converting audio is not available here; export in the original format.');
  try {
    const r = await transcoder.encode(source, target, format, { signal: options.signal, onProgress: options.onProgress });
    return { bytes: r.bytes, converted: true };
  } catch (e) {
    throw describeTranscodeError(e, what);
  }
}
