/**
 * The player controller: talks to the host only through the tRPC client, renders into the
 * skeleton from ./layout, and keeps its preferences and position in the webview state.
 */
import type { TRPCClient } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';
import type { PlayerRouter } from '../../src/player/router';
import { h, icon, replaceChildren, setAttr, setButton } from './dom';
import type { Layout } from './layout';
import {
  clampSpeed,
  clampVolume,
  commandForKey,
  describeEffects,
  detailRows,
  failureOf,
  formatClock,
  formatSpeed,
  impactOf,
  PEAK_BUCKETS,
  pickVersion,
  problemOf,
  restoreState,
  seekBy,
  SEEK_STEP,
  SHORTCUTS,
  stepSpeed,
  toWaveformChannels,
  unplayableMessage,
  type FocusKind,
  type HistoryChange,
  type PersistedState,
  type PlayerCommand,
  type Problem,
} from './state';
import type { Waveform, WaveformColors } from './waveform';

type Outputs = inferRouterOutputs<PlayerRouter>;
type Generation = Outputs['history']['get'];
type Version = Outputs['versions']['list'][number];
type AudioInfo = Outputs['history']['audio'];
export type PlayerClient = TRPCClient<PlayerRouter>;

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Files larger than this are not decoded in the webview when the host has no peaks (non-WAV). */
const MAX_DECODE_BYTES = 32 * 1024 * 1024;
const SAVE_POSITION_EVERY_MS = 1000;

interface ShowOptions {
  autoplay: boolean;
  versionId?: string | null;
  position?: number;
  /** The host asked (Play in the tree): it already knows what the player shows. */
  fromHost?: boolean;
  /** Reopening after the view was hidden: a deleted item means "nothing selected", not an error. */
  restoring?: boolean;
}

/** Timings the benchmark and the e2e tests read from the page (epoch ms, same clock as the workbench). */
export interface PlayerMetrics {
  /** The page's navigation start, the bundle's first line, and the first frame after the skeleton. */
  documentStartAt?: number;
  scriptStartAt?: number;
  firstPaintAt?: number;
  playRequestedAt?: number;
  playingAt?: number;
  /** Play request → `playing`, in ms. */
  startMs?: number;
  loadedId?: string;
  loadedVersionId?: string | null;
  loadedUrl?: string;
}

const now = (): number => performance.timeOrigin + performance.now();

export class PlayerApp {
  private state: PersistedState;
  private generation: Generation | null = null;
  private versions: Version[] = [];
  private versionId: string | null = null;
  private audio: AudioInfo | null = null;
  private takes: Generation[] = [];
  /** Where the text was spoken from, when it was (for Go to Source). */
  private source: { label: string } | null = null;
  private token = 0;
  private gone = false;
  /** The generation this page is deleting itself (its own Delete button): not "deleted elsewhere". */
  private deletingId: string | null = null;
  private lastSavedAt = 0;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  private pendingChanges: HistoryChange[] = [];
  readonly metrics: PlayerMetrics = {};

  constructor(
    private readonly ui: Layout,
    private readonly wave: Waveform,
    private readonly rpc: PlayerClient,
    private readonly vscode: VsCodeApi,
  ) {
    this.state = restoreState(vscode.getState());
  }

  async start(): Promise<void> {
    this.applyPrefs();
    this.bindControls();
    this.bindWave();
    this.subscribe();
    // The subscription may hand over the request that opened this page before boot answers;
    // what it shows wins over the restore and "current" fallbacks below.
    const before = this.token;
    const overtaken = () => this.token !== before;
    let openRequest: { generationId: string; autoplay: boolean } | null = null;
    try {
      openRequest = (await this.rpc.player.boot.query()).openRequest;
    } catch (e) {
      this.announce(failureOf(e).message);
    }
    if (openRequest) return this.show(openRequest.generationId, { autoplay: openRequest.autoplay, fromHost: true });
    if (overtaken()) return;
    if (this.state.generationId) {
      return this.show(this.state.generationId, { autoplay: false, versionId: this.state.versionId, position: this.state.position, restoring: true });
    }
    try {
      const current = await this.rpc.player.current.query();
      if (overtaken()) return;
      if (current.generation) return this.show(current.generation.id, { autoplay: false, restoring: true });
    } catch {
      /* nothing to show is fine */
    }
    if (!overtaken()) this.renderEmpty('Nothing selected.');
  }

