/**
 * RIFF/WAVE header parsing: format, sample rate, channels, bits, where the sound data is and how
 * long it plays. Pure (`parseWavHeader` over bytes) plus a small file reader (`readWavInfo`) that
 * reads only the header. No decoding of samples here; see ./pcm for that.
 */
import { promises as fsp } from 'node:fs';

export type WavEncoding = 'pcm' | 'float' | 'alaw' | 'mulaw' | 'other';

export interface WavInfo {
  container: 'wav';
  /** The fmt chunk's format tag; for WAVE_FORMAT_EXTENSIBLE the sub-format's tag. */
  formatTag: number;
  encoding: WavEncoding;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Bytes per frame (one sample of every channel). */
  blockAlign: number;
  byteRate: number;
  /** Absolute offset of the first sound byte in the file. */
  dataOffset: number;
  /** Sound bytes actually present (clipped to the file, whole frames only). */
  dataLength: number;
  /** What the header claims; differs from dataLength when the file is truncated or streamed. */
  declaredDataLength: number;
  /** The data chunk claims more bytes than the file holds. */
  truncated: boolean;
  frames: number;
  durationSeconds: number;
}

export class WavFormatError extends Error {
  override readonly name = 'WavFormatError';
  constructor(
    message: string,
    /** Set when the header continues beyond the bytes given: read at least this many and retry. */
    readonly needBytes?: number,
  ) {
    super(message);
  }
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_ALAW = 0x0006;
const WAVE_FORMAT_MULAW = 0x0007;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Streaming writers put 0 or 0xFFFFFFFF in size fields they could not know in advance. */
const UNKNOWN_SIZE = 0xffffffff;

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

/**
 * Parses the header of a WAV file from its first bytes. `fileSize` is the whole file's size when
 * `bytes` holds only a prefix (defaults to `bytes.length`). Throws WavFormatError with a message
 * that says what is wrong; `needBytes` is set when a longer prefix would help.
 */
export function parseWavHeader(bytes: Uint8Array, fileSize: number = bytes.length): WavInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12) throw new WavFormatError('Not a WAV file: it is shorter than a RIFF header (12 bytes).', 12);
  const riff = fourcc(bytes, 0);
  if (riff === 'RF64' || riff === 'BW64')
    throw new WavFormatError('RF64/BW64 (WAV larger than 4 GB) is not supported; convert the file to a regular WAV.');
  if (riff === 'RIFX') throw new WavFormatError('Big-endian WAV (RIFX) is not supported; convert the file to a regular WAV.');
  if (riff !== 'RIFF' || fourcc(bytes, 8) !== 'WAVE')
    throw new WavFormatError('Not a WAV file: it does not start with a RIFF/WAVE header.');

  let fmt: { tag: number; channels: number; sampleRate: number; byteRate: number; blockAlign: number; bits: number } | undefined;
  let offset = 12;
  while (offset + 8 <= fileSize) {
    if (offset + 8 > bytes.length) throw new WavFormatError('The WAV header continues beyond the bytes read.', offset + 8);
    const id = fourcc(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16) throw new WavFormatError(`The WAV "fmt " chunk is ${size} bytes; at least 16 are needed. The file is damaged.`);
      if (body + Math.min(size, 40) > bytes.length)
        throw new WavFormatError('The WAV header continues beyond the bytes read.', body + Math.min(size, 40));
      let tag = view.getUint16(body, true);
      if (tag === WAVE_FORMAT_EXTENSIBLE && size >= 40) tag = view.getUint16(body + 24, true); // first 2 bytes of the sub-format GUID
      fmt = {
        tag,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        byteRate: view.getUint32(body + 8, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt)
        throw new WavFormatError('The WAV "data" chunk comes before its "fmt " chunk; the file is damaged or unusual. Re-export it.');
      return describe(fmt, body, size, fileSize);
    }
    if (size === UNKNOWN_SIZE) break;
    offset = body + size + (size % 2); // chunks are padded to even sizes
  }
  throw new WavFormatError(
    fmt ? 'The WAV file has no "data" chunk: it holds no sound.' : 'The WAV file has no "fmt " chunk; the file is damaged.',
  );
}

function describe(
  fmt: { tag: number; channels: number; sampleRate: number; byteRate: number; blockAlign: number; bits: number },
  dataOffset: number,
  declared: number,
  fileSize: number,
): WavInfo {
  if (fmt.channels < 1) throw new WavFormatError('The WAV header says it has 0 channels; the file is damaged.');
  if (fmt.sampleRate < 1) throw new WavFormatError('The WAV header says its sample rate is 0; the file is damaged.');
  if (fmt.bits < 1) throw new WavFormatError('The WAV header says its samples have 0 bits; the file is damaged.');
  // Some writers leave blockAlign 0; derive it from bits and channels.
  const blockAlign = fmt.blockAlign || Math.ceil(fmt.bits / 8) * fmt.channels;
  const available = Math.max(0, fileSize - dataOffset);
  const unknown = declared === 0 || declared === UNKNOWN_SIZE;
  const present = unknown ? available : Math.min(declared, available);
  const frames = Math.floor(present / blockAlign);
  return {
    container: 'wav',
    formatTag: fmt.tag,
    encoding: encodingOf(fmt.tag),
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    bitsPerSample: fmt.bits,
    blockAlign,
    byteRate: fmt.byteRate || fmt.sampleRate * blockAlign,
    dataOffset,
    dataLength: frames * blockAlign,
    declaredDataLength: unknown ? present : declared,
    truncated: !unknown && declared > available,
    frames,
    durationSeconds: frames / fmt.sampleRate,
  };
}

function encodingOf(tag: number): WavEncoding {
  switch (tag) {
    case WAVE_FORMAT_PCM:
      return 'pcm';
    case WAVE_FORMAT_IEEE_FLOAT:
      return 'float';
    case WAVE_FORMAT_ALAW:
      return 'alaw';
    case WAVE_FORMAT_MULAW:
      return 'mulaw';
    default:
      return 'other';
  }
}

/** Reads just enough of a file to parse its WAV header (more only when metadata precedes the sound). */
export async function readWavInfo(path: string): Promise<WavInfo> {
  const handle = await fsp.open(path, 'r');
  try {
    const { size } = await handle.stat();
    let want = Math.min(size, 64 * 1024);
    for (;;) {
      const buf = new Uint8Array(want);
      const { bytesRead } = await handle.read(buf, 0, want, 0);
      try {
        return parseWavHeader(buf.subarray(0, bytesRead), size);
      } catch (err) {
        const need = err instanceof WavFormatError ? err.needBytes : undefined;
        if (need === undefined || need > size || want >= 16 * 1024 * 1024) throw err;
        want = Math.min(size, Math.max(need + 64 * 1024, want * 4));
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * Builds a canonical 44-byte PCM/float WAV header. For tests, engines and anyone writing WAV.
 */
export function wavHeader(opts: {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  dataLength: number;
  float?: boolean;
}): Uint8Array {
  const { sampleRate, channels, bitsPerSample, dataLength } = opts;
  const blockAlign = (bitsPerSample / 8) * channels;
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  const ascii = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) header[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataLength + (dataLength % 2), true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, opts.float ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bitsPerSample, true);
  ascii(36, 'data');
  view.setUint32(40, dataLength, true);
  return header;
}
