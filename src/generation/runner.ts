// Runs one speech generation end to end and records every attempt in the history: a pending
// row at once, `generating` while the engine works, then `completed` with its audio or
// `failed` with the engine's message (cancel included). Regenerate adds a new take (a version
// `take-N` with a new seed, made the default) to a generation that has audio; Retry runs a failed
// one again in place. A voice with a default effects chain gets a processed default version
// beside the clean original. No `vscode` import.
import { EngineError, type SpeechEngine, type SynthesisResult } from '../engines/engine';
import type { Generation, HistoryLog, HistoryService, Profile, ScriptCueInput } from '../history';
import { engineSettingsOf, originOf, withOrigin, type GenerationOrigin, type SourceDocument } from './origin';
import { GenerationRequestError, MAX_SEED, parseGenerationRequest, type GenerationRequest, type GenerationRequestInput } from './request';
import { errorDetail, errorMessage } from '../format/errors';
import { plainMessage } from '../format/user-text';
import type { Takes } from './takes';

export interface GenerationRunnerOptions {
  history: HistoryService;
  /** The engine for an id (throws an EngineError for an unknown one). */
  engines: { get(id: string): SpeechEngine };
  log?: HistoryLog;
  /** Seeds for engines that take one when the user chose none (injectable for tests). */
  randomSeed?: () => number;
  /** Applies a voice's default effects chain to a new generation (absent: chains are not applied). */
  effects?: Pick<Takes, 'applyProfileChain'>;
}

export interface StartedGeneration {
  /** The row recorded before the engine started (status `pending`). */
  pending: Generation;
  /**
   * The final row: `completed`, or `failed` with the engine's message. Engine failures and
   * cancel do not reject; it rejects only when the history itself fails (e.g. the row was
   * deleted while generating).
   */
  done: Promise<Generation>;
}

interface Attempt {
  engine: SpeechEngine;
  request: GenerationRequest;
  origin: GenerationOrigin;
}

const never = new AbortController().signal;

export class GenerationRunner {
  private readonly history: HistoryService;
  private readonly log: HistoryLog | undefined;
  private readonly randomSeed: () => number;
  /** Ids of generations this runner is working on. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly options: GenerationRunnerOptions) {
    this.history = options.history;
    this.log = options.log;
    this.randomSeed = options.randomSeed ?? (() => Math.floor(Math.random() * (MAX_SEED + 1)));
  }

  /**
   * Records a pending generation and starts the engine. Rejects (recording nothing) only for a
   * request that cannot be recorded: bad fields, an unknown engine, options the engine does not take.
   */
  async start(input: GenerationRequestInput, signal: AbortSignal = never): Promise<StartedGeneration> {
    const attempt = this.prepare(parseGenerationRequest(input));
    const profile = await this.profileFor(attempt.engine, attempt.request, signal);
    const { request, origin } = attempt;
    const pending = await this.history.create({
      profileId: profile.id,
      text: request.text,
      language: request.language ?? profile.language,
      seed: request.seed ?? null,
      instruct: request.instruct || null,
      engine: attempt.engine.id,
      model: request.model ?? null,
      settings: withOrigin(request.settings ?? {}, origin),
      status: 'pending',
      source: 'engine',
      ...(request.cue && request.document ? { scriptCue: scriptCueOf(request.document, request.cue) } : {}),
    });
    return { pending, done: this.run(pending, attempt, signal) };
  }

  /** `start` and wait for the final row. */
  async generate(input: GenerationRequestInput, signal: AbortSignal = never): Promise<Generation> {
    return (await this.start(input, signal)).done;
  }

  /**
   * A new take of a generation: same text, voice, language, instruct, model and settings, a new
   * seed unless the user fixed it. A generation with audio gets it as a version `take-N` that
   * becomes its default (as Voicebox does); one without audio (failed) gets a new row that links
   * back through `settings.origin.regeneratedFrom`.
   */
  async regenerate(generationId: string, signal: AbortSignal = never): Promise<StartedGeneration> {
    const g = await this.existing(generationId);
    const request = await this.requestFrom(g, 'regenerate');
    const origin = originOf(g);
    const keepSeed = origin?.seed === 'fixed' && g.seed != null;
    const again = {
      ...request,
      ...(keepSeed ? { seed: g.seed! } : { seed: undefined }),
      settings: withOrigin(engineSettingsOf(g), { document: origin?.document, regeneratedFrom: g.id }),
    };
    if (g.status !== 'completed' || !g.audioPath) return this.start(again, signal);
    if (this.inFlight.has(g.id)) throw new GenerationRequestError('A new take of this generation is being made; wait for it or cancel it.');
    const attempt = this.prepare(parseGenerationRequest({ ...again, settings: engineSettingsOf(g) }));
    return { pending: g, done: this.runTake(g, attempt, signal) };
  }

