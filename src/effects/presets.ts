/**
 * Built-in presets, read-only: Voicebox's four (values from its backend/utils/effects.py, ids as
 * Voicebox spells them) and our loudness targets for speech delivery. User presets live in the
 * history; these are code.
 */
import { parseChain, type EffectsChain } from './chain';

export interface BuiltinPreset {
  /** Stable id (Voicebox's key for its own presets). */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly chain: EffectsChain;
  readonly readOnly: true;
  readonly origin: 'voicebox' | 'voice-history';
}

const preset = (id: string, name: string, description: string, origin: BuiltinPreset['origin'], chain: unknown[]): BuiltinPreset =>
  Object.freeze({ id, name, description, origin, readOnly: true as const, chain: deepFreeze(parseChain(chain)) });

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const normalize = (target_lufs: number, true_peak_db: number) => ({
  type: 'normalize',
  enabled: true,
  params: { target_lufs, true_peak_db },
});

export const BUILTIN_PRESETS: readonly BuiltinPreset[] = Object.freeze([
  preset('robotic', 'Robotic', 'Metallic robotic voice (flanger with slow LFO and high feedback)', 'voicebox', [
    { type: 'chorus', enabled: true, params: { rate_hz: 0.2, depth: 1.0, feedback: 0.35, centre_delay_ms: 7.0, mix: 0.5 } },
  ]),
  preset('radio', 'Radio', 'Thin AM-radio voice with band-pass filtering and light compression', 'voicebox', [
    { type: 'highpass', enabled: true, params: { cutoff_frequency_hz: 300.0 } },
    { type: 'lowpass', enabled: true, params: { cutoff_frequency_hz: 3500.0 } },
    { type: 'compressor', enabled: true, params: { threshold_db: -15.0, ratio: 6.0, attack_ms: 5.0, release_ms: 50.0 } },
    { type: 'gain', enabled: true, params: { gain_db: 6.0 } },
  ]),
  preset('echo_chamber', 'Echo Chamber', 'Spacious reverb with trailing echo', 'voicebox', [
    { type: 'reverb', enabled: true, params: { room_size: 0.85, damping: 0.3, wet_level: 0.45, dry_level: 0.55, width: 1.0 } },
    { type: 'delay', enabled: true, params: { delay_seconds: 0.25, feedback: 0.3, mix: 0.2 } },
  ]),
  preset('deep_voice', 'Deep Voice', 'Lower pitch with added warmth', 'voicebox', [
    { type: 'pitch_shift', enabled: true, params: { semitones: -3.0 } },
    { type: 'lowpass', enabled: true, params: { cutoff_frequency_hz: 6000.0 } },
    { type: 'compressor', enabled: true, params: { threshold_db: -18.0, ratio: 3.0, attack_ms: 10.0, release_ms: 150.0 } },
  ]),
  preset('podcast', 'Podcast (−16 LUFS)', 'Loudness for podcasts and streaming speech: −16 LUFS, true peak −1 dBTP', 'voice-history', [
    normalize(-16, -1),
  ]),
  preset(
    'audiobook_acx',
    'Audiobook (ACX, −20 LUFS)',
    'ACX/Audible delivery: −20 LUFS (inside −23…−18), peaks at most −3 dBFS',
    'voice-history',
    [normalize(-20, -3)],
  ),
  preset('broadcast', 'Broadcast (−23 LUFS)', 'EBU R128 broadcast loudness: −23 LUFS, true peak −1 dBTP', 'voice-history', [
    normalize(-23, -1),
  ]),
]);

export function findBuiltinPreset(id: string): BuiltinPreset | undefined {
  return BUILTIN_PRESETS.find((p) => p.id === id);
}
