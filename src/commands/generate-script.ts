// "Voice History: Generate Script": voices the active document cue by cue, rendering only what
// changed since the last run, under a cancellable notification; a status bar item pauses and
// resumes; each cue's state shows at the end of its line. The script's story is remembered per
// document. A run cut off by a window reload is remembered too: the next start offers to resume it
// (only the cues left are rendered; their interrupted attempts are retried in place).
import * as vscode from 'vscode';
import type { HistoryService } from '../history';
import type { EngineSource } from '../generation/lexicon-engines';
import { laneConcurrency, ScriptRun, type CueStatus, type ScriptRunResult } from '../generation/script-run';
import type { GenerationRunnerOptions } from '../generation/runner';
import { ScriptError, parseScript } from '../script/parse';
import type { Script, SpeakerVoice } from '../script/types';
import { where } from '../script/errors';
import type { ScriptDecorations } from '../views/script-decorations';
import type { LexiconSource } from './lexicon-file';
import { LexiconError, type Lexicon } from '../script/lexicon';
import { showErrorToast } from '../views/error-toast';
import { errorMessage } from '../format/errors';
import { defaultVoice } from './generate';

export interface GenerateScriptDeps {
  history(): HistoryService;
  engines: EngineSource;
  lexicon: LexiconSource;
  decorations: ScriptDecorations;
  state: vscode.Memento;
  log: vscode.LogOutputChannel;
  effects?: GenerationRunnerOptions['effects'];
}

const STORIES_KEY = 'voiceHistory.scriptStories';
const RUNNING_KEY = 'voiceHistory.scriptRunning';

interface RunningNote {
  uri: string;
  name: string;
  left: number;
}

function config<T>(key: string, fallback: T): T {
  return vscode.workspace.getConfiguration('voiceHistory').get<T>(key, fallback) ?? fallback;
}

/** The document as a script with the workspace's settings; throws ScriptError. */
export function parseDocument(document: vscode.TextDocument): Script {
  return parseScript(document.getText(), {
    fileName: document.fileName || document.uri.path,
    cueMode: config<'line' | 'paragraph'>('scripts.cueMode', 'paragraph'),
    workspaceVoices: workspaceVoices(),
  });
}

function workspaceVoices(): Record<string, SpeakerVoice> {
  const raw = config<Record<string, unknown>>('scripts.voices', {});
  const out: Record<string, SpeakerVoice> = {};
  for (const [name, v] of Object.entries(raw ?? {})) {
    if (typeof v === 'string') out[name] = { voice: v };
    else if (v && typeof v === 'object')
      out[name] = Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as SpeakerVoice;
  }
  return out;
}

function documentName(uri: vscode.Uri): string {
  return decodeURIComponent(uri.path.split('/').pop() || uri.toString());
}

export class ScriptRuns implements vscode.Disposable {
  private readonly runs = new Map<string, ScriptRun>();
  private readonly starting = new Set<string>();
  private readonly statusItem = vscode.window.createStatusBarItem('voiceHistory.script', vscode.StatusBarAlignment.Left, 50);

  constructor(private readonly deps: GenerateScriptDeps) {
    this.statusItem.name = 'Voice History: Generate Script';
    this.statusItem.command = 'voiceHistory.pauseScript';
  }

  /** The run of a document (tests watch statuses through it). */
  runOf(uri: string): ScriptRun | undefined {
    return this.runs.get(uri);
  }

  /** A run a window reload cut off: tells the user what was left and offers to go on. */
  async offerResume(): Promise<void> {
    const note = this.deps.state.get<RunningNote>(RUNNING_KEY);
    if (!note) return;
    await this.deps.state.update(RUNNING_KEY, undefined);
    const choice = await vscode.window.showWarningMessage(
      `Voice History: Generate Script of ${note.name} stopped when the window closed, with ${note.left} cue${note.left === 1 ? '' : 's'} left. Resume renders only those.`,
      'Resume',
    );
    if (choice !== 'Resume') return;
    // Outside any command's error guard (offered at activation): say what went wrong here.
    try {
      await this.generate(vscode.Uri.parse(note.uri));
    } catch (e) {
      await showErrorToast(this.deps.log, `Resuming Generate Script of ${note.name} failed: ${errorMessage(e)}`, {
        detail: e,
        context: 'Generate Script',
      });
    }
  }

  togglePause(): void {
    const run = [...this.runs.values()][0];
    if (!run) {
      void vscode.window.showInformationMessage('Voice History: no Generate Script is running.');
      return;
    }
    if (run.isPaused) run.resume();
    else run.pause();
    this.showStatus(run);
  }

