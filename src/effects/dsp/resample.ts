/**
 * Sample-rate conversion through the Speex resampler (Xiph's SpeexDSP, BSD-3-Clause, compiled to
 * WASM): a windowed-sinc polyphase filter; quality 7 of 10 is transparent for speech. The output
 * has exactly round(frames × out / in) frames, aligned with the input (the filter delay removed).
 */
import loadSpeex, { type SpeexModule } from '@echogarden/speex-resampler-wasm';

let speex: Promise<SpeexModule> | undefined;

const QUALITY = 7;
const CHUNK = 16384;

export async function resample(channels: Float32Array[], fromRate: number, toRate: number): Promise<Float32Array[]> {
  if (fromRate === toRate) return channels;
  const m = await (speex ??= loadSpeex());
  const frames = channels[0]?.length ?? 0;
  const expected = Math.round((frames * toRate) / fromRate);
  const outChunk = Math.ceil((CHUNK * toRate) / fromRate) + 64;
  const memory = m._malloc(CHUNK * 4 + outChunk * 4 + 12);
  const input = memory;
  const output = input + CHUNK * 4;
  const inLength = output + outChunk * 4;
  const outLength = inLength + 4;
  const error = outLength + 4;
  const state = m._speex_resampler_init(channels.length, fromRate, toRate, QUALITY, error);
  try {
    if (!state) throw new Error(`the resampler could not convert ${fromRate} Hz to ${toRate} Hz`);
    m._speex_resampler_skip_zeros(state);
    const latency = m._speex_resampler_get_input_latency(state);
    return channels.map((x, c) => {
      const out = new Float32Array(expected);
      let produced = 0;
      // The input, then enough silence to push the filter's delay out.
      const padded = frames + latency;
      for (let start = 0; start < padded && produced < expected;) {
        const count = Math.min(CHUNK, padded - start);
        const heap = m.HEAPF32;
        const real = Math.max(0, Math.min(count, frames - start));
        heap.set(x.subarray(start, start + real), input >> 2);
        heap.fill(0, (input >> 2) + real, (input >> 2) + count);
        m.HEAPU32[inLength >> 2] = count;
        m.HEAPU32[outLength >> 2] = outChunk;
        m._speex_resampler_process_float(state, c, input, inLength, output, outLength);
        const used = m.HEAPU32[inLength >> 2];
        const made = Math.min(m.HEAPU32[outLength >> 2], expected - produced);
        out.set(m.HEAPF32.subarray(output >> 2, (output >> 2) + made), produced);
        produced += made;
        start += used;
        if (used === 0 && made === 0) break;
      }
      return out;
    });
  } finally {
    if (state) m._speex_resampler_destroy(state);
    m._free(memory);
  }
}
