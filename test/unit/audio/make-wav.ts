// Writes real WAV bytes for tests: any PCM/float layout, with optional extra chunks, built
// independently of the parser under test (Buffer writes, not src/audio).

export interface MakeWavOptions {
  sampleRate?: number;
  channels?: number;
  bits?: 8 | 16 | 24 | 32 | 64;
  float?: boolean;
  frames: number;
  /** Sample value in [-1, 1] for a frame and channel. */
  sample: (frame: number, channel: number) => number;
  /** Chunks placed between "fmt " and "data" (e.g. LIST metadata), odd sizes allowed. */
  extraChunks?: Array<{ id: string; body: Buffer }>;
  /** Write WAVE_FORMAT_EXTENSIBLE with the PCM/float sub-format GUID. */
  extensible?: boolean;
  /** Override the size written in the data chunk header (e.g. 0xFFFFFFFF as streaming writers do). */
  declaredDataSize?: number;
}

export function makeWav(o: MakeWavOptions): Buffer {
  const sampleRate = o.sampleRate ?? 16000;
  const channels = o.channels ?? 1;
  const bits = o.bits ?? 16;
  const bytes = bits / 8;
  const blockAlign = bytes * channels;
  const data = Buffer.alloc(o.frames * blockAlign);
  for (let f = 0; f < o.frames; f++) {
    for (let c = 0; c < channels; c++) {
      const v = Math.max(-1, Math.min(1, o.sample(f, c)));
      const at = f * blockAlign + c * bytes;
      if (o.float) {
        if (bits === 64) data.writeDoubleLE(v, at);
        else data.writeFloatLE(v, at);
      } else if (bits === 8) data.writeUInt8(Math.round(v * 127) + 128, at);
      else if (bits === 16) data.writeInt16LE(Math.round(v * 32767), at);
      else if (bits === 24) data.writeIntLE(Math.round(v * 8388607), at, 3);
      else data.writeInt32LE(Math.round(v * 2147483647), at);
    }
  }
  const tag = o.float ? 3 : 1;
  let fmt: Buffer;
  if (o.extensible) {
    fmt = Buffer.alloc(40);
    fmt.writeUInt16LE(0xfffe, 0);
    fmt.writeUInt16LE(22, 16); // cbSize
    fmt.writeUInt16LE(bits, 18); // valid bits
    fmt.writeUInt32LE(channels === 2 ? 3 : 4, 20); // channel mask
    fmt.writeUInt16LE(tag, 24); // sub-format GUID starts with the format tag
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(fmt, 26);
  } else {
    fmt = Buffer.alloc(16);
    fmt.writeUInt16LE(tag, 0);
  }
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(sampleRate, 4);
  fmt.writeUInt32LE(sampleRate * blockAlign, 8);
  fmt.writeUInt16LE(blockAlign, 12);
  fmt.writeUInt16LE(bits, 14);

  const chunk = (id: string, body: Buffer, declared = body.length): Buffer => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(declared, 4);
    return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const parts = [
    chunk('fmt ', fmt),
    ...(o.extraChunks ?? []).map((c) => chunk(c.id, c.body)),
    chunk('data', data, o.declaredDataSize ?? data.length),
  ];
  const body = Buffer.concat(parts);
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(4 + body.length, 4);
  riff.write('WAVE', 8, 'latin1');
  return Buffer.concat([riff, body]);
}

/** A sine at `hz` with peak `amplitude`. */
export const sine =
  (hz: number, sampleRate: number, amplitude = 0.5) =>
  (frame: number) =>
    amplitude * Math.sin((2 * Math.PI * hz * frame) / sampleRate);