  /**
   * Runs a failed generation again in place, with exactly its text and settings. A pending or
   * generating row that nothing here is working on (VS Code closed mid-way) can be retried too.
   */
  async retry(generationId: string, signal: AbortSignal = never): Promise<StartedGeneration> {
    const g = await this.existing(generationId);
    if (g.status === 'completed') throw new GenerationRequestError('This generation completed; use Regenerate to make a new take.');
    if (this.inFlight.has(g.id))
      throw new GenerationRequestError(`This generation is still ${g.status}; wait for it to finish or cancel it.`);
    const request = parseGenerationRequest({ ...(await this.requestFrom(g, 'retry')), settings: engineSettingsOf(g) });
    const engine = this.options.engines.get(request.engine);
    const pending = g.status === 'pending' ? g : await this.history.update(g.id, { status: 'pending', error: null });
    // The seed stays as recorded: a retry repeats the attempt, it is not a new take.
    return { pending, done: this.run(pending, { engine, request, origin: originOf(g) ?? {} }, signal) };
  }

  // ---- steps ------------------------------------------------------------------------------

  /** Checks the request against the engine, and picks a seed for engines that take one. */
  private prepare(request: GenerationRequest): Attempt {
    const engine = this.options.engines.get(request.engine);
    const caps = engine.capabilities;
    if (request.instruct && !caps.instruct) {
      throw new GenerationRequestError(`${engine.displayName} takes no instructions; leave "instruct" out.`);
    }
    if (request.seed !== undefined && !caps.seed) {
      throw new GenerationRequestError(`${engine.displayName} takes no seed; leave "seed" out.`);
    }
    const { origin: given, ...settings } = request.settings ?? {};
    const parsedOrigin = given === undefined ? undefined : originOf({ settings: { origin: given } });
    const origin: GenerationOrigin = { ...parsedOrigin, ...(request.document ? { document: request.document } : {}) };
    let seed = request.seed;
    if (caps.seed) {
      if (seed === undefined) seed = this.randomSeed();
      origin.seed = request.seed === undefined ? 'random' : 'fixed';
    }
    return { engine, request: { ...request, seed, settings }, origin };
  }

  /** The voice's profile: the existing one for (engine, voice), else a new one named after the voice. */
  private async profileFor(engine: SpeechEngine, request: GenerationRequest, signal: AbortSignal): Promise<Profile> {
    const existing = (await this.history.listProfiles()).find((p) => p.engine === engine.id && p.voiceId === request.voice);
    if (existing) return existing;
    let name = request.profileName;
    let language = request.language;
    let description: string | undefined;
    if (!name) {
      // Naming is a nicety: a voice list that cannot be fetched (offline, no key) must not stop the attempt.
      const voice = await engine.listVoices(signal).then(
        (voices) => voices.find((v) => v.id === request.voice),
        () => undefined,
      );
      name = voice?.name ?? request.voice;
      language ??= voice?.language;
      description = voice?.description;
    }
    return this.history.findOrCreateProfile({
      engine: engine.id,
      voiceId: request.voice,
      name: name.slice(0, 100),
      language: language ?? engine.languages[0] ?? 'en',
      description: description ?? null,
    });
  }

  private async run(pending: Generation, attempt: Attempt, signal: AbortSignal): Promise<Generation> {
    this.inFlight.add(pending.id);
    try {
      return await this.attempt(pending, attempt, signal);
    } finally {
      this.inFlight.delete(pending.id);
    }
  }

  /** Speaks the generation again and stores the audio as its new default take; the row keeps its status. */
  private async runTake(g: Generation, attempt: Attempt, signal: AbortSignal): Promise<Generation> {
    this.inFlight.add(g.id);
    try {
      let result: SynthesisResult;
      try {
        result = await this.synthesize(attempt, signal);
      } catch (error) {
        const message = failureMessage(error, attempt.engine);
        throw new GenerationRequestError(
          signal.aborted ? 'The new take was cancelled; the generation keeps its versions.' : `No new take: ${message}`,
        );
      }
      await this.history.addVersion(
        g.id,
        { kind: 'take', isDefault: true, seed: attempt.request.seed ?? null },
        {
          data: result.audio,
          format: result.format,
          duration: result.duration ?? null,
          sampleRate: result.sampleRate ?? null,
          channels: result.channels ?? null,
        },
      );
      return (await this.history.get(g.id)) ?? g;
    } finally {
      this.inFlight.delete(g.id);
    }
  }