  /** Generate Script on a document (the active editor's when none is given). */
  async generate(target?: unknown): Promise<ScriptRunResult | undefined> {
    const document = await this.documentOf(target);
    if (!document) return undefined;
    const uri = document.uri.toString();
    if (this.runs.has(uri) || this.starting.has(uri)) {
      void vscode.window.showInformationMessage(
        `Voice History: ${documentName(document.uri)} is being generated; wait for it or cancel it.`,
      );
      return undefined;
    }
    // Held from here: a second click while the run is being prepared (awaits below) must not start
    // another run of the same document (duplicate generations, a second story).
    this.starting.add(uri);
    try {
      return await this.prepareAndRun(document, uri);
    } finally {
      this.starting.delete(uri);
    }
  }

  private async prepareAndRun(document: vscode.TextDocument, uri: string): Promise<ScriptRunResult | undefined> {
    const history = this.deps.history();
    const script = await this.parse(document);
    if (!script) return undefined;
    if (script.cues.length === 0) {
      void vscode.window.showInformationMessage(
        `Voice History: ${documentName(document.uri)} has nothing to voice (no lines outside headings and comments).`,
      );
      return undefined;
    }
    const lexicon = await this.lexiconToUse();
    if (lexicon === undefined) return undefined;
    if (script.unmappedSpeakers.length > 0) {
      void vscode.window.showWarningMessage(
        `Voice History: ${script.unmappedSpeakers.join(', ')} ${script.unmappedSpeakers.length === 1 ? 'has' : 'have'} no voice in the front matter or the "voiceHistory.scripts.voices" setting; their cues use the default voice.`,
      );
    }
    const stories = this.deps.state.get<Record<string, string>>(STORIES_KEY, {});
    const run = await ScriptRun.prepare(
      {
        history,
        engines: this.deps.engines,
        lexicon,
        defaults: { engine: config('defaultEngine', 'flite') || 'flite', voiceOf: defaultVoice },
        concurrency: (engine) => laneConcurrency(engine, config('scripts.concurrency', 2)),
        log: this.deps.log,
        effects: this.deps.effects,
        storyId: stories[uri],
      },
      { uri, name: documentName(document.uri), script },
    );
    this.runs.set(uri, run);
    try {
      return await this.watch(run, uri);
    } finally {
      this.runs.delete(uri);
      run.dispose();
      this.statusItem.hide();
      void vscode.commands.executeCommand('setContext', 'voiceHistory.scriptRunning', this.runs.size > 0);
      await this.deps.state.update(RUNNING_KEY, undefined);
    }
  }

  dispose(): void {
    for (const run of this.runs.values()) run.cancel();
    this.statusItem.dispose();
  }

