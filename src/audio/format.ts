/**
 * The one place that says what audio a file or a body of bytes is, by its bytes (never its name,
 * a manifest or what a server claims), and reads how it plays: sample rate, channels, duration.
 *
 * Formats (`AudioFormat`), what the first bytes look like, and whether VS Code's webviews play them
 * (docs/facts.md: VS Code desktop plays WAV, MP3, FLAC, OGG/Vorbis; not AAC, not Opus):
 * - `wav`   RIFF/WAVE (PCM, float, A-law, µ-law...)                    plays (PCM and float)
 * - `rf64`  RF64/BW64, the WAV of files over 4 GB                       refused: convert to WAV
 * - `mp3`   an ID3 tag or an MPEG audio frame (layer I, II or III)       plays
 * - `flac`  `fLaC`                                                       plays
 * - `ogg`   Ogg with Vorbis (or another codec than Opus) inside          plays
 * - `opus`  Ogg with Opus inside (`OpusHead`)                            does not play
 * - `aac`   ADTS AAC (MPEG frame sync with layer 0), OpenAI's "aac"      does not play
 * - `m4a`   ISO base media (`ftyp`): M4A, MP4 audio                     does not play
 * - `webm`  EBML (WebM, Matroska): what browsers record                  does not play
 *
 * WAV goes through our own header parser (./wav), which the peaks need for the data offsets; ADTS
 * AAC is counted frame by frame here (music-metadata measures no ADTS stream under 4 frames or 164
 * bytes); everything else is measured by music-metadata (pure JS, bundles into the CJS host; v11
 * because v12 needs Node 22).
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { PassThrough } from 'node:stream';
import { parseBuffer, parseStream, type IAudioMetadata } from 'music-metadata';
import { errorMessage } from '../format/errors';
import { parseWavHeader, readWavInfo, WavFormatError, type WavInfo } from './wav';

export const AUDIO_FORMATS = ['wav', 'rf64', 'mp3', 'flac', 'ogg', 'opus', 'aac', 'm4a', 'webm'] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

/** What VS Code's webviews play, and so what the history stores and an archive carries. */
export const PLAYABLE_FORMATS = ['wav', 'mp3', 'flac', 'ogg'] as const;
export type PlayableFormat = (typeof PLAYABLE_FORMATS)[number];

export function isPlayableFormat(format: AudioFormat): format is PlayableFormat {
  return (PLAYABLE_FORMATS as readonly string[]).includes(format);
}

export const MIME_TYPES: Readonly<Record<AudioFormat, string>> = {
  wav: 'audio/wav',
  rf64: 'audio/wav',
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  opus: 'audio/ogg; codecs=opus',
  aac: 'audio/aac',
  m4a: 'audio/mp4',
  webm: 'audio/webm',
};

/** The names messages use ("… is OPUS, which the player cannot play"). */
export function formatName(format: AudioFormat): string {
  return format.toUpperCase();
}

/** How many leading bytes `sniffAudioFormat` needs to tell every format apart (Ogg's codec is at ~28). */
export const SNIFF_BYTES = 64;

function tag(head: Uint8Array, from: number, length: number): string {
  let s = '';
  for (let i = from; i < from + length && i < head.length; i++) s += String.fromCharCode(head[i]);
  return s;
}

/** The format from the first bytes (give at least SNIFF_BYTES when there are that many), or null. */
export function sniffAudioFormat(head: Uint8Array): AudioFormat | null {
  if (head.length < 3) return null;
  const four = tag(head, 0, 4);
  if (head.length >= 12 && tag(head, 8, 4) === 'WAVE') {
    if (four === 'RIFF') return 'wav';
    if (four === 'RF64' || four === 'BW64') return 'rf64';
  }
  if (four === 'fLaC') return 'flac';
  if (four === 'OggS') {
    // The first page holds the codec's identification packet after its segment table.
    const packet = head.length > 26 ? 27 + head[26] : -1;
    return packet > 0 && tag(head, packet, 8) === 'OpusHead' ? 'opus' : 'ogg';
  }
  if (head.length >= 8 && tag(head, 4, 4) === 'ftyp') return 'm4a';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'webm';
  if (tag(head, 0, 3) === 'ID3') return 'mp3';
  if (head[0] === 0xff && (head[1] & 0xe0) === 0xe0) {
    const layer = (head[1] >> 1) & 3;
    // Layer bits 00 with a 12-bit sync is ADTS (AAC); 01..11 are MPEG audio layers III..I.
    if (layer === 0) return (head[1] & 0xf0) === 0xf0 ? 'aac' : null;
    return 'mp3';
  }
  return null;
}

/** The format of the file at `path` from its first bytes, or null. */
export async function sniffAudioFile(path: string): Promise<AudioFormat | null> {
  return sniffAudioFormat((await readStart(path, SNIFF_BYTES)).head);
}

