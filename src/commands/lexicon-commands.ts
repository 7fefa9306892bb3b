// Open Lexicon and Add Pronunciation for Selection…: the workspace's PLS file, created with a
// valid skeleton the first time, and new <lexeme> entries written so the file stays valid PLS
// (checked by parsing it again before anything is saved).
import * as vscode from 'vscode';
import { parseLexicon } from '../script/lexicon';
import { lexiconUri, readLexicon, type LexiconSource } from './lexicon-file';

const SKELETON = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Pronunciations Voice History applies before synthesis (W3C PLS 1.0, as ElevenLabs takes it). -->
<lexicon version="1.0"
    xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
    alphabet="ipa" xml:lang="en-US">
</lexicon>
`;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function requireUri(): vscode.Uri {
  const uri = lexiconUri();
  if (!uri) throw new Error('Open a folder first: the lexicon lives in the workspace (setting "voiceHistory.lexicon.path").');
  return uri;
}

async function ensureFile(uri: vscode.Uri): Promise<void> {
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(SKELETON));
  }
}

export async function openLexicon(): Promise<vscode.Uri> {
  const uri = requireUri();
  await ensureFile(uri);
  await vscode.window.showTextDocument(uri, { preview: false });
  return uri;
}

/** The lexicon text with one more lexeme before </lexicon>. */
export function withLexeme(xml: string, grapheme: string, alias: string): string {
  const close = xml.lastIndexOf('</lexicon>');
  if (close < 0) throw new Error('The lexicon has no closing </lexicon>; fix it with Open Lexicon first.');
  const entry = `  <lexeme>\n    <grapheme>${escapeXml(grapheme)}</grapheme>\n    <alias>${escapeXml(alias)}</alias>\n  </lexeme>\n`;
  const before = xml.slice(0, close);
  return `${before}${before.endsWith('\n') ? '' : '\n'}${entry}${xml.slice(close)}`;
}

export async function addPronunciation(source: LexiconSource, given?: { word?: string; alias?: string }): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  const word = (given?.word ?? (editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '')).trim();
  if (!word || word.includes('\n')) {
    void vscode.window.showInformationMessage('Voice History: select the word or phrase (on one line) whose pronunciation to add.');
    return false;
  }
  const uri = requireUri();
  const state = await readLexicon(uri);
  if (state.kind === 'invalid') throw new Error(`${state.message} Fix it with Open Lexicon, then add the pronunciation.`);
  const known = state.kind === 'ok' ? state.lexicon.lexemes.find((l) => l.graphemes.includes(word)) : undefined;
  if (known) {
    // Not awaited: the command's answer (nothing added) does not wait for the user to close the message.
    void vscode.window
      .showWarningMessage(`Voice History: the lexicon already says how to pronounce “${word}” (line ${known.line + 1}).`, 'Open Lexicon')
      .then((choice) => {
        const at = new vscode.Position(known.line, 0);
        if (choice === 'Open Lexicon') void vscode.window.showTextDocument(uri, { selection: new vscode.Range(at, at) });
      });
    return false;
  }
  const alias =
    given?.alias ??
    (await vscode.window.showInputBox({
      title: `Pronunciation of “${word}”`,
      prompt: 'Write it the way it should sound (spoken instead of the word by every engine).',
      placeHolder: 'e.g. engine x',
      validateInput: (v) => (v.trim() ? undefined : 'Write how it should sound.'),
    }));
  if (!alias?.trim()) return false;
  await ensureFile(uri);
  const xml = withLexeme(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), word, alias.trim());
  parseLexicon(xml);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(xml));
  await source.reload();
  void vscode.window.showInformationMessage(
    `Voice History: “${word}” is now spoken as “${alias.trim()}”. Generate Script re-renders the cues that use it.`,
  );
  return true;
}
