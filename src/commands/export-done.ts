// The notification that ends an export, with buttons that show where it went, worded as VS Code
// itself words them: on a desktop with the file on this machine, the system's file manager; for
// something inside the workspace, the Explorer view (which also works in the browser and over
// remote); otherwise "Open Folder" opens its folder in a new window, the only way to see it there.
import * as path from 'node:path';
import * as vscode from 'vscode';

/** What a button next to "exported …" does. */
type RevealAction = 'os' | 'explorer' | 'folder';

export interface ExportPlace {
  localDesktop: boolean;
  inWorkspace: boolean;
  platform: NodeJS.Platform;
  /** A folder of files (Export to Folder) rather than one file. */
  folder?: boolean;
}

export function revealActions(where: ExportPlace): Map<string, RevealAction> {
  const actions = new Map<string, RevealAction>();
  if (where.localDesktop) {
    const os = where.folder
      ? 'Open Folder'
      : where.platform === 'darwin'
        ? 'Reveal in Finder'
        : where.platform === 'win32'
          ? 'Reveal in File Explorer'
          : 'Open Containing Folder';
    actions.set(os, 'os');
  }
  if (where.inWorkspace) actions.set('Reveal in Explorer View', 'explorer');
  if (!where.localDesktop && !where.inWorkspace) actions.set('Open Folder', 'folder');
  return actions;
}

/** Shows the outcome; `target` is the exported file (or folder). Not awaited by commands. */
export async function showExportDone(message: string, target: string, options: { warn: boolean; folder?: boolean }): Promise<void> {
  const uri = vscode.Uri.file(target);
  const actions = revealActions({
    localDesktop: vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName,
    inWorkspace: vscode.workspace.getWorkspaceFolder(uri) !== undefined,
    platform: process.platform,
    folder: options.folder,
  });
  const show = options.warn ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const picked = await show(message, ...actions.keys());
  const action = picked === undefined ? undefined : actions.get(picked);
  if (action === 'os') await vscode.commands.executeCommand('revealFileInOS', uri);
  else if (action === 'explorer') await vscode.commands.executeCommand('revealInExplorer', uri);
  else if (action === 'folder') {
    const folder = options.folder ? uri : vscode.Uri.file(path.dirname(target));
    await vscode.commands.executeCommand('vscode.openFolder', folder, { forceNewWindow: true });
  }
}
