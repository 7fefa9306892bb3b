/**
 * The player controller: loads a generation (text, versions, audio, peaks, takes, source) and
 * wires the controls. It talks to the host only through the tRPC client, renders through
 * ./render, plays through ./transport, acts through ./actions and follows the history through
 * ./live; its preferences and position live in the webview state.
 */
import { Actions } from './actions';
import type { EffectsHost, EffectsPanel } from './effects-host';
import { paintShown, rememberShown } from './first-frame';
import { nonce } from './nonce';
import type { Layout } from './layout';
import { LiveUpdates } from './live';
import { Render } from './render';
import type { AudioInfo, Generation, PlayerClient, PlayerMetrics, Session, ShowOptions, SourceInfo, Version, VsCodeApi } from './session';
import {
  commandForKey,
  failureOf,
  PEAK_BUCKETS,
  pickVersion,
  problemOf,
  restoreState,
  SEEK_STEP,
  stepSpeed,
  toWaveformChannels,
  unplayableMessage,
  type FocusKind,
  type PersistedState,
  type PlayerCommand,
} from './state';
import { Transport } from './transport';
import type { Waveform, WaveformColors } from './waveform';

export type { PlayerClient, PlayerMetrics, VsCodeApi } from './session';

/** Files larger than this are not decoded in the webview when the host has no peaks (non-WAV). */
const MAX_DECODE_BYTES = 32 * 1024 * 1024;

export class PlayerApp implements Session {
  readonly state: PersistedState;
  readonly metrics: PlayerMetrics = {};
  generation: Generation | null = null;
  versions: Version[] = [];
  versionId: string | null = null;
  audio: AudioInfo | null = null;
  takes: Generation[] = [];
  source: SourceInfo | null = null;
  voice: string | null = null;
  token = 0;
  gone = false;
  deletingId: string | null = null;
  private readonly render: Render;
  private readonly transport: Transport;
  private readonly actions: Actions;
  private readonly live: LiveUpdates;
  private effectsPanel: Promise<EffectsPanel> | undefined;
  private readonly shownListeners: Array<() => void> = [];

  constructor(
    readonly ui: Layout,
    readonly wave: Waveform,
    readonly rpc: PlayerClient,
    private readonly vscode: VsCodeApi,
  ) {
    this.state = restoreState(vscode.getState());
    this.render = new Render(this, {
      switchVersion: (id) => void this.actions.switchVersion(id),
      setDefaultVersion: (id) => void this.actions.setDefaultVersion(id),
      openTake: (id) => void this.show(id, { autoplay: true }),
      reconcile: () => this.actions.reconcile(),
      goToSource: () => void this.actions.goToSource(),
    });
    this.transport = new Transport(this, this.render);
    this.actions = new Actions(this, this.render, this.transport);
    this.live = new LiveUpdates(this, this.render);
  }

  async start(): Promise<void> {
    // Coming back after VS Code released the page: its first frame shows what it showed before.
    if (this.state.generationId && this.state.shown) paintShown(this.ui, this.state.shown);
    this.transport.applyPrefs();
    this.bindControls();
    this.transport.bindWave();
    this.live.subscribe();
    // The subscription may hand over the request that opened this page before boot answers;
    // what it shows wins over the restore and "current" fallbacks below.
    const before = this.token;
    const overtaken = () => this.token !== before;
    let openRequest: { generationId: string; autoplay: boolean; effects?: boolean } | null = null;
    try {
      openRequest = (await this.rpc.player.boot.query()).openRequest;
    } catch (e) {
      this.render.announce(failureOf(e).message);
    }
    if (openRequest) {
      return this.show(openRequest.generationId, { autoplay: openRequest.autoplay, fromHost: true, effects: openRequest.effects === true });
    }
    if (overtaken()) return;
    if (this.state.generationId) {
      return this.show(this.state.generationId, {
        autoplay: false,
        versionId: this.state.versionId,
        position: this.state.position,
        restoring: true,
      });
    }
    try {
      const current = await this.rpc.player.current.query();
      if (overtaken()) return;
      if (current.generation) return this.show(current.generation.id, { autoplay: false, restoring: true });
    } catch {
      /* nothing to show is fine */
    }
    if (!overtaken()) this.render.empty('Nothing selected.');
  }

