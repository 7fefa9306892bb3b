import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  chainErrorMessage,
  defaultParams,
  describeChain,
  EFFECT_DEFINITIONS,
  EFFECT_TYPES,
  effectsChainSchema,
  parseChain,
  type EffectsChain,
} from '../../../src/effects/chain';
import { BUILTIN_PRESETS, findBuiltinPreset } from '../../../src/effects/presets';

/** The message of the error parseChain throws for `value`. */
function rejection(value: unknown): string {
  try {
    parseChain(value);
  } catch (error) {
    assert.ok(error instanceof z.ZodError, `expected a ZodError, got ${String(error)}`);
    return chainErrorMessage(error);
  }
  assert.fail(`expected ${JSON.stringify(value)} to be rejected`);
}

test('missing params take their defaults and a missing "enabled" is true', () => {
  const chain = parseChain([{ type: 'compressor', params: { ratio: 8 } }, { type: 'reverb' }, { type: 'gain', enabled: false }]);
  assert.deepEqual(chain, [
    { type: 'compressor', enabled: true, params: { threshold_db: -20, ratio: 8, attack_ms: 10, release_ms: 100 } },
    { type: 'reverb', enabled: true, params: { room_size: 0.5, damping: 0.5, wet_level: 0.33, dry_level: 0.4, width: 1 } },
    { type: 'gain', enabled: false, params: { gain_db: 0 } },
  ]);
});

test("Voicebox's eight effect types carry Voicebox's parameter names and defaults", () => {
  // From jamiepine/voicebox backend/utils/effects.py (EFFECT_REGISTRY).
  assert.deepEqual(defaultParams('chorus'), { rate_hz: 1, depth: 0.5, feedback: 0, centre_delay_ms: 7, mix: 0.5 });
  assert.deepEqual(defaultParams('reverb'), { room_size: 0.5, damping: 0.5, wet_level: 0.33, dry_level: 0.4, width: 1 });
  assert.deepEqual(defaultParams('delay'), { delay_seconds: 0.3, feedback: 0.3, mix: 0.3 });
  assert.deepEqual(defaultParams('compressor'), { threshold_db: -20, ratio: 4, attack_ms: 10, release_ms: 100 });
  assert.deepEqual(defaultParams('gain'), { gain_db: 0 });
  assert.deepEqual(defaultParams('highpass'), { cutoff_frequency_hz: 80 });
  assert.deepEqual(defaultParams('lowpass'), { cutoff_frequency_hz: 8000 });
  assert.deepEqual(defaultParams('pitch_shift'), { semitones: 0 });
  assert.deepEqual([EFFECT_DEFINITIONS.gain.params.gain_db.min, EFFECT_DEFINITIONS.gain.params.gain_db.max], [-40, 40]);
  assert.deepEqual([EFFECT_DEFINITIONS.pitch_shift.params.semitones.min, EFFECT_DEFINITIONS.pitch_shift.params.semitones.max], [-12, 12]);
});

test('every range edge is accepted and just outside it is refused, naming effect and parameter', () => {
  for (const type of EFFECT_TYPES) {
    for (const [name, def] of Object.entries(EFFECT_DEFINITIONS[type].params)) {
      for (const edge of [def.min, def.max]) parseChain([{ type, params: { [name]: edge } }]);
      const outside = def.max + Math.max(1, def.max - def.min);
      const message = rejection([{ type: 'gain' }, { type, params: { [name]: outside } }]);
      assert.match(message, new RegExp(`^Effect 2 of 2 \\(${type}\\): "${name}" must be between ${def.min} and ${def.max}`), message);
      assert.match(message, new RegExp(`\\(got ${outside}\\)`));
    }
  }
});

test('NaN, Infinity, strings and huge numbers are refused with the parameter named', () => {
  assert.equal(
    rejection([{ type: 'gain', params: { gain_db: Number.NaN } }]),
    'Effect 1 of 1 (gain): "gain_db" must be a number (got NaN).',
  );
  assert.equal(
    rejection([{ type: 'highpass', params: { cutoff_frequency_hz: Infinity } }]),
    'Effect 1 of 1 (highpass): "cutoff_frequency_hz" must be a number (got Infinity).',
  );
  assert.equal(rejection([{ type: 'delay', params: { mix: '0.5' } }]), 'Effect 1 of 1 (delay): "mix" must be a number (got "0.5").');
  assert.equal(
    rejection([{ type: 'gain', params: { gain_db: 1e300 } }]),
    'Effect 1 of 1 (gain): "gain_db" must be between -40 and 40 dB (got 1e+300).',
  );
  assert.equal(
    rejection([{ type: 'resample', params: { sample_rate_hz: 44100.5 } }]),
    'Effect 1 of 1 (resample): "sample_rate_hz" must be a whole number (got 44100.5).',
  );
});

