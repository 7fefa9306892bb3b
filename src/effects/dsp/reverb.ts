/**
 * Room reverb in the Freeverb design (Jezar at Dreampoint, public domain) that pedalboard's Reverb
 * (JUCE) also uses, with the same parameter mapping: eight damped feedback combs in parallel, then
 * four allpasses in series, per channel; the right channel's delays are 23 samples longer.
 */

const COMBS = [1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617];
const ALLPASSES = [556, 441, 341, 225];
const STEREO_SPREAD = 23;
const INPUT_GAIN = 0.015;

export interface ReverbParams {
  room_size: number;
  damping: number;
  wet_level: number;
  dry_level: number;
  width: number;
}

/** One channel's tank: returns the wet signal for `input` (mono sum of the channels fed in). */
function tank(input: Float32Array, sampleRate: number, spread: number, feedback: number, damp: number): Float32Array {
  const scale = sampleRate / 44100;
  const out = new Float32Array(input.length);
  // Each filter runs in stretches that end where its ring buffer wraps: no wrap test per sample.
  for (const tuning of COMBS) {
    const buffer = new Float32Array(Math.max(1, Math.round((tuning + spread) * scale)));
    let store = 0;
    for (let i = 0, at = 0; i < input.length;) {
      const stretch = Math.min(buffer.length - at, input.length - i);
      for (let k = 0; k < stretch; k++) {
        const y = buffer[at + k];
        store = y * (1 - damp) + store * damp;
        buffer[at + k] = input[i + k] + store * feedback;
        out[i + k] += y;
      }
      i += stretch;
      at = (at + stretch) % buffer.length;
    }
  }
  for (const tuning of ALLPASSES) {
    const buffer = new Float32Array(Math.max(1, Math.round((tuning + spread) * scale)));
    for (let i = 0, at = 0; i < out.length;) {
      const stretch = Math.min(buffer.length - at, out.length - i);
      for (let k = 0; k < stretch; k++) {
        const delayed = buffer[at + k];
        const x = out[i + k];
        buffer[at + k] = x + delayed * 0.5;
        out[i + k] = delayed - x;
      }
      i += stretch;
      at = (at + stretch) % buffer.length;
    }
  }
  return out;
}

/** Returns the reverberated channels (mono stays mono; two or more channels get a stereo pair each). */
export function reverb(channels: Float32Array[], sampleRate: number, p: ReverbParams): Float32Array[] {
  const feedback = p.room_size * 0.28 + 0.7;
  const damp = p.damping * 0.4;
  const wet = p.wet_level * 3;
  const dry = p.dry_level * 2;
  const wet1 = 0.5 * wet * (1 + p.width);
  const wet2 = 0.5 * wet * (1 - p.width);
  const frames = channels[0]?.length ?? 0;
  const input = new Float32Array(frames);
  for (const x of channels) for (let i = 0; i < frames; i++) input[i] += (x[i] * INPUT_GAIN * 2) / channels.length;
  if (channels.length === 1) {
    const l = tank(input, sampleRate, 0, feedback, damp);
    return [channels[0].map((x, i) => x * dry + l[i] * wet1)];
  }
  const l = tank(input, sampleRate, 0, feedback, damp);
  const r = tank(input, sampleRate, STEREO_SPREAD, feedback, damp);
  return channels.map((x, c) => {
    const [a, b] = c % 2 === 0 ? [l, r] : [r, l];
    return x.map((v, i) => v * dry + a[i] * wet1 + b[i] * wet2);
  });
}
