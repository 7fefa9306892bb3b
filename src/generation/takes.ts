// Effects applied to a generation's versions: render a chain off the host thread (the effects
// renderer, injected) and store the result as a new version, or render it for listening only.
// All or nothing: the rendered bytes are stored only after the render finished and only if it was
// not cancelled, and the history removes the file again if the row cannot be written.
// No `vscode` import.
import { z } from 'zod';
import { chainErrorMessage, parseChain, type EffectsChain } from '../effects/chain';
import { EffectsError, type EffectsRenderer, type RenderResult } from '../effects/render';
import { HistoryError, type Generation, type HistoryLog, type HistoryService, type Version } from '../history';

export interface ApplyEffectsInput {
  /** The version to process; default: the clean original (the first version without effects), else the default one. */
  sourceVersionId?: string | null;
  chain: unknown;
  /** Default `version-N`. */
  label?: string | null;
  makeDefault?: boolean;
}

export interface PreviewEffectsInput {
  sourceVersionId?: string | null;
  chain: unknown;
}

/** One generation's outcome in a bulk apply. */
export type BulkOutcome = { generationId: string; version: Version } | { generationId: string; error: string };

export interface TakesOptions {
  history: HistoryService;
  /** The renderer (created on first use: it starts a worker). */
  renderer: () => EffectsRenderer;
  log?: HistoryLog;
}

/** A chain checked against the effects' schema; a bad one is a clear INVALID error naming effect and parameter. */
export function checkedChain(value: unknown): EffectsChain {
  try {
    return parseChain(value);
  } catch (e) {
    if (e instanceof z.ZodError) throw new HistoryError('INVALID', `The effects chain is not valid: ${chainErrorMessage(e)}`);
    throw e;
  }
}

const cancelled = (cause?: unknown) => new EffectsError('cancelled', 'The effects were cancelled; nothing was stored.', { cause });

export class Takes {
  constructor(private readonly options: TakesOptions) {}

  private get history(): HistoryService {
    return this.options.history;
  }

  /** Renders `chain` over a version and stores it as a new version of the generation. */
  async applyEffects(generationId: string, input: ApplyEffectsInput, signal?: AbortSignal): Promise<Version> {
    const chain = checkedChain(input.chain);
    const { source } = await this.sourceOf(generationId, input.sourceVersionId);
    const rendered = await this.render(source, chain, signal);
    // Cancelled while the render was finishing: still nothing is stored.
    if (signal?.aborted) throw cancelled();
    return this.history.addVersion(
      generationId,
      {
        kind: 'effects',
        ...(input.label ? { label: input.label } : {}),
        effectsChain: chain,
        sourceVersionId: source.id,
        isDefault: input.makeDefault ?? false,
        loudnessLufs: rendered.loudnessLufs,
      },
      {
        data: rendered.wav,
        format: 'wav',
        duration: rendered.durationMs / 1000,
        sampleRate: rendered.sampleRate,
        channels: rendered.channels,
      },
    );
  }

  /** Renders `chain` over a version for listening; stores nothing. */
  async previewEffects(generationId: string, input: PreviewEffectsInput, signal?: AbortSignal): Promise<RenderResult> {
    const chain = checkedChain(input.chain);
    const { source } = await this.sourceOf(generationId, input.sourceVersionId);
    return this.render(source, chain, signal);
  }

  /**
   * The same chain on many generations, one after the other, each all or nothing. Stops between
   * generations when `signal` aborts (the one being rendered is abandoned and stores nothing).
   */
  async applyToMany(
    generationIds: readonly string[],
    input: Omit<ApplyEffectsInput, 'sourceVersionId'>,
    options: { signal?: AbortSignal; onDone?: (outcome: BulkOutcome, index: number) => void } = {},
  ): Promise<BulkOutcome[]> {
    const chain = checkedChain(input.chain);
    const outcomes: BulkOutcome[] = [];
    for (const [index, generationId] of generationIds.entries()) {
      if (options.signal?.aborted) break;
      let outcome: BulkOutcome;
      try {
        outcome = { generationId, version: await this.applyEffects(generationId, { ...input, chain }, options.signal) };
      } catch (e) {
        if (options.signal?.aborted) break;
        outcome = { generationId, error: e instanceof Error ? e.message : String(e) };
        this.options.log?.warn(`Effects on generation ${generationId} failed: ${outcome.error}`);
      }
      outcomes.push(outcome);
      options.onDone?.(outcome, index);
    }
    return outcomes;
  }

  /** The loudness of a version, measured once (off the host thread) and then kept on the version. */
  async loudnessOf(version: Version, signal?: AbortSignal): Promise<number | null> {
    if (version.loudnessLufs !== null) return version.loudnessLufs;
    const facts = await this.options.renderer().analyze({ path: this.history.resolveAudioPath(version) }, { signal });
    if (facts.loudnessLufs !== null) await this.history.setVersionLoudness(version.id, facts.loudnessLufs);
    return facts.loudnessLufs;
  }

  /**
   * A voice's default chain on a freshly generated take: the clean `original` stays, the processed
   * version becomes the default (as Voicebox does). A render that fails leaves the original as it is.
   */
  async applyProfileChain(generation: Generation, chain: unknown[], signal?: AbortSignal): Promise<Version | undefined> {
    try {
      return await this.applyEffects(generation.id, { chain, makeDefault: true }, signal);
    } catch (e) {
      if (signal?.aborted) return undefined;
      this.options.log?.warn(
        `The voice "${generation.profileName}" has default effects, but they could not be applied to generation ${generation.id}: ${
          e instanceof Error ? e.message : String(e)
        }. The clean original is kept.`,
      );
      return undefined;
    }
  }

  private async render(source: Version, chain: EffectsChain, signal?: AbortSignal): Promise<RenderResult> {
    if (signal?.aborted) throw cancelled();
    try {
      return await this.options.renderer().render({ path: this.history.resolveAudioPath(source) }, chain, { signal });
    } catch (e) {
      if (signal?.aborted && !(e instanceof EffectsError && e.code === 'cancelled')) {
        throw cancelled(e);
      }
      throw e;
    }
  }

  private async sourceOf(generationId: string, sourceVersionId: string | null | undefined): Promise<{ source: Version }> {
    const generation = await this.history.get(generationId);
    if (!generation) throw new HistoryError('NOT_FOUND', 'This generation no longer exists; refresh the list.');
    if (generation.status !== 'completed') {
      throw new HistoryError(
        'INVALID',
        `This generation is ${generation.status} and has no audio to apply effects to${generation.status === 'failed' ? '; Retry it first' : ''}.`,
      );
    }
    const versions = await this.history.listVersions(generationId);
    if (sourceVersionId) {
      const source = versions.find((v) => v.id === sourceVersionId);
      if (!source) throw new HistoryError('NOT_FOUND', 'That version is not a version of this generation (any more); refresh.');
      return { source };
    }
    const source = versions.find((v) => v.effectsChain === null) ?? versions.find((v) => v.isDefault) ?? versions[0];
    if (!source) throw new HistoryError('NOT_FOUND', 'This generation has no audio to apply effects to.');
    return { source };
  }
}
