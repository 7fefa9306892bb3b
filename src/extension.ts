import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import { createPublicApi, type VoiceHistoryPublicApi } from './api/public-api';
import { createGenerationFeatures } from './commands/generate-features';
import { archiveActions, createArchiveFeatures } from './commands/archive';
import { createTakes, effectsCommandHandlers } from './commands/effects-commands';
import { registerCommands } from './commands/registry';
import { openHistory, type HistoryService } from './history';
import { createHistoryUi, type HistoryUi } from './features/history-ui';
import { createStoriesUi, type StoriesUi } from './features/stories-ui';
import { PlayerHost } from './player/host';
import { StoryEditorHost } from './story-editor/host';
import { storyEditorCommandHandlers } from './commands/story-editor-commands';
import { recordSampleData } from './views/first-run';
import { errorDetail, errorMessage } from './format/errors';
import { showErrorToast } from './views/error-toast';
import { LexiconSource } from './commands/lexicon-file';
import { createScriptFeatures, type ScriptFeatures } from './features/scripts';

/** What `activate` returns to other extensions (the public API, see README) and to our own integration tests. */
export interface VoiceHistoryApi extends VoiceHistoryPublicApi {
  readonly apiVersion: 1;
  /** Folder holding the database and the `audio/` folder. */
  readonly storageDir: string;
  /** Reports which SQLite the bundled sql.js runs, proving its wasm loaded from the bundle. */
  diagnostics(): Promise<{ sqliteVersion: string; wasmPath: string; vscodeVersion: string }>;
  /** The history service; undefined when it could not be opened (the user was told why). */
  readonly history: HistoryService | undefined;
  /** The History view, its player hook and search (other layers and integration tests). */
  readonly historyUi: HistoryUi;
  /** The player webview host; undefined when the history could not be opened. */
  readonly player: PlayerHost | undefined;
  /** The Stories view (integration tests). */
  readonly storiesUi: StoriesUi;
  /** The story editor tabs' host; undefined when the history could not be opened. */
  readonly storyEditor: StoryEditorHost | undefined;
  /** Generate Script, the script lenses and marks (integration tests watch runs through it). */
  readonly scripts: ScriptFeatures;
}