  // ---- loading a generation -----------------------------------------------------------------

  async show(id: string, opts: ShowOptions): Promise<void> {
    const token = ++this.token;
    if (opts.autoplay) this.transport.markPlayRequested();
    this.wave.pause();
    let generation: Generation;
    try {
      generation = await this.rpc.history.get.query({ id });
    } catch (e) {
      if (token !== this.token) return;
      const problem = problemOf(failureOf(e));
      if (problem.kind === 'gone' && opts.restoring) {
        this.forget();
        this.render.empty('The generation you were listening to has been deleted.');
      } else this.render.empty(problem.message);
      return;
    }
    if (token !== this.token) return;
    this.generation = generation;
    this.gone = false;
    if (this.state.generationId !== id) this.state.position = 0;
    this.state.generationId = id;
    this.save();
    if (!opts.fromHost) this.rpc.player.open.mutate({ id }).catch(() => undefined);
    this.source = null;
    this.voice = null;
    this.render.generation();
    this.state.shown = rememberShown(this.ui);
    this.save();
    void this.loadTakes(token);
    void this.loadDetails(token);
    try {
      this.versions = await this.rpc.versions.list.query({ generationId: id });
    } catch {
      this.versions = [];
    }
    if (token !== this.token) return;
    const version = pickVersion(this.versions, opts.versionId ?? null);
    this.versionId = version?.id ?? null;
    this.render.versions();
    for (const listener of this.shownListeners) listener();
    if (opts.effects) void this.toggleEffects(true);
    await this.loadAudio(token, { autoplay: opts.autoplay, position: opts.position ?? 0 });
  }

  // ---- the effects panel (its own bundle, loaded on first use) -------------------------------

  /** Shows or hides the effects panel; the first time, loads its script. */
  async toggleEffects(open?: boolean): Promise<void> {
    if (!this.generation || this.ui.player.hidden) return;
    try {
      const panel = await (this.effectsPanel ??= this.loadEffectsPanel());
      if (panel.visible && open !== true) panel.hide();
      else panel.show();
      this.ui.effects.setAttribute('aria-expanded', String(panel.visible));
    } catch (e) {
      this.effectsPanel = undefined;
      this.render.announce(`The effects panel could not be loaded: ${failureOf(e).message}`);
    }
  }

  private async loadEffectsPanel(): Promise<EffectsPanel> {
    if (!window.vhEffectsPanel) {
      const src = document.querySelector('meta[name="vh-effects-script"]')?.getAttribute('content');
      if (!src) throw new Error('this page has no effects panel');
      await new Promise<void>((resolve, reject) => {
        const script = document.createElement('script');
        script.nonce = nonce;
        script.src = src;
        script.onload = () => resolve();
        script.onerror = () => reject(new Error('its script did not load'));
        document.body.append(script);
      });
    }
    const module = window.vhEffectsPanel;
    if (!module) throw new Error('its script did not start');
    return module.mount(this.effectsHost());
  }

  private effectsHost(): EffectsHost {
    return {
      rpc: this.rpc,
      slot: this.ui.effectsSlot,
      nonce,
      generationId: () => this.generation?.id ?? null,
      versionId: () => this.versionId,
      versionLabel: () => this.versions.find((v) => v.id === this.versionId)?.label ?? 'the audio',
      position: () => this.wave.time,
      pauseMain: () => this.wave.pause(),
      showVersion: async (versionId) => {
        const g = this.generation;
        if (!g) return;
        this.versions = await this.rpc.versions.list.query({ generationId: g.id });
        await this.actions.switchVersion(versionId);
      },
      announce: (message) => this.render.announce(message),
      onShownChange: (listener) => this.shownListeners.push(listener),
    };
  }

