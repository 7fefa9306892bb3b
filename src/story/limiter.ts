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
  let lastLimited = -Infinity; // the last frame that needed less than unity gain

  function push(frame: ArrayLike<number>, at: number, out: Float32Array | null, outAt: number): boolean {
    let peak = 0;
    for (let c = 0; c < channels; c++) {
      const v = Math.abs(frame[at + c]!);
      if (v > peak) peak = v;
    }
    const g = peak > ceiling ? ceiling / peak : 1;
    if (g < 1) lastLimited = n;
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

  /**
   * A block that needs no limiting, after a window that needed none, at unity gain, passes as it
   * is, only delayed: the delayed frames out of the ring, then the block's, and its last `look`
   * frames into the ring (what the per-frame path gives for such a block, without its per-frame cost).
   */
  function passThrough(block: Float32Array, frames: number): Float32Array | null {
    if (gain !== 1 || frames < look || n < look || n - look <= lastLimited) return null;
    for (let i = 0; i < block.length; i++) if (block[i]! > ceiling || block[i]! < -ceiling) return null;
    const out = new Float32Array(block.length);
    // The `look` delayed frames, oldest first: frames n − look … n − 1 sit at slots (frame % size).
    const first = (n - look) % size;
    const tail = Math.min(look, size - first);
    out.set(ring.subarray(first * channels, (first + tail) * channels), 0);
    if (tail < look) out.set(ring.subarray(0, (look - tail) * channels), tail * channels);
    out.set(block.subarray(0, (frames - look) * channels), look * channels);
    for (let f = frames - look; f < frames; f++) {
      const slot = (n + f) % size;
      for (let c = 0; c < channels; c++) ring[slot * channels + c] = block[f * channels + c]!;
    }
    n += frames;
    emitted += frames;
    // Every gain in the window is 1: one entry, the newest frame's, stands for them all.
    head = 0;
    len = 1;
    dq[0] = 1;
    dqFrame[0] = n - 1;
    return out;
  }

  return {
    process(block) {
      const frames = block.length / channels;
      const passed = passThrough(block, frames);
      if (passed) return passed;
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