  // ---- showing a generation -----------------------------------------------------------------

  async show(id: string, opts: ShowOptions): Promise<void> {
    const token = ++this.token;
    if (opts.autoplay) this.markPlayRequested();
    this.wave.pause();
    let generation: Generation;
    try {
      generation = await this.rpc.history.get.query({ id });
    } catch (e) {
      if (token !== this.token) return;
      const problem = problemOf(failureOf(e));
      if (problem.kind === 'gone' && opts.restoring) {
        this.forget();
        this.renderEmpty('The generation you were listening to has been deleted.');
      } else this.renderEmpty(problem.message);
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
    this.renderGeneration();
    void this.loadTakes(token);
    void this.loadSource(token);
    try {
      this.versions = await this.rpc.versions.list.query({ generationId: id });
    } catch {
      this.versions = [];
    }
    if (token !== this.token) return;
    const version = pickVersion(this.versions, opts.versionId ?? null);
    this.versionId = version?.id ?? null;
    this.renderVersions();
    await this.loadAudio(token, { autoplay: opts.autoplay, position: opts.position ?? 0 });
  }

  private async loadAudio(token: number, opts: { autoplay: boolean; position: number }): Promise<void> {
    const g = this.generation;
    if (!g) return;
    this.hideBanner();
    this.audio = null;
    if (g.status === 'failed' && !g.audioPath) {
      // Nothing to load: the failure (shown by renderGeneration) is what there is to say.
      this.wave.clear();
      this.setPlayable(false);
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
      this.setPlayable(false);
      this.showProblem(problemOf(failureOf(audio.reason)));
      this.renderDetails();
      this.report(g.id, null);
      return;
    }
    this.audio = audio.value;
    this.state.versionId = audio.value.versionId;
    this.save();
    this.renderDetails();
    const format = audio.value.format;
    const cannotPlay = unplayableMessage(format);
    if (cannotPlay) {
      this.wave.clear();
      this.setPlayable(false);
      this.showProblem({ kind: 'unplayable', message: cannotPlay });
      this.report(g.id, null);
      return;
    }
    const drawn = peaks.status === 'fulfilled' && peaks.value.peaks ? peaks.value.peaks : null;
    const duration = drawn?.durationSeconds ?? format.durationSeconds ?? g.duration ?? 0;
    let channels = drawn ? toWaveformChannels(drawn) : null;
    // Without host peaks (MP3/FLAC/OGG) wavesurfer decodes the file itself, unless it is large.
    if (!channels && format.bytes > MAX_DECODE_BYTES) channels = [[0], [0]];
    this.setPlayable(true);
    try {
      await this.wave.load({ url: audio.value.uri, channels, duration });
    } catch (e) {
      if (token !== this.token) return;
      this.showProblem({ kind: 'error', message: `The audio could not be loaded: ${failureOf(e).message}` });
      return;
    }
    if (token !== this.token) return;
    this.metrics.loadedId = g.id;
    this.metrics.loadedVersionId = audio.value.versionId;
    this.metrics.loadedUrl = audio.value.uri;
    document.body.dataset.loadedVersion = audio.value.versionId ?? '';
    this.applyPrefs();
    if (opts.position > 0) this.wave.seekTo(Math.min(opts.position, this.wave.length));
    this.renderTime();
    void this.reportWhenPlayable(token, g.id, audio.value.versionId);
    if (opts.autoplay) await this.play();
  }

  /** Reports the version as shown once its audio really loaded; as nothing loaded when it failed. */
  private async reportWhenPlayable(token: number, generationId: string, versionId: string | null): Promise<void> {
    const ok = await this.wave.playable();
    if (token !== this.token) return;
    this.report(generationId, ok ? versionId : null);
  }

  /** Tells the host what is on screen (it does not see the page). */
  private report(generationId: string | null, versionId: string | null): void {
    const item = generationId ? { id: generationId, versionId } : null;
    this.rpc.player.reportShown.mutate(item).catch(() => undefined);
  }

  private async loadTakes(token: number): Promise<void> {
    const g = this.generation;
    if (!g) return;
    try {
      const takes = await this.rpc.player.takes.query({ id: g.id });
      if (token !== this.token) return;
      this.takes = takes;
    } catch {
      this.takes = [];
    }
    this.renderTakes();
  }

  private async loadSource(token: number): Promise<void> {
    const g = this.generation;
    if (!g) return;
    let source: { label: string } | null = null;
    try {
      source = await this.rpc.player.source.query({ id: g.id });
    } catch {
      /* no link is fine */
    }
    if (token !== this.token) return;
    this.source = source;
    this.renderDetails();
  }

  private async goToSource(): Promise<void> {
    const g = this.generation;
    if (!g || this.gone) return;
    try {
      await this.rpc.player.goToSource.mutate({ id: g.id });
    } catch (e) {
      this.announce(failureOf(e).message);
    }
  }

  // ---- transport ----------------------------------------------------------------------------

  private async play(): Promise<void> {
    if (!this.audio || this.gone) return;
    try {
      await this.wave.play();
    } catch (e) {
      // Browsers refuse to start audio without a user gesture in some hosts; Play still works.
      const name = e instanceof Error ? e.name : '';
      this.announce(name === 'NotAllowedError' ? 'Press Play (Space) to start playback.' : `Playback failed: ${failureOf(e).message}`);
    }
  }

  private togglePlay(): void {
    if (this.wave.playing) this.wave.pause();
    else {
      this.markPlayRequested();
      void this.play();
    }
  }

  private seek(seconds: number): void {
    if (!this.audio) return;
    this.wave.seekTo(seekBy(this.wave.time, seconds, this.wave.length));
    this.renderTime();
    this.savePosition(true);
  }

  private setSpeed(speed: number): void {
    this.state.speed = clampSpeed(speed);
    this.wave.speed = this.state.speed;
    if (this.ui.speed.value !== String(this.state.speed)) this.ui.speed.value = String(this.state.speed);
    this.save();
    this.announce(`Speed ${formatSpeed(this.state.speed)}`);
  }

  private setVolume(volume: number): void {
    this.state.volume = clampVolume(volume);
    this.wave.volume = this.state.volume;
    if (this.state.volume > 0 && this.state.muted) this.setMuted(false);
    this.ui.volume.value = String(this.state.volume);
    this.save();
  }

  private setMuted(muted: boolean): void {
    this.state.muted = muted;
    this.wave.muted = muted;
    setButton(this.ui.mute, muted ? 'mute' : 'unmute', muted ? 'Unmute' : 'Mute', muted ? SHORTCUTS.unmute : SHORTCUTS.mute);
    this.save();
  }

  private setLoop(loop: boolean): void {
    this.state.loop = loop;
    this.wave.loop = loop;
    (this.ui.loop as HTMLElement & { checked: boolean }).checked = loop;
    this.save();
  }

  private applyPrefs(): void {
    this.wave.speed = this.state.speed;
    this.wave.volume = this.state.volume;
    this.wave.muted = this.state.muted;
    this.wave.loop = this.state.loop;
    this.ui.speed.value = String(this.state.speed);
    this.ui.volume.value = String(this.state.volume);
    (this.ui.loop as HTMLElement & { checked: boolean }).checked = this.state.loop;
    setButton(this.ui.mute, this.state.muted ? 'mute' : 'unmute', this.state.muted ? 'Unmute' : 'Mute', this.state.muted ? SHORTCUTS.unmute : SHORTCUTS.mute);
  }

  private async neighbour(direction: 'next' | 'previous'): Promise<void> {
    const wasPlaying = this.wave.playing;
    try {
      const target = direction === 'next' ? await this.rpc.player.next.mutate() : await this.rpc.player.previous.mutate();
      if (!target) {
        this.announce(direction === 'next' ? 'This is the last generation in the list.' : 'This is the first generation in the list.');
        return;
      }
      await this.show(target.id, { autoplay: wasPlaying, fromHost: true });
    } catch (e) {
      this.announce(failureOf(e).message);
    }
  }

  // ---- actions ------------------------------------------------------------------------------

  private async toggleFavorite(): Promise<void> {
    const g = this.generation;
    if (!g || this.gone) return;
    try {
      this.generation = await this.rpc.history.setFavorite.mutate({ id: g.id, favorite: !g.isFavorited });
      this.renderFavorite();
      this.announce(this.generation.isFavorited ? 'Added to favorites' : 'Removed from favorites');
    } catch (e) {
      this.announce(failureOf(e).message);
    }
  }

  private async act(what: 'copy' | 'exportGeneration' | 'exportAudio' | 'reveal' | 'delete'): Promise<void> {
    const g = this.generation;
    if (!g || this.gone) return;
    try {
      switch (what) {
        case 'copy':
          await this.rpc.player.copyText.mutate({ id: g.id });
          this.announce('Text copied');
          break;
        case 'reveal': {
          const { revealed } = await this.rpc.player.revealInTree.mutate({ id: g.id });
          if (!revealed) this.announce('The History view cannot show this generation with its current filter.');
          break;
        }
        case 'delete': {
          this.deletingId = g.id;
          try {
            const { deleted } = await this.rpc.player.delete.mutate({ id: g.id });
            if (deleted) this.markGone('This generation was deleted.');
          } finally {
            this.deletingId = null;
          }
          break;
        }
        case 'exportGeneration':
        case 'exportAudio': {
          const outcome = what === 'exportGeneration' ? await this.rpc.archive.exportGeneration.mutate({ id: g.id }) : await this.rpc.archive.exportAudio.mutate({ id: g.id });
          if (outcome.exported) this.announce(`Exported ${outcome.fileName ?? ''}`.trim());
          break;
        }
      }
    } catch (e) {
      this.announce(failureOf(e).message);
    }
  }

  private async switchVersion(versionId: string): Promise<void> {
    if (versionId === this.versionId || !this.generation) return;
    const wasPlaying = this.wave.playing;
    this.versionId = versionId;
    this.state.position = 0;
    this.renderVersions();
    if (wasPlaying) this.markPlayRequested();
    await this.loadAudio(++this.token, { autoplay: wasPlaying, position: 0 });
  }

  private async setDefaultVersion(versionId: string): Promise<void> {
    try {
      await this.rpc.versions.setDefault.mutate({ versionId });
      if (this.generation) this.versions = await this.rpc.versions.list.query({ generationId: this.generation.id });
      this.renderVersions();
      this.announce('Default version set');
    } catch (e) {
      this.announce(failureOf(e).message);
    }
  }

  // ---- live updates -------------------------------------------------------------------------

  private subscribe(): void {
    this.rpc.player.onOpenRequest.subscribe(undefined, {
      onData: (request) => void this.show(request.generationId, { autoplay: request.autoplay, fromHost: true }),
      onError: (e) => this.announce(failureOf(e).message),
    });
    this.rpc.history.onChanged.subscribe(undefined, {
      onData: (change) => {
        this.pendingChanges.push(change as HistoryChange);
        // Bursts (an import, a bulk delete) become one refresh.
        this.changeTimer ??= setTimeout(() => void this.applyChanges(), 50);
      },
      onError: (e) => this.announce(`Live updates stopped: ${failureOf(e).message}`),
    });
  }

  private async applyChanges(): Promise<void> {
    this.changeTimer = undefined;
    const changes = this.pendingChanges.splice(0);
    const g = this.generation;
    if (!g || this.gone) return;
    const takeIds = this.takes.map((t) => t.id);
    const impact = { deleted: false, generation: false, versions: false, takes: false };
    for (const change of changes) {
      const i = impactOf(change, g.id, takeIds);
      impact.deleted ||= i.deleted;
      impact.generation ||= i.generation;
      impact.versions ||= i.versions;
      impact.takes ||= i.takes;
    }
    if (impact.deleted) {
      // Deleted in this window (the tree, a command): the user did it, so move on to its neighbour.
      if (this.deletingId !== g.id) await this.moveOnFrom(g.id);
      return;
    }
    const token = this.token;
    if (impact.generation) {
      try {
        const fresh = await this.rpc.history.get.query({ id: g.id });
        if (token !== this.token) return;
        const audioChanged = fresh.audioPath !== g.audioPath || fresh.status !== g.status;
        this.generation = fresh;
        this.renderGeneration();
        if (audioChanged && !impact.versions) impact.versions = true;
      } catch (e) {
        if (problemOf(failureOf(e)).kind === 'gone') {
          this.markGone('This generation was deleted elsewhere.');
          return;
        }
      }
    }
    if (impact.versions) {
      try {
        this.versions = await this.rpc.versions.list.query({ generationId: g.id });
      } catch {
        this.versions = [];
      }
      if (token !== this.token) return;
      const keep = this.versions.find((v) => v.id === this.versionId);
      const needsAudio = !keep || !this.audio;
      if (!keep) this.versionId = pickVersion(this.versions, null)?.id ?? null;
      this.renderVersions();
      if (needsAudio) await this.loadAudio(++this.token, { autoplay: false, position: 0 });
    }
    if (impact.takes) void this.loadTakes(this.token);
  }

  /** The shown generation was deleted here: show the row that took its place (or the previous one), else nothing. */
  private async moveOnFrom(deletedId: string): Promise<void> {
    const token = ++this.token;
    this.wave.pause();
    let target: Generation | null = null;
    try {
      target = (await this.rpc.player.next.mutate()) ?? (await this.rpc.player.previous.mutate());
    } catch {
      /* nothing to move to */
    }
    if (token !== this.token) return; // the user picked another row meanwhile
    if (target && target.id !== deletedId) return this.show(target.id, { autoplay: false, fromHost: true });
    this.forget();
    this.renderEmpty('Nothing selected.');
  }

  private markGone(message: string): void {
    this.gone = true;
    this.wave.clear();
    this.audio = null;
    this.setPlayable(false);
    this.ui.actions.hidden = true;
    this.showProblem({ kind: 'gone', message });
    this.forget();
    this.report(null, null);
  }

  private forget(): void {
    this.state.generationId = null;
    this.state.versionId = null;
    this.state.position = 0;
    this.save();
  }

  // ---- rendering ----------------------------------------------------------------------------

  private renderEmpty(message: string): void {
    if (this.generation) this.report(null, null);
    this.generation = null;
    this.audio = null;
    this.wave.clear();
    this.ui.emptyMessage.textContent = message;
    this.ui.empty.hidden = false;
    this.ui.player.hidden = true;
  }

  private renderGeneration(): void {
    const g = this.generation;
    if (!g) return;
    this.ui.empty.hidden = true;
    this.ui.player.hidden = false;
    this.ui.actions.hidden = false;
    // Text from the database is only ever set as text.
    this.ui.text.textContent = g.text;
    const parts = [g.profileName, [g.engine, g.model].filter(Boolean).join(' / '), g.duration == null ? '' : formatClock(g.duration)];
    this.ui.subtitle.textContent = parts.filter(Boolean).join(' · ');
    this.renderFavorite();
    this.renderDetails();
    if (g.status === 'failed') this.showProblem({ kind: 'error', message: `This generation failed: ${g.error ?? 'no reason was recorded.'}` });
  }

  private renderFavorite(): void {
    const fav = this.generation?.isFavorited ?? false;
    setButton(this.ui.favorite, fav ? 'star-full' : 'star-empty', fav ? 'Remove from favorites' : 'Favorite', fav ? SHORTCUTS.unfavorite : SHORTCUTS.favorite);
    setAttr(this.ui.favorite, 'data-favorite', fav);
    this.ui.favoriteMark.hidden = !fav;
  }

  private renderDetails(): void {
    const g = this.generation;
    if (!g) return;
    const formatTime = (ms: number): string => new Date(ms).toLocaleString();
    const rows = detailRows(g, this.audio?.format ?? null, formatTime);
    replaceChildren(
      this.ui.details,
      ...rows.flatMap((r) => [h('dt', {}, r.label), h('dd', { class: r.label === 'Error' ? 'error' : null }, r.value)]),
      ...(this.source ? [h('dt', {}, 'Spoken from'), h('dd', {}, this.sourceLink(this.source.label))] : []),
    );
  }

  private sourceLink(label: string): HTMLElement {
    const link = h('button', { type: 'button', class: 'link go-to-source', title: `Go to Source: ${label}` }, icon('go-to-file'), h('span', {}, label));
    link.addEventListener('click', () => void this.goToSource());
    return link;
  }

  private renderVersions(): void {
    const items = this.versions.map((v) => {
      const playing = v.id === this.versionId;
      const effects = describeEffects(v.effectsChain);
      const select = h(
        'button',
        { class: 'item-main', type: 'button', 'aria-pressed': playing ? 'true' : 'false', title: playing ? 'Playing this version' : `Play version "${v.label}"` },
        icon(playing ? 'play-circle' : 'circle-large-outline'),
        h('span', { class: 'item-label' }, v.label),
        h('span', { class: 'item-meta' }, [effects, v.duration == null ? '' : formatClock(v.duration)].filter(Boolean).join(' · ')),
      );
      select.addEventListener('click', () => void this.switchVersion(v.id));
      const tail = v.isDefault
        ? h('vscode-badge', { variant: 'default', title: 'The default version plays and exports unless another is chosen' }, 'default')
        : h('vscode-toolbar-button', { icon: 'pass', label: `Set "${v.label}" as default`, title: 'Set as default version' });
      if (!v.isDefault) tail.addEventListener('click', () => void this.setDefaultVersion(v.id));
      return h('li', { class: playing ? 'current' : null, 'data-version-id': v.id }, select, tail);
    });
    replaceChildren(this.ui.versions, ...items);
    (this.ui.versionsSection as HTMLElement & { description: string }).description = String(this.versions.length);
    this.ui.versionsSection.hidden = this.versions.length === 0;
  }

  private renderTakes(): void {
    const current = this.generation?.id;
    const items = this.takes.map((t, i) => {
      const isCurrent = t.id === current;
      const button = h(
        'button',
        { class: 'item-main', type: 'button', 'aria-current': isCurrent ? 'true' : null, title: isCurrent ? 'Showing this take' : 'Play this take' },
        icon(isCurrent ? 'play-circle' : 'circle-large-outline'),
        h('span', { class: 'item-label' }, `Take ${i + 1}`),
        h('span', { class: 'item-meta' }, [t.profileName, new Date(t.createdAt).toLocaleString(), t.duration == null ? '' : formatClock(t.duration)].filter(Boolean).join(' · ')),
        t.isFavorited ? h('span', { class: 'codicon codicon-star-full', role: 'img', 'aria-label': 'Favorite' }) : null,
      );
      if (!isCurrent) button.addEventListener('click', () => void this.show(t.id, { autoplay: true }));
      return h('li', { class: isCurrent ? 'current' : null }, button);
    });
    replaceChildren(this.ui.takes, ...items);
    this.ui.takesSection.hidden = this.takes.length < 2;
    (this.ui.takesSection as HTMLElement & { description: string }).description = String(this.takes.length);
  }

  private renderTime(): void {
    this.ui.current.textContent = formatClock(this.wave.time);
    this.ui.duration.textContent = formatClock(this.wave.length);
  }

  private setPlayable(playable: boolean): void {
    this.ui.transport.hidden = !playable;
    this.ui.slider.hidden = !playable;
    this.ui.slider.parentElement?.querySelector('.time')?.toggleAttribute('hidden', !playable);
  }

  private showProblem(problem: Problem): void {
    const icons: Record<Problem['kind'], string> = { gone: 'trash', 'audio-missing': 'warning', 'no-audio': 'info', unplayable: 'circle-slash', error: 'error' };
    this.ui.banner.hidden = false;
    this.ui.banner.dataset.kind = problem.kind;
    this.ui.bannerIcon.className = `codicon codicon-${icons[problem.kind]}`;
    this.ui.bannerText.textContent = problem.message;
    const action = this.ui.bannerAction;
    action.hidden = problem.kind !== 'audio-missing';
    if (problem.kind === 'audio-missing') {
      action.textContent = 'Reconcile Storage';
      action.onclick = () => {
        this.rpc.archive.reconcile.mutate().catch((e) => this.announce(failureOf(e).message));
      };
    }
  }

  private hideBanner(): void {
    if (this.generation?.status === 'failed') return;
    this.ui.banner.hidden = true;
  }

  private announce(message: string): void {
    this.ui.status.textContent = message;
  }

  // ---- wiring -------------------------------------------------------------------------------

  private bindControls(): void {
    const ui = this.ui;
    const on = (el: HTMLElement, fn: () => void): void => el.addEventListener('click', fn);
    on(ui.play, () => this.togglePlay());
    on(ui.back, () => this.seek(-SEEK_STEP));
    on(ui.forward, () => this.seek(SEEK_STEP));
    on(ui.next, () => void this.neighbour('next'));
    on(ui.previous, () => void this.neighbour('previous'));
    on(ui.mute, () => this.setMuted(!this.state.muted));
    ui.loop.addEventListener('change', () => this.setLoop((ui.loop as HTMLElement & { checked: boolean }).checked));
    ui.speed.addEventListener('change', () => this.setSpeed(Number(ui.speed.value)));
    ui.volume.addEventListener('input', () => this.setVolume(Number(ui.volume.value)));
    on(ui.favorite, () => void this.toggleFavorite());
    on(ui.copy, () => void this.act('copy'));
    on(ui.exportZip, () => void this.act('exportGeneration'));
    on(ui.exportAudio, () => void this.act('exportAudio'));
    on(ui.reveal, () => void this.act('reveal'));
    on(ui.remove, () => void this.act('delete'));
    document.addEventListener('keydown', (event) => {
      const command = commandForKey({ key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, focus: this.focusKind() });
      if (!command || this.ui.player.hidden) return;
      event.preventDefault();
      this.run(command);
    });
    // Save where we are when the view goes away (VS Code releases hidden webviews).
    window.addEventListener('pagehide', () => this.savePosition(true));
    document.addEventListener('visibilitychange', () => this.savePosition(true));
  }

  private bindWave(): void {
    this.wave.on('play', () => setButton(this.ui.play, 'debug-pause', 'Pause', SHORTCUTS.pause));
    this.wave.on('pause', () => {
      setButton(this.ui.play, 'play', 'Play', SHORTCUTS.play);
      this.savePosition(true);
    });
    this.wave.on('timeupdate', () => {
      this.renderTime();
      this.savePosition(false);
    });
    this.wave.on('error', (e) => {
      if (!this.audio) return;
      this.showProblem({ kind: 'error', message: `The audio could not be played: ${e.message}. If the file was removed, run "Reconcile Storage".` });
    });
    this.wave.media.addEventListener('playing', () => {
      if (this.metrics.playRequestedAt === undefined) return;
      this.metrics.playingAt = now();
      this.metrics.startMs = this.metrics.playingAt - this.metrics.playRequestedAt;
      this.metrics.playRequestedAt = undefined;
      document.body.dataset.startMs = this.metrics.startMs.toFixed(1);
    });
  }

  private run(command: PlayerCommand): void {
    switch (command.kind) {
      case 'togglePlay':
        return this.togglePlay();
      case 'seekBy':
        return this.seek(command.seconds);
      case 'seekTo':
        this.wave.seekTo(command.where === 'start' ? 0 : this.wave.length);
        this.renderTime();
        return;
      case 'speed':
        return this.setSpeed(stepSpeed(this.state.speed, command.direction));
      case 'toggleFavorite':
        return void this.toggleFavorite();
      case 'toggleMute':
        return this.setMuted(!this.state.muted);
      case 'next':
        return void this.neighbour('next');
      case 'previous':
        return void this.neighbour('previous');
    }
  }

  private focusKind(): FocusKind {
    const el = document.activeElement;
    if (!el || el === document.body) return 'other';
    if (el === this.ui.slider) return 'slider';
    const tag = el.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || tag === 'VSCODE-SINGLE-SELECT' || (el as HTMLElement).isContentEditable) return 'text-input';
    if (tag === 'BUTTON' || tag === 'VSCODE-BUTTON' || tag === 'VSCODE-TOOLBAR-BUTTON' || tag === 'VSCODE-COLLAPSIBLE' || tag === 'A') return 'button';
    return 'other';
  }

  private markPlayRequested(): void {
    this.metrics.playRequestedAt = now();
  }

  private savePosition(force: boolean): void {
    if (!this.audio) return;
    const t = Date.now();
    if (!force && t - this.lastSavedAt < SAVE_POSITION_EVERY_MS) return;
    this.lastSavedAt = t;
    this.state.position = this.wave.time;
    this.save();
  }

  private save(): void {
    this.vscode.setState(this.state);
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
