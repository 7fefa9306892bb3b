/**
 * An effects chain: Voicebox's JSON shape, a list of `{ type, enabled, params }` applied in order.
 * `effectsChainSchema` / `parseChain` check it (known type, known parameter names, numbers inside
 * their ranges; missing `enabled` is true, missing params take their defaults) and every error
 * names the effect (its position and type) and the parameter, e.g.
 * `Effect 2 of 3 (compressor): "ratio" must be between 1 and 20 (got 50).`
 * Pure: no I/O, safe for the webview too.
 */
import { z } from 'zod';
import { EFFECT_DEFINITIONS, EFFECT_TYPES, isEffectType, type EffectParams, type EffectType, type ParamDefinition } from './definitions';

export { EFFECT_DEFINITIONS, EFFECT_TYPES, defaultParams, isEffectType } from './definitions';
export type { EffectDefinition, EffectParams, EffectType, ParamDefinition } from './definitions';

/** Longest chain accepted (the history's own limit for stored chains). */
export const MAX_CHAIN_LENGTH = 100;

/** One effect with every parameter present. */
export type Effect = { [T in EffectType]: { type: T; enabled: boolean; params: EffectParams<T> } }[EffectType];
export type EffectOf<T extends EffectType> = Extract<Effect, { type: T }>;
export type EffectsChain = Effect[];

const shown = (value: unknown): string => {
  if (typeof value === 'number') return String(value); // NaN and Infinity as themselves (JSON would say null)
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
};

function readEffect(item: unknown, index: number, count: number, ctx: z.RefinementCtx): Effect | undefined {
  const where = `Effect ${index + 1} of ${count}`;
  const fail = (message: string, ...path: (string | number)[]): undefined => {
    ctx.addIssue({ code: 'custom', message, path: [index, ...path] });
    return undefined;
  };
  if (!item || typeof item !== 'object' || Array.isArray(item))
    return fail(`${where}: expected an object like {"type": "gain", "params": {"gain_db": 3}} (got ${shown(item)}).`);
  const { type, enabled = true, params = {} } = item as { type?: unknown; enabled?: unknown; params?: unknown };
  if (!isEffectType(type)) return fail(`${where}: unknown effect type ${shown(type)}. Known types: ${EFFECT_TYPES.join(', ')}.`, 'type');
  const what = `${where} (${type})`;
  if (typeof enabled !== 'boolean') return fail(`${what}: "enabled" must be true or false (got ${shown(enabled)}).`, 'enabled');
  if (!params || typeof params !== 'object' || Array.isArray(params))
    return fail(`${what}: "params" must be an object of numbers (got ${shown(params)}).`, 'params');
  const defs: Record<string, ParamDefinition> = EFFECT_DEFINITIONS[type].params;
  const given = params as Record<string, unknown>;
  let ok = true;
  for (const name of Object.keys(given)) {
    if (Object.hasOwn(defs, name)) continue;
    ok = false;
    fail(`${what}: unknown parameter "${name}". Its parameters: ${Object.keys(defs).join(', ')}.`, 'params', name);
  }
  const out: Record<string, number> = {};
  for (const [name, def] of Object.entries(defs)) {
    const value = Object.hasOwn(given, name) ? given[name] : def.default;
    const problem =
      typeof value !== 'number' || !Number.isFinite(value)
        ? `must be a number (got ${shown(value)})`
        : value < def.min || value > def.max
          ? `must be between ${def.min} and ${def.max}${def.unit && def.unit !== ':1' ? ` ${def.unit}` : ''} (got ${value})`
          : def.integer && !Number.isInteger(value)
            ? `must be a whole number (got ${value})`
            : undefined;
    if (problem) {
      ok = false;
      fail(`${what}: "${name}" ${problem}.`, 'params', name);
    } else out[name] = value as number;
  }
  return ok ? ({ type, enabled, params: out } as Effect) : undefined;
}

/** Checks a chain and fills in defaults. Input: anything; output: an `EffectsChain`. */
export const effectsChainSchema = z
  .array(z.unknown(), { error: 'An effects chain is a list of effects, e.g. [{"type": "gain", "params": {"gain_db": 3}}].' })
  .max(MAX_CHAIN_LENGTH, `An effects chain holds at most ${MAX_CHAIN_LENGTH} effects.`)
  .transform((items, ctx): EffectsChain => {
    const chain = items.map((item, i) => readEffect(item, i, items.length, ctx));
    return chain.every((e) => e !== undefined) ? chain : z.NEVER;
  });

/** Throws a `z.ZodError` (see `chainErrorMessage`) when `value` is not a valid chain. */
export function parseChain(value: unknown): EffectsChain {
  return effectsChainSchema.parse(value);
}

/** One line a person can act on, from a chain's ZodError: its issues' messages joined. */
export function chainErrorMessage(error: z.ZodError): string {
  return error.issues.map((i) => i.message).join(' ');
}

const MINUS = '\u2212';
const num = (n: number, digits = 1): string => {
  const text = Number(Math.abs(n).toFixed(digits)).toString();
  return n < 0 && Number(text) !== 0 ? `${MINUS}${text}` : text;
};
const signed = (n: number): string => (n > 0 ? `+${num(n)}` : num(n));
const hz = (n: number): string => (n >= 1000 ? `${num(n / 1000, 2)} kHz` : `${num(n, 0)} Hz`);

/** A few words for one effect, in the user's terms (its key parameter only). */
export function describeEffect(effect: Effect): string {
  switch (effect.type) {
    case 'highpass':
      return `highpass ${hz(effect.params.cutoff_frequency_hz)}`;
    case 'lowpass':
      return `lowpass ${hz(effect.params.cutoff_frequency_hz)}`;
    case 'gain':
      return `gain ${signed(effect.params.gain_db)} dB`;
    case 'compressor':
      return `compressor ${num(effect.params.ratio)}:1`;
    case 'pitch_shift':
      return `pitch ${signed(effect.params.semitones)} st`;
    case 'delay':
      return `delay ${num(effect.params.delay_seconds * 1000, 0)} ms`;
    case 'distortion':
      return `distortion ${num(effect.params.drive_db)} dB`;
    case 'clipping':
      return `clipping ${num(effect.params.threshold_db)} dB`;
    case 'limiter':
      return `limiter ${num(effect.params.threshold_db)} dB`;
    case 'noise_gate':
      return `noise gate ${num(effect.params.threshold_db)} dB`;
    case 'normalize':
      return `normalize ${num(effect.params.target_lufs)} LUFS`;
    case 'trim_silence':
      return 'trim silence';
    case 'fade':
      return `fade ${num(effect.params.in_ms, 0)}/${num(effect.params.out_ms, 0)} ms`;
    case 'tempo':
      return `tempo ${num(effect.params.rate, 2)}×`;
    case 'resample':
      return `resample ${hz(effect.params.sample_rate_hz)}`;
    case 'chorus':
    case 'reverb':
      return effect.type;
  }
}

/** A short summary such as "highpass 80 Hz → compressor 4:1 → normalize −16 LUFS" (enabled effects only). */
export function describeChain(chain: EffectsChain): string {
  const on = chain.filter((e) => e.enabled);
  return on.length === 0 ? 'no effects' : on.map(describeEffect).join(' → ');
}
