/**
 * A streaming look-ahead peak limiter: each sample's gain is the smallest gain any sample in the
 * next `lookahead` frames needs, so no output sample exceeds the ceiling, and it recovers with an
 * exponential release. Output is delayed by `lookahead` frames; `flush` returns the tail. Below the
 * ceiling the gain is exactly 1 (samples pass unchanged), which is what lets a mix be checked.
 */
export interface Limiter {
  /** Interleaved frames in, the same count of interleaved frames out (delayed). */
  process(block: Float32Array): Float32Array;
  flush(): Float32Array;
}

export function createLimiter(opts: {
  channels: number;
  sampleRate: number;
  ceiling: number;
  lookaheadMs?: number;
  releaseMs?: number;
}): Limiter {
  const { channels, ceiling } = opts;
  const look = Math.max(1, Math.round(((opts.lookaheadMs ?? 5) * opts.sampleRate) / 1000));
  const release = 1 - Math.exp(-1 / (((opts.releaseMs ?? 80) * opts.sampleRate) / 1000));
  const size = look + 1;
  // Ring of delayed frames and of each frame's needed gain, plus a monotonic deque (by frame
  // number) over the needed gains of the window, for an O(1) running minimum.
  const ring = new Float32Array(size * channels);
  const dq = new Float64Array(size + 1);
  const dqFrame = new Float64Array(size + 1);
  let head = 0;
  let len = 0;
  let n = 0; // frames pushed
  let gain = 1;

  function push(frame: ArrayLike<number>, at: number, out: Float32Array | null, outAt: number): boolean {
    let peak = 0;
    for (let c = 0; c < channels; c++) {
      const v = Math.abs(frame[at + c]!);
      if (v > peak) peak = v;
    }
    const g = peak > ceiling ? ceiling / peak : 1;
    const slot = n % size;
    for (let c = 0; c < channels; c++) ring[slot * channels + c] = frame[at + c]!;
    while (len > 0 && dq[(head + len - 1) % (size + 1)]! >= g) len--;
    dq[(head + len) % (size + 1)] = g;
    dqFrame[(head + len) % (size + 1)] = n;
    len++;
    n++;
    const emit = n - 1 - look; // the frame that leaves now
    if (emit < 0) return false;
    while (dqFrame[head]! < emit) {
      head = (head + 1) % (size + 1);
      len--;
    }
    const windowMin = dq[head]!;
    gain = Math.min(windowMin, gain + (1 - gain) * release);
    if (gain > 1) gain = 1;
    const from = (emit % size) * channels;
    for (let c = 0; c < channels; c++) out![outAt + c] = gain === 1 ? ring[from + c]! : ring[from + c]! * gain;
    return true;
  }

  let emitted = 0;
  return {
    process(block) {
      const frames = block.length / channels;
      const ready = Math.max(0, Math.min(frames, n + frames - look - emitted));
      const out = new Float32Array(ready * channels);
      let o = 0;
      for (let f = 0; f < frames; f++) if (push(block, f * channels, out, o * channels)) o++;
      emitted += o;
      return out;
    },
    flush() {
      const pending = n - emitted;
      const out = new Float32Array(pending * channels);
      const zero = new Float32Array(channels);
      let o = 0;
      for (let i = 0; i < pending; i++) if (push(zero, 0, out, o * channels)) o++;
      emitted += o;
      // Those zeros count as pushed frames; they are never emitted.
      return out.subarray(0, o * channels);
    },
  };
}
