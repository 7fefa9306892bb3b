// Speak Selection, Generate Speech…, Regenerate and Retry. Each runs under a cancellable
// progress notification; the runner records the attempt (pending row at once, then completed
// or failed with the engine's message), and a failure is shown with Retry.
import * as vscode from 'vscode';
import type { EngineCatalog } from '../generation/engines';
import type { GenerationRequestInput } from '../generation/request';
import type { GenerationRunner, StartedGeneration } from '../generation/runner';
import type { Generation } from '../history';
import { firstLine } from '../format/text';
import type { Voice } from '../engines/engine';
import type { TextComposer } from './compose-text';
import { askInstruct, askSeed, askText, defaultEngineId, GENERATE_TITLE, pickEngine, pickLanguage, pickVoice } from './generate-prompts';
import { BACK, type StepFrame, type StepResult } from './quick-steps';
import { commandTable } from './registry';
import { showErrorToast, type ToastLog } from '../views/error-toast';

export interface GenerateDeps {
  /** The runner, or an error saying why the history is not available. */
  runner: () => GenerationRunner;
  engines: EngineCatalog;
  /** Generation ids a tree command targets (clicked row, selection, ids). */
  targets: (args: unknown[]) => string[];
  /** Shows a new row in the History view when the view is open. */
  reveal: (generationId: string) => void;
  /** Where a failed generation's detail goes (its toast offers to show it). */
  log: ToastLog;
  /** The editor that takes text of several lines for Generate Speech…. */
  composer: TextComposer;
}

export interface SpeakOptions {
  engine?: string;
  voice?: string;
  /** Play the audio when it is ready (default: the `voiceHistory.playAfterGenerating` setting). */
  play?: boolean;
}

function config<T>(key: string, fallback: T): T {
  return vscode.workspace.getConfiguration('voiceHistory').get<T>(key, fallback) ?? fallback;
}

/** The voice Speak Selection uses for an engine, from the settings; undefined: ask. */
export function defaultVoice(engineId: string): string | undefined {
  if (engineId === 'flite') return config('flite.voice', 'slt') || 'slt';
  if (engineId === 'openai') return config<string[]>('openai.voices', [])[0];
  if (engineId === 'elevenlabs') return config('elevenlabs.voiceId', '').trim() || undefined;
  return undefined;
}

/**
 * Speaks the primary selection of `editor` (the line at the cursor when nothing is selected)
 * and records the document and range it came from. The first run uses it too.
 */
export async function speakSelection(
  deps: GenerateDeps,
  editor: vscode.TextEditor,
  options: SpeakOptions = {},
): Promise<Generation | undefined> {
  const selection = editor.selection;
  const range = selection.isEmpty ? editor.document.lineAt(selection.active.line).range : new vscode.Range(selection.start, selection.end);
  const text = editor.document.getText(range);
  if (text.trim().length === 0) {
    void vscode.window.showInformationMessage('Voice History: select the text to speak (the line at the cursor is empty).');
    return undefined;
  }
  const engineId = options.engine ?? defaultEngineId();
  const engine = deps.engines.get(engineId);
  let voice = options.voice ?? defaultVoice(engineId);
  let profileName: string | undefined;
  if (!voice) {
    const picked = await pickVoice(engine, undefined, { title: `Speak Selection with ${engine.displayName}` });
    if (!picked || picked === BACK) return undefined;
    voice = picked.id;
    profileName = picked.name;
  }
  return generateWithProgress(
    deps,
    `Speaking with ${engine.displayName} (${profileName ?? voice})`,
    (signal) =>
      deps.runner().start(
        {
          engine: engineId,
          voice: voice!,
          ...(profileName ? { profileName } : {}),
          text,
          document: {
            uri: editor.document.uri.toString(),
            startLine: range.start.line,
            startCharacter: range.start.character,
            endLine: range.end.line,
            endCharacter: range.end.character,
          },
        },
        signal,
      ),
    options.play,
  );
}

/**
 * Runs a generation under a cancellable notification; shows the pending row at once, and the
 * outcome when it ends. Resolves with the final row (failed ones included).
 */
