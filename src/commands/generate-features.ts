// Puts generation together for `activate`: the engines (Flite offline, OpenAI-compatible,
// ElevenLabs), API keys in SecretStorage, the runner that records every attempt, and the
// command handlers for speaking, regenerating, retrying, keys and the ElevenLabs import.
import * as vscode from 'vscode';
import { ElevenLabsEngine } from '../engines/elevenlabs';
import { FliteEngine } from '../engines/flite';
import { OpenAiEngine } from '../engines/openai';
import { elevenLabsConfigFromSettings, openAiConfigFromSettings } from '../engines/settings';
import { EngineCatalog } from '../generation/engines';
import { GenerationRunner } from '../generation/runner';
import { withLexicon } from '../generation/lexicon-engines';
import type { Lexicon } from '../script/lexicon';
import type { Takes } from '../generation/takes';
import type { Generation, HistoryService } from '../history';
import type { HistoryView } from '../views/history-view';
import { ApiKeys, apiKeyCommandHandlers } from './api-keys';
import { elevenLabsImportCommandHandlers, importStateKey } from './elevenlabs-import';
import { TextComposer } from './compose-text';
import { generateCommandHandlers, speakSelection, type GenerateDeps, type SpeakOptions } from './generate';
import { requireHistory, resolveTargets } from './targets';
import { disposeAll } from '../dispose';

export interface GenerationFeatures extends vscode.Disposable {
  /** Handlers for these commands; registerCommands guards them. */
  readonly handlers: ReturnType<typeof generateCommandHandlers> &
    ReturnType<typeof apiKeyCommandHandlers> &
    ReturnType<typeof elevenLabsImportCommandHandlers>;
  readonly engines: EngineCatalog;
  readonly keys: ApiKeys;
  /** Undefined when the history could not be opened. */
  readonly runner: GenerationRunner | undefined;
  /** Speak Selection on a given editor (what the first run uses). */
  speak(editor: vscode.TextEditor, options?: SpeakOptions): Promise<Generation | undefined>;
}

export function createGenerationFeatures(options: {
  context: vscode.ExtensionContext;
  history: HistoryService | undefined;
  openError: string | undefined;
  storageDir: string;
  log: vscode.LogOutputChannel;
  view: HistoryView;
  /** Applies a voice's default effects chain to its new generations. */
  effects?: Takes;
  /** The pronunciation lexicon in force, applied before every synthesis. */
  lexicon?: () => Lexicon | null;
}): GenerationFeatures {
  const { context, history, openError, log, view, effects } = options;
  const keys = new ApiKeys(context.secrets);
  const read = (key: string): unknown => vscode.workspace.getConfiguration().get(key);
  const engines = new EngineCatalog([
    {
      id: 'flite',
      displayName: 'Flite (offline)',
      description: 'Built in, works offline; English voices slt, rms, awb, kal.',
      keep: true,
      create: () =>
        new FliteEngine({
          workerPath: context.asAbsolutePath('dist/flite-worker.js'),
          wasmPath: context.asAbsolutePath('dist/flite.wasm'),
        }),
    },
    {
      id: 'openai',
      displayName: 'OpenAI-compatible',
      description: 'OpenAI or a local server (Voicebox, Kokoro, LocalAI): voiceHistory.openai.* settings.',
      create: () => new OpenAiEngine({ config: openAiConfigFromSettings(read), getApiKey: () => keys.get('openai') }),
    },
    {
      id: 'elevenlabs',
      displayName: 'ElevenLabs',
      description: 'Needs an API key (Voice History: Set API Key…).',
      create: () => new ElevenLabsEngine({ config: elevenLabsConfigFromSettings(read), getApiKey: () => keys.get('elevenlabs') }),
    },
  ]);
  const pronouncing = options.lexicon ? withLexicon(engines, options.lexicon) : engines;
  const runner = history ? new GenerationRunner({ history, engines: pronouncing, log, effects }) : undefined;
  const composer = new TextComposer();
  const deps: GenerateDeps = {
    runner: () => {
      requireHistory(history, openError);
      return runner!;
    },
    engines,
    log,
    composer,
    targets: (args) => resolveTargets(view, args).ids,
    // Only when the view is open: revealing would otherwise pull the side bar over the editor.
    reveal: (id) => {
      if (view.treeView.visible) void view.reveal(id, { focus: false }).catch(() => undefined);
    },
  };
  const importState = (): vscode.Memento => context.globalState;
  const disposables: vscode.Disposable[] = [
    keys,
    composer,
    // A new ElevenLabs key may be another account: a saved import position would not fit it.
    keys.onDidChange((engine) => {
      if (engine === 'elevenlabs') void importState().update(importStateKey(options.storageDir), undefined);
    }),
  ];
  const handlers = {
    ...generateCommandHandlers(deps),
    ...apiKeyCommandHandlers(keys),
    ...elevenLabsImportCommandHandlers({
      history: () => requireHistory(history, openError),
      keys,
      state: importState(),
      storageDir: options.storageDir,
      voices: () => engines.get('elevenlabs'),
      log,
    }),
  };
  return {
    handlers,
    engines,
    keys,
    runner,
    speak: (editor, speakOptions) => speakSelection(deps, editor, speakOptions),
    dispose() {
      disposeAll(disposables);
      // Ends Flite's worker process (if one was started).
      void engines.dispose();
    },
  };
}
