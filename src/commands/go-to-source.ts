// Go to Source: opens the document a generation's text was spoken from (Speak Selection records it)
// and selects the same range, so the user sees exactly what was read out.
import * as vscode from 'vscode';
import { openableSourceOf, originOf } from '../generation/origin';
import type { HistoryService } from '../history';
import type { HistoryView } from '../views/history-view';
import { nothingSelected, resolveTargets } from './targets';
import { errorMessage } from '../format/errors';

/** (row | id) → the URI of the opened document, or undefined when there is nothing to open. */
export async function goToSource(history: HistoryService, view: HistoryView, args: unknown[]): Promise<string | undefined> {
  const { ids } = resolveTargets(view, args);
  if (ids.length === 0) return nothingSelected('go to where its text came from');
  const g = await history.get(ids[0]!);
  if (!g) throw new Error('That generation is no longer in the history; the view will refresh.');
  const source = openableSourceOf(g);
  if (!source) {
    const recorded = originOf(g)?.document;
    void vscode.window.showInformationMessage(
      recorded
        ? 'Voice History: this generation names a source that is not a document of this workspace, so it is not opened.'
        : 'Voice History: this generation was not spoken from a document. Only Speak Selection records where its text came from.',
    );
    return undefined;
  }
  const uri = vscode.Uri.parse(source.uri, true);
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(uri);
  } catch (e) {
    throw new Error(
      `The document this was spoken from (${uri.toString(true)}) cannot be opened; it may have been moved or deleted. (${errorMessage(e)})`,
    );
  }
  // The document may have changed since: keep the range inside it.
  const range = document.validateRange(new vscode.Range(source.startLine, source.startCharacter, source.endLine, source.endCharacter));
  await vscode.window.showTextDocument(document, { selection: range, preview: false });
  return uri.toString();
}
