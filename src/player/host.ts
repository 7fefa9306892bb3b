/**
 * Hosts the player webview app in the Voice History side bar (a webview view) and, on demand, in
 * an editor panel. It is the tree's `PlayerPort`: `open(id, list)` shows a generation and keeps
 * the list for next/previous. Each webview is served the player router over postMessage.
 *
 * No `retainContextWhenHidden`: a hidden player is released and restores itself from
 * getState/setState plus `player.boot` when shown again, so its RPC adapter (and every
 * subscription in it) is replaced whenever the webview goes hidden.
 */
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { errorMessage } from '../format/errors';
import type { Generation, HistoryService } from '../history';
import { attachRouterToWebview, type HostAdapter, type PlayerContext } from '../rpc';
import type { ArchiveActions, ArchiveRpcContext } from '../rpc/archive-procedures';
import type { Takes } from '../generation/takes';
import type { EffectPreset, Version } from '../history';
import type { EffectsRpcContext } from './effects-procedures';
import { inlineCodicons, playerHtml, type PlayerHtmlInput } from './html';
import type { PlayerPort } from './port';
import type { OpenRequest, PlayerActions, PlayerRpcContext, ShownItem } from './procedures';
import { playerRouter } from './router';
import { disposeAll } from '../dispose';

type InlineBundle = NonNullable<PlayerHtmlInput['inline']>;

export const PLAYER_VIEW_ID = 'voiceHistory.player';
export const PLAYER_PANEL_TYPE = 'voiceHistory.playerPanel';

export interface PlayerHostOptions {
  extensionUri: vscode.Uri;
  history: HistoryService;
  log: vscode.LogOutputChannel;
  /** Selects a generation in the History tree; false when the tree cannot show it. */
  revealInTree?: (generationId: string) => Promise<boolean>;
  /** Runs the export and reconcile commands for the player's buttons (with their dialogs). */
  archive: ArchiveActions;
  /** Opens the document a generation was spoken from, its range selected (the Go to Source command). */
  goToSource: (generationId: string) => Promise<void>;
  /** Renders effects for the panel and the takes list (absent: the page says effects are unavailable). */
  takes?: Takes;
}

type Placement = 'view' | 'panel';

/** What a player webview reported it shows. */
export interface PlayerShown {
  placement: Placement;
  item: ShownItem | null;
}

/** One webview showing the player, with its RPC adapter and open-request listeners. */
class Surface implements vscode.Disposable {
  private adapter: HostAdapter | undefined;
  readonly listeners = new Set<(request: OpenRequest) => void>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly placement: Placement,
    readonly webview: vscode.Webview,
    private readonly host: PlayerHost,
    private readonly isVisible: () => boolean,
  ) {
    this.attach();
  }

  get visible(): boolean {
    return this.isVisible();
  }

  /** A fresh adapter: the page that used the previous one is gone (hidden) or about to load. */
  attach(): void {
    this.adapter?.dispose();
    this.listeners.clear();
    this.adapter = attachRouterToWebview({
      webview: this.webview,
      router: playerRouter,
      createContext: () => this.host.contextFor(this),
      log: this.host.log,
    });
  }

  onHidden(): void {
    this.adapter?.dispose();
    this.adapter = undefined;
    this.listeners.clear();
  }

  onShown(): void {
    if (!this.adapter) this.attach();
  }

  track(d: vscode.Disposable): void {
    this.disposables.push(d);
  }

  dispose(): void {
    this.adapter?.dispose();
    this.adapter = undefined;
    this.listeners.clear();
    disposeAll(this.disposables);
  }
}

