// Per-cue status of Generate Script at the end of each cue's line, live while the run goes: queued,
// generating, waiting for a rate limit, failed (with the engine's words), cancelled; and after it,
// what still needs the user (failed cues, cues that speak longer than their subtitle slot, cues
// edited since their take: "stale"). One decoration type per state, set on every editor of the document.
import * as vscode from 'vscode';

export type LineState = 'queued' | 'running' | 'waiting' | 'done' | 'failed' | 'cancelled' | 'overlong' | 'stale';

export interface LineMark {
  line: number;
  state: LineState;
  /** Shown after the state's words (an error, how much too long). */
  detail?: string;
}

const LOOK: Record<LineState, { text: string; color: string; ruler?: string }> = {
  queued: { text: '◌ queued', color: 'descriptionForeground' },
  running: { text: '◐ generating…', color: 'progressBar.background' },
  waiting: { text: '◔ waiting for the engine (rate limit)', color: 'editorWarning.foreground' },
  done: { text: '✓ voiced', color: 'testing.iconPassed' },
  failed: { text: '✗ failed', color: 'editorError.foreground', ruler: 'editorError.foreground' },
  cancelled: { text: '◌ cancelled', color: 'descriptionForeground' },
  overlong: { text: '⚠ longer than its subtitle slot', color: 'editorWarning.foreground', ruler: 'editorWarning.foreground' },
  stale: { text: '● stale: edited since its take', color: 'editorWarning.foreground', ruler: 'editorWarning.foreground' },
};

/** Marks from several sources (the run, the lenses), each replaced as a whole. */
export class ScriptDecorations implements vscode.Disposable {
  private readonly types = new Map<LineState, vscode.TextEditorDecorationType>();
  /** uri → source → marks */
  private readonly marks = new Map<string, Map<string, LineMark[]>>();
  private readonly subscription: vscode.Disposable;

  constructor() {
    for (const [state, look] of Object.entries(LOOK) as Array<[LineState, (typeof LOOK)[LineState]]>) {
      this.types.set(
        state,
        vscode.window.createTextEditorDecorationType({
          after: { color: new vscode.ThemeColor(look.color), margin: '0 0 0 2em', fontStyle: 'italic' },
          ...(look.ruler
            ? { overviewRulerColor: new vscode.ThemeColor(look.ruler), overviewRulerLane: vscode.OverviewRulerLane.Right }
            : {}),
          rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        }),
      );
    }
    this.subscription = vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.paint(e)));
  }

  set(uri: string, source: string, marks: LineMark[]): void {
    const bySource = this.marks.get(uri) ?? new Map<string, LineMark[]>();
    bySource.set(source, marks);
    this.marks.set(uri, bySource);
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === uri) this.paint(editor);
  }

  /** The marks of a document from one source (tests and the e2e read the state back through it). */
  get(uri: string, source: string): readonly LineMark[] {
    return this.marks.get(uri)?.get(source) ?? [];
  }

  dispose(): void {
    this.subscription.dispose();
    for (const t of this.types.values()) t.dispose();
  }

  private paint(editor: vscode.TextEditor): void {
    const bySource = this.marks.get(editor.document.uri.toString());
    const byState = new Map<LineState, vscode.DecorationOptions[]>();
    const lastLine = editor.document.lineCount - 1;
    // A later source wins on a line (a stale mark over an earlier run's "voiced").
    const onLine = new Map<number, LineMark>();
    for (const marks of bySource?.values() ?? []) for (const m of marks) if (m.line <= lastLine) onLine.set(m.line, m);
    for (const m of onLine.values()) {
      const line = editor.document.lineAt(m.line);
      const text = `${LOOK[m.state].text}${m.detail ? `: ${m.detail}` : ''}`;
      const list = byState.get(m.state) ?? [];
      list.push({ range: new vscode.Range(line.range.end, line.range.end), renderOptions: { after: { contentText: text } } });
      byState.set(m.state, list);
    }
    for (const [state, type] of this.types) editor.setDecorations(type, byState.get(state) ?? []);
  }
}
