import * as vscode from 'vscode';
import type { VoiceHistoryApi } from '../../src/extension';

export const extensionId = 'voice-history.voice-history';

/** Activates our extension (as a user opening the view would) and returns its API. */
export async function activated(): Promise<VoiceHistoryApi> {
  const ext = vscode.extensions.getExtension<VoiceHistoryApi>(extensionId);
  if (!ext) throw new Error(`${extensionId} is not loaded in this VS Code`);
  return ext.isActive ? ext.exports : ext.activate();
}
