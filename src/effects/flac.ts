/**
 * A FLAC decoder (the format is open and simple: fixed and LPC predictors over Rice-coded
 * residuals). Our own because the npm decoders that fit carry LGPL code (see decode.ts).
 * Whole-file: STREAMINFO, then every frame; other metadata blocks are skipped. Errors are
 * EffectsError 'corrupt-input' saying where the file stops making sense.
 */
import { EffectsError } from './errors';
import type { Pcm } from './pcm';

class Bits {
  private byte = 0;
  private bit = 0;
  constructor(private readonly data: Uint8Array) {}

  get bytePosition(): number {
    return this.byte;
  }

  seekByte(at: number): void {
    this.byte = at;
    this.bit = 0;
  }

  alignToByte(): void {
    if (this.bit > 0) {
      this.bit = 0;
      this.byte++;
    }
  }

  atEnd(): boolean {
    return this.byte >= this.data.length;
  }

  /** Unsigned, up to 32 bits. */
  read(n: number): number {
    let value = 0;
    while (n > 0) {
      if (this.byte >= this.data.length) throw corrupt('the file ends in the middle of a frame');
      const left = 8 - this.bit;
      const take = Math.min(left, n);
      const chunk = (this.data[this.byte] >> (left - take)) & ((1 << take) - 1);
      value = value * (1 << take) + chunk;
      n -= take;
      this.bit += take;
      if (this.bit === 8) {
        this.bit = 0;
        this.byte++;
      }
    }
    return value;
  }

  signed(n: number): number {
    if (n === 0) return 0;
    const v = this.read(n);
    return v >= 2 ** (n - 1) ? v - 2 ** n : v;
  }

  /** Zeros before the next 1 (which is consumed). */
  unary(): number {
    let count = 0;
    for (;;) {
      if (this.byte >= this.data.length) throw corrupt('the file ends in the middle of a frame');
      const rest = (this.data[this.byte] << this.bit) & 0xff;
      if (rest === 0) {
        count += 8 - this.bit;
        this.bit = 0;
        this.byte++;
        continue;
      }
      const zeros = Math.clz32(rest) - 24;
      count += zeros;
      this.bit += zeros + 1;
      if (this.bit >= 8) {
        this.bit -= 8;
        this.byte++;
      }
      return count;
    }
  }
}

const corrupt = (what: string): EffectsError => new EffectsError('corrupt-input', `This FLAC file is damaged: ${what}.`);

export interface StreamInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  totalSamples: number;
}

function readStreamInfo(bits: Bits): StreamInfo {
  if (bits.read(32) !== 0x664c6143) throw corrupt('it does not start with "fLaC"');
  let info: StreamInfo | undefined;
  for (let last = false; !last;) {
    last = bits.read(1) === 1;
    const type = bits.read(7);
    const length = bits.read(24);
    const start = bits.bytePosition;
    if (type === 0) {
      bits.read(16 + 16 + 24 + 24); // block and frame size bounds
      info = { sampleRate: bits.read(20), channels: bits.read(3) + 1, bitsPerSample: bits.read(5) + 1, totalSamples: bits.read(36) };
    }
    bits.seekByte(start + length);
  }
  if (!info) throw corrupt('it has no STREAMINFO block');
  if (info.sampleRate === 0) throw corrupt('its sample rate is 0');
  return info;
}

const SAMPLE_SIZES = [0, 8, 12, 0, 16, 20, 24, 32];

function readResidual(bits: Bits, out: Int32Array | Float64Array, blockSize: number, order: number): void {
  const method = bits.read(2);
  if (method > 1) throw corrupt('a residual uses an unknown coding');
  const paramBits = method === 0 ? 4 : 5;
  const escape = method === 0 ? 15 : 31;
  const partitionOrder = bits.read(4);
  const partitions = 1 << partitionOrder;
  let at = order;
  for (let p = 0; p < partitions; p++) {
    const count = (blockSize >> partitionOrder) - (p === 0 ? order : 0);
    if (count < 0) throw corrupt('a residual partition is smaller than its predictor');
    const k = bits.read(paramBits);
    if (k === escape) {
      const n = bits.read(5);
      for (let i = 0; i < count; i++) out[at++] = bits.signed(n);
    } else {
      for (let i = 0; i < count; i++) {
        const v = bits.unary() * 2 ** k + bits.read(k);
        out[at++] = v % 2 === 0 ? v / 2 : -(v + 1) / 2;
      }
    }
  }
}

const FIXED: number[][] = [[], [1], [2, -1], [3, -3, 1], [4, -6, 4, -1]];

