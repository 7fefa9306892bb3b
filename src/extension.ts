import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import { registerCommands } from './commands/registry';
import { HistoryTreeProvider } from './views/history-tree';

/** What `activate` returns to other extensions and to our own integration tests. */
export interface VoiceHistoryApi {
  readonly apiVersion: 1;
  /** Folder holding the database and the `audio/` folder. */
  readonly storageDir: string;
  /** Reports which SQLite the bundled sql.js runs, proving its wasm loaded from the bundle. */
  diagnostics(): Promise<{ sqliteVersion: string; wasmPath: string; vscodeVersion: string }>;
}

export async function activate(context: vscode.ExtensionContext): Promise<VoiceHistoryApi> {
  const log = vscode.window.createOutputChannel('Voice History', { log: true });
  context.subscriptions.push(log);

  // Workspace storage keeps each project's history apart; without a folder, fall back to global storage.
  const storageUri = context.storageUri ?? context.globalStorageUri;
  const storageDir = storageUri.fsPath;
  await fs.mkdir(storageDir, { recursive: true });
  log.info(`Voice History storage: ${storageDir}`);

  const wasmPath = path.join(context.extensionPath, 'dist', 'sql-wasm.wasm');

  const tree = vscode.window.createTreeView('voiceHistory.history', {
    treeDataProvider: new HistoryTreeProvider(),
    canSelectMany: true,
    showCollapseAll: true,
  });
  context.subscriptions.push(tree);

  const contributed: string[] = (context.extension.packageJSON.contributes?.commands ?? []).map(
    (c: { command: string }) => c.command,
  );
  context.subscriptions.push(
    ...registerCommands(contributed, {
      'voiceHistory.openDocs': () =>
        vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(context.extensionUri, 'README.md')),
    }),
  );

  return {
    apiVersion: 1,
    storageDir,
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

export function deactivate(): void {}
