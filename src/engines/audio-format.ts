// Recognises audio by its bytes (never by what a server claims) and reads what the history
// shows: format, sample rate, channels, duration. A body that is not audio (an HTML error
// page, JSON, an empty 200) is caught here before it is stored as a "completed" generation.
import { parseWavHeader, wavHeader, WavFormatError } from '../audio/wav';
import type { AudioFormat } from './engine';

export interface AudioDescription {
  format: AudioFormat;
  mimeType: string;
  sampleRate?: number;
  channels?: number;
  /** Seconds. */
  duration?: number;
}

/** Describes audio bytes, or returns undefined when they are not a format we recognise. */
export function describeAudio(bytes: Uint8Array): AudioDescription | undefined {
  if (bytes.length < 4) return undefined;
  if (ascii(bytes, 0, 4) === 'RIFF') return describeWav(bytes);
  if (ascii(bytes, 0, 4) === 'fLaC') return describeFlac(bytes);
  if (ascii(bytes, 0, 4) === 'OggS') return describeOgg(bytes);
  if (ascii(bytes, 0, 3) === 'ID3' || isFrameSync(bytes, 0)) return describeMpeg(bytes);
  return undefined;
}

/** Wraps raw little-endian 16-bit PCM (what `pcm_*` output formats return) in a WAV header. */
export function pcm16ToWav(pcm: Uint8Array, sampleRate: number, channels = 1): Uint8Array {
  const usable = pcm.length - (pcm.length % (2 * channels));
  const header = wavHeader({ sampleRate, channels, bitsPerSample: 16, dataLength: usable });
  const out = new Uint8Array(header.length + usable + (usable % 2));
  out.set(header, 0);
  out.set(pcm.subarray(0, usable), header.length);
  return out;
}

/** A short printable preview of a body that was expected to be audio, for error messages. */
export function previewBody(bytes: Uint8Array, max = 120): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, max * 4));
  const printable = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/[^\x20-\x7e\u00a0-\uffff]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (printable.length === 0) return '';
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < start + length && i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function describeWav(bytes: Uint8Array): AudioDescription | undefined {
  try {
    const info = parseWavHeader(bytes);
    return {
      format: 'wav',
      mimeType: 'audio/wav',
      sampleRate: info.sampleRate,
      channels: info.channels,
      duration: info.durationSeconds,
    };
  } catch (error) {
    if (error instanceof WavFormatError) return undefined;
    throw error;
  }
}

function describeFlac(bytes: Uint8Array): AudioDescription | undefined {
  // The first metadata block must be STREAMINFO (type 0, 34 bytes).
  if (bytes.length < 8 + 18 || (bytes[4] & 0x7f) !== 0) return undefined;
  const s = 8; // STREAMINFO body
  const sampleRate = (bytes[s + 10] << 12) | (bytes[s + 11] << 4) | (bytes[s + 12] >> 4);
  const channels = ((bytes[s + 12] >> 1) & 0x07) + 1;
  const totalSamples =
    (bytes[s + 13] & 0x0f) * 2 ** 32 + ((bytes[s + 14] << 24) >>> 0) + (bytes[s + 15] << 16) + (bytes[s + 16] << 8) + bytes[s + 17];
  if (sampleRate === 0) return undefined;
  return {
    format: 'flac',
    mimeType: 'audio/flac',
    sampleRate,
    channels,
    duration: totalSamples > 0 ? totalSamples / sampleRate : undefined,
  };
}

function describeOgg(bytes: Uint8Array): AudioDescription | undefined {
  // First page: 27-byte header + segment table, then the codec's identification packet.
  if (bytes.length < 28) return undefined;
  const segments = bytes[26];
  const packet = 27 + segments;
  if (packet + 19 > bytes.length) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lastGranule = lastOggGranule(bytes, view);
  if (bytes[packet] === 1 && ascii(bytes, packet + 1, 6) === 'vorbis') {
    const channels = bytes[packet + 11];
    const sampleRate = view.getUint32(packet + 12, true);
    return {
      format: 'ogg',
      mimeType: 'audio/ogg',
      sampleRate,
      channels,
      duration: lastGranule !== undefined && sampleRate > 0 ? lastGranule / sampleRate : undefined,
    };
  }
  if (ascii(bytes, packet, 8) === 'OpusHead') {
    const channels = bytes[packet + 9];
    const preSkip = view.getUint16(packet + 10, true);
    return {
      format: 'opus',
      mimeType: 'audio/ogg; codecs=opus',
      sampleRate: 48_000, // Opus always decodes at 48 kHz; granules count 48 kHz samples
      channels,
      duration: lastGranule !== undefined ? Math.max(0, lastGranule - preSkip) / 48_000 : undefined,
    };
  }
  return undefined;
}

function lastOggGranule(bytes: Uint8Array, view: DataView): number | undefined {
  for (let i = bytes.length - 27; i >= 0; i--) {
    if (bytes[i] === 0x4f && bytes[i + 1] === 0x67 && bytes[i + 2] === 0x67 && bytes[i + 3] === 0x53) {
      const low = view.getUint32(i + 6, true);
      const high = view.getUint32(i + 10, true);
      if (high === 0xffffffff && low === 0xffffffff) continue; // page with no finished packet
      return high * 2 ** 32 + low;
    }
  }
  return undefined;
}

// ---- MPEG audio (MP3) and ADTS (AAC) -------------------------------------------------------

