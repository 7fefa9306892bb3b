// Drag and drop on the History tree: audio files dropped from the Explorer or the OS become
// generations (the text is asked for, defaulting to the file name); rows dragged out carry their
// audio files as a uri list.
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { probeAudio, type AudioProbe } from '../archive/audio-probe';
import type { Generation, HistoryService } from '../history';
import { isGenerationNode, isGroupNode, type HistoryNode } from './tree-nodes';
import { errorMessage } from '../format/errors';
import { showErrorToast } from './error-toast';

const OWN_MIME = 'application/vnd.code.tree.voicehistory.history';
/** Profile that dropped files go to unless dropped onto a profile's group. */
export const DROP_PROFILE_NAME = 'Imported audio';

export type DropHistory = Pick<HistoryService, 'create' | 'findOrCreateProfile' | 'resolveAudioPath'>;

/** A file to import: on disk (path) or only as bytes (a drop from the OS in the browser). */
export interface DroppedFile {
  name: string;
  path?: string;
  data?: Uint8Array;
}

export class HistoryDragAndDrop implements vscode.TreeDragAndDropController<HistoryNode> {
  readonly dropMimeTypes = ['text/uri-list', 'files'];
  readonly dragMimeTypes = ['text/uri-list'];

  constructor(
    private readonly history: DropHistory | undefined,
    private readonly log: vscode.LogOutputChannel,
    /** Called with the generations created, so the view can reveal them. */
    private readonly onImported: (created: Generation[]) => void = () => undefined,
  ) {}

  handleDrag(source: readonly HistoryNode[], data: vscode.DataTransfer): void {
    if (!this.history) return;
    const uris = source
      .filter(isGenerationNode)
      .filter((n) => n.generation.audioPath)
      .map((n) => vscode.Uri.file(this.history!.resolveAudioPath(n.generation)).toString());
    if (uris.length > 0) data.set('text/uri-list', new vscode.DataTransferItem(uris.join('\r\n')));
  }

  async handleDrop(target: HistoryNode | undefined, data: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    // Rows dragged within the tree carry our own mime type: nothing to import.
    if (data.get(OWN_MIME)) return;
    const files = await droppedFiles(data);
    if (files.length === 0 || token.isCancellationRequested) return;
    const profileId = isGroupNode(target) && target.id.startsWith('profile:') ? target.id.slice('profile:'.length) : undefined;
    await this.importFiles(files, { profileId, token });
  }

