// "Show Statistics": a read-only Markdown document (virtual, refreshed on changes) shown in the
// Markdown preview, built from `history.stats()`.
import * as vscode from 'vscode';
import type { HistoryService, HistoryStats } from '../history';
import { formatBytes } from '../format/bytes';
import { formatCount } from '../format/text';
import { formatLongDuration } from '../format/time';
import { disposeAll } from '../dispose';

export const STATS_SCHEME = 'voice-history-stats';
export const STATS_URI = vscode.Uri.from({ scheme: STATS_SCHEME, path: '/Voice History Statistics.md' });

export function statisticsMarkdown(s: HistoryStats, now = new Date()): string {
  const lines: string[] = [];
  const esc = (t: string) => t.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1');
  lines.push('# Voice History statistics', '');
  lines.push(`_As of ${now.toLocaleString('en-US')}_`, '');
  lines.push('| | |', '|---|---:|');
  lines.push(`| Generations | ${formatCount(s.totalGenerations)} |`);
  lines.push(`| Total audio | ${formatLongDuration(s.totalDurationSeconds)} |`);
  lines.push(`| Disk usage | ${formatBytes(s.bytesOnDisk)} |`);
  for (const status of ['completed', 'pending', 'generating', 'failed'] as const) {
    const c = s.byStatus[status];
    if (c && c.count > 0) lines.push(`| ${status[0]!.toUpperCase()}${status.slice(1)} | ${formatCount(c.count)} |`);
  }
  lines.push('');

  lines.push('## By voice profile', '');
  if (s.byProfile.length === 0) lines.push('No generations yet.');
  else {
    lines.push('| Profile | Generations | Audio |', '|---|---:|---:|');
    for (const p of [...s.byProfile].sort((a, b) => b.count - a.count)) {
      lines.push(`| ${esc(p.profileName)} | ${formatCount(p.count)} | ${formatLongDuration(p.durationSeconds)} |`);
    }
  }
  lines.push('');

  lines.push('## By engine', '');
  if (s.byEngine.length === 0) lines.push('No generations yet.');
  else {
    lines.push('| Engine | Generations | Audio |', '|---|---:|---:|');
    for (const e of [...s.byEngine].sort((a, b) => b.count - a.count)) {
      lines.push(
        `| ${e.engine === null ? '_unknown_' : esc(e.engine)} | ${formatCount(e.count)} | ${formatLongDuration(e.durationSeconds)} |`,
      );
    }
  }
  lines.push('');

  lines.push('## Last 30 days', '');
  const max = Math.max(1, ...s.perDay.map((d) => d.count));
  lines.push('| Day | Generations | Audio | |', '|---|---:|---:|---|');
  for (const d of s.perDay) {
    const bar = '█'.repeat(Math.round((d.count / max) * 20));
    lines.push(`| ${d.day} | ${formatCount(d.count)} | ${d.count > 0 ? formatLongDuration(d.durationSeconds) : ''} | ${bar} |`);
  }
  lines.push('');
  return lines.join('\n');
}

export class StatisticsDocument implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly history: Pick<HistoryService, 'stats' | 'onDidChange'>) {
    this.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(STATS_SCHEME, this));
    const sub = history.onDidChange(() => {
      // Only while someone is looking at it; stats scan the whole history.
      if (!vscode.workspace.textDocuments.some((d) => d.uri.scheme === STATS_SCHEME)) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.changed.fire(STATS_URI), 1000);
    });
    this.subscriptions.push(new vscode.Disposable(() => sub.dispose()));
  }

  async provideTextDocumentContent(): Promise<string> {
    return statisticsMarkdown(await this.history.stats());
  }

  /** Opens the statistics in the Markdown preview (the source document when the preview is unavailable). */
  async show(): Promise<void> {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Voice History: computing statistics' },
      async () => {
        const wasOpen = vscode.workspace.textDocuments.some((d) => d.uri.toString() === STATS_URI.toString());
        const doc = await vscode.workspace.openTextDocument(STATS_URI);
        // An open document keeps its old content until told; a new one was just computed.
        if (wasOpen) this.changed.fire(STATS_URI);
        try {
          await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
        } catch {
          await vscode.window.showTextDocument(doc, { preview: true });
        }
      },
    );
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changed.dispose();
    disposeAll(this.subscriptions);
  }
}
