// The storage budget, kept in the background: `voiceHistory.retention.days`,
// `voiceHistory.storage.maxMegabytes` and `voiceHistory.retention.keepFavorites` are applied at
// startup, after new generations or audio arrive (debounced), and when the settings change.
// One run at a time; a trigger during a run schedules exactly one more.
import * as vscode from 'vscode';
import { showErrorToast } from './error-toast';
import { applyPurge, previewRetention, retentionPolicySchema, type RetentionPolicy } from '../archive/purge';
import type { ArchiveHistory } from '../archive/history-port';
import type { ChangeEvent, HistoryService } from '../history';
import { formatBytes } from '../format/bytes';
import { formatCount } from '../format/text';
import { disposeAll } from '../dispose';
import { errorDetail, errorMessage } from '../format/errors';

const SETTINGS = ['voiceHistory.retention.days', 'voiceHistory.storage.maxMegabytes', 'voiceHistory.retention.keepFavorites'] as const;

export interface RetentionOptions {
  /** Wait after startup before the first run, so activation is not slowed (ms). */
  startupDelayMs?: number;
  /** Quiet time after the last new generation before a run (ms). */
  debounceMs?: number;
}

/** Reads the three settings; a value out of range names the setting to fix. */
export function readRetentionPolicy(
  config: Pick<vscode.WorkspaceConfiguration, 'get'> = vscode.workspace.getConfiguration(),
): RetentionPolicy {
  const raw = {
    days: config.get<unknown>('voiceHistory.retention.days', 0),
    maxMegabytes: config.get<unknown>('voiceHistory.storage.maxMegabytes', 0),
    keepFavorites: config.get<unknown>('voiceHistory.retention.keepFavorites', true),
  };
  const parsed = retentionPolicySchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? 'days');
  const setting = key === 'maxMegabytes' ? 'voiceHistory.storage.maxMegabytes' : `voiceHistory.retention.${key}`;
  throw new Error(
    `The setting ${setting} is ${JSON.stringify(raw[key as keyof typeof raw])}, which cannot be used (${issue?.message ?? 'invalid'}). Fix it in Settings; until then nothing is deleted automatically.`,
  );
}

export class RetentionKeeper implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private disposed = false;
  private warnedSetting: string | undefined;
  private paused = 0;
  private pendingWhilePaused = false;
  private holdUntil = 0;

  constructor(
    private readonly history: ArchiveHistory & Pick<HistoryService, 'onDidChange'>,
    private readonly log: vscode.LogOutputChannel,
    private readonly options: RetentionOptions = {},
  ) {
    this.disposables.push(
      history.onDidChange((e) => {
        if (isNewAudio(e)) this.schedule(this.options.debounceMs ?? 2000);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (SETTINGS.some((s) => e.affectsConfiguration(s))) this.schedule(this.options.debounceMs ?? 2000);
      }),
    );
    this.schedule(this.options.startupDelayMs ?? 3000);
  }

  /**
   * No runs until disposed (an import in progress: its generations keep their old times, and
   * deleting them mid-import would fight the import's own undo). A run asked for meanwhile follows.
   */
  pause(): vscode.Disposable {
    this.paused++;
    let done = false;
    return new vscode.Disposable(() => {
      if (done) return;
      done = true;
      this.paused--;
      if (this.paused === 0 && this.pendingWhilePaused) {
        this.pendingWhilePaused = false;
        this.schedule(this.options.debounceMs ?? 2000);
      }
    });
  }

  /** Holds the next run off for `ms` (time for the user to read why imports would be deleted, and change the setting). */
  postpone(ms: number): void {
    this.holdUntil = Math.max(this.holdUntil, Date.now() + ms);
    if (this.timer) this.schedule(0);
  }

  /** Runs now (or after the run in progress) and resolves when the history is within budget. */
  async runNow(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.paused > 0) {
      this.pendingWhilePaused = true;
      return;
    }
    if (this.running) {
      // The loop re-checks `again` after each pass, so the promise in flight covers this request too.
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    disposeAll(this.disposables);
  }

  private schedule(ms: number): void {
    if (this.disposed) return;
    if (this.paused > 0) {
      this.pendingWhilePaused = true;
      return;
    }
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        if (Date.now() < this.holdUntil) this.schedule(0);
        else void this.runNow();
      },
      Math.max(ms, this.holdUntil - Date.now()),
    );
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.applyOnce();
    } while (this.again && !this.disposed);
  }

  private async applyOnce(): Promise<void> {
    let policy: RetentionPolicy;
    try {
      policy = readRetentionPolicy();
      this.warnedSetting = undefined;
    } catch (e) {
      const message = errorMessage(e);
      if (this.warnedSetting !== message) void showErrorToast(this.log, message, { warning: true, context: 'Retention' });
      else this.log.warn(`Retention: ${message}`);
      this.warnedSetting = message;
      return;
    }
    if (policy.days === 0 && policy.maxMegabytes === 0) return;
    try {
      const preview = await previewRetention(this.history, policy);
      if (preview.count === 0) return;
      // A generation favourited since the preview stays: retention must never take a favourite the user just marked.
      let ids = preview.ids;
      if (policy.keepFavorites) {
        const favourites = new Set<string>();
        for (let i = 0; i < ids.length; i += 1000) {
          for (const g of await this.history.getMany(ids.slice(i, i + 1000))) if (g.isFavorited) favourites.add(g.id);
        }
        if (favourites.size > 0) ids = ids.filter((id) => !favourites.has(id));
      }
      if (ids.length === 0 || this.disposed) return;
      const result = await applyPurge(this.history, { ids, bytes: preview.bytes });
      if (result.deleted === 0) return;
      const why = [
        policy.days > 0 ? `older than ${policy.days} day${policy.days === 1 ? '' : 's'}` : '',
        policy.maxMegabytes > 0 ? `over the ${formatCount(policy.maxMegabytes)} MB storage budget` : '',
      ]
        .filter(Boolean)
        .join(' or ');
      this.log.info(
        `Retention: deleted ${result.deleted} generation(s) (${formatBytes(result.bytes)}) ${why}${policy.keepFavorites ? '; favorites kept' : ''}.`,
      );
      vscode.window.setStatusBarMessage(
        `$(trash) Voice History: removed ${formatCount(result.deleted)} generation${result.deleted === 1 ? '' : 's'} ${why}`,
        8000,
      );
    } catch (e) {
      this.log.error(`Retention could not be applied: ${errorDetail(e)}`);
    }
  }
}

/** A generation was created or got (new) audio: the budget may be exceeded now. */
function isNewAudio(e: ChangeEvent): boolean {
  if (e.kind === 'reload') return e.reason !== 'reconcile';
  return e.op === 'created' && (e.entity === 'generation' || e.entity === 'version');
}