async function generateWithProgress(
  deps: GenerateDeps,
  title: string,
  start: (signal: AbortSignal) => Promise<StartedGeneration>,
  play?: boolean,
): Promise<Generation> {
  const abort = new AbortController();
  const final = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const cancel = token.onCancellationRequested(() => abort.abort());
      try {
        const started = await start(abort.signal);
        deps.reveal(started.pending.id);
        progress.report({ message: `“${firstLine(started.pending.text, 48)}”` });
        return await started.done;
      } finally {
        cancel.dispose();
      }
    },
  );
  announce(deps.log, final, engineDisplayName(deps.engines, final.engine), abort.signal.aborted, play);
  return final;
}

function announce(log: ToastLog, g: Generation, engineName: string, cancelled: boolean, play: boolean | undefined): void {
  if (g.status === 'completed') {
    const seconds = g.duration != null ? `${g.duration.toFixed(1)} s, ` : '';
    vscode.window.setStatusBarMessage(`$(unmute) Voice History: spoke “${firstLine(g.text, 40)}” (${seconds}${g.profileName})`, 6000);
    if (play ?? config('playAfterGenerating', true)) void vscode.commands.executeCommand('voiceHistory.play', g.id);
    return;
  }
  if (cancelled) {
    vscode.window.setStatusBarMessage(
      '$(circle-slash) Voice History: generation cancelled; it stays in the history as failed, ready to retry.',
      6000,
    );
    return;
  }
  const actions = [
    'Retry',
    ...(/API key/i.test(g.error ?? '') ? ['Set API Key…'] : []),
    ...(/setting|Settings/.test(g.error ?? '') ? ['Open Settings'] : []),
  ];
  void showErrorToast(log, `${engineName} could not speak it. ${g.error ?? ''}`, { actions, context: `Generation ${g.id} failed` }).then(
    async (action) => {
      if (action === 'Retry') await vscode.commands.executeCommand('voiceHistory.retry', g.id);
      else if (action === 'Set API Key…') await vscode.commands.executeCommand('voiceHistory.setApiKey', g.engine ?? undefined);
      else if (action === 'Open Settings')
        await vscode.commands.executeCommand('workbench.action.openSettings', `voiceHistory.${g.engine ?? ''}`);
    },
  );
}

/** Fields a caller (keybinding, another extension, a test) may pass to Generate Speech…. */
type GenerateArgs = Partial<GenerationRequestInput> & { play?: boolean };

function isArgs(value: unknown): value is GenerateArgs {
  return typeof value === 'object' && value !== null && !(value instanceof vscode.Uri) && !Array.isArray(value);
}

/** The questions Generate Speech… may ask, in order. */
type Question = 'engine' | 'voice' | 'text' | 'language' | 'seed' | 'instruct';

/**
 * Generate Speech…: asks for what `args` leaves out, one numbered step at a time ("1/3") with
 * Back. With an argument object only the required fields (engine, voice, text) are asked for;
 * without one, the engine's optional ones (language, seed, instructions) too.
 */
