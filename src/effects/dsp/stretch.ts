/**
 * Tempo and pitch through Sonic (Bill Cox's speech time-stretcher, Apache-2.0, compiled to WASM):
 * pitch-synchronous overlap-add made for speech, so a faster tempo keeps the voice's pitch, and a
 * pitch shift (Sonic changes the speed, then resamples back) adds no echo.
 */
import loadSonic, { type SonicModule } from '@echogarden/sonic-wasm';

let sonic: Promise<SonicModule> | undefined;

/** Frames handed to Sonic at a time (keeps its WebAssembly memory small). */
const CHUNK = 8192;

/** `speed` 1.5 plays 1.5× as fast (2/3 of the duration); `pitch` 2 is an octave up. */
export async function stretch(channels: Float32Array[], sampleRate: number, speed: number, pitch: number): Promise<Float32Array[]> {
  const m = await (sonic ??= loadSonic());
  const n = channels.length;
  const frames = channels[0]?.length ?? 0;
  const stream = m._sonicCreateStream(sampleRate, n);
  const buffer = m._malloc(CHUNK * n * 4);
  const pieces: Float32Array[] = [];
  let total = 0;
  const drain = (): void => {
    for (;;) {
      const got = m._sonicReadFloatFromStream(stream, buffer, CHUNK);
      if (got <= 0) return;
      pieces.push(m.HEAPF32.slice(buffer >> 2, (buffer >> 2) + got * n));
      total += got;
    }
  };
  try {
    m._sonicSetSpeed(stream, speed);
    m._sonicSetPitch(stream, pitch);
    m._sonicSetQuality(stream, 1);
    for (let start = 0; start < frames; start += CHUNK) {
      const count = Math.min(CHUNK, frames - start);
      const heap = m.HEAPF32; // re-read: WebAssembly memory may have grown
      const base = buffer >> 2;
      for (let f = 0; f < count; f++) for (let c = 0; c < n; c++) heap[base + f * n + c] = channels[c][start + f];
      m._sonicWriteFloatToStream(stream, buffer, count);
      drain();
    }
    m._sonicFlushStream(stream);
    drain();
  } finally {
    m._free(buffer);
    m._sonicDestroyStream(stream);
  }
  const out = Array.from({ length: n }, () => new Float32Array(total));
  let at = 0;
  for (const piece of pieces) {
    const count = piece.length / n;
    for (let f = 0; f < count; f++) for (let c = 0; c < n; c++) out[c][at + f] = piece[f * n + c];
    at += count;
  }
  return out;
}
