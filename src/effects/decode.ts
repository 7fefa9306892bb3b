/**
 * From a file's bytes to sound: identifies the format by its first bytes (the project's audio
 * sniffer, never the file name), checks the length limit, decodes.
 *
 * WAV and FLAC (our own decoders); MP3 and Ogg/Vorbis through LGPL decoders kept in separate,
 * replaceable files (./lgpl-decoders). The formats the player cannot play are recognised, not decoded.
 */
import { formatName, sniffAudioFormat, SNIFF_BYTES } from '../audio/format';
import { parseWavHeader } from '../audio/wav';
import { formatLongDuration } from '../format/time';
import { EffectsError } from './errors';
import { decodeFlac, readFlacInfo } from './flac';
import { decodeMp3, decodeOggVorbis } from './lgpl-decoders';
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

export async function decodeAudio(bytes: Uint8Array): Promise<Pcm> {
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
  if (format === 'mp3' || format === 'ogg') {
    const pcm = await (format === 'mp3' ? decodeMp3(bytes) : decodeOggVorbis(bytes));
    refuseTooLong(pcm.channels[0].length / pcm.sampleRate);
    return pcm;
  }
  if (format === null)
    throw new EffectsError('corrupt-input', 'This file is not audio effects can read: it is not WAV, MP3, FLAC or OGG (or it is damaged).');
  throw new EffectsError(
    'unsupported-input',
    `Effects cannot read ${formatName(format)} audio yet, only WAV, FLAC, MP3 and OGG/Vorbis. Export or convert this audio to one of those, then apply the effects to that.`,
  );
}