export class PlayerHost implements vscode.WebviewViewProvider, PlayerPort, vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  private readonly history: HistoryService;
  private view: { surface: Surface; view: vscode.WebviewView } | undefined;
  private panel: { surface: Surface; panel: vscode.WebviewPanel } | undefined;
  private currentId: string | undefined;
  private currentList: string[] = [];
  private seq = 0;
  /** The webview bundle's text once read; null when it could not be read. */
  private bundleText: InlineBundle | null | undefined;
  /** The newest open request nobody has shown yet. */
  private pending: OpenRequest | null = null;
  private readonly shown = new vscode.EventEmitter<PlayerShown>();
  /** Fires when a player webview has loaded a generation (or shows nothing any more). */
  readonly onDidShow = this.shown.event;
  private readonly disposables: vscode.Disposable[] = [this.shown];

  constructor(private readonly options: PlayerHostOptions) {
    this.log = options.log;
    this.history = options.history;
  }

  /** Registers the side bar view provider; returns what to dispose on deactivation. */
  register(): vscode.Disposable {
    this.disposables.push(
      vscode.window.registerWebviewViewProvider(PLAYER_VIEW_ID, this),
      // The editor tab comes back after a reload; the page restores its item and position itself.
      vscode.window.registerWebviewPanelSerializer(PLAYER_PANEL_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          this.log.info(`Player tab restored after a reload (${state ? 'with' : 'without'} its saved item).`);
          this.adoptPanel(panel);
        },
      }),
    );
    return this;
  }

  // ---- PlayerPort ---------------------------------------------------------------------------

  async open(generationId: string, list: string[] = []): Promise<void> {
    // Not live: the page picks the request up when it starts (boot) or subscribes.
    if (!this.request(generationId, list, true)) await this.reveal();
  }

  /** Shows a generation with its effects panel open. */
  async openEffects(generationId: string): Promise<void> {
    if (!this.request(generationId, [], false, true)) await this.reveal();
  }

  /**
   * The tree's selection moved to this generation: load it without playing. A hidden or
   * collapsed player is not brought up for a click; it shows the row when the user opens it.
   */
  show(generationId: string, list: string[] = []): void {
    if (generationId === this.currentId && this.pending?.generationId !== generationId) return;
    this.request(generationId, list, false);
  }

  /** Sends an open request to the live page; false when it waits for a page to start. */
  private request(generationId: string, list: string[], autoplay: boolean, effects = false): boolean {
    this.currentId = generationId;
    if (list.length > 0) this.currentList = [...list];
    const request: OpenRequest = { generationId, autoplay, seq: ++this.seq, ...(effects && { effects }) };
    const target = this.target();
    if (target && target.visible && target.listeners.size > 0) {
      this.pending = null;
      for (const listener of target.listeners) listener(request);
      return true;
    }
    this.pending = request;
    return false;
  }

  /** `Voice History: Open Player`: the player in an editor tab, showing the current generation. */
  async openPanel(): Promise<void> {
    if (this.panel) {
      this.panel.panel.reveal(undefined, false);
      return;
    }
    this.adoptPanel(
      vscode.window.createWebviewPanel(PLAYER_PANEL_TYPE, 'Voice History Player', {
        viewColumn: vscode.ViewColumn.Active,
        preserveFocus: false,
      }),
    );
  }

  /** Makes a new or restored editor panel the player's panel. */
  private adoptPanel(panel: vscode.WebviewPanel): void {
    // Set here for new and restored panels alike (a restored one comes back with saved options).
    panel.webview.options = { enableScripts: true, localResourceRoots: this.resourceRoots() };
    panel.iconPath = vscode.Uri.joinPath(this.options.extensionUri, 'media', 'voice-history.svg');
    if (this.panel) this.panel.panel.dispose();
    const surface = new Surface('panel', panel.webview, this, () => panel.visible);
    this.panel = { surface, panel };
    surface.track(panel.onDidChangeViewState(() => (panel.visible ? surface.onShown() : surface.onHidden())));
    panel.onDidDispose(() => {
      surface.dispose();
      if (this.panel?.panel === panel) this.panel = undefined;
    });
    panel.webview.html = this.html(panel.webview, 'panel');
  }

  // ---- WebviewViewProvider ------------------------------------------------------------------

  resolveWebviewView(webviewView: vscode.WebviewView): void {
    webviewView.webview.options = { enableScripts: true, localResourceRoots: this.resourceRoots() };
    const surface = new Surface('view', webviewView.webview, this, () => webviewView.visible);
    this.view?.surface.dispose();
    this.view = { surface, view: webviewView };
    surface.track(webviewView.onDidChangeVisibility(() => (webviewView.visible ? surface.onShown() : surface.onHidden())));
    webviewView.onDidDispose(() => {
      surface.dispose();
      if (this.view?.view === webviewView) this.view = undefined;
    });
    webviewView.webview.html = this.html(webviewView.webview, 'view');
  }

  // ---- RPC context --------------------------------------------------------------------------

  contextFor(surface: Surface): PlayerRpcContext & ArchiveRpcContext & Partial<EffectsRpcContext> {
    const player: PlayerContext = {
      currentList: () => this.currentList,
      currentId: () => this.currentId,
      // The view itself asked (next/previous/a take): it shows the result, so only remember it.
      open: (id) => {
        this.currentId = id;
      },
    };
    const actions: PlayerActions = {
      takeOpenRequest: () => this.takeFor(surface),
      onOpenRequest: (listener) => {
        surface.listeners.add(listener);
        // A request that arrived while this page was starting goes to it now.
        const waiting = this.takeFor(surface);
        if (waiting) queueMicrotask(() => listener(waiting));
        return { dispose: () => surface.listeners.delete(listener) };
      },
      copyText: async (text) => {
        await vscode.env.clipboard.writeText(text);
        vscode.window.setStatusBarMessage('$(copy) Voice History: text copied', 2500);
      },
      confirmDelete: (generation) => this.confirmDelete(generation),
      reportShown: (item) => this.shown.fire({ placement: surface.placement, item }),
      goToSource: (generationId) => this.options.goToSource(generationId),
      revealInTree: async (generationId) => {
        if (this.options.revealInTree) return this.options.revealInTree(generationId);
        await vscode.commands.executeCommand('voiceHistory.history.focus');
        return false;
      },
    };
    return {
      history: this.history,
      log: this.log,
      player,
      toWebviewUri: (absPath) => surface.webview.asWebviewUri(vscode.Uri.file(absPath)).toString(),
      playerActions: actions,
      // archive.* procedures run the export/import commands here, with their dialogs.
      archive: this.options.archive,
      ...(this.options.takes && {
        takes: this.options.takes,
        confirmDeleteVersion: (v: Version) => this.confirmDeleteVersion(v),
        confirmDeletePreset: (p: EffectPreset) => this.confirmDeletePreset(p),
      }),
    };
  }

  // ---- internals ----------------------------------------------------------------------------

  /** Open requests go to the editor panel when there is one, else to the side bar view. */
  private target(): Surface | undefined {
    return this.panel?.surface ?? this.view?.surface;
  }

  private takeFor(surface: Surface): OpenRequest | null {
    // A new view (or panel) with no target yet may take the request too: it is the one opening.
    const target = this.target();
    if (!this.pending || (target && target !== surface)) return null;
    const request = this.pending;
    this.pending = null;
    return request;
  }

  private async reveal(): Promise<void> {
    if (this.panel) {
      this.panel.panel.reveal(undefined, true);
    } else if (this.view) {
      this.view.view.show(true);
    } else {
      // The view was never shown in this window: its focus command creates it.
      await vscode.commands.executeCommand(`${PLAYER_VIEW_ID}.focus`);
    }
  }

  private resourceRoots(): vscode.Uri[] {
    return [vscode.Uri.joinPath(this.options.extensionUri, 'dist'), vscode.Uri.file(this.history.audioDir)];
  }

  private html(webview: vscode.Webview, placement: Placement): string {
    const dist = vscode.Uri.joinPath(this.options.extensionUri, 'dist');
    const uri = (...parts: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(dist, ...parts)).toString();
    const bundle = this.bundle();
    return playerHtml({
      cspSource: webview.cspSource,
      scriptUri: uri('webview', 'player.js'),
      styleUri: uri('webview', 'player.css'),
      codiconsUri: uri('codicons', 'codicon.css'),
      effectsScriptUri: this.options.takes ? uri('webview', 'effects-panel.js') : undefined,
      placement,
      // A development build's source map, found from the page's own URL instead of the file's.
      inline: bundle && {
        ...bundle,
        script: bundle.script.replace(/sourceMappingURL=player\.js\.map\s*$/, () => `sourceMappingURL=${uri('webview', 'player.js.map')}`),
      },
    });
  }

  /** The webview bundle's text, read once (it is part of the installed extension); undefined: link the files instead. */
  private bundle(): InlineBundle | undefined {
    if (this.bundleText === undefined) {
      const dist = vscode.Uri.joinPath(this.options.extensionUri, 'dist').fsPath;
      try {
        const codicons = inlineCodicons(readFileSync(`${dist}/codicons/codicon.css`, 'utf8'), readFileSync(`${dist}/codicons/codicon.ttf`));
        if (!codicons) throw new Error('codicon.css no longer has the one font face expected');
        this.bundleText = {
          script: readFileSync(`${dist}/webview/player.js`, 'utf8'),
          style: readFileSync(`${dist}/webview/player.css`, 'utf8'),
          codicons,
        };
      } catch (e) {
        this.log.warn(`Player: linking its bundle instead of inlining it (${errorMessage(e)}).`);
        this.bundleText = null;
      }
    }
    return this.bundleText ?? undefined;
  }

  private async confirmDelete(generation: Generation): Promise<boolean> {
    if (vscode.workspace.getConfiguration('voiceHistory').get<boolean>('confirmDelete', true) === false) return true;
    const versions = (await this.history.listVersions(generation.id)).length;
    const line = generation.text.split(/\r?\n/).find((l) => l.trim()) ?? generation.text;
    const label = line.length > 60 ? `${line.slice(0, 59)}…` : line;
    const answer = await vscode.window.showWarningMessage(
      `Delete the generation "${label}"?`,
      {
        modal: true,
        detail: `Its audio${versions > 1 ? ` and all ${versions} versions` : ''} will be removed from the history. This cannot be undone.`,
      },
      'Delete',
    );
    return answer === 'Delete';
  }

  private async confirmDeleteVersion(version: Version): Promise<boolean> {
    if (vscode.workspace.getConfiguration('voiceHistory').get<boolean>('confirmDelete', true) === false) return true;
    const answer = await vscode.window.showWarningMessage(
      `Delete the version "${version.label}"?`,
      {
        modal: true,
        detail: `Its audio is removed from the history${version.isDefault ? '; the newest remaining version becomes the default' : ''}. This cannot be undone.`,
      },
      'Delete',
    );
    return answer === 'Delete';
  }

  private async confirmDeletePreset(preset: EffectPreset): Promise<boolean> {
    if (vscode.workspace.getConfiguration('voiceHistory').get<boolean>('confirmDelete', true) === false) return true;
    const answer = await vscode.window.showWarningMessage(
      `Delete the preset "${preset.name}"?`,
      {
        modal: true,
        detail: 'Versions made with it keep their effects; only the preset goes. This cannot be undone.',
      },
      'Delete',
    );
    return answer === 'Delete';
  }

  dispose(): void {
    this.panel?.panel.dispose();
    this.view?.surface.dispose();
    disposeAll(this.disposables);
  }
}
