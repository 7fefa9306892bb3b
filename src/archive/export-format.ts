// Export formats, named the way ElevenLabs names its `output_format`: `<codec>[_<rate>][_<quality>]`.
//   original            the stored file as it is
//   wav_16, wav_24      PCM WAV at 16 or 24 bits (`wav` = 16)
//   flac                lossless FLAC (level 5)
//   mp3_128             MP3 at 64/96/128/160/192/256/320 kbps (`mp3` = 128)
//   ogg_q5              Ogg Vorbis at quality 0-10 (`ogg` = 5)
// A rate part (`mp3_44100_128`) resamples when it differs from the source's rate; a loudness target
// (withLoudness) normalises. Both go through the effects engine (resample, normalize) before encoding.
import { MP3_BITRATES, type EncodeTarget, type Mp3Bitrate } from '../audio/encode/protocol';
import { ArchiveError } from './errors';

export type ExportFormat =
  { codec: 'original'; sampleRate?: undefined; loudnessLufs?: undefined } | (EncodeTarget & { sampleRate?: number; loudnessLufs?: number });

/** Loudness targets offered (integrated LUFS, EBU R128), with a −1 dBTP ceiling. */
export const LOUDNESS_CHOICES: ReadonlyArray<{ lufs: number | undefined; label: string; detail: string }> = [
  { lufs: undefined, label: 'Keep the loudness', detail: 'No change (the default).' },
  { lufs: -16, label: '−16 LUFS', detail: 'Podcasts and streaming speech.' },
  { lufs: -19, label: '−19 LUFS', detail: 'Mono speech (Apple, AES streaming).' },
  { lufs: -23, label: '−23 LUFS', detail: 'Broadcast (EBU R128).' },
];

/** `format` with a loudness target; refused for `original` (the stored file is copied as it is). */
export function withLoudness(format: ExportFormat, lufs: number | undefined): ExportFormat {
  if (lufs === undefined) return format;
  if (format.codec === 'original') {
    throw new ArchiveError('not-exportable', 'A loudness target changes the audio: choose a format (WAV, FLAC, MP3, Ogg), not "original".');
  }
  if (!(lufs >= -40 && lufs <= -5))
    throw new ArchiveError('not-exportable', `A loudness target of ${lufs} LUFS is out of range; use −40 to −5 (e.g. −16).`);
  return { ...format, loudnessLufs: lufs };
}

export const DEFAULT_EXPORT_FORMAT = 'original';

/** The choices offered in the format picker, most useful first. */
export const EXPORT_FORMAT_CHOICES: ReadonlyArray<{ code: string; label: string; detail: string }> = [
  { code: 'original', label: 'Original', detail: 'The stored file, unchanged (fastest; WAV or MP3 as the engine made it).' },
  { code: 'mp3_128', label: 'MP3 128 kbps', detail: 'Small, plays everywhere.' },
  { code: 'mp3_192', label: 'MP3 192 kbps', detail: 'Higher quality MP3.' },
  { code: 'mp3_320', label: 'MP3 320 kbps', detail: 'Highest MP3 bitrate.' },
  { code: 'flac', label: 'FLAC', detail: 'Lossless, about half the size of WAV.' },
  { code: 'wav_16', label: 'WAV 16-bit', detail: 'Uncompressed PCM for editors and game engines.' },
  { code: 'wav_24', label: 'WAV 24-bit', detail: 'Uncompressed PCM, 24-bit.' },
  { code: 'ogg_q5', label: 'Ogg Vorbis', detail: 'Open lossy format (quality 5, about 160 kbps for stereo music).' },
];

const CODE = /^(original|wav|pcm|flac|mp3|ogg)(?:_(\d{4,6}))?(?:_(q?\d{1,3}))?$/i;

/** Parses a format code; throws ArchiveError with the accepted forms when it is not one. */
export function parseExportFormat(code: string): ExportFormat {
  const m = CODE.exec(code.trim());
  const bad = (why: string): never => {
    throw new ArchiveError(
      'not-exportable',
      `"${code}" is not an export format${why ? ` (${why})` : ''}. Use original, wav_16, wav_24, flac, mp3_128 (64-320 kbps), or ogg_q5 (q0-q10).`,
    );
  };
  if (!m) return bad('');
  const codec = m[1]!.toLowerCase();
  const sampleRate = m[2] ? Number(m[2]) : undefined;
  if (sampleRate !== undefined && (sampleRate < 8000 || sampleRate > 192000)) bad('sample rate out of range');
  const q = m[3]?.toLowerCase();
  switch (codec) {
    case 'original':
      if (sampleRate || q) bad('original takes no options');
      return { codec: 'original' };
    case 'wav':
    case 'pcm': {
      const bits = q === undefined ? 16 : Number(q);
      if (bits !== 16 && bits !== 24) bad('WAV is 16 or 24 bits');
      return { codec: 'wav', bits: bits as 16 | 24, sampleRate };
    }
    case 'flac':
      if (q) bad('FLAC takes no quality');
      return { codec: 'flac', sampleRate };
    case 'mp3': {
      const kbps = q === undefined ? 128 : Number(q.replace(/^q/, ''));
      if (!(MP3_BITRATES as readonly number[]).includes(kbps)) bad(`MP3 bitrates are ${MP3_BITRATES.join(', ')}`);
      return { codec: 'mp3', kbps: kbps as Mp3Bitrate, sampleRate };
    }
    default: {
      const quality = q === undefined ? 5 : Number(q.replace(/^q/, ''));
      if (!(quality >= 0 && quality <= 10)) bad('Vorbis quality is q0 to q10');
      return { codec: 'ogg', quality, sampleRate };
    }
  }
}

/** The file extension of an export in `format`; `original` keeps the stored file's. */
export function extensionOf(format: ExportFormat, storedExtension: string): string {
  return format.codec === 'original' ? storedExtension || 'wav' : format.codec;
}

/** Short words for messages: "MP3 128 kbps", "FLAC", "WAV 24-bit". */
export function describeExportFormat(format: ExportFormat): string {
  const rate = `${format.sampleRate ? `, ${format.sampleRate / 1000} kHz` : ''}${format.loudnessLufs !== undefined ? `, ${format.loudnessLufs} LUFS` : ''}`;
  switch (format.codec) {
    case 'original':
      return 'original format';
    case 'wav':
      return `WAV ${format.bits}-bit${rate}`;
    case 'flac':
      return `FLAC${rate}`;
    case 'mp3':
      return `MP3 ${format.kbps} kbps${rate}`;
    case 'ogg':
      return `Ogg Vorbis q${format.quality}${rate}`;
  }
}