  private synthesize({ engine, request }: Attempt, signal: AbortSignal): Promise<SynthesisResult> {
    return engine.synthesize(
      {
        text: request.text,
        voice: request.voice,
        ...(engine.capabilities.languages && request.language ? { language: request.language } : {}),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...(request.instruct ? { instruct: request.instruct } : {}),
        ...(request.model ? { model: request.model } : {}),
        settings: request.settings ?? {},
      },
      signal,
    );
  }

  private async attempt(pending: Generation, attempt: Attempt, signal: AbortSignal): Promise<Generation> {
    const { engine } = attempt;
    const id = pending.id;
    let result: SynthesisResult;
    try {
      await this.history.update(id, { status: 'generating' });
      result = await this.synthesize(attempt, signal);
    } catch (error) {
      return this.fail(id, error, engine);
    }
    try {
      await this.history.update(id, {
        model: result.model,
        settings: withOrigin(result.settings, attempt.origin),
        ...(result.externalId ? { externalId: result.externalId } : {}),
      });
      const { generation } = await this.history.attachAudio(id, {
        data: result.audio,
        format: result.format,
        duration: result.duration ?? null,
        sampleRate: result.sampleRate ?? null,
        channels: result.channels ?? null,
      });
      return await this.withProfileChain(generation, signal);
    } catch (error) {
      return this.fail(id, error, engine);
    }
  }

  /** The voice's default effects as a processed default version; the clean original stays. */
  private async withProfileChain(generation: Generation, signal: AbortSignal): Promise<Generation> {
    const effects = this.options.effects;
    if (!effects) return generation;
    const chain = (await this.history.getProfile(generation.profileId))?.effectsChain;
    if (!chain || chain.length === 0) return generation;
    const processed = await effects.applyProfileChain(generation, chain, signal);
    return processed ? ((await this.history.get(generation.id)) ?? generation) : generation;
  }

  private async fail(id: string, error: unknown, engine: SpeechEngine): Promise<Generation> {
    const message = failureMessage(error, engine);
    if (!(error instanceof EngineError)) this.log?.error(`Generation ${id} failed unexpectedly: ${errorDetail(error)}`);
    return this.history.update(id, { status: 'failed', error: message });
  }

  private async existing(generationId: string): Promise<Generation> {
    const g = await this.history.get(generationId);
    if (!g) throw new GenerationRequestError('This generation no longer exists; the view will refresh.');
    return g;
  }

  /** The request that made a generation, from its row and its profile's voice. */
  private async requestFrom(g: Generation, action: 'regenerate' | 'retry'): Promise<GenerationRequestInput> {
    const profile = await this.history.getProfile(g.profileId);
    if (!g.engine || !profile?.voiceId || profile.engine !== g.engine) {
      const what =
        g.source === 'engine'
          ? 'its voice is no longer known'
          : `it was ${g.source === 'api' ? 'recorded by another tool' : 'imported'} without an engine voice`;
      throw new GenerationRequestError(
        `Cannot ${action} this generation: ${what}. Use "Generate Speech…" to speak its text with a voice of your choice.`,
      );
    }
    return {
      engine: g.engine,
      voice: profile.voiceId,
      text: g.text,
      language: g.language,
      ...(g.seed != null ? { seed: g.seed } : {}),
      ...(g.instruct ? { instruct: g.instruct } : {}),
      ...(g.model ? { model: g.model } : {}),
    };
  }
}

/** The cue's lines: a range that ends at the start of a line does not include that line. */
function scriptCueOf(document: SourceDocument, cue: NonNullable<GenerationRequest['cue']>): ScriptCueInput {
  const endLine = document.endLine > document.startLine && document.endCharacter === 0 ? document.endLine - 1 : document.endLine;
  return { documentUri: document.uri, startLine: document.startLine, endLine, ...cue };
}

/** The message stored on a failed row: the engine's own words, or what broke. */
export function failureMessage(error: unknown, engine: Pick<SpeechEngine, 'displayName'>): string {
  if (error instanceof EngineError) return error.message;
  // The stack goes to the log (the runner logs the error); the row keeps words a person can read.
  const detail = plainMessage(errorMessage(error));
  return `${engine.displayName} failed unexpectedly: ${detail}`.slice(0, 10_000);
}
