// The status bar item (off by default, `voiceHistory.statusBar.enabled`): generation count and
// disk usage; clicking it shows the statistics.
import * as vscode from 'vscode';
import type { HistoryService } from '../history';
import { formatBytes } from '../format/bytes';
import { formatCount } from '../format/text';
import { formatLongDuration } from '../format/time';
import { disposeAll } from '../dispose';
import { errorMessage } from '../format/errors';

export class HistoryStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private updating: Promise<void> | undefined;

  constructor(
    private readonly history: Pick<HistoryService, 'stats' | 'onDidChange'>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.item = vscode.window.createStatusBarItem('voiceHistory.status', vscode.StatusBarAlignment.Right, 90);
    this.item.name = 'Voice History';
    this.item.command = 'voiceHistory.showStatistics';
    const sub = history.onDidChange(() => this.schedule());
    this.subscriptions.push(
      this.item,
      new vscode.Disposable(() => sub.dispose()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('voiceHistory.statusBar.enabled')) void this.apply();
      }),
    );
    void this.apply();
  }

  get enabled(): boolean {
    return vscode.workspace.getConfiguration('voiceHistory').get<boolean>('statusBar.enabled', false) === true;
  }

  /** What the item shows now (for tests and the accessibility label). */
  get text(): string {
    return this.item.text;
  }

  /** Shows or hides the item per the setting; resolves when its text is current. */
  async apply(): Promise<void> {
    if (!this.enabled) {
      clearTimeout(this.timer);
      this.item.hide();
      return;
    }
    await this.update();
    this.item.show();
  }

  private schedule(): void {
    if (!this.enabled) return;
    clearTimeout(this.timer);
    // Stats scan the whole history: at most one update per couple of seconds.
    this.timer = setTimeout(() => void this.update(), 2000);
  }

  update(): Promise<void> {
    this.updating ??= this.compute().finally(() => (this.updating = undefined));
    return this.updating;
  }

  private async compute(): Promise<void> {
    try {
      const s = await this.history.stats();
      const count = `${formatCount(s.totalGenerations)} generation${s.totalGenerations === 1 ? '' : 's'}`;
      this.item.text = `$(history) ${formatCount(s.totalGenerations)} · ${formatBytes(s.bytesOnDisk)}`;
      this.item.tooltip = `Voice History: ${count}, ${formatLongDuration(s.totalDurationSeconds)} of audio, ${formatBytes(s.bytesOnDisk)} on disk. Click for statistics.`;
      this.item.accessibilityInformation = {
        label: `Voice History: ${count}, ${formatBytes(s.bytesOnDisk)} on disk. Activate for statistics.`,
        role: 'button',
      };
    } catch (e) {
      this.log.warn(`Status bar: could not read statistics: ${errorMessage(e)}`);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    disposeAll(this.subscriptions);
  }
}
