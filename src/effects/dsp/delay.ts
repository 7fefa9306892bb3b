/** Delay lines: an echo with feedback, and a chorus/flanger (an LFO-modulated short delay). */

export function delay(channels: Float32Array[], sampleRate: number, p: { delay_seconds: number; feedback: number; mix: number }): void {
  const length = Math.max(1, Math.round(p.delay_seconds * sampleRate));
  for (const x of channels) {
    const line = new Float32Array(length);
    let index = 0;
    for (let i = 0; i < x.length; i++) {
      const delayed = line[index];
      line[index] = x[i] + delayed * p.feedback;
      if (++index === length) index = 0;
      x[i] = x[i] * (1 - p.mix) + delayed * p.mix;
    }
  }
}

/** The LFO sweeps the delay up to this many ms either side of the centre (scaled by depth). */
const SWEEP_MS = 5;

export function chorus(
  channels: Float32Array[],
  sampleRate: number,
  p: { rate_hz: number; depth: number; feedback: number; centre_delay_ms: number; mix: number },
): void {
  const sweep = Math.min(SWEEP_MS, p.centre_delay_ms) * p.depth;
  const size = Math.ceil(((p.centre_delay_ms + SWEEP_MS) / 1000) * sampleRate) + 4;
  const omega = (2 * Math.PI * p.rate_hz) / sampleRate;
  channels.forEach((x, c) => {
    const line = new Float32Array(size);
    // A quarter-turn between channels widens a stereo chorus.
    const phase = (c % 2) * (Math.PI / 2);
    let write = 0;
    for (let i = 0; i < x.length; i++) {
      const delayMs = p.centre_delay_ms + sweep * Math.sin(omega * i + phase);
      let read = write - (delayMs / 1000) * sampleRate;
      if (read < 0) read += size;
      const i0 = Math.floor(read);
      const frac = read - i0;
      const delayed = line[i0 % size] * (1 - frac) + line[(i0 + 1) % size] * frac;
      line[write] = x[i] + delayed * p.feedback;
      if (++write === size) write = 0;
      x[i] = x[i] * (1 - p.mix) + delayed * p.mix;
    }
  });
}
