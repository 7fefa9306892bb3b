// Text of several lines for Generate Speech…: a quick input holds one line, so the text step can
// hand over to an untitled editor, the way VS Code's Git takes a long commit message in an editor
// (git.useEditorAsCommitInput). "Speak This Text" (the ✓ in the editor's title bar, or Ctrl+Enter)
// takes what was written and closes the editor without a save prompt; closing it otherwise
// returns to the question.
import * as vscode from 'vscode';

/** The context key that shows "Speak This Text" while a text is being written. */
export const COMPOSING_CONTEXT = 'voiceHistory.composingText';

interface Composition {
  document: vscode.TextDocument;
  resolve: (text: string | undefined) => void;
}

export class TextComposer implements vscode.Disposable {
  private current: Composition | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.subscriptions.push(
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (this.current?.document === d) this.finish(undefined);
      }),
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        const doc = this.current?.document;
        if (doc && e.closed.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === doc.uri.toString()))
          this.finish(undefined);
      }),
    );
  }

  /** The text being written, if an editor for it is open (tests read it). */
  get document(): vscode.TextDocument | undefined {
    return this.current?.document;
  }

  /** Opens an editor holding `initial`; resolves with its text on "Speak This Text", undefined when it was closed. */
  async compose(initial: string): Promise<string | undefined> {
    this.finish(undefined);
    const document = await vscode.workspace.openTextDocument({ language: 'plaintext', content: initial });
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    const end = document.lineAt(document.lineCount - 1).range.end;
    editor.selection = new vscode.Selection(end, end);
    const text = new Promise<string | undefined>((resolve) => {
      this.current = { document, resolve };
    });
    await vscode.commands.executeCommand('setContext', COMPOSING_CONTEXT, true);
    void vscode.window.setStatusBarMessage(
      '$(unmute) Generate Speech: write the text, then Speak This Text (✓ above, or Ctrl+Enter).',
      text,
    );
    return text;
  }

  /** "Speak This Text": takes the editor's text and closes it (no save prompt: it was never a file). */
  async accept(): Promise<string | undefined> {
    const current = this.current;
    if (!current) {
      void vscode.window.showInformationMessage(
        'Voice History: there is no text being written for Generate Speech. Run "Generate Speech…".',
      );
      return undefined;
    }
    const text = current.document.getText();
    if (text.trim().length === 0) {
      void vscode.window.showInformationMessage('Voice History: type something to speak first.');
      return undefined;
    }
    // Resolved before closing: the close events must not count as "closed without speaking".
    this.finish(text);
    await vscode.window.showTextDocument(current.document, { preview: false, preserveFocus: false });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    return text;
  }

  private finish(text: string | undefined): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    void vscode.commands.executeCommand('setContext', COMPOSING_CONTEXT, false);
    current.resolve(text);
  }

  dispose(): void {
    this.finish(undefined);
    for (const s of this.subscriptions) s.dispose();
  }
}