test('unknown types and parameters are refused with what is known', () => {
  assert.match(
    rejection([{ type: 'flanger' }]),
    /^Effect 1 of 1: unknown effect type "flanger"\. Known types: chorus, reverb, .*normalize/,
  );
  assert.equal(
    rejection([{ type: 'gain', params: { gain: 3 } }]),
    'Effect 1 of 1 (gain): unknown parameter "gain". Its parameters: gain_db.',
  );
  assert.match(rejection([{ type: 'reverb', enabled: 'yes' }]), /^Effect 1 of 1 \(reverb\): "enabled" must be true or false/);
  assert.match(rejection(['reverb']), /^Effect 1 of 1: expected an object/);
  assert.match(rejection({ type: 'gain' }), /An effects chain is a list of effects/);
  assert.match(rejection(Array.from({ length: 101 }, () => ({ type: 'gain' }))), /at most 100 effects/);
  // The prototype is not a parameter table.
  assert.match(rejection([{ type: 'toString' }]), /unknown effect type "toString"/);
});

test('issues carry the path to the effect and parameter', () => {
  const result = effectsChainSchema.safeParse([{ type: 'gain' }, { type: 'compressor', params: { ratio: 50 } }]);
  assert.equal(result.success, false);
  assert.deepEqual(
    result.error?.issues.map((i) => i.path),
    [[1, 'params', 'ratio']],
  );
});

test("Voicebox's four built-in presets, with Voicebox's values, and our loudness presets", () => {
  assert.deepEqual(
    BUILTIN_PRESETS.map((p) => p.name),
    ['Robotic', 'Radio', 'Echo Chamber', 'Deep Voice', 'Podcast (−16 LUFS)', 'Audiobook (ACX, −20 LUFS)', 'Broadcast (−23 LUFS)'],
  );
  assert.deepEqual(findBuiltinPreset('radio')?.chain, [
    { type: 'highpass', enabled: true, params: { cutoff_frequency_hz: 300 } },
    { type: 'lowpass', enabled: true, params: { cutoff_frequency_hz: 3500 } },
    { type: 'compressor', enabled: true, params: { threshold_db: -15, ratio: 6, attack_ms: 5, release_ms: 50 } },
    { type: 'gain', enabled: true, params: { gain_db: 6 } },
  ]);
  assert.deepEqual(findBuiltinPreset('deep_voice')?.chain[0], { type: 'pitch_shift', enabled: true, params: { semitones: -3 } });
  assert.deepEqual(findBuiltinPreset('audiobook_acx')?.chain, [
    { type: 'normalize', enabled: true, params: { target_lufs: -20, true_peak_db: -3 } },
  ]);
  assert.deepEqual(findBuiltinPreset('broadcast')?.chain[0].params, { target_lufs: -23, true_peak_db: -1 });
  assert.ok(BUILTIN_PRESETS.every((p) => p.readOnly && Object.isFrozen(p.chain) && Object.isFrozen(p.chain[0].params)));
  assert.throws(() => {
    (findBuiltinPreset('radio')!.chain[3].params as { gain_db: number }).gain_db = 40;
  }, TypeError);
});

test('a chain exactly as Voicebox stores it (its Echo Chamber preset JSON) parses unchanged', () => {
  const stored = JSON.parse(
    '[{"type": "reverb", "enabled": true, "params": {"room_size": 0.85, "damping": 0.3, "wet_level": 0.45, "dry_level": 0.55, "width": 1.0}},' +
      ' {"type": "delay", "enabled": true, "params": {"delay_seconds": 0.25, "feedback": 0.3, "mix": 0.2}}]',
  ) as unknown;
  assert.deepEqual(parseChain(stored), stored);
  // Ours round-trips through JSON too: what we store Voicebox can read back.
  const ours: EffectsChain = parseChain(findBuiltinPreset('deep_voice')!.chain);
  assert.deepEqual(parseChain(JSON.parse(JSON.stringify(ours))), ours);
});

test('describeChain: a short summary of the enabled effects', () => {
  const chain = parseChain([
    { type: 'highpass', params: { cutoff_frequency_hz: 80 } },
    { type: 'compressor' },
    { type: 'reverb', enabled: false },
    { type: 'lowpass', params: { cutoff_frequency_hz: 3500 } },
    { type: 'pitch_shift', params: { semitones: -3 } },
    { type: 'gain', params: { gain_db: 6 } },
    { type: 'tempo', params: { rate: 1.25 } },
    { type: 'normalize', params: { target_lufs: -16 } },
  ]);
  assert.equal(
    describeChain(chain),
    'highpass 80 Hz → compressor 4:1 → lowpass 3.5 kHz → pitch −3 st → gain +6 dB → tempo 1.25× → normalize −16 LUFS',
  );
  assert.equal(describeChain([]), 'no effects');
  assert.equal(describeChain(parseChain([{ type: 'gain', enabled: false }])), 'no effects');
});