async function generateSpeech(deps: GenerateDeps, arg: unknown): Promise<Generation | undefined> {
  const given: GenerateArgs = isArgs(arg) ? arg : {};
  const interactive = !isArgs(arg);
  const answers: {
    engine?: string;
    voice?: Voice;
    text?: string;
    language?: string | null;
    seed?: number | null;
    instruct?: string;
  } = {};
  const questionsWith = (engineId: string): Question[] => {
    const can = deps.engines.get(engineId).capabilities;
    return [
      ...(given.engine ? [] : (['engine'] as const)),
      ...(given.voice ? [] : (['voice'] as const)),
      ...(given.text !== undefined ? [] : (['text'] as const)),
      ...(interactive && can.languages ? (['language'] as const) : []),
      ...(interactive && can.seed ? (['seed'] as const) : []),
      ...(interactive && can.instruct ? (['instruct'] as const) : []),
    ];
  };
  const engineOf = (): string => given.engine ?? answers.engine ?? defaultEngineId();
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';

  const ask = async (question: Question, at: StepFrame): Promise<StepResult<unknown>> => {
    const engine = deps.engines.get(engineOf());
    switch (question) {
      case 'engine': {
        const id = await pickEngine(deps.engines, at, (candidate) => questionsWith(candidate).length);
        // Another engine: its voices and options differ, so those answers no longer hold.
        if (typeof id === 'string' && id !== answers.engine) {
          delete answers.voice;
          delete answers.language;
          delete answers.seed;
          delete answers.instruct;
          answers.engine = id;
        }
        return id;
      }
      case 'voice':
        return kept(await pickVoice(engine, defaultVoice(engineOf()), at), (v) => (answers.voice = v));
      case 'text':
        return kept(await askText(answers.text ?? selected, at, (initial) => deps.composer.compose(initial)), (v) => (answers.text = v));
      case 'language':
        return kept(await pickLanguage(engine, at), (v) => (answers.language = v));
      case 'seed':
        return kept(await askSeed(at), (v) => (answers.seed = v));
      case 'instruct':
        return kept(await askInstruct(at), (v) => (answers.instruct = v));
    }
  };

  for (let index = 0; ;) {
    const questions = questionsWith(engineOf());
    if (index >= questions.length) break;
    const answer = await ask(questions[index]!, { title: GENERATE_TITLE, step: index + 1, totalSteps: questions.length });
    if (answer === undefined) return undefined;
    index = answer === BACK ? Math.max(0, index - 1) : index + 1;
  }

  const engineId = engineOf();
  const engine = deps.engines.get(engineId);
  const voice = given.voice ?? answers.voice!.id;
  const profileName = given.profileName ?? (given.voice ? undefined : answers.voice?.name);
  const request: GenerationRequestInput = {
    ...stripPlay(given),
    engine: engineId,
    voice,
    text: given.text ?? answers.text!,
    ...(profileName ? { profileName } : {}),
  };
  if (typeof answers.language === 'string') request.language = answers.language;
  if (typeof answers.seed === 'number') request.seed = answers.seed;
  if (answers.instruct?.trim()) request.instruct = answers.instruct.trim();
  return generateWithProgress(
    deps,
    `Speaking with ${engine.displayName} (${profileName ?? voice})`,
    (signal) => deps.runner().start(request, signal),
    given.play,
  );
}

/** Stores a step's answer (Back and Escape leave the previous one) and passes the result on. */
function kept<T>(result: StepResult<T>, store: (answer: T) => void): StepResult<T> {
  if (result !== BACK && result !== undefined) store(result);
  return result;
}

function stripPlay(args: GenerateArgs): Partial<GenerationRequestInput> {
  const { play: _play, ...rest } = args;
  return rest;
}

/** Regenerate / Retry on one or many rows, one after the other under one notification each. */
async function again(deps: GenerateDeps, args: unknown[], action: 'regenerate' | 'retry'): Promise<Generation | Generation[] | undefined> {
  const ids = deps.targets(args);
  if (ids.length === 0) {
    void vscode.window.showInformationMessage(`Voice History: select a generation in the History view to ${action}.`);
    return undefined;
  }
  const results: Generation[] = [];
  for (const id of ids) {
    const title = action === 'regenerate' ? 'Regenerating' : 'Retrying';
    const final = await generateWithProgress(deps, ids.length > 1 ? `${title} ${results.length + 1} of ${ids.length}` : title, (signal) =>
      action === 'regenerate' ? deps.runner().regenerate(id, signal) : deps.runner().retry(id, signal),
    );
    results.push(final);
  }
  return results.length === 1 ? results[0] : results;
}

function engineDisplayName(engines: EngineCatalog, id: string | null): string {
  return (id && engines.entry(id)?.displayName) || id || 'The engine';
}

export function generateCommandHandlers(deps: GenerateDeps) {
  return commandTable({
    // The editor context menu passes the document's URI; the active editor is what counts.
    'voiceHistory.speakSelection': async (arg?: unknown) => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showInformationMessage('Voice History: open a document and select the text to speak.');
        return undefined;
      }
      const options: SpeakOptions = isArgs(arg) ? (arg as SpeakOptions) : {};
      return speakSelection(deps, editor, options);
    },
    'voiceHistory.generateSpeech': (arg?: unknown) => generateSpeech(deps, arg),
    'voiceHistory.speakComposedText': () => deps.composer.accept(),
    'voiceHistory.regenerate': (...args: unknown[]) => again(deps, args, 'regenerate'),
    'voiceHistory.retry': (...args: unknown[]) => again(deps, args, 'retry'),
  });
}
