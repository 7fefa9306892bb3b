// The editor side of a voiced script: a CodeLens on each voiced cue (▶ play, its takes, "stale"
// when its words changed since the take), a hover listing the takes with links to make one the
// default, and the stale marks. Edits are seen as they happen: each change shifts the recorded
// lines and the document is parsed again at once (no debounce), so a cue is marked stale on the
// keystroke that changes it. History changes (a run, a new take) re-read the document's cues.
import * as vscode from 'vscode';
import { cueLenses, shiftLines, type CueLens } from '../generation/script-lines';
import type { HistoryLog, HistoryService, ScriptCueRecord } from '../history';
import type { Script } from '../script/types';
import type { ScriptDecorations } from './script-decorations';

interface Tracked {
  records: ScriptCueRecord[];
  lenses: CueLens[];
}

export interface ScriptLensOptions {
  history: HistoryService;
  decorations: ScriptDecorations;
  log: HistoryLog;
  /** The document as a script; undefined when it does not parse (its lenses stay as they were). */
  parse(document: vscode.TextDocument): Script | undefined;
}

export class ScriptLenses implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly tracked = new Map<string, Tracked>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Time of the last stale marking after an edit (ms, performance.now), for the benchmark. */
  lastMarkMs = 0;

  constructor(private readonly options: ScriptLensOptions) {
    const selector: vscode.DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }, { scheme: 'vscode-remote' }];
    this.disposables.push(
      vscode.languages.registerCodeLensProvider(selector, this),
      vscode.languages.registerHoverProvider(selector, this),
      vscode.workspace.onDidChangeTextDocument((e) => this.edited(e)),
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (isScriptLike(d)) void this.refresh(d);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.tracked.delete(d.uri.toString())),
      options.history.onDidChange(() => this.scheduleRefresh()),
      this.changed,
    );
    for (const d of vscode.workspace.textDocuments) if (isScriptLike(d)) void this.refresh(d);
  }

  /** The lenses of a document as the editor shows them (tests read them here). */
  lensesOf(uri: string): readonly CueLens[] {
    return this.tracked.get(uri)?.lenses ?? [];
  }

  /** Reads the document's voiced cues again from the history. */
  async refresh(document: vscode.TextDocument): Promise<void> {
    const uri = document.uri.toString();
    if (document.uri.scheme === 'output' || document.uri.scheme === 'git') return;
    let records: ScriptCueRecord[];
    try {
      records = await this.options.history.listScriptCues(uri);
    } catch (e) {
      this.options.log.warn(`Could not read the voiced cues of ${uri}: ${(e as Error).message}`);
      return;
    }
    if (records.length === 0 && !this.tracked.has(uri)) return;
    this.update(document, records);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lenses = this.tracked.get(document.uri.toString())?.lenses ?? [];
    const out: vscode.CodeLens[] = [];
    for (const l of lenses) {
      const range = new vscode.Range(l.cue.startLine, 0, l.cue.startLine, 0);
      out.push(
        new vscode.CodeLens(range, {
          title: l.stale ? '▶ Play old take' : '▶ Play',
          command: 'voiceHistory.play',
          arguments: [l.generationId],
        }),
      );
      out.push(
        new vscode.CodeLens(range, {
          title: l.takes === 1 ? '1 take' : `${l.takes} takes`,
          command: 'voiceHistory.showLineGenerations',
          arguments: [document.uri, l.cue.startLine],
        }),
      );
      if (l.stale) {
        out.push(
          new vscode.CodeLens(range, { title: 'stale: regenerate', command: 'voiceHistory.generateScript', arguments: [document.uri] }),
        );
      }
    }
    return out;
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const lens = this.tracked
      .get(document.uri.toString())
      ?.lenses.find((l) => position.line >= l.cue.startLine && position.line <= l.cue.endLine);
    if (!lens) return undefined;
    const versions = await this.options.history.listVersions(lens.generationId);
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['voiceHistory.setDefaultTake', 'voiceHistory.play', 'voiceHistory.showLineGenerations'] };
    md.appendMarkdown(
      lens.stale ? '**Voice History** · this cue was edited since these takes were made\n\n' : '**Voice History** · takes of this cue\n\n',
    );
    for (const v of versions) {
      const seconds = v.duration != null ? ` · ${v.duration.toFixed(1)} s` : '';
      const label = v.label.replace(/[\\`*_[\]<>]/g, '\\$&');
      const link = v.isDefault
        ? ' — **default**'
        : ` — [make default](command:voiceHistory.setDefaultTake?${encodeURIComponent(JSON.stringify([v.id]))})`;
      md.appendMarkdown(`- ${label}${seconds}${link}\n`);
    }
    md.appendMarkdown(`\n[▶ Play](command:voiceHistory.play?${encodeURIComponent(JSON.stringify([lens.generationId]))})`);
    return new vscode.Hover(md, new vscode.Range(lens.cue.startLine, 0, lens.cue.endLine, Number.MAX_SAFE_INTEGER));
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
  }

  private edited(e: vscode.TextDocumentChangeEvent): void {
    const uri = e.document.uri.toString();
    const t = this.tracked.get(uri);
    if (!t || e.contentChanges.length === 0) return;
    let records = t.records;
    // Later changes first, so each change's lines are still those of the text before the event.
    for (const c of [...e.contentChanges].sort((a, b) => b.range.start.line - a.range.start.line)) {
      records = shiftLines(records, {
        startLine: c.range.start.line,
        endLine: c.range.end.line,
        endCharacter: c.range.end.character,
        newLineCount: c.text.split('\n').length,
      });
    }
    this.update(e.document, records);
  }

  private update(document: vscode.TextDocument, records: ScriptCueRecord[]): void {
    const uri = document.uri.toString();
    const script = this.options.parse(document);
    const lenses = script ? cueLenses(script.cues, records) : (this.tracked.get(uri)?.lenses ?? []);
    this.tracked.set(uri, { records, lenses });
    this.options.decorations.set(
      uri,
      'stale',
      lenses.filter((l) => l.stale).map((l) => ({ line: l.cue.startLine, state: 'stale' as const })),
    );
    this.lastMarkMs = performance.now();
    this.changed.fire();
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      for (const d of vscode.workspace.textDocuments) if (this.tracked.has(d.uri.toString()) || isScriptLike(d)) void this.refresh(d);
    }, 150);
  }
}

function isScriptLike(d: vscode.TextDocument): boolean {
  return /\.(md|markdown|mdx|txt|srt|vtt|fountain)$/i.test(d.uri.path);
}
