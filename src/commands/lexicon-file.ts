// The workspace's pronunciation lexicon file (`voiceHistory.lexicon.path`, default
// .voicehistory/lexicon.pls): read and parsed once, again whenever it changes on disk. What the
// engines apply is the last lexicon that parsed; a broken file is reported, never guessed at.
import * as vscode from 'vscode';
import { LexiconError, parseLexicon, type Lexicon } from '../script/lexicon';
import { where } from '../script/errors';
import { errorMessage } from '../format/errors';

export const DEFAULT_LEXICON_PATH = '.voicehistory/lexicon.pls';

export type LexiconState =
  | { kind: 'none'; uri: vscode.Uri | undefined }
  | { kind: 'ok'; uri: vscode.Uri; lexicon: Lexicon }
  | { kind: 'invalid'; uri: vscode.Uri; error: LexiconError | Error; message: string };

/** Where the lexicon lives: the setting, relative to the first workspace folder; undefined without a folder and an absolute path. */
export function lexiconUri(): vscode.Uri | undefined {
  const setting =
    vscode.workspace.getConfiguration('voiceHistory').get<string>('lexicon.path', DEFAULT_LEXICON_PATH).trim() || DEFAULT_LEXICON_PATH;
  if (/^([a-zA-Z]:[\\/]|\/)/.test(setting)) return vscode.Uri.file(setting);
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, setting) : undefined;
}

export async function readLexicon(uri: vscode.Uri | undefined): Promise<LexiconState> {
  if (!uri) return { kind: 'none', uri };
  let text: string;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (e) {
    if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') return { kind: 'none', uri };
    return {
      kind: 'invalid',
      uri,
      error: e as Error,
      message: `The pronunciation lexicon ${vscode.workspace.asRelativePath(uri)} cannot be read (${errorMessage(e)}).`,
    };
  }
  try {
    return { kind: 'ok', uri, lexicon: parseLexicon(text) };
  } catch (e) {
    if (!(e instanceof LexiconError)) throw e;
    return {
      kind: 'invalid',
      uri,
      error: e,
      message: `The pronunciation lexicon ${vscode.workspace.asRelativePath(uri)} is not valid PLS at ${where(e.line, e.column)}: ${e.message}`,
    };
  }
}

/** The lexicon in force, kept up to date with the file and the setting. */
export class LexiconSource implements vscode.Disposable {
  private state: LexiconState = { kind: 'none', uri: undefined };
  private readonly disposables: vscode.Disposable[] = [];
  private watcher: vscode.FileSystemWatcher | undefined;
  private watched: string | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('voiceHistory.lexicon.path')) void this.reload();
      }),
    );
    void this.reload();
  }

  /** The lexicon engines apply now (null: none, or the file is broken). */
  current(): Lexicon | null {
    return this.state.kind === 'ok' ? this.state.lexicon : null;
  }

  /** Reads the file again (after a change, or before Generate Script). */
  reload(): Promise<LexiconState> {
    const uri = lexiconUri();
    this.watch(uri);
    return readLexicon(uri).then((state) => {
      if (state.kind === 'invalid' && this.state.kind !== 'invalid') this.log.warn(state.message);
      this.state = state;
      return state;
    });
  }

  dispose(): void {
    this.watcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private watch(uri: vscode.Uri | undefined): void {
    if (uri?.toString() === this.watched) return;
    this.watched = uri?.toString();
    this.watcher?.dispose();
    this.watcher = undefined;
    if (!uri) return;
    const folder = vscode.Uri.joinPath(uri, '..');
    const name = uri.path.split('/').pop()!;
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, name));
    const again = (): void => void this.reload();
    this.watcher.onDidChange(again);
    this.watcher.onDidCreate(again);
    this.watcher.onDidDelete(again);
  }
}
