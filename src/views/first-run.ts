// Sample data for `npm start`: the start script sets VH_SAMPLE_DATA=1 and opens a sample
// workspace with `narration.md`. When the history is empty, the script's lines are spoken with
// the offline Flite voices through Speak Selection itself, so a newcomer finds a living history
// to play, search and export. Without the variable (every real install) this does nothing.
import * as vscode from 'vscode';
import { scriptLines } from '../generation/sample-script';
import type { Generation, HistoryService } from '../history';

export const SAMPLE_ENV = 'VH_SAMPLE_DATA';
const SAMPLE_FILE = 'narration.md';
/** A different Flite voice per line, so the sample shows several profiles. */
const SAMPLE_VOICES = ['slt', 'rms', 'awb', 'kal', 'slt'];

export interface FirstRunDeps {
  history: HistoryService | undefined;
  speak: (editor: vscode.TextEditor, options: { engine: string; voice: string; play: boolean }) => Promise<Generation | undefined>;
  log: vscode.LogOutputChannel;
}

export async function recordSampleData(deps: FirstRunDeps, env: NodeJS.ProcessEnv = process.env): Promise<Generation[]> {
  if (env[SAMPLE_ENV] !== '1' || !deps.history) return [];
  const { total } = await deps.history.list({ pageSize: 1, offset: 0 });
  if ((total ?? 0) > 0) return [];
  const [uri] = await vscode.workspace.findFiles(`**/${SAMPLE_FILE}`, '**/node_modules/**', 1);
  if (!uri) {
    deps.log.info(`${SAMPLE_ENV} is set but the workspace has no ${SAMPLE_FILE}; no sample data recorded.`);
    return [];
  }
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  const lines = scriptLines(document.getText());
  deps.log.info(`Recording ${lines.length} sample generations from ${uri.fsPath} with Flite.`);
  const recorded: Generation[] = [];
  for (const [i, line] of lines.entries()) {
    editor.selection = new vscode.Selection(line.line, 0, line.line, line.text.length);
    const g = await deps.speak(editor, { engine: 'flite', voice: SAMPLE_VOICES[i % SAMPLE_VOICES.length]!, play: false });
    if (g) recorded.push(g);
  }
  const first = lines[0];
  if (first) editor.selection = new vscode.Selection(first.line, 0, first.line, first.text.length);
  return recorded;
}
