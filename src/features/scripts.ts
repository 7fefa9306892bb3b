// Scripts in the editor, put together for `activate`: Generate Script (queue, progress, pause),
// the per-cue marks and CodeLens/hover on voiced cues, "Show Generations of This Line" (the
// History view filtered to them), the take picker's "make default", and the lexicon commands.
import * as vscode from 'vscode';
import { addPronunciation, openLexicon } from '../commands/lexicon-commands';
import type { LexiconSource } from '../commands/lexicon-file';
import { parseDocument, ScriptRuns } from '../commands/generate-script';
import { commandTable } from '../commands/registry';
import { requireHistory } from '../commands/targets';
import { withLexicon, type EngineSource } from '../generation/lexicon-engines';
import type { GenerationRunnerOptions } from '../generation/runner';
import type { HistoryService } from '../history';
import { ScriptDecorations } from '../views/script-decorations';
import { ScriptLenses } from '../views/script-lenses';
import type { HistoryView } from '../views/history-view';
import { disposeAll } from '../dispose';

export interface ScriptFeatures extends vscode.Disposable {
  readonly handlers: ReturnType<typeof scriptHandlers>;
  readonly runs: ScriptRuns | undefined;
  readonly lenses: ScriptLenses | undefined;
  readonly decorations: ScriptDecorations;
}

interface Parts {
  history: HistoryService | undefined;
  openError: string | undefined;
  view: HistoryView;
  runs: ScriptRuns | undefined;
  lenses: ScriptLenses | undefined;
  lexicon: LexiconSource;
}

function scriptHandlers(p: Parts) {
  const runs = (): ScriptRuns => {
    requireHistory(p.history, p.openError);
    return p.runs!;
  };
  return commandTable({
    'voiceHistory.generateScript': (target?: unknown) => runs().generate(target),
    'voiceHistory.pauseScript': () => runs().togglePause(),
    'voiceHistory.showLineGenerations': (uri?: unknown, line?: unknown) => showLineGenerations(p, uri, line),
    'voiceHistory.setDefaultTake': async (versionId?: unknown) => {
      if (typeof versionId !== 'string') throw new Error('Pick the take to make the default from the hover of a voiced cue.');
      return requireHistory(p.history, p.openError).setDefaultVersion(versionId);
    },
    'voiceHistory.openLexicon': () => openLexicon(),
    'voiceHistory.addPronunciation': (given?: unknown) =>
      addPronunciation(p.lexicon, typeof given === 'object' && given !== null ? (given as { word?: string; alias?: string }) : undefined),
  });
}

/** Filters the History view to the generations made for the cue on a line (the cursor's by default). */
async function showLineGenerations(p: Parts, uriArg: unknown, lineArg: unknown): Promise<string[]> {
  const history = requireHistory(p.history, p.openError);
  const editor = vscode.window.activeTextEditor;
  const uri = uriArg instanceof vscode.Uri ? uriArg : editor?.document.uri;
  if (!uri) throw new Error('Open a script and put the cursor on a cue to see its generations.');
  const line = typeof lineArg === 'number' ? lineArg : (editor?.selection.active.line ?? 0);
  const records = await history.listScriptCues(uri.toString());
  const lens = p.lenses?.lensesOf(uri.toString()).find((l) => line >= l.cue.startLine && line <= l.cue.endLine);
  const range = lens ? { start: lens.cue.startLine, end: lens.cue.endLine } : { start: line, end: line };
  const ids = [
    ...new Set([
      ...(lens?.generations ?? []),
      ...records.filter((r) => r.startLine <= range.end && r.endLine >= range.start).map((r) => r.generationId),
    ]),
  ];
  if (ids.length === 0) {
    void vscode.window.showInformationMessage(`Voice History: line ${line + 1} has not been voiced yet; run Generate Script.`);
    return [];
  }
  const name = decodeURIComponent(uri.path.split('/').pop() ?? '');
  p.view.setFilter({ ids, idsName: `of ${name}:${range.start + 1}`.slice(0, 60) });
  await vscode.commands.executeCommand('voiceHistory.history.focus');
  await p.view.reveal(ids[0]!, { focus: false }).catch(() => false);
  return ids;
}

export function createScriptFeatures(options: {
  history: HistoryService | undefined;
  openError: string | undefined;
  log: vscode.LogOutputChannel;
  view: HistoryView;
  /** The engine catalog; the lexicon is applied over it here. */
  engines: EngineSource;
  lexicon: LexiconSource;
  state: vscode.Memento;
  effects?: GenerationRunnerOptions['effects'];
}): ScriptFeatures {
  const { history, log, lexicon } = options;
  const decorations = new ScriptDecorations();
  const disposables: vscode.Disposable[] = [decorations];
  let runs: ScriptRuns | undefined;
  let lenses: ScriptLenses | undefined;
  if (history) {
    runs = new ScriptRuns({
      history: () => history,
      engines: withLexicon(options.engines, () => lexicon.current()),
      lexicon,
      decorations,
      state: options.state,
      log,
      effects: options.effects,
    });
    lenses = new ScriptLenses({
      history,
      decorations,
      log,
      parse: (document) => {
        try {
          return parseDocument(document);
        } catch {
          return undefined;
        }
      },
    });
    disposables.push(runs, lenses);
    void runs.offerResume();
  }
  const handlers = scriptHandlers({ history, openError: options.openError, view: options.view, runs, lenses, lexicon });
  return { handlers, runs, lenses, decorations, dispose: () => disposeAll(disposables) };
}
