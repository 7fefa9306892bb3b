/**
 * The player's effects panel and takes list (mounted under `effects.*` in ./router.ts): what the
 * effects are (their parameters and ranges), the presets, each version with its chain summary
 * and loudness, Preview (rendered in memory, bytes to the page, nothing stored), Save as version,
 * presets create/rename/delete (after a modal confirmation), and renaming or deleting (after one
 * too) a version.
 * Rendering runs in the effects worker through the Takes service the player host puts into the
 * context. No `vscode` import.
 */
import { z } from 'zod';
import { describeChain, EFFECT_DEFINITIONS, EFFECT_TYPES, effectsChainSchema } from '../effects/chain';
import { BUILTIN_PRESETS } from '../effects/presets';
import { EffectsError } from '../effects/render';
import type { Takes } from '../generation/takes';
import { idSchema, presetNameSchema, versionLabelSchema, type EffectPreset, type Version } from '../history';
import { procedure, rpcError, type RpcContext } from '../rpc/context';
import { MAX_INLINE_AUDIO_BYTES } from '../rpc/router';

export interface EffectsRpcContext extends RpcContext {
  takes: Takes;
  /** Asks the user (a modal dialog) whether to delete this version; true when confirmed. */
  confirmDeleteVersion(version: Version): Promise<boolean>;
  /** Asks the user (a modal dialog naming it) whether to delete this preset; true when confirmed. */
  confirmDeletePreset(preset: EffectPreset): Promise<boolean>;
}

const withTakes = procedure.use(({ ctx, next }) => {
  const c = ctx as Partial<EffectsRpcContext>;
  if (!c.takes || !c.confirmDeleteVersion || !c.confirmDeletePreset)
    throw rpcError('NOT_IMPLEMENTED', 'NO_EFFECTS', 'Effects are not available in this view.');
  return next({ ctx: { takes: c.takes, confirmDeleteVersion: c.confirmDeleteVersion, confirmDeletePreset: c.confirmDeletePreset } });
});

/** An EffectsError reaches the page as a clear message with its code as the reason. */
async function rendering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof EffectsError) {
      const code =
        e.code === 'cancelled'
          ? 'CLIENT_CLOSED_REQUEST'
          : e.code === 'crashed' || e.code === 'failed'
            ? 'INTERNAL_SERVER_ERROR'
            : 'BAD_REQUEST';
      throw rpcError(code, `EFFECTS_${e.code.toUpperCase().replace(/-/g, '_')}`, e.message);
    }
    throw e;
  }
}

const chainInput = effectsChainSchema;
const generationChain = z.object({ generationId: idSchema, sourceVersionId: idSchema.nullish(), chain: chainInput }).strict();

/** A version as the takes list shows it. */
export interface TakeRow extends Version {
  /** "original", or the chain in a few words ("highpass 80 Hz → normalize −16 LUFS"). */
  summary: string;
}

function summaryOf(v: Version): string {
  if (!v.effectsChain) return v.seed !== null ? `new take (seed ${v.seed})` : 'no effects';
  const parsed = effectsChainSchema.safeParse(v.effectsChain);
  return parsed.success ? describeChain(parsed.data) : `${v.effectsChain.length} effect(s) this version cannot describe`;
}

