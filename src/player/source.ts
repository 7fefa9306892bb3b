/**
 * The player's Go to Source: the `voiceHistory.goToSource` command when the extension has it (the
 * same as the tree's context menu), else the document opened here with the spoken range selected.
 */
import * as vscode from 'vscode';
import { originOf } from '../generation/origin';
import type { HistoryService } from '../history';

/** Only documents a user can open as text; a crafted import may name any scheme. */
const OPENABLE_SCHEMES = new Set(['file', 'untitled', 'vscode-remote']);

export async function goToSource(history: HistoryService, generationId: string): Promise<void> {
  if ((await vscode.commands.getCommands(true)).includes('voiceHistory.goToSource')) {
    await vscode.commands.executeCommand('voiceHistory.goToSource', generationId);
    return;
  }
  const generation = await history.get(generationId);
  const source = generation ? originOf(generation)?.document : undefined;
  if (!source) throw new Error('This generation was not spoken from a document, so there is no source to go to.');
  const uri = vscode.Uri.parse(source.uri);
  if (!OPENABLE_SCHEMES.has(uri.scheme)) throw new Error(`The source "${source.uri}" is not a document Voice History opens.`);
  const range = new vscode.Range(source.startLine, source.startCharacter, source.endLine, source.endCharacter);
  await vscode.window.showTextDocument(uri, { selection: range, preview: false });
}
