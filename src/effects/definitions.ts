/**
 * Every effect a chain may hold, with its parameters' defaults, ranges and units. The first twelve
 * are Voicebox's (backend/utils/effects.py, same names, same ranges and defaults) so a Voicebox
 * chain renders here and ours render there as long as it only uses those; the last five are ours
 * (what speech work needs and Voicebox lacks). The UI builds its sliders from this table.
 */

export interface ParamDefinition {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** Slider step (Voicebox's where it has one). */
  readonly step: number;
  /** Shown after the number: 'Hz', 'dB', 'ms', 's', 'LUFS', '×', 'st' or ''. */
  readonly unit: string;
  readonly label: string;
  /** Whole numbers only (a sample rate). */
  readonly integer?: boolean;
}

export interface EffectDefinition {
  readonly label: string;
  readonly description: string;
  /** 'voicebox': Voicebox knows it too; 'voice-history': ours only (Voicebox rejects it). */
  readonly origin: 'voicebox' | 'voice-history';
  readonly params: Readonly<Record<string, ParamDefinition>>;
}

const p = (def: number, min: number, max: number, step: number, unit: string, label: string, integer = false): ParamDefinition =>
  integer ? { default: def, min, max, step, unit, label, integer } : { default: def, min, max, step, unit, label };

export const EFFECT_DEFINITIONS = {
  chorus: {
    label: 'Chorus / Flanger',
    description: 'Modulated delay: a short centre delay (under 10 ms) flanges, a longer one is a chorus.',
    origin: 'voicebox',
    params: {
      rate_hz: p(1.0, 0.01, 20.0, 0.01, 'Hz', 'LFO speed'),
      depth: p(0.5, 0.0, 1.0, 0.01, '', 'Depth'),
      feedback: p(0.0, 0.0, 0.95, 0.01, '', 'Feedback'),
      centre_delay_ms: p(7.0, 0.5, 50.0, 0.1, 'ms', 'Centre delay'),
      mix: p(0.5, 0.0, 1.0, 0.01, '', 'Wet/dry mix'),
    },
  },
  reverb: {
    label: 'Reverb',
    description: 'Room reverb.',
    origin: 'voicebox',
    params: {
      room_size: p(0.5, 0.0, 1.0, 0.01, '', 'Room size'),
      damping: p(0.5, 0.0, 1.0, 0.01, '', 'High-frequency damping'),
      wet_level: p(0.33, 0.0, 1.0, 0.01, '', 'Wet level'),
      dry_level: p(0.4, 0.0, 1.0, 0.01, '', 'Dry level'),
      width: p(1.0, 0.0, 1.0, 0.01, '', 'Stereo width'),
    },
  },
  delay: {
    label: 'Delay',
    description: 'Echo / delay line.',
    origin: 'voicebox',
    params: {
      delay_seconds: p(0.3, 0.01, 2.0, 0.01, 's', 'Delay time'),
      feedback: p(0.3, 0.0, 0.95, 0.01, '', 'Feedback'),
      mix: p(0.3, 0.0, 1.0, 0.01, '', 'Wet/dry mix'),
    },
  },
  compressor: {
    label: 'Compressor',
    description: 'Dynamic range compression for an even level.',
    origin: 'voicebox',
    params: {
      threshold_db: p(-20.0, -60.0, 0.0, 0.5, 'dB', 'Threshold'),
      ratio: p(4.0, 1.0, 20.0, 0.1, ':1', 'Ratio'),
      attack_ms: p(10.0, 0.1, 100.0, 0.1, 'ms', 'Attack'),
      release_ms: p(100.0, 10.0, 1000.0, 1.0, 'ms', 'Release'),
    },
  },
  gain: {
    label: 'Gain',
    description: 'Volume change in decibels.',
    origin: 'voicebox',
    params: { gain_db: p(0.0, -40.0, 40.0, 0.5, 'dB', 'Gain') },
  },
  highpass: {
    label: 'High-Pass Filter',
    description: 'Removes frequencies below the cutoff (rumble, hum).',
    origin: 'voicebox',
    params: { cutoff_frequency_hz: p(80.0, 20.0, 8000.0, 1.0, 'Hz', 'Cutoff') },
  },
  lowpass: {
    label: 'Low-Pass Filter',
    description: 'Removes frequencies above the cutoff (hiss, sibilance).',
    origin: 'voicebox',
    params: { cutoff_frequency_hz: p(8000.0, 200.0, 20000.0, 1.0, 'Hz', 'Cutoff') },
  },
  pitch_shift: {
    label: 'Pitch Shift',
    description: 'Shifts the pitch up or down by semitones, keeping the duration (and adding no echo).',
    origin: 'voicebox',
    params: { semitones: p(0.0, -12.0, 12.0, 0.5, 'st', 'Semitones') },
  },
  distortion: {
    label: 'Distortion',
    description: 'Soft saturation and harmonic warmth.',
    origin: 'voicebox',
    params: { drive_db: p(10.0, 0.0, 40.0, 0.5, 'dB', 'Drive') },
  },
  clipping: {
    label: 'Clipping',
    description: 'Hard clipping at a threshold.',
    origin: 'voicebox',
    params: { threshold_db: p(-6.0, -40.0, 0.0, 0.5, 'dB', 'Threshold') },
  },
  noise_gate: {
    label: 'Noise Gate',
    description: 'Turns down low-level noise between words.',
    origin: 'voicebox',
    params: {
      threshold_db: p(-40.0, -80.0, 0.0, 1.0, 'dB', 'Threshold'),
      ratio: p(10.0, 1.0, 100.0, 1.0, ':1', 'Ratio'),
      attack_ms: p(1.0, 0.1, 100.0, 0.1, 'ms', 'Attack'),
      release_ms: p(100.0, 10.0, 1000.0, 10.0, 'ms', 'Release'),
    },
  },
  limiter: {
    label: 'Limiter',
    description: 'Keeps peaks under a ceiling.',
    origin: 'voicebox',
    params: {
      threshold_db: p(-1.0, -40.0, 0.0, 0.5, 'dB', 'Threshold'),
      release_ms: p(100.0, 10.0, 1000.0, 10.0, 'ms', 'Release'),
    },
  },
  normalize: {
    label: 'Normalize Loudness',
    description: 'Sets the integrated loudness (ITU-R BS.1770 / EBU R128) to a target, with a true-peak ceiling.',
    origin: 'voice-history',
    params: {
      target_lufs: p(-16.0, -40.0, -5.0, 0.5, 'LUFS', 'Target loudness'),
      true_peak_db: p(-1.0, -12.0, 0.0, 0.1, 'dBTP', 'True-peak ceiling'),
    },
  },
  trim_silence: {
    label: 'Trim Silence',
    description: 'Cuts silence at the start and end, keeping a little padding.',
    origin: 'voice-history',
    params: {
      threshold_db: p(-50.0, -90.0, -10.0, 1.0, 'dB', 'Silence below'),
      padding_ms: p(100.0, 0.0, 2000.0, 10.0, 'ms', 'Padding kept'),
    },
  },
  fade: {
    label: 'Fade In / Out',
    description: 'Fades the start in and the end out.',
    origin: 'voice-history',
    params: {
      in_ms: p(10.0, 0.0, 10000.0, 10.0, 'ms', 'Fade in'),
      out_ms: p(10.0, 0.0, 10000.0, 10.0, 'ms', 'Fade out'),
    },
  },
  tempo: {
    label: 'Tempo',
    description: 'Speaks faster or slower without changing the pitch.',
    origin: 'voice-history',
    params: { rate: p(1.0, 0.5, 2.0, 0.05, '×', 'Speed') },
  },
  resample: {
    label: 'Resample',
    description: 'Changes the sample rate of the result.',
    origin: 'voice-history',
    params: { sample_rate_hz: p(24000, 8000, 192000, 1, 'Hz', 'Sample rate', true) },
  },
} as const satisfies Record<string, EffectDefinition>;

export type EffectType = keyof typeof EFFECT_DEFINITIONS;

export const EFFECT_TYPES = Object.keys(EFFECT_DEFINITIONS) as EffectType[];

/** The parameters of one effect type, all present (defaults filled in). */
export type EffectParams<T extends EffectType> = { [K in keyof (typeof EFFECT_DEFINITIONS)[T]['params']]: number };

export function isEffectType(value: unknown): value is EffectType {
  return typeof value === 'string' && Object.hasOwn(EFFECT_DEFINITIONS, value);
}

/** Params of `type` with every default filled in. */
export function defaultParams<T extends EffectType>(type: T): EffectParams<T> {
  const defs: Record<string, ParamDefinition> = EFFECT_DEFINITIONS[type].params;
  return Object.fromEntries(Object.entries(defs).map(([name, def]) => [name, def.default])) as EffectParams<T>;
}
