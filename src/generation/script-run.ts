// Generate Script: voices a parsed script, rendering only the cues that are new or whose text,
// speaker, voice or lexicon changed. Each render is one generation that records its cue (document,
// lines, hashes); a cue whose earlier attempt failed, was cancelled or was cut off by a closed
// window is retried in place, so running again never duplicates. Unchanged cues keep their
// generation (its default take), moved ones have their lines updated. At the end the script's
// story follows the cues. No `vscode` import.
import { EngineError, type SpeechEngine } from '../engines/engine';
import type { Generation, HistoryLog, HistoryService, ScriptCueRecord } from '../history';
import { cueLexiconHash, type Lexicon } from '../script/lexicon';
import { planRender, type VoicedCue } from '../script/changes';
import type { Cue, Script } from '../script/types';
import { Emitter } from '../history/emitter';
import { wrapSynthesize, type EngineSource } from './lexicon-engines';
import { JobQueue, type JobState } from './queue';
import { engineRetryDelay } from './queue-retry';
import { GenerationRunner, type GenerationRunnerOptions } from './runner';
import { planStory, type StoryPlan } from './script-story';
import { resolvedVoiceKey, resolveVoice, type DefaultVoice, type ResolvedVoice } from './script-voices';

export interface ScriptDocument {
  uri: string;
  /** File name: messages and the story's name. */
  name: string;
  script: Script;
}

export interface ScriptRunOptions {
  history: HistoryService;
  /** Engines with the lexicon applied (see withLexicon). */
  engines: EngineSource;
  /** The lexicon in force, for the hashes recorded on each generation; null: none. */
  lexicon: Lexicon | null;
  defaults: DefaultVoice;
  /** Cues of one engine voiced at once. */
  concurrency(engine: string): number;
  retryDelay?: (error: unknown, retry: number) => number | undefined;
  log?: HistoryLog;
  effects?: GenerationRunnerOptions['effects'];
  /** The script's story from an earlier run; a new one is made when absent or deleted. */
  storyId?: string;
}

export type CueState = JobState | 'reused';

export interface CueStatus {
  key: string;
  cue: Cue;
  state: CueState;
  generationId?: string;
  /** For 'failed': what went wrong, in the engine's words. */
  error?: string;
  /** For 'waiting': when the engine may be asked again (epoch ms). */
  until?: number;
}

export interface ScriptRunResult {
  storyId: string | undefined;
  rendered: number;
  reused: number;
  failed: CueStatus[];
  cancelled: number;
  overlong: Array<{ cue: Cue; overMs: number }>;
}

/**
 * Cues of one engine in the queue at once. Flite speaks one at a time in its own worker, so its
 * lane holds two: while one cue is spoken the other is being stored, and the engine never waits
 * for the history. HTTP engines take what the setting allows.
 */
export function laneConcurrency(engine: string, httpConcurrency: number): number {
  return engine === 'flite' ? 2 : Math.max(1, Math.floor(httpConcurrency));
}

/** The key of a cue within one run. */
export function cueKey(cue: Cue): string {
  return `${cue.startLine}:${cue.textHash}`;
}

interface Planned {
  cue: Cue;
  voice: ResolvedVoice;
  voiceKey: string;
  lexiconHash: string | null;
}

export class ScriptRun {
  readonly statuses = new Map<string, CueStatus>();
  private readonly events = new Emitter<CueStatus>();
  private readonly queue: JobQueue<Generation>;
  private readonly planned = new Map<string, Planned>();
  /** Earlier attempts (not completed) that a cue retries in place, by cue key. */
  private readonly retryIds = new Map<string, string>();
  private readonly moves: Array<{ generationId: string; startLine: number; endLine: number }> = [];

  private constructor(
    private readonly options: ScriptRunOptions,
    readonly document: ScriptDocument,
    private readonly records: ScriptCueRecord[],
  ) {
    this.queue = new JobQueue<Generation>({
      concurrency: options.concurrency,
      retryDelay: options.retryDelay ?? engineRetryDelay(),
    });
    this.queue.onEvent((e) => {
      const status = this.statuses.get(e.key)!;
      this.update(status, {
        state: e.state,
        ...(e.result ? { generationId: e.result.id } : {}),
        ...(e.state === 'failed' ? { error: failureText(e.error) } : { error: undefined }),
        until: e.until,
      });
    });
  }

