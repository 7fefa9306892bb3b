/**
 * Runs a chain over decoded sound: each enabled effect in order, with Voicebox's parameter
 * meanings. Effects that ring on (reverb, delay) lengthen the sound by their audible tail instead
 * of cutting it off at the original length. `checkpoint` runs between effects (the worker uses it
 * to stop early; it may throw).
 */
import type { Effect, EffectsChain } from './chain';
import { highpass, lowpass, runBiquad } from './dsp/biquad';
import { chorus, delay } from './dsp/delay';
import { compress, limit, noiseGate } from './dsp/dynamics';
import { applyGain, clip, distort, fade, trimSilence } from './dsp/level';
import { normalize } from './dsp/normalize';
import { resample } from './dsp/resample';
import { reverb } from './dsp/reverb';
import { stretch } from './dsp/stretch';
import { frameCount, type Pcm } from './pcm';

/** Longest tail added after the sound (a 0.95-feedback, 2 s delay would ring for minutes). */
const MAX_TAIL_SECONDS = 5;
/** A tail ends where it falls below this (−80 dBFS). */
const TAIL_FLOOR = 1e-4;

function withSilence(pcm: Pcm, seconds: number): Pcm {
  const extra = Math.round(Math.min(seconds, MAX_TAIL_SECONDS) * pcm.sampleRate);
  if (extra <= 0) return pcm;
  return {
    sampleRate: pcm.sampleRate,
    channels: pcm.channels.map((x) => {
      const out = new Float32Array(x.length + extra);
      out.set(x);
      return out;
    }),
  };
}

/** Drops what follows the last sample above the floor, but never cuts into the original `keep` frames. */
function endTail(pcm: Pcm, keep: number): Pcm {
  let end = frameCount(pcm);
  while (end > keep && pcm.channels.every((x) => Math.abs(x[end - 1]) < TAIL_FLOOR)) end--;
  return end === frameCount(pcm) ? pcm : { sampleRate: pcm.sampleRate, channels: pcm.channels.map((x) => x.slice(0, end)) };
}

const semitonesToRatio = (st: number): number => 2 ** (st / 12);

async function applyOne(pcm: Pcm, effect: Effect): Promise<Pcm> {
  const { sampleRate, channels } = pcm;
  const same = (next: Float32Array[]): Pcm => ({ sampleRate, channels: next });
  switch (effect.type) {
    case 'gain':
      applyGain(channels, effect.params.gain_db);
      return pcm;
    case 'highpass':
    case 'lowpass': {
      const design = effect.type === 'highpass' ? highpass : lowpass;
      for (const x of channels) runBiquad(design(effect.params.cutoff_frequency_hz, sampleRate), x);
      return pcm;
    }
    case 'compressor':
      compress(channels, sampleRate, effect.params);
      return pcm;
    case 'noise_gate':
      noiseGate(channels, sampleRate, effect.params);
      return pcm;
    case 'limiter':
      limit(channels, sampleRate, effect.params.threshold_db, effect.params.release_ms);
      return pcm;
    case 'distortion':
      distort(channels, effect.params.drive_db);
      return pcm;
    case 'clipping':
      clip(channels, effect.params.threshold_db);
      return pcm;
    case 'chorus':
      chorus(channels, sampleRate, effect.params);
      return pcm;
    case 'delay': {
      const { delay_seconds, feedback } = effect.params;
      const repeats = feedback > 0 ? Math.ceil(Math.log(TAIL_FLOOR) / Math.log(feedback)) : 1;
      const longer = withSilence(pcm, delay_seconds * (repeats + 1));
      delay(longer.channels, sampleRate, effect.params);
      return endTail(longer, frameCount(pcm));
    }
    case 'reverb': {
      // Freeverb's largest room (feedback 0.98) decays 60 dB in about 4 s.
      const longer = withSilence(pcm, 1 + 4 * effect.params.room_size);
      return endTail(same(reverb(longer.channels, sampleRate, effect.params)), frameCount(pcm));
    }
    case 'pitch_shift':
      if (effect.params.semitones === 0) return pcm;
      return same(await stretch(channels, sampleRate, 1, semitonesToRatio(effect.params.semitones)));
    case 'tempo':
      if (effect.params.rate === 1) return pcm;
      return same(await stretch(channels, sampleRate, effect.params.rate, 1));
    case 'resample':
      return { sampleRate: effect.params.sample_rate_hz, channels: await resample(channels, sampleRate, effect.params.sample_rate_hz) };
    case 'fade':
      fade(channels, sampleRate, effect.params.in_ms, effect.params.out_ms);
      return pcm;
    case 'trim_silence':
      return same(trimSilence(channels, sampleRate, effect.params.threshold_db, effect.params.padding_ms));
    case 'normalize':
      return { sampleRate, channels, measured: normalize(channels, sampleRate, effect.params.target_lufs, effect.params.true_peak_db) };
  }
}

export async function applyChain(pcm: Pcm, chain: EffectsChain, checkpoint: () => void = () => undefined): Promise<Pcm> {
  let current = pcm;
  for (const effect of chain) {
    if (!effect.enabled) continue;
    checkpoint();
    // Effects change the sound in place: what was measured of it before no longer holds.
    current = await applyOne({ sampleRate: current.sampleRate, channels: current.channels }, effect);
  }
  return current;
}
