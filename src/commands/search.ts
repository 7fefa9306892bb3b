// "Search History…": a QuickPick whose results come from the service as you type (debounced;
// answers to outdated queries are dropped). Choosing a result reveals it in the tree; the title
// button turns the search into a tree filter.
import * as vscode from 'vscode';
import { MAX_SEARCH_LENGTH, type Generation, type HistoryService } from '../history';
import type { HistoryView } from '../views/history-view';
import { filterQuery } from '../history/tree-filter';
import { firstLine } from '../format/text';
import { formatDuration, relativeTime } from '../format/time';
import { errorMessage } from '../format/errors';
import { showErrorToast } from '../views/error-toast';

const DEBOUNCE_MS = 150;
const RESULT_COUNT = 50;

interface ResultItem extends vscode.QuickPickItem {
  generationId?: string;
}

const PLAY_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('play'), tooltip: 'Play' };
const FILTER_BUTTON: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('filter'),
  tooltip: 'Show every match in the History view (filter)',
};

export class HistorySearch implements vscode.Disposable {
  private seq = 0;
  private shown = -1;
  private waiters: Array<() => void> = [];
  private open: vscode.QuickPick<ResultItem> | undefined;

  constructor(
    private readonly history: Pick<HistoryService, 'list'>,
    private readonly view: HistoryView,
    private readonly play: (generationId: string) => Promise<void>,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  dispose(): void {
    this.open?.dispose();
  }

  /** Resolves once the results for what is typed now are on screen (tests wait on it). */
  whenResultsShown(): Promise<void> {
    if (this.open && this.shown === this.seq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Shows the search; resolves with the chosen generation id (revealed), or undefined. */
  run(initial = ''): Promise<string | undefined> {
    this.open?.dispose();
    const qp = vscode.window.createQuickPick<ResultItem>();
    this.open = qp;
    qp.title = 'Search Voice History';
    qp.placeholder =
      this.view.filter.search || Object.keys(this.view.filter).length === 0
        ? "Type words from a generation's text, instruct or voice name"
        : "Searching within the active filter. Type words from a generation's text";
    qp.matchOnDescription = false;
    qp.matchOnDetail = false;
    qp.value = initial;
    let timer: NodeJS.Timeout | undefined;
    const query = () => {
      clearTimeout(timer);
      const mine = ++this.seq;
      qp.busy = true;
      timer = setTimeout(() => void this.runQuery(qp, mine), DEBOUNCE_MS);
    };

    return new Promise<string | undefined>((resolve) => {
      let settled = false;
      let accepting = false;
      const finish = (id: string | undefined) => {
        if (settled) return;
        settled = true;
        resolve(id);
      };
      qp.onDidChangeValue(query);
      // A title button, not a row: the QuickPick sorts rows by label match and it must not end up first.
      qp.buttons = [FILTER_BUTTON];
      qp.onDidTriggerButton(() => {
        const text = qp.value.trim();
        if (!text) return;
        accepting = true;
        qp.hide();
        this.view.setFilter({ ...this.view.filter, search: text.slice(0, MAX_SEARCH_LENGTH) });
        finish(undefined);
      });
      qp.onDidTriggerItemButton((e) => {
        if (e.item.generationId) void this.play(e.item.generationId).catch((err) => this.report(err));
      });
      qp.onDidAccept(async () => {
        const item = qp.selectedItems[0] ?? qp.activeItems[0];
        if (!item?.generationId) return;
        accepting = true;
        qp.hide();
        try {
          const ok = await this.view.reveal(item.generationId);
          if (!ok) void vscode.window.showInformationMessage('Voice History: that generation is no longer in the history.');
          finish(ok ? item.generationId : undefined);
        } catch (e) {
          this.report(e);
          finish(undefined);
        }
      });
      qp.onDidHide(() => {
        clearTimeout(timer);
        qp.dispose();
        if (this.open === qp) this.open = undefined;
        // An accepted pick finishes after its reveal; Escape ends here.
        if (!accepting) finish(undefined);
      });
      qp.show();
      query();
    });
  }

  private async runQuery(qp: vscode.QuickPick<ResultItem>, mine: number): Promise<void> {
    const text = qp.value.trim().slice(0, MAX_SEARCH_LENGTH);
    let items: ResultItem[];
    try {
      const page = await this.history.list({ ...filterQuery(this.view.filter), ...(text ? { search: text } : {}), pageSize: RESULT_COUNT });
      items = page.items.map((g) => resultItem(g, text));
      if (items.length === 0) items.push({ label: text ? `No generation contains “${text}”` : 'The history is empty', alwaysShow: true });
    } catch (e) {
      this.log.warn(`Search failed: ${errorMessage(e)}`);
      items = [{ label: `$(error) ${errorMessage(e)}`, alwaysShow: true }];
    }
    // A newer keystroke has started another query: this answer is outdated.
    if (mine !== this.seq || this.open !== qp) return;
    // The workbench reports the active (first) row back asynchronously; results count as shown then.
    const active = new Promise<void>((resolve) => {
      const timer = setTimeout(done, 1000);
      const sub = qp.onDidChangeActive(done);
      function done() {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
    qp.items = items;
    qp.busy = false;
    await active;
    if (mine !== this.seq) return;
    this.shown = mine;
    for (const w of this.waiters.splice(0)) w();
  }

  private report(e: unknown): void {
    void showErrorToast(this.log, errorMessage(e), { detail: e, context: 'Search failed' });
  }
}

function resultItem(g: Generation, text: string): ResultItem {
  return {
    label: g.title ?? (firstLine(g.text) || '(no text)'),
    description: [g.profileName, formatDuration(g.duration), relativeTime(g.createdAt, Date.now()), ...g.tags.map((t) => `#${t}`)]
      .filter(Boolean)
      .join(' · '),
    // Where the text matched, else where the notes did.
    detail: snippet(g.text, text) ?? (g.notes ? snippet(g.notes, text) : undefined),
    generationId: g.id,
    // Results come from the service; the QuickPick must not filter them again by label.
    alwaysShow: true,
    buttons: g.status === 'completed' ? [PLAY_BUTTON] : [],
    iconPath: new vscode.ThemeIcon(g.status === 'failed' ? 'error' : g.status === 'completed' ? 'unmute' : 'loading~spin'),
  };
}

/** The text around the first match, on one line. */
export function snippet(text: string, query: string, width = 120): string | undefined {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!query) return undefined;
  const at = flat.toLowerCase().indexOf(query.toLowerCase());
  if (at < 0 || flat.length <= 80) return undefined;
  const start = Math.max(0, at - Math.floor((width - query.length) / 2));
  const end = Math.min(flat.length, start + width);
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}