  /** Plans the run: resolves every cue's voice (throws ScriptVoiceError) and sorts cues into render and reuse. */
  static async prepare(options: ScriptRunOptions, document: ScriptDocument): Promise<ScriptRun> {
    const records = await options.history.listScriptCues(document.uri);
    const run = new ScriptRun(options, document, records);
    await run.plan();
    return run;
  }

  onStatus(listener: (status: CueStatus) => void): { dispose(): void } {
    return this.events.on(listener);
  }

  /** Cues that will be rendered. */
  get toRender(): Cue[] {
    return [...this.statuses.values()].filter((s) => s.state === 'queued').map((s) => s.cue);
  }

  pause(): void {
    this.queue.pause();
  }

  resume(): void {
    this.queue.resume();
  }

  get isPaused(): boolean {
    return this.queue.isPaused;
  }

  cancel(): void {
    this.queue.cancel();
  }

  /** Runs one failed or cancelled cue again. */
  retry(key: string): boolean {
    return this.queue.retry(key);
  }

  /** Renders what changed, then brings the story in line. */
  async run(): Promise<ScriptRunResult> {
    if (this.moves.length > 0) await this.options.history.moveScriptCues(this.moves);
    this.queue.add([...this.planned.values()].map((p) => ({ key: cueKey(p.cue), lane: p.voice.engine, run: this.job(p) })));
    await this.queue.drained();
    const story = await this.syncStory();
    const all = [...this.statuses.values()];
    return {
      storyId: story.storyId,
      rendered: all.filter((s) => s.state === 'done').length,
      reused: all.filter((s) => s.state === 'reused').length,
      failed: all.filter((s) => s.state === 'failed'),
      cancelled: all.filter((s) => s.state === 'cancelled').length,
      overlong: story.overlong,
    };
  }

  dispose(): void {
    this.queue.dispose();
    this.events.clear();
  }

  private async plan(): Promise<void> {
    const { script } = this.document;
    const profiles = await this.options.history.listProfiles();
    const voices = new Map<string | null, ResolvedVoice>();
    const voiceOf = (cue: Cue): ResolvedVoice => {
      let v = voices.get(cue.speaker);
      if (!v) {
        v = resolveVoice(cue.speaker, cue.speaker === null ? undefined : script.speakers[cue.speaker], this.options.defaults, profiles);
        voices.set(cue.speaker, v);
      }
      return v;
    };
    const lexiconOf = (cue: Cue): string | null => cueLexiconHash(cue.text, this.options.lexicon);
    // Newest first, so that of two generations for one cue on one line the newer is kept.
    const completed = this.records.filter((r) => r.status === 'completed').sort((a, b) => b.createdAt - a.createdAt);
    const voiced: VoicedCue[] = completed.map((r) => ({ ...r }));
    const plan = planRender(script.cues, voiced, (cue) => resolvedVoiceKey(voiceOf(cue)), lexiconOf);
    const lines = new Map(this.records.map((r) => [r.generationId, r]));
    for (const { cue, generationId } of plan.reuse) {
      this.statuses.set(cueKey(cue), { key: cueKey(cue), cue, state: 'reused', generationId });
      const at = lines.get(generationId)!;
      if (at.startLine !== cue.startLine || at.endLine !== cue.endLine) {
        this.moves.push({ generationId, startLine: cue.startLine, endLine: cue.endLine });
      }
    }
    const unfinished = this.records.filter((r) => r.status !== 'completed');
    const claimed = new Set<string>();
    for (const cue of plan.render) {
      const voice = voiceOf(cue);
      const p: Planned = { cue, voice, voiceKey: resolvedVoiceKey(voice), lexiconHash: lexiconOf(cue) };
      const key = cueKey(cue);
      this.planned.set(key, p);
      this.statuses.set(key, { key, cue, state: 'queued' });
      const earlier = unfinished.find(
        (r) =>
          !claimed.has(r.generationId) &&
          r.textHash === cue.textHash &&
          r.speaker === cue.speaker &&
          r.voiceKey === p.voiceKey &&
          r.lexiconHash === p.lexiconHash,
      );
      if (earlier) {
        claimed.add(earlier.generationId);
        this.retryIds.set(key, earlier.generationId);
        this.statuses.get(key)!.generationId = earlier.generationId;
        if (earlier.startLine !== cue.startLine || earlier.endLine !== cue.endLine) {
          this.moves.push({ generationId: earlier.generationId, startLine: cue.startLine, endLine: cue.endLine });
        }
      }
    }
  }