/** The first `length` bytes of a file and its size, in one open. */
async function readStart(path: string, length: number): Promise<{ head: Uint8Array; size: number }> {
  const handle = await fsp.open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = new Uint8Array(Math.min(length, size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return { head: head.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

export type AudioFormatProblem = 'not-audio' | 'unsupported' | 'damaged';

/** Why audio could not be read; the message says what is wrong (callers add which file). */
export class AudioFormatError extends Error {
  override readonly name = 'AudioFormatError';
  constructor(
    readonly problem: AudioFormatProblem,
    message: string,
    /** What the bytes were recognised as, when they were. */
    readonly format: AudioFormat | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface AudioInfo {
  format: AudioFormat;
  mimeType: string;
  /** As music-metadata names it ("MPEG 1 Layer 3", "FLAC", "Vorbis I", "Opus"); for WAV "PCM", "float"... */
  codec: string;
  sampleRate: number;
  channels: number;
  /** Seconds, measured from the audio itself (WAV: the sound bytes really present). */
  duration: number;
  bytes: number;
  /** WAV only: the parsed header, with where the sound data is (what the peaks read). */
  wav?: WavInfo;
  /** WAV only: the header promises more sound than the file holds. */
  truncated: boolean;
}

export type AudioSource = { path: string } | { bytes: Uint8Array };

/**
 * Identifies and measures audio. Throws AudioFormatError: 'not-audio' for bytes that are no format
 * above, 'unsupported' for RF64, 'damaged' when a known format cannot be read to a rate, a channel
 * count and a duration. A WAV with no sound (0 frames) or a truncated one is returned as it is;
 * whether that is acceptable is the caller's policy.
 */
export async function readAudioInfo(source: AudioSource): Promise<AudioInfo> {
  const bytes = 'bytes' in source ? source.bytes : undefined;
  const { head, size } =
    'bytes' in source ? { head: source.bytes, size: source.bytes.length } : await readStart(source.path, MPEG_HEAD_BYTES);
  const format = sniffAudioFormat(head);
  if (format === null) throw new AudioFormatError('not-audio', 'Its content is not audio in a format Voice History recognises.', null);
  if (format === 'rf64')
    throw new AudioFormatError(
      'unsupported',
      'RF64/BW64 (WAV larger than 4 GB) is not supported; convert the file to a regular WAV.',
      format,
    );
  if (format === 'wav') return wavInfo(source, head, size);
  if (format === 'aac') return adtsInfo(bytes ?? new Uint8Array(await fsp.readFile((source as { path: string }).path)));

  let meta: IAudioMetadata;
  // The parser is chosen by the extension of the hint (our sniffed format): MIME hints are not
  // used because their parsing differs under tsx and esbuild, and a PassThrough hides the file's own name.
  const hint = { path: `audio.${HINT_EXTENSIONS[format] ?? format}`, size };
  const options = { duration: true, skipCovers: true };
  try {
    meta = bytes
      ? await parseBuffer(bytes, hint, options)
      : await parseStream(createReadStream((source as { path: string }).path).pipe(new PassThrough()), hint, options);
  } catch (e) {
    throw new AudioFormatError('damaged', `It looks like ${formatName(format)} but cannot be read (${errorMessage(e)}).`, format, {
      cause: e,
    });
  }
  const { numberOfChannels, codec } = meta.format;
  // Opus always decodes at 48 kHz; music-metadata reports the rate the encoder was fed (OpusHead).
  const sampleRate = codec && /^opus$/i.test(codec) ? 48_000 : meta.format.sampleRate;
  let duration = meta.format.duration;
  if (!sampleRate || !numberOfChannels || duration === undefined || !Number.isFinite(duration) || duration <= 0) {
    const missing = !sampleRate ? 'sample rate' : !numberOfChannels ? 'channel count' : 'duration';
    throw new AudioFormatError('damaged', `It looks like ${formatName(format)} but its ${missing} cannot be determined.`, format);
  }
  if (format === 'mp3') {
    const skip = uncountedInfoFrameSamples(head);
    if (skip > 0) duration = (Math.round(duration * sampleRate) - skip) / sampleRate;
  }
  return {
    format,
    mimeType: MIME_TYPES[format],
    codec: codec ?? format,
    sampleRate,
    channels: numberOfChannels,
    duration,
    bytes: size,
    truncated: false,
  };
}

/** music-metadata picks its parser by this extension; it lists WebM's without the dot, so it never matches. */
const HINT_EXTENSIONS: Partial<Record<AudioFormat, string>> = { webm: 'mka' };

/** `head`: the bytes already read from the start; the file is read again only when its header is longer. */
async function wavInfo(source: AudioSource, head: Uint8Array, size: number): Promise<AudioInfo> {
  let wav: WavInfo;
  try {
    wav = parseWavHeader(head, size);
  } catch (e) {
    const longer = 'path' in source && e instanceof WavFormatError && e.needBytes !== undefined && e.needBytes <= size;
    if (!longer) return wavFailed(e);
    try {
      wav = await readWavInfo(source.path);
    } catch (again) {
      return wavFailed(again);
    }
  }
  return {
    format: 'wav',
    mimeType: MIME_TYPES.wav,
    codec: wav.encoding === 'pcm' ? 'PCM' : wav.encoding,
    sampleRate: wav.sampleRate,
    channels: wav.channels,
    duration: wav.durationSeconds,
    bytes: size,
    wav,
    truncated: wav.truncated,
  };
}

function wavFailed(e: unknown): never {
  if (!(e instanceof WavFormatError)) throw e;
  throw new AudioFormatError('damaged', e.message, 'wav', { cause: e });
}

// ---- AAC in ADTS frames ---------------------------------------------------------------------------

const ADTS_RATES = [96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000, 11_025, 8_000, 7_350];

function adtsInfo(bytes: Uint8Array): AudioInfo {
  const sampleRate = bytes.length >= 7 ? ADTS_RATES[(bytes[2] >> 2) & 0x0f] : undefined;
  const channels = bytes.length >= 7 ? ((bytes[2] & 0x01) << 2) | (bytes[3] >> 6) : 0;
  let at = 0;
  let blocks = 0;
  while (at + 7 <= bytes.length && bytes[at] === 0xff && (bytes[at + 1] & 0xf6) === 0xf0) {
    const length = ((bytes[at + 3] & 0x03) << 11) | (bytes[at + 4] << 3) | (bytes[at + 5] >> 5);
    if (length < 7 || at + length > bytes.length) break; // a cut-off last frame does not play
    blocks += (bytes[at + 6] & 0x03) + 1; // raw data blocks of 1024 samples each
    at += length;
  }
  // Channel configuration 0 means "given inside the stream": not read here.
  if (sampleRate === undefined || channels === 0 || blocks === 0)
    throw new AudioFormatError('damaged', 'It looks like AAC but holds no complete ADTS frame.', 'aac');
  return {
    format: 'aac',
    mimeType: MIME_TYPES.aac,
    codec: 'AAC',
    sampleRate,
    channels,
    duration: (blocks * 1024) / sampleRate,
    bytes: bytes.length,
    truncated: false,
  };
}

// ---- MP3: the LAME/Xing "Info" frame ------------------------------------------------------------

/** Enough of an MP3 to find its first frame after a usual ID3 tag. */
const MPEG_HEAD_BYTES = 64 * 1024;

/**
 * A LAME/Xing "Info" frame carries no sound; players skip it. music-metadata takes the duration
 * from that frame when it holds both a frame count and a byte count (flags 0x1 and 0x2), or a LAME
 * tag; otherwise it counts frames, the Info frame among them: that frame's samples, to take off.
 */
function uncountedInfoFrameSamples(head: Uint8Array): number {
  let at = 0;
  if (tag(head, 0, 3) === 'ID3' && head.length >= 10) {
    at = 10 + (((head[6] & 0x7f) << 21) | ((head[7] & 0x7f) << 14) | ((head[8] & 0x7f) << 7) | (head[9] & 0x7f));
    if (head[5] & 0x10) at += 10; // footer
  }
  if (at + 4 > head.length || head[at] !== 0xff || (head[at + 1] & 0xe0) !== 0xe0) return 0;
  const version = (head[at + 1] >> 3) & 3; // 3 = MPEG 1, 2 = MPEG 2, 0 = MPEG 2.5
  const layerIII = ((head[at + 1] >> 1) & 3) === 1;
  if (!layerIII || version === 1) return 0;
  const mono = head[at + 3] >> 6 === 3;
  const xing = at + 4 + (version === 3 ? (mono ? 17 : 32) : mono ? 9 : 17); // after the side information
  const name = tag(head, xing, 4);
  if ((name !== 'Info' && name !== 'Xing') || xing + 8 > head.length) return 0;
  const flags = head[xing + 7];
  const fields = xing + 8;
  const countsGiven = (flags & 0x03) === 0x03 && new DataView(head.buffer, head.byteOffset).getUint32(fields + 4) > 0;
  const lame = fields + (flags & 1 ? 4 : 0) + (flags & 2 ? 4 : 0) + (flags & 4 ? 100 : 0) + (flags & 8 ? 4 : 0);
  if (countsGiven || tag(head, lame, 4) === 'LAME') return 0;
  return version === 3 ? 1152 : 576;
}