let openedHistory: HistoryService | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<VoiceHistoryApi> {
  const activating = performance.now();
  const log = vscode.window.createOutputChannel('Voice History', { log: true });
  context.subscriptions.push(log);

  // Workspace storage keeps each project's history apart; without a folder, fall back to global storage.
  const storageUri = context.storageUri ?? context.globalStorageUri;
  // Tests seed a history in Node first and point the extension at it (only in test mode).
  const storageDir = process.env.VH_TEST_MODE === '1' && process.env.VH_STORAGE_DIR ? process.env.VH_STORAGE_DIR : storageUri.fsPath;
  await fs.mkdir(storageDir, { recursive: true });
  log.info(`Voice History storage: ${storageDir}`);

  const wasmPath = path.join(context.extensionPath, 'dist', 'sql-wasm.wasm');

  let history: HistoryService | undefined;
  let openError: string | undefined;
  try {
    const opening = performance.now();
    history = await openHistory({ storageDir, wasmPath, log });
    openedHistory = history;
    log.info(`History opened in ${(performance.now() - opening).toFixed(0)} ms.`);
    // The history works, but something was recovered or is missing: the user must hear it once.
    const problem = history.storageProblem;
    if (problem) void showErrorToast(log, problem, { warning: true, context: 'Storage' });
  } catch (e) {
    const reason = errorMessage(e);
    openError = `Voice History could not open its history: ${reason} Nothing was deleted. Fix the cause and run "Developer: Reload Window"; the Voice History output has details.`;
    void showErrorToast(log, openError, { detail: e, context: `Could not open the history in ${storageDir}` });
  }
  const historyUi = createHistoryUi({ history, openError, log, extensionUri: context.extensionUri });
  context.subscriptions.push(historyUi);
  // Effects and takes: rendering runs in a worker, started the first time effects are applied.
  const takes = history ? createTakes(context, history, log) : undefined;
  // The player webview (side bar view + editor panel) takes over "play" from the fallback.
  const player = history
    ? new PlayerHost({
        extensionUri: context.extensionUri,
        history,
        log,
        revealInTree: (id) => historyUi.view.reveal(id, { focus: true }),
        archive: archiveActions(),
        // The same command as the tree's context menu (it is always registered: the ids are typed).
        goToSource: async (id) => {
          await vscode.commands.executeCommand('voiceHistory.goToSource', id);
        },
        takes,
      })
    : undefined;
  if (player) context.subscriptions.push(player.register(), historyUi.player.use(player));
  // Story editor tabs (one per story), restored after a reload.
  const storyEditor = history ? new StoryEditorHost({ extensionUri: context.extensionUri, history, log }) : undefined;
  if (storyEditor) context.subscriptions.push(storyEditor.register());

  // The workspace's pronunciation lexicon, applied before synthesis by every engine.
  const lexicon = new LexiconSource(log);
  context.subscriptions.push(lexicon);
  // Engines, API keys, Speak Selection / Generate Speech…, Regenerate, Retry, ElevenLabs import.
  const generation = createGenerationFeatures({
    context,
    history,
    openError,
    storageDir,
    log,
    view: historyUi.view,
    effects: takes,
    lexicon: () => lexicon.current(),
  });
  context.subscriptions.push(generation);
  // Generate Script, the cue lenses and marks, the lexicon commands.
  const scripts = createScriptFeatures({
    history,
    openError,
    log,
    view: historyUi.view,
    engines: generation.engines,
    lexicon,
    state: context.workspaceState,
    effects: takes,
  });
  context.subscriptions.push(scripts);

  // Export, import, purge, reconcile, and the storage budget applied in the background.
  const archive = createArchiveFeatures({ context, history, openError, log, view: historyUi.view });
  context.subscriptions.push(archive);

  // The Stories view, its commands and "Add to Story…" on generations.
  const storiesUi = createStoriesUi({ context, history, openError, log, historyView: historyUi.view });
  context.subscriptions.push(storiesUi);

  // Every contributed command, each behind the same error guard; a missing handler does not compile.
  context.subscriptions.push(
    ...registerCommands(log, {
      ...historyUi.handlers,
      ...storiesUi.handlers,
      ...archive.handlers,
      ...generation.handlers,
      ...storyEditorCommandHandlers({ history, openError, editor: storyEditor }),
      ...scripts.handlers,
      ...effectsCommandHandlers({
        history,
        openError,
        view: historyUi.view,
        takes,
        log,
        ...(player && { openEffectsPanel: (id: string) => player.openEffects(id) }),
      }),
      // "Open Player" shows the player in an editor tab, then plays the selection there.
      ...(player && {
        'voiceHistory.openPlayer': async (...args: unknown[]) => {
          await player.openPanel();
          return historyUi.handlers['voiceHistory.openPlayer'](...args);
        },
      }),
      'voiceHistory.openDocs': () =>
        vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(context.extensionUri, 'README.md')),
    }),
  );

  // `npm start` only (VH_SAMPLE_DATA=1): a few real Flite generations from the sample script.
  void recordSampleData({ history, speak: generation.speak, log }).catch((e: unknown) =>
    log.error(`Could not record the sample generations: ${errorDetail(e)}`),
  );

  // The tree benchmark reads this line: activation is part of what a first click on the view waits for.
  log.info(`Activated in ${(performance.now() - activating).toFixed(0)} ms.`);
  return {
    ...createPublicApi(
      () => history,
      () => openError ?? 'Voice History: the history is not open.',
    ),
    apiVersion: 1,
    storageDir,
    history,
    historyUi,
    player,
    storiesUi,
    storyEditor,
    scripts,
    async diagnostics() {
      const SQL = await initSqlJs({ locateFile: () => wasmPath });
      const db = new SQL.Database();
      try {
        const version = String(db.exec('select sqlite_version()')[0].values[0][0]);
        return { sqliteVersion: version, wasmPath, vscodeVersion: vscode.version };
      } finally {
        db.close();
      }
    },
  };
}

export async function deactivate(): Promise<void> {
  const history = openedHistory;
  openedHistory = undefined;
  await history?.close();
}