const BITRATES_KBPS: Record<string, readonly number[]> = {
  // [version 1 | 2 (also 2.5)] x layer
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44_100, 48_000, 32_000], // MPEG 1
  2: [22_050, 24_000, 16_000], // MPEG 2
  0: [11_025, 12_000, 8_000], // MPEG 2.5
};

interface MpegFrame {
  length: number;
  samples: number;
  sampleRate: number;
  channels: number;
  version: number;
}

function isFrameSync(bytes: Uint8Array, at: number): boolean {
  return at + 1 < bytes.length && bytes[at] === 0xff && (bytes[at + 1] & 0xe0) === 0xe0;
}

function readMpegFrame(bytes: Uint8Array, at: number): MpegFrame | undefined {
  if (at + 4 > bytes.length || !isFrameSync(bytes, at)) return undefined;
  const version = (bytes[at + 1] >> 3) & 0x03; // 3 = MPEG1, 2 = MPEG2, 0 = MPEG2.5, 1 reserved
  const layerBits = (bytes[at + 1] >> 1) & 0x03; // 3 = layer I, 2 = II, 1 = III, 0 reserved
  const bitrateIndex = bytes[at + 2] >> 4;
  const rateIndex = (bytes[at + 2] >> 2) & 0x03;
  if (version === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const layer = 4 - layerBits;
  const kbps = BITRATES_KBPS[`${version === 3 ? 1 : 2}-${layer}`][bitrateIndex];
  const sampleRate = SAMPLE_RATES[version][rateIndex];
  const padding = (bytes[at + 2] >> 1) & 0x01;
  const channels = bytes[at + 3] >> 6 === 3 ? 1 : 2;
  let length: number;
  let samples: number;
  if (layer === 1) {
    length = (Math.floor((12 * kbps * 1000) / sampleRate) + padding) * 4;
    samples = 384;
  } else if (layer === 2 || version === 3) {
    length = Math.floor((144 * kbps * 1000) / sampleRate) + padding;
    samples = 1152;
  } else {
    length = Math.floor((72 * kbps * 1000) / sampleRate) + padding;
    samples = 576;
  }
  return { length, samples, sampleRate, channels, version };
}

/** A LAME/Xing "Info" frame carries no sound; players skip it. */
function isInfoFrame(bytes: Uint8Array, at: number, frame: MpegFrame): boolean {
  const sideInfo = frame.version === 3 ? (frame.channels === 1 ? 17 : 32) : frame.channels === 1 ? 9 : 17;
  const tag = ascii(bytes, at + 4 + sideInfo, 4);
  return tag === 'Xing' || tag === 'Info';
}

function describeMpeg(bytes: Uint8Array): AudioDescription | undefined {
  let offset = 0;
  if (ascii(bytes, 0, 3) === 'ID3') {
    if (bytes.length < 10) return undefined;
    const size = ((bytes[6] & 0x7f) << 21) | ((bytes[7] & 0x7f) << 14) | ((bytes[8] & 0x7f) << 7) | (bytes[9] & 0x7f);
    offset = 10 + size + (bytes[5] & 0x10 ? 10 : 0);
    // Some encoders pad after the tag; allow a little slack before the first frame.
    const limit = Math.min(bytes.length, offset + 4096);
    while (offset < limit && !readMpegFrame(bytes, offset)) offset++;
  } else if ((bytes[1] & 0x06) === 0) {
    return describeAdts(bytes);
  }
  const first = readMpegFrame(bytes, offset);
  if (!first) return undefined;
  // One frame header can be chance; demand that the next one follows where it should.
  const next = offset + first.length;
  if (next + 4 <= bytes.length && !readMpegFrame(bytes, next)) return undefined;
  let samples = 0;
  let frames = 0;
  let at = offset;
  for (;;) {
    const frame = readMpegFrame(bytes, at);
    if (!frame || at + frame.length > bytes.length) break; // a cut-off last frame does not play
    if (!(frames === 0 && isInfoFrame(bytes, at, frame))) samples += frame.samples;
    frames++;
    at += frame.length;
  }
  return {
    format: 'mp3',
    mimeType: 'audio/mpeg',
    sampleRate: first.sampleRate,
    channels: first.channels,
    duration: samples / first.sampleRate,
  };
}

const ADTS_RATES = [96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000, 11_025, 8_000, 7_350];

function describeAdts(bytes: Uint8Array): AudioDescription | undefined {
  if (bytes.length < 7) return undefined;
  const rateIndex = (bytes[2] >> 2) & 0x0f;
  const sampleRate = ADTS_RATES[rateIndex];
  if (sampleRate === undefined) return undefined;
  const channels = ((bytes[2] & 0x01) << 2) | (bytes[3] >> 6);
  let at = 0;
  let frames = 0;
  while (at + 7 <= bytes.length && bytes[at] === 0xff && (bytes[at + 1] & 0xf6) === 0xf0) {
    const length = ((bytes[at + 3] & 0x03) << 11) | (bytes[at + 4] << 3) | (bytes[at + 5] >> 5);
    if (length < 7) break;
    frames += (bytes[at + 6] & 0x03) + 1;
    at += length;
  }
  if (frames === 0) return undefined;
  return {
    format: 'aac',
    mimeType: 'audio/aac',
    sampleRate,
    channels: channels || undefined,
    duration: (frames * 1024) / sampleRate,
  };
}