  async loadAudio(token: number, opts: { autoplay: boolean; position: number }): Promise<void> {
    const g = this.generation;
    if (!g) return;
    this.render.hideBanner();
    this.audio = null;
    if (g.status === 'failed' && !g.audioPath) {
      // Nothing to load: the failure (shown by render.generation) is what there is to say.
      this.wave.clear();
      this.render.playable(false);
      this.report(g.id, null);
      return;
    }
    const versionId = this.versionId;
    const [audio, peaks] = await Promise.allSettled([
      this.rpc.history.audio.query({ id: g.id, versionId }),
      this.rpc.history.peaks.query({ id: g.id, versionId, buckets: PEAK_BUCKETS }),
    ]);
    if (token !== this.token) return;
    if (audio.status === 'rejected') {
      this.wave.clear();
      this.render.playable(false);
      this.render.problem(problemOf(failureOf(audio.reason)));
      this.render.details();
      this.report(g.id, null);
      return;
    }
    this.audio = audio.value;
    this.state.versionId = audio.value.versionId;
    this.save();
    this.render.details();
    const format = audio.value.format;
    const cannotPlay = unplayableMessage(format);
    if (cannotPlay) {
      this.wave.clear();
      this.render.playable(false);
      this.render.problem({ kind: 'unplayable', message: cannotPlay });
      this.report(g.id, null);
      return;
    }
    const drawn = peaks.status === 'fulfilled' && peaks.value.peaks ? peaks.value.peaks : null;
    const duration = drawn?.durationSeconds ?? format.durationSeconds ?? g.duration ?? 0;
    let channels = drawn ? toWaveformChannels(drawn) : null;
    // Without host peaks (MP3/FLAC/OGG) wavesurfer decodes the file itself, unless it is large.
    if (!channels && format.bytes > MAX_DECODE_BYTES) channels = [[0], [0]];
    this.render.playable(true);
    try {
      await this.wave.load({ url: audio.value.uri, channels, duration });
    } catch (e) {
      if (token !== this.token) return;
      this.render.problem({ kind: 'error', message: `The audio could not be loaded: ${failureOf(e).message}` });
      return;
    }
    if (token !== this.token) return;
    this.metrics.loadedId = g.id;
    this.metrics.loadedVersionId = audio.value.versionId;
    this.metrics.loadedUrl = audio.value.uri;
    document.body.dataset.loadedVersion = audio.value.versionId ?? '';
    this.transport.applyPrefs();
    if (opts.position > 0) this.wave.seekTo(Math.min(opts.position, this.wave.length));
    this.render.time();
    void this.reportWhenPlayable(token, g.id, audio.value.versionId);
    if (opts.autoplay) await this.transport.play();
  }

  /** Reports the version as shown once its audio really loaded; as nothing loaded when it failed. */
  private async reportWhenPlayable(token: number, generationId: string, versionId: string | null): Promise<void> {
    const ok = await this.wave.playable();
    if (token !== this.token) return;
    this.report(generationId, ok ? versionId : null);
  }

  report(generationId: string | null, versionId: string | null): void {
    const item = generationId ? { id: generationId, versionId } : null;
    this.rpc.player.reportShown.mutate(item).catch(() => undefined);
  }

  async loadTakes(token: number): Promise<void> {
    const g = this.generation;
    if (!g) return;
    try {
      const takes = await this.rpc.player.takes.query({ id: g.id });
      if (token !== this.token) return;
      this.takes = takes;
    } catch {
      this.takes = [];
    }
    this.render.takes();
  }

  /** The details the generation itself does not carry: where it was spoken from, its voice's friendly name. */
  private async loadDetails(token: number): Promise<void> {
    const g = this.generation;
    if (!g) return;
    // No link or no friendly name is fine: the details show what they have.
    const [source, voice] = await Promise.allSettled([
      this.rpc.player.source.query({ id: g.id }),
      this.rpc.player.voice.query({ id: g.id }),
    ]);
    if (token !== this.token) return;
    this.source = source.status === 'fulfilled' ? source.value : null;
    this.voice = voice.status === 'fulfilled' ? voice.value : null;
    this.render.details();
  }

  markGone(message: string): void {
    this.gone = true;
    this.wave.clear();
    this.audio = null;
    this.render.playable(false);
    this.ui.actions.hidden = true;
    this.render.problem({ kind: 'gone', message });
    this.forget();
    this.report(null, null);
  }