  /** One cue's job: a new generation, or the earlier unfinished one again in place. */
  private job(p: Planned): (context: { signal: AbortSignal }) => Promise<Generation> {
    const key = cueKey(p.cue);
    return async ({ signal }) => {
      // The engine's own error (a 429 with its Retry-After) is what the queue's retry reads; the row keeps its message.
      let engineError: unknown;
      const engines: EngineSource = {
        get: (id): SpeechEngine => {
          const engine = this.options.engines.get(id);
          return wrapSynthesize(engine, (request, s) =>
            engine.synthesize(request, s).catch((e: unknown) => {
              engineError = e;
              throw e;
            }),
          );
        },
      };
      const runner = new GenerationRunner({ history: this.options.history, engines, log: this.options.log, effects: this.options.effects });
      const earlier = this.retryIds.get(key);
      const started = earlier
        ? await runner.retry(earlier, signal)
        : await runner.start(
            {
              engine: p.voice.engine,
              voice: p.voice.voice,
              text: p.cue.text,
              ...(p.voice.language ? { language: p.voice.language } : {}),
              ...(p.voice.profileName ? { profileName: p.voice.profileName } : {}),
              document: {
                uri: this.document.uri,
                startLine: p.cue.startLine,
                startCharacter: 0,
                endLine: p.cue.endLine + 1,
                endCharacter: 0,
              },
              cue: { textHash: p.cue.textHash, speaker: p.cue.speaker, voiceKey: p.voiceKey, lexiconHash: p.lexiconHash },
            },
            signal,
          );
      // Any later attempt (a wait for the rate limit, a retry) repeats this row rather than adding one.
      this.retryIds.set(key, started.pending.id);
      this.update(this.statuses.get(key)!, { generationId: started.pending.id });
      const g = await started.done;
      if (g.status !== 'completed') throw engineError ?? new EngineError('engine', g.error ?? 'The generation failed.', p.voice.engine);
      return g;
    };
  }

  private async syncStory(): Promise<{ storyId: string | undefined; overlong: ScriptRunResult['overlong'] }> {
    const { history } = this.options;
    const cues = this.document.script.cues
      .map((cue) => this.statuses.get(cueKey(cue)))
      .filter((s): s is CueStatus => !!s?.generationId && (s.state === 'done' || s.state === 'reused'));
    if (cues.length === 0) return { storyId: this.options.storyId, overlong: [] };
    let story = this.options.storyId ? await history.getStory(this.options.storyId) : undefined;
    story ??= await history.getStory((await history.createStory({ name: this.document.name.slice(0, 200) })).id);
    const generations = new Map((await history.getMany(cues.map((c) => c.generationId!))).map((g) => [g.id, g]));
    const placements = cues.map((c) => ({
      generationId: c.generationId!,
      duration: generations.get(c.generationId!)?.duration ?? null,
      ...(c.cue.slot ? { slot: c.cue.slot } : {}),
    }));
    const everVoiced = new Set([...this.records.map((r) => r.generationId), ...placements.map((p) => p.generationId)]);
    const plan: StoryPlan = planStory(story!.items, placements, everVoiced);
    for (const op of plan.ops) await history.editStory(story!.id, op);
    const cueOf = new Map(cues.map((c) => [c.generationId!, c.cue]));
    return { storyId: story!.id, overlong: plan.overlong.map((o) => ({ cue: cueOf.get(o.generationId)!, overMs: o.overMs })) };
  }

  private update(status: CueStatus, patch: Partial<CueStatus>): void {
    Object.assign(status, patch);
    this.events.fire({ ...status });
  }
}

function failureText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
