// Puts export, import, purge and the storage budget together for `activate`: the command handlers
// (registerCommands guards them: failures reach the user as messages that say what to do), the background retention,
// and the port through which webviews run these commands (`archive.*` procedures).
import * as vscode from 'vscode';
import type { HistoryService } from '../history';
import type { ArchiveActions } from '../rpc/archive-procedures';
import type { HistoryView } from '../views/history-view';
import { RetentionKeeper } from '../views/retention';
import { exportCommandHandlers } from './archive-export';
import { exportFilesCommandHandlers } from './archive-export-files';
import { importCommandHandlers } from './archive-import';
import { purgeCommandHandlers } from './archive-purge';
import type { ArchiveCommandDeps } from './archive-shared';

export interface ArchiveFeatures extends vscode.Disposable {
  readonly handlers: ReturnType<typeof exportCommandHandlers> &
    ReturnType<typeof exportFilesCommandHandlers> &
    ReturnType<typeof importCommandHandlers> &
    ReturnType<typeof purgeCommandHandlers>;
  /** Undefined when the history could not be opened. */
  readonly retention: RetentionKeeper | undefined;
}

export function createArchiveFeatures(options: {
  context: vscode.ExtensionContext;
  history: HistoryService | undefined;
  openError: string | undefined;
  log: vscode.LogOutputChannel;
  view: HistoryView;
}): ArchiveFeatures {
  const { context, history, openError, log, view } = options;
  const retention = history ? new RetentionKeeper(history, log) : undefined;
  const deps: ArchiveCommandDeps = {
    history,
    openError,
    log,
    view,
    state: context.globalState,
    extensionVersion: String(context.extension.packageJSON.version ?? '0.0.0'),
    retention,
    encoder: {
      workerPath: context.asAbsolutePath('dist/encode-worker.js'),
      files: {
        flacDir: context.asAbsolutePath('dist'),
        mp3Wasm: context.asAbsolutePath('dist/lame-mp3.wasm'),
        oggWasm: context.asAbsolutePath('dist/vorbis-ogg.wasm'),
      },
    },
    effectsWorkerPath: context.asAbsolutePath('dist/effects-worker.mjs'),
  };
  const handlers = {
    ...exportCommandHandlers(deps),
    ...exportFilesCommandHandlers(deps),
    ...importCommandHandlers(deps),
    ...purgeCommandHandlers(deps),
  };
  return {
    handlers,
    retention,
    dispose() {
      retention?.dispose();
    },
  };
}

/** What a webview host puts into its RPC context as `archive`: runs our commands with their dialogs. */
export function archiveActions(): ArchiveActions {
  return {
    run: (command, args) => Promise.resolve(vscode.commands.executeCommand(`voiceHistory.${command}`, ...args)),
  };
}