  forget(): void {
    this.state.generationId = null;
    this.state.versionId = null;
    this.state.position = 0;
    delete this.state.shown;
    this.save();
  }

  save(): void {
    this.vscode.setState(this.state);
  }

  // ---- wiring -------------------------------------------------------------------------------

  private bindControls(): void {
    const { ui, transport: tr, actions } = this;
    const on = (el: HTMLElement, fn: () => void): void => el.addEventListener('click', fn);
    on(ui.play, () => tr.togglePlay());
    on(ui.back, () => tr.seek(-SEEK_STEP));
    on(ui.forward, () => tr.seek(SEEK_STEP));
    on(ui.next, () => void actions.neighbour('next'));
    on(ui.previous, () => void actions.neighbour('previous'));
    on(ui.mute, () => tr.setMuted(!this.state.muted));
    ui.loop.addEventListener('change', () => tr.setLoop((ui.loop as HTMLElement & { checked: boolean }).checked));
    ui.speed.addEventListener('change', () => tr.setSpeed(Number(ui.speed.value)));
    ui.volume.addEventListener('input', () => tr.setVolume(Number(ui.volume.value)));
    on(ui.favorite, () => void actions.toggleFavorite());
    on(ui.copy, () => void actions.act('copy'));
    on(ui.exportZip, () => void actions.act('exportGeneration'));
    on(ui.exportAudio, () => void actions.act('exportAudio'));
    on(ui.reveal, () => void actions.act('reveal'));
    on(ui.remove, () => void actions.act('delete'));
    on(ui.effects, () => void this.toggleEffects());
    ui.notes.addEventListener('change', () => void actions.saveNotes(ui.notes.value));
    document.addEventListener('keydown', (event) => {
      const command = commandForKey({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        focus: this.focusKind(),
      });
      if (!command || this.ui.player.hidden) return;
      event.preventDefault();
      this.run(command);
    });
    // Save where we are when the view goes away (VS Code releases hidden webviews).
    window.addEventListener('pagehide', () => tr.savePosition(true));
    document.addEventListener('visibilitychange', () => tr.savePosition(true));
  }

  private run(command: PlayerCommand): void {
    const { transport: tr, actions } = this;
    switch (command.kind) {
      case 'togglePlay':
        return tr.togglePlay();
      case 'seekBy':
        return tr.seek(command.seconds);
      case 'seekTo':
        return tr.seekTo(command.where);
      case 'speed':
        return tr.setSpeed(stepSpeed(this.state.speed, command.direction));
      case 'toggleFavorite':
        return void actions.toggleFavorite();
      case 'toggleMute':
        return tr.setMuted(!this.state.muted);
      case 'next':
        return void actions.neighbour('next');
      case 'previous':
        return void actions.neighbour('previous');
      case 'abSwitch':
        return void actions.abSwitch();
      case 'effects':
        return void this.toggleEffects();
    }
  }

  private focusKind(): FocusKind {
    const el = document.activeElement;
    if (!el || el === document.body) return 'other';
    if (el === this.ui.slider) return 'slider';
    const tag = el.tagName;
    if (
      tag === 'INPUT' ||
      tag === 'TEXTAREA' ||
      tag === 'SELECT' ||
      tag === 'VSCODE-SINGLE-SELECT' ||
      (el as HTMLElement).isContentEditable
    )
      return 'text-input';
    if (tag === 'BUTTON' || tag === 'VSCODE-BUTTON' || tag === 'VSCODE-TOOLBAR-BUTTON' || tag === 'VSCODE-COLLAPSIBLE' || tag === 'A')
      return 'button';
    return 'other';
  }

  /** Re-reads the theme's colours (the body's class changes when the user switches themes). */
  static colors(): WaveformColors {
    const css = getComputedStyle(document.documentElement);
    const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
    return {
      wave: v('--vscode-descriptionForeground', '#888888'),
      progress: v('--vscode-button-background', v('--vscode-focusBorder', '#0078d4')),
      cursor: v('--vscode-editorCursor-foreground', v('--vscode-foreground', '#cccccc')),
    };
  }
}
