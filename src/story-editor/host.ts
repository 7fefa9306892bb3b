/**
 * Hosts story editor tabs: one editor tab per story, served the story editor router over
 * postMessage. A serializer brings the tabs back after a window reload (the page keeps its story
 * id in its webview state). No `retainContextWhenHidden`: a hidden tab's page is released and
 * starts again when shown, so its RPC adapter is replaced then.
 */
import * as vscode from 'vscode';
import { disposeAll } from '../dispose';
import type { HistoryService } from '../history';
import { attachRouterToWebview, type HostAdapter } from '../rpc';
import { storyEditorHtml } from './html';
import type { DrawnReport, StoryEditorRpcContext } from './procedures';
import { storyEditorRouter } from './router';

export const STORY_EDITOR_PANEL_TYPE = 'voiceHistory.storyEditor';

export interface StoryEditorHostOptions {
  extensionUri: vscode.Uri;
  history: HistoryService;
  log: vscode.LogOutputChannel;
}

/** What a story editor tab reported it drew. */
export interface StoryEditorDrawn extends DrawnReport {
  storyId: string;
}

/** The page's saved state, as far as the host reads it. */
function savedStoryId(state: unknown): string | undefined {
  const id = (state as { storyId?: unknown } | null | undefined)?.storyId;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : undefined;
}

class EditorTab implements vscode.Disposable {
  private adapter: HostAdapter | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly storyId: string,
    readonly panel: vscode.WebviewPanel,
    private readonly host: StoryEditorHost,
  ) {
    this.attach();
    this.disposables.push(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.release();
        else if (!this.adapter) this.attach();
      }),
    );
  }

  private attach(): void {
    this.adapter?.dispose();
    this.adapter = attachRouterToWebview({
      webview: this.panel.webview,
      router: storyEditorRouter,
      createContext: () => this.host.contextFor(this),
      log: this.host.log,
    });
  }

  private release(): void {
    this.adapter?.dispose();
    this.adapter = undefined;
  }

  dispose(): void {
    this.release();
    disposeAll(this.disposables);
  }
}

export class StoryEditorHost implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  private readonly tabs = new Map<string, EditorTab>();
  private readonly drawn = new vscode.EventEmitter<StoryEditorDrawn>();
  /** Fires when an editor tab has drawn all its clips. */
  readonly onDidDraw = this.drawn.event;
  private readonly disposables: vscode.Disposable[] = [this.drawn];

  constructor(private readonly options: StoryEditorHostOptions) {
    this.log = options.log;
  }

  register(): vscode.Disposable {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(STORY_EDITOR_PANEL_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          const storyId = savedStoryId(state);
          const story = storyId ? await this.options.history.getStory(storyId) : undefined;
          if (!storyId || !story) {
            this.log.info('A story editor tab was not restored: its story no longer exists.');
            panel.dispose();
            return;
          }
          this.adopt(panel, storyId, story.name);
        },
      }),
    );
    return this;
  }

  /** Opens the story in its editor tab (or brings that tab forward). */
  async open(storyId: string): Promise<void> {
    const open = this.tabs.get(storyId);
    if (open) {
      open.panel.reveal(undefined, false);
      return;
    }
    const story = await this.options.history.getStory(storyId);
    if (!story) throw new Error('This story no longer exists; it may have been deleted. Refresh the Stories view.');
    const panel = vscode.window.createWebviewPanel(STORY_EDITOR_PANEL_TYPE, story.name, {
      viewColumn: vscode.ViewColumn.Active,
      preserveFocus: false,
    });
    this.adopt(panel, storyId, story.name);
  }

  /** Story ids with an open editor tab. */
  openStories(): string[] {
    return [...this.tabs.keys()];
  }

  panelOf(storyId: string): vscode.WebviewPanel | undefined {
    return this.tabs.get(storyId)?.panel;
  }

  private adopt(panel: vscode.WebviewPanel, storyId: string, name: string): void {
    panel.webview.options = { enableScripts: true, localResourceRoots: this.resourceRoots() };
    panel.iconPath = vscode.Uri.joinPath(this.options.extensionUri, 'media', 'voice-history.svg');
    panel.title = name;
    this.tabs.get(storyId)?.panel.dispose();
    const tab = new EditorTab(storyId, panel, this);
    this.tabs.set(storyId, tab);
    panel.onDidDispose(() => {
      tab.dispose();
      if (this.tabs.get(storyId) === tab) this.tabs.delete(storyId);
    });
    panel.webview.html = this.html(panel.webview);
  }

  contextFor(tab: EditorTab): StoryEditorRpcContext {
    return {
      history: this.options.history,
      log: this.log,
      toWebviewUri: (absPath) => tab.panel.webview.asWebviewUri(vscode.Uri.file(absPath)).toString(),
      // The editor has no place in the History list: next/previous are not among its procedures.
      player: { currentList: () => [], currentId: () => undefined, open: () => undefined },
      storyEditor: {
        storyId: tab.storyId,
        reportDrawn: (report) => this.drawn.fire({ storyId: tab.storyId, ...report }),
        setTitle: (name) => {
          tab.panel.title = name.trim() || 'Story';
        },
      },
    };
  }

  private resourceRoots(): vscode.Uri[] {
    return [vscode.Uri.joinPath(this.options.extensionUri, 'dist'), vscode.Uri.file(this.options.history.audioDir)];
  }

  private html(webview: vscode.Webview): string {
    const dist = vscode.Uri.joinPath(this.options.extensionUri, 'dist');
    const uri = (...parts: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(dist, ...parts)).toString();
    return storyEditorHtml({
      cspSource: webview.cspSource,
      scriptUri: uri('webview', 'story-editor.js'),
      styleUri: uri('webview', 'story-editor.css'),
      codiconsUri: uri('codicons', 'codicon.css'),
    });
  }

  dispose(): void {
    for (const tab of [...this.tabs.values()]) tab.panel.dispose();
    disposeAll(this.disposables);
  }
}
