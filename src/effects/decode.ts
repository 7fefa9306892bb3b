/**
 * From a file's bytes to sound: identifies the format by its first bytes (the project's audio
 * sniffer, never the file name), checks the length limit, decodes.
 *
 * WAV and FLAC (our own decoders). MP3, OGG (and the formats the player cannot play) are recognised
 * but not decoded yet: the decoders on npm that fit (mpg123-decoder: libmpg123, LGPL-2.1;
 * @wasm-audio-decoders/ogg-vorbis: its codec-parser dependency, LGPL-3.0) are LGPL, which this MIT
 * extension does not bundle.
 */
import { formatName, sniffAudioFormat, SNIFF_BYTES } from '../audio/format';
import { parseWavHeader } from '../audio/wav';
import { formatLongDuration } from '../format/time';
import { EffectsError } from './errors';
import { decodeFlac, readFlacInfo } from './flac';
import { decodeWav, type Pcm } from './pcm';

/** Longest input rendered (1 hour: a long chapter; memory stays under ~1.5 GB even for 48 kHz stereo). */
export const MAX_RENDER_SECONDS = 60 * 60;

export function refuseTooLong(seconds: number): void {
  if (seconds > MAX_RENDER_SECONDS)
    throw new EffectsError(
      'too-long',
      `This audio is ${formatLongDuration(seconds)} long; effects are applied to at most ${formatLongDuration(MAX_RENDER_SECONDS)}. Split it into shorter parts first.`,
    );
}

export function decodeAudio(bytes: Uint8Array): Pcm {
  const format = sniffAudioFormat(bytes.subarray(0, SNIFF_BYTES));
  if (format === 'wav') {
    // The header alone says how long it is: refuse before decoding (and allocating) anything.
    try {
      refuseTooLong(parseWavHeader(bytes).durationSeconds);
    } catch (error) {
      if (error instanceof EffectsError) throw error;
      // A damaged header: decodeWav says what is wrong with it.
    }
    return decodeWav(bytes);
  }
  if (format === 'flac') {
    const info = readFlacInfo(bytes);
    if (info.totalSamples) refuseTooLong(info.totalSamples / info.sampleRate);
    return decodeFlac(bytes);
  }
  if (format === null)
    throw new EffectsError('corrupt-input', 'This file is not audio effects can read: it is not WAV, MP3, FLAC or OGG (or it is damaged).');
  throw new EffectsError(
    'unsupported-input',
    `Effects cannot read ${formatName(format)} audio yet, only WAV and FLAC. Export or convert this audio to WAV or FLAC, then apply the effects to that.`,
  );
}