  /**
   * Imports audio files as generations. Each file is checked by its content first (WAV, MP3,
   * FLAC, OGG); `texts` skips the questions (tests, other callers), otherwise each file's text is
   * asked for, defaulting to the file name.
   */
  async importFiles(
    files: DroppedFile[],
    options: { profileId?: string; texts?: string[]; token?: vscode.CancellationToken } = {},
  ): Promise<Generation[]> {
    if (!this.history) {
      void showErrorToast(this.log, 'the history is not open, so the files cannot be imported. See the Voice History output for why.');
      return [];
    }
    const history = this.history;
    const scratch = await fsp.mkdtemp(path.join(os.tmpdir(), 'voice-history-drop-'));
    try {
      const audio: Array<{ file: DroppedFile; path: string; probe: AudioProbe }> = [];
      const refused: string[] = [];
      for (const [i, file] of files.entries()) {
        try {
          let filePath = file.path;
          if (!filePath) {
            // Dropped from the OS into a browser: only the bytes exist; probe and import them from a temp copy.
            filePath = path.join(scratch, `${i}-${path.basename(file.name).replace(/[^\w.-]/g, '_')}`);
            await fsp.writeFile(filePath, file.data ?? new Uint8Array());
          }
          audio.push({ file, path: filePath, probe: await probeAudio(filePath, file.name) });
        } catch (e) {
          refused.push(errorMessage(e));
        }
      }
      if (refused.length > 0) {
        void showErrorToast(this.log, `${refused.length} dropped file(s) were skipped. ${refused.join(' ')}`, { warning: true });
      }
      if (audio.length === 0 || options.token?.isCancellationRequested) return [];

      const texts = options.texts ?? (await this.askTexts(audio.map((a) => a.file)));
      if (!texts) return [];
      const profileId = options.profileId ?? (await history.findOrCreateProfile({ name: DROP_PROFILE_NAME })).id;
      const created: Generation[] = [];
      const failures: string[] = [];
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Importing audio files', cancellable: true },
        async (progress, cancel) => {
          for (const [i, a] of audio.entries()) {
            if (cancel.isCancellationRequested || options.token?.isCancellationRequested) break;
            progress.report({ message: `${a.file.name} (${i + 1} of ${audio.length})`, increment: 100 / audio.length });
            try {
              created.push(
                await history.create(
                  { profileId, text: texts[i] || baseName(a.file.name), status: 'completed', source: 'import' },
                  {
                    filePath: a.path,
                    format: a.probe.format,
                    duration: a.probe.duration,
                    sampleRate: a.probe.sampleRate,
                    channels: a.probe.channels,
                  },
                ),
              );
            } catch (e) {
              const reason = errorMessage(e);
              failures.push(`${a.file.name}: ${reason}`);
              this.log.warn(`Drop import of ${a.file.path ?? a.file.name} failed: ${reason}`);
            }
          }
        },
      );
      if (failures.length > 0) {
        void showErrorToast(this.log, `${failures.length} file(s) were not imported. ${failures.join(' ')}`);
      }
      if (created.length > 0) this.onImported(created);
      return created;
    } finally {
      await fsp.rm(scratch, { recursive: true, force: true });
    }
  }

  /** One text per file; undefined when the user cancelled. */
  private async askTexts(files: DroppedFile[]): Promise<string[] | undefined> {
    if (files.length > 1) {
      const choice = await vscode.window.showQuickPick(
        [
          { label: 'Use the file names as text', id: 'names' },
          { label: 'Type the text of each file…', id: 'each' },
        ],
        { title: `Import ${files.length} audio files`, placeHolder: 'What is spoken in them?' },
      );
      if (!choice) return undefined;
      if (choice.id === 'names') return files.map((f) => baseName(f.name));
    }
    const texts: string[] = [];
    for (const [i, file] of files.entries()) {
      const text = await vscode.window.showInputBox({
        title: files.length > 1 ? `Text of ${file.name} (${i + 1} of ${files.length})` : `Text of ${file.name}`,
        prompt: "What is spoken in this audio? It is stored as the generation's text and is searchable.",
        value: baseName(file.name),
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim().length === 0 ? 'Type the text, or press Escape to cancel the import.' : undefined),
      });
      if (text === undefined) return undefined;
      texts.push(text.trim());
    }
    return texts;
  }
}

/** Files in a drop: a uri list (Explorer, or the OS in desktop VS Code) or file items (the OS in a browser). */
export async function droppedFiles(data: vscode.DataTransfer): Promise<DroppedFile[]> {
  const files: DroppedFile[] = [];
  const list = data.get('text/uri-list');
  if (list) {
    const text = await list.asString();
    for (const line of text.split(/\r?\n/)) {
      const s = line.trim();
      if (!s || s.startsWith('#')) continue;
      const uri = vscode.Uri.parse(s);
      const name = path.posix.basename(uri.path);
      if (uri.scheme === 'file') files.push({ name, path: uri.fsPath });
      else files.push({ name, data: await vscode.workspace.fs.readFile(uri) });
    }
  }
  if (files.length > 0) return files;
  for (const [, item] of data) {
    const file = item.asFile();
    if (!file) continue;
    if (file.uri?.scheme === 'file') files.push({ name: file.name, path: file.uri.fsPath });
    else files.push({ name: file.name, data: await file.data() });
  }
  return files;
}

function baseName(name: string): string {
  return path.basename(name, path.extname(name));
}
