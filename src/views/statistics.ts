// "Show Statistics": a tab of its own (a webview panel without scripts) that stays open while
// other files are opened, is reused when shown again, and follows the history as it changes.
// (The Markdown preview it replaces was a preview tab: the next file clicked took its place.)
import * as vscode from 'vscode';
import type { HistoryService } from '../history';
import { randomBytes } from 'node:crypto';
import { disposeAll } from '../dispose';
import { statisticsHtml } from './statistics-html';

export const STATISTICS_VIEW_TYPE = 'voiceHistory.statistics';
export const STATISTICS_TITLE = 'Voice History Statistics';
/** Changes arriving together (an import, a purge) refresh the page once. */
const REFRESH_DELAY_MS = 1000;

export class StatisticsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private rendering: Promise<void> = Promise.resolve();
  /** The page last shown (integration tests read it). */
  html = '';

  constructor(
    private readonly history: Pick<HistoryService, 'stats' | 'onDidChange'>,
    private readonly extensionUri: vscode.Uri,
  ) {
    const sub = history.onDidChange(() => {
      // Only while the tab is open; stats read the whole history's totals.
      if (!this.panel) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
    });
    this.subscriptions.push(new vscode.Disposable(() => sub.dispose()));
  }

  /** The open tab, if any. */
  get webviewPanel(): vscode.WebviewPanel | undefined {
    return this.panel;
  }

  /** Opens the statistics tab (or brings the open one forward) with fresh numbers. */
  async show(): Promise<void> {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Voice History: computing statistics' },
      async () => {
        if (this.panel) this.panel.reveal(undefined, false);
        else this.panel = this.create();
        await this.refresh();
      },
    );
  }

  private create(): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(
      STATISTICS_VIEW_TYPE,
      STATISTICS_TITLE,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: false, enableFindWidget: true, localResourceRoots: [] },
    );
    panel.iconPath = {
      light: vscode.Uri.joinPath(this.extensionUri, 'media', 'statistics-light.svg'),
      dark: vscode.Uri.joinPath(this.extensionUri, 'media', 'statistics-dark.svg'),
    };
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
      clearTimeout(this.timer);
    });
    return panel;
  }

  /** Renders the current numbers into the open tab; one rendering at a time. */
  refresh(): Promise<void> {
    this.rendering = this.rendering.then(async () => {
      const panel = this.panel;
      if (!panel) return;
      const stats = await this.history.stats();
      if (this.panel !== panel) return;
      this.html = statisticsHtml({ stats, nonce: randomBytes(18).toString('base64url') });
      panel.webview.html = this.html;
    });
    return this.rendering;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.panel?.dispose();
    disposeAll(this.subscriptions);
  }
}