  private async watch(run: ScriptRun, uri: string): Promise<ScriptRunResult> {
    const name = run.document.name;
    const total = run.toRender.length;
    const marks = (): void =>
      this.deps.decorations.set(
        uri,
        'run',
        [...run.statuses.values()]
          .filter((s) => s.state !== 'reused')
          .map((s) => ({
            line: s.cue.startLine,
            state: s.state as Exclude<CueStatus['state'], 'reused'>,
            ...(s.error ? { detail: firstLine(s.error) } : {}),
          })),
      );
    marks();
    void vscode.commands.executeCommand('setContext', 'voiceHistory.scriptRunning', true);
    const note = async (): Promise<void> => {
      const left = [...run.statuses.values()].filter((s) => s.state === 'queued' || s.state === 'running' || s.state === 'waiting').length;
      await this.deps.state.update(RUNNING_KEY, { uri, name, left } satisfies RunningNote);
    };
    await note();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Generate Script: ${name}`, cancellable: true },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => run.cancel());
        let finished = 0;
        const report = (): void => {
          progress.report({ message: `${finished} of ${total} cues${run.isPaused ? ' (paused)' : ''}` });
          this.showStatus(run, finished, total);
        };
        const listening = run.onStatus((s) => {
          if (s.state === 'done' || s.state === 'failed' || s.state === 'cancelled') {
            finished++;
            progress.report({ increment: 100 / Math.max(1, total) });
          }
          report();
          marks();
          void note();
        });
        report();
        try {
          return await run.run();
        } finally {
          cancel.dispose();
          listening.dispose();
        }
      },
    );
    // Read again: another document's run may have added its story since this one started.
    if (result.storyId)
      await this.deps.state.update(STORIES_KEY, { ...this.deps.state.get<Record<string, string>>(STORIES_KEY, {}), [uri]: result.storyId });
    // The lenses take over from "voiced"; what needs the user stays marked.
    const overlong = new Map(result.overlong.map((o) => [o.cue.startLine, o.overMs]));
    this.deps.decorations.set(uri, 'run', [
      ...result.failed.map((s) => ({ line: s.cue.startLine, state: 'failed' as const, detail: firstLine(s.error ?? '') })),
      ...[...overlong].map(([line, ms]) => ({ line, state: 'overlong' as const, detail: `by ${(ms / 1000).toFixed(1)} s` })),
    ]);
    void this.report(run, result);
    return result;
  }

  private async report(run: ScriptRun, result: ScriptRunResult): Promise<void> {
    const parts = [`${result.rendered} cue${result.rendered === 1 ? '' : 's'} generated`, `${result.reused} unchanged`];
    if (result.cancelled > 0) parts.push(`${result.cancelled} cancelled`);
    const summary = `Voice History: ${run.document.name}: ${parts.join(', ')}.`;
    if (result.overlong.length > 0) {
      const lines = result.overlong.slice(0, 5).map((o) => `line ${o.cue.startLine + 1} (+${(o.overMs / 1000).toFixed(1)} s)`);
      void vscode.window.showWarningMessage(
        `Voice History: ${result.overlong.length} cue${result.overlong.length === 1 ? ' speaks' : 's speak'} longer than the subtitle slot: ${lines.join(', ')}${result.overlong.length > 5 ? ', …' : ''}.`,
      );
    }
    if (result.failed.length > 0) {
      const first = result.failed[0]!;
      const choice = await showErrorToast(
        this.deps.log,
        `${run.document.name}: ${result.failed.length} cue${result.failed.length === 1 ? '' : 's'} failed (first on line ${first.cue.startLine + 1}: ${first.error}). Generate Script again retries only those.`,
        { actions: ['Retry Failed'], context: 'Generate Script' },
      );
      if (choice === 'Retry Failed') await this.generate(vscode.Uri.parse(run.document.uri));
      return;
    }
    void vscode.window.showInformationMessage(summary);
  }

  private showStatus(run: ScriptRun, finished?: number, total?: number): void {
    const count = finished !== undefined && total !== undefined ? ` ${finished}/${total}` : '';
    this.statusItem.text = run.isPaused ? `$(debug-continue) Script paused${count}` : `$(debug-pause) Script${count}`;
    this.statusItem.tooltip = run.isPaused ? 'Resume Generate Script' : 'Pause Generate Script (the cue being spoken finishes)';
    this.statusItem.show();
  }

  private async documentOf(target: unknown): Promise<vscode.TextDocument | undefined> {
    if (target instanceof vscode.Uri) return vscode.workspace.openTextDocument(target);
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage(
        'Voice History: open the script to voice (text, Markdown, SRT or WebVTT), then run Generate Script.',
      );
      return undefined;
    }
    return editor.document;
  }

  private async parse(document: vscode.TextDocument): Promise<Script | undefined> {
    try {
      return parseDocument(document);
    } catch (e) {
      if (!(e instanceof ScriptError)) throw e;
      const choice = await vscode.window.showErrorMessage(
        `Voice History: ${documentName(document.uri)} cannot be voiced as written (${where(e.line, e.column)}): ${e.message}`,
        'Go to Line',
      );
      if (choice === 'Go to Line') {
        const at = new vscode.Position(e.line, e.column);
        await vscode.window.showTextDocument(document, { selection: new vscode.Range(at, at) });
      }
      return undefined;
    }
  }

  /** The lexicon for this run: null for none; undefined when the user stopped at a broken one. */
  private async lexiconToUse(): Promise<Lexicon | null | undefined> {
    const state = await this.deps.lexicon.reload();
    if (state.kind === 'none') return null;
    if (state.kind === 'ok') return state.lexicon;
    const choice = await vscode.window.showErrorMessage(`Voice History: ${state.message}`, 'Generate without Lexicon', 'Open Lexicon');
    if (choice === 'Open Lexicon') {
      const at =
        state.error instanceof LexiconError ? new vscode.Position(state.error.line, state.error.column) : new vscode.Position(0, 0);
      await vscode.window.showTextDocument(state.uri, { selection: new vscode.Range(at, at) });
      return undefined;
    }
    return choice === 'Generate without Lexicon' ? null : undefined;
  }
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