export const effectsProcedures = {
  /** Every effect with its parameters (label, unit, default, range, step) and every preset. */
  catalog: withTakes.query(async ({ ctx }) => ({
    types: [...EFFECT_TYPES],
    definitions: EFFECT_DEFINITIONS,
    builtIn: BUILTIN_PRESETS.map((p) => ({ id: p.id, name: p.name, description: p.description, chain: p.chain })),
    presets: (await ctx.history.listPresets()).map((p) => ({ id: p.id, name: p.name, description: p.description, chain: p.effectsChain })),
  })),

  /** The versions of a generation, oldest first, with their chain summaries. */
  takes: withTakes
    .input(z.object({ generationId: idSchema }).strict())
    .query(async ({ ctx, input }) =>
      (await ctx.history.listVersions(input.generationId)).map<TakeRow>((v) => ({ ...v, summary: summaryOf(v) })),
    ),

  /** Integrated loudness of a version (measured once in the worker, then kept); null for silence. */
  loudness: withTakes.input(z.object({ versionId: idSchema }).strict()).query(async ({ ctx, input, signal }) => {
    const version = await ctx.history.getVersion(input.versionId);
    if (!version) throw rpcError('NOT_FOUND', 'VERSION_NOT_FOUND', 'This version no longer exists; the list will refresh.');
    return { lufs: await rendering(() => ctx.takes.loudnessOf(version, signal)) };
  }),

  /** Renders the chain for listening: the WAV bytes come back to the page; nothing is stored. */
  preview: withTakes.input(generationChain).mutation(async ({ ctx, input, signal }) => {
    const r = await rendering(() => ctx.takes.previewEffects(input.generationId, input, signal));
    if (r.wav.byteLength > MAX_INLINE_AUDIO_BYTES) {
      throw rpcError(
        'PAYLOAD_TOO_LARGE',
        'PREVIEW_TOO_LONG',
        `The preview is ${(r.wav.byteLength / 1048576).toFixed(0)} MB, too long to play here; save it as a version and listen to that instead.`,
      );
    }
    return { wav: r.wav, durationMs: r.durationMs, loudnessLufs: r.loudnessLufs, truePeakDb: r.truePeakDb };
  }),

  /** Save as version: renders and stores a new version (`version-N` unless labelled). */
  saveVersion: withTakes
    .input(generationChain.extend({ label: versionLabelSchema.nullish(), makeDefault: z.boolean().default(false) }).strict())
    .mutation(({ ctx, input, signal }) => rendering(() => ctx.takes.applyEffects(input.generationId, input, signal))),

  savePreset: withTakes
    .input(z.object({ name: presetNameSchema, chain: chainInput.refine((c) => c.length > 0, 'Add at least one effect first.') }).strict())
    .mutation(({ ctx, input }) => ctx.history.createPreset({ name: input.name, effectsChain: input.chain })),

  renamePreset: withTakes
    .input(z.object({ id: idSchema, name: presetNameSchema }).strict())
    .mutation(({ ctx, input }) => ctx.history.updatePreset(input.id, { name: input.name })),

  /** Deletes one of the user's presets after they confirmed in a modal dialog naming it. */
  deletePreset: withTakes.input(z.object({ id: idSchema }).strict()).mutation(async ({ ctx, input }) => {
    const preset = await ctx.history.getPreset(input.id);
    if (!preset) throw rpcError('NOT_FOUND', 'PRESET_NOT_FOUND', 'This preset no longer exists; the list will refresh.');
    if (!(await ctx.confirmDeletePreset(preset))) return { deleted: false };
    await ctx.history.deletePreset(preset.id);
    return { deleted: true };
  }),

  /** The chain every new generation of this generation's voice gets (null: none). */
  setVoiceChain: withTakes
    .input(z.object({ generationId: idSchema, chain: chainInput.nullable() }).strict())
    .mutation(async ({ ctx, input }) => {
      const g = await ctx.history.get(input.generationId);
      if (!g) throw rpcError('NOT_FOUND', 'GENERATION_NOT_FOUND', 'This generation no longer exists; refresh the list.');
      const chain = input.chain && input.chain.length > 0 ? input.chain : null;
      const profile = await ctx.history.updateProfile(g.profileId, { effectsChain: chain });
      return { profileName: profile.name, chain: profile.effectsChain };
    }),

  renameVersion: withTakes
    .input(z.object({ versionId: idSchema, label: versionLabelSchema }).strict())
    .mutation(({ ctx, input }) => ctx.history.renameVersion(input.versionId, input.label)),

  /** Deletes a version after the user confirmed in a modal dialog; the last one is refused. */
  deleteVersion: withTakes.input(z.object({ versionId: idSchema }).strict()).mutation(async ({ ctx, input }) => {
    const version = await ctx.history.getVersion(input.versionId);
    if (!version) throw rpcError('NOT_FOUND', 'VERSION_NOT_FOUND', 'This version no longer exists; the list will refresh.');
    if ((await ctx.history.listVersions(version.generationId)).length <= 1) {
      throw rpcError('BAD_REQUEST', 'LAST_VERSION', 'This is the only version of the generation; delete the generation instead.');
    }
    if (!(await ctx.confirmDeleteVersion(version))) return { deleted: false };
    await ctx.history.deleteVersion(version.id);
    return { deleted: true };
  }),
};