function readSubframe(bits: Bits, blockSize: number, bps: number): Float64Array {
  if (bits.read(1) !== 0) throw corrupt('a subframe header is invalid');
  const type = bits.read(6);
  let wasted = 0;
  if (bits.read(1) === 1) wasted = bits.unary() + 1;
  const size = bps - wasted;
  const s = new Float64Array(blockSize);
  if (type === 0) {
    s.fill(bits.signed(size));
  } else if (type === 1) {
    for (let i = 0; i < blockSize; i++) s[i] = bits.signed(size);
  } else if ((type >= 8 && type <= 12) || type >= 32) {
    const fixed = type < 32;
    const order = fixed ? type - 8 : type - 31;
    if (order > blockSize) throw corrupt('a predictor is longer than its block');
    for (let i = 0; i < order; i++) s[i] = bits.signed(size);
    let coefficients: number[];
    let shift = 0;
    if (fixed) coefficients = FIXED[order];
    else {
      const precision = bits.read(4) + 1;
      if (precision === 16) throw corrupt('an LPC precision is invalid');
      shift = bits.signed(5);
      coefficients = Array.from({ length: order }, () => bits.signed(precision));
    }
    readResidual(bits, s, blockSize, order);
    const scale = 2 ** shift;
    for (let i = order; i < blockSize; i++) {
      let sum = 0;
      for (let j = 0; j < order; j++) sum += coefficients[j] * s[i - 1 - j];
      s[i] += fixed ? sum : Math.floor(sum / scale);
    }
  } else throw corrupt(`a subframe has the reserved type ${type}`);
  if (wasted > 0) for (let i = 0; i < blockSize; i++) s[i] *= 2 ** wasted;
  return s;
}

/** Skips the frame header's UTF-8-style coded frame/sample number. */
function skipCodedNumber(bits: Bits): void {
  const first = bits.read(8);
  let extra = 0;
  for (let mask = 0x80; first & mask && mask > 1; mask >>= 1) extra++;
  bits.read(8 * Math.max(0, extra - 1));
}

/** What STREAMINFO says (totalSamples 0: not known, a streamed file). */
export function readFlacInfo(bytes: Uint8Array): StreamInfo {
  return readStreamInfo(new Bits(bytes));
}

export function decodeFlac(bytes: Uint8Array): Pcm {
  const bits = new Bits(bytes);
  const info = readStreamInfo(bits);
  const total = info.totalSamples || Infinity;
  const blocks: Float32Array[][] = [];
  const scale = 1 / 2 ** (info.bitsPerSample - 1);
  let written = 0;
  while (!bits.atEnd() && written < total) {
    if (bits.read(15) !== 0x7ffc) throw corrupt(`no frame starts at byte ${bits.bytePosition - 2}`);
    bits.read(1); // blocking strategy
    const sizeCode = bits.read(4);
    const rateCode = bits.read(4);
    const assignment = bits.read(4);
    const sizeBits = bits.read(3);
    bits.read(1);
    skipCodedNumber(bits);
    let blockSize =
      sizeCode === 1 ? 192 : sizeCode <= 5 ? 576 << (sizeCode - 2) : sizeCode === 6 ? -1 : sizeCode === 7 ? -2 : 256 << (sizeCode - 8);
    if (sizeCode === 0) throw corrupt('a frame has the reserved block size 0');
    if (blockSize === -1) blockSize = bits.read(8) + 1;
    else if (blockSize === -2) blockSize = bits.read(16) + 1;
    if (rateCode === 12) bits.read(8);
    else if (rateCode === 13 || rateCode === 14) bits.read(16);
    else if (rateCode === 15) throw corrupt('a frame has an invalid sample rate');
    bits.read(8); // CRC-8
    const bps = sizeBits === 0 ? info.bitsPerSample : SAMPLE_SIZES[sizeBits];
    if (!bps) throw corrupt('a frame has a reserved sample size');
    const count = assignment < 8 ? assignment + 1 : 2;
    if (assignment > 10 || count !== info.channels) throw corrupt('a frame has a different channel layout than the stream');
    // The side channel of a stereo pair carries one bit more.
    const sub = Array.from({ length: count }, (_, c) =>
      readSubframe(
        bits,
        blockSize,
        bps + ((assignment === 8 && c === 1) || (assignment === 9 && c === 0) || (assignment === 10 && c === 1) ? 1 : 0),
      ),
    );
    if (assignment === 8) for (let i = 0; i < blockSize; i++) sub[1][i] = sub[0][i] - sub[1][i];
    else if (assignment === 9) for (let i = 0; i < blockSize; i++) sub[0][i] += sub[1][i];
    else if (assignment === 10)
      for (let i = 0; i < blockSize; i++) {
        const side = sub[1][i];
        const mid = sub[0][i] * 2 + (side & 1);
        sub[0][i] = (mid + side) / 2;
        sub[1][i] = (mid - side) / 2;
      }
    bits.alignToByte();
    bits.read(16); // CRC-16
    const n = Math.min(blockSize, total - written);
    blocks.push(sub.map((x) => Float32Array.from(x.subarray(0, n), (v) => v * scale)));
    written += n;
  }
  if (info.totalSamples && written < info.totalSamples) throw corrupt(`it holds ${written} of its ${info.totalSamples} samples`);
  const channels = Array.from({ length: info.channels }, () => new Float32Array(written));
  let at = 0;
  for (const block of blocks) {
    block.forEach((x, c) => channels[c].set(x, at));
    at += block[0].length;
  }
  return { sampleRate: info.sampleRate, channels };
}
