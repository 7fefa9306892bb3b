/**
 * The story editor page: loads its story from the host, draws tracks as lanes with each clip's
 * waveform, and turns gestures and keys into story operations, each sent to the host's history
 * service (stored before it answers) and drawn from the story it answers with. Play-through runs
 * in ./audio-engine. Changes from elsewhere arrive over `story.onChanged`.
 */
import type { TRPCClient } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { StoryEditorRouter } from '../../src/story-editor/router';
import { h, replaceChildren, setAttr, setButton } from '../player/dom';
import { AudioEngine, type PlayableClip } from './audio-engine';
import { attachDrag } from './drag';
import { actionFor, type EditorAction } from './keymap';
import { LANE_HEIGHT, RULER_HEIGHT, type Layout } from './layout';
import {
  bucketsFor,
  clampZoom,
  clipEndMs,
  drawnMs,
  formatTime,
  heardMs,
  msToPx,
  pxToMs,
  rulerTicks,
  scrollKeeping,
  storyEndMs,
  zoomBy,
  ZOOM_DEFAULT,
} from './timeline';
import { drawWaveform, foldPeaks, peaksOfBuffer, type ClipPeaks } from './waveform';

/**
 * Places an element through its style object: the page's CSP has no 'unsafe-inline', which
 * blocks style attributes (and so `h(…, { style })`) but not the CSSOM.
 */
function sized<T extends HTMLElement>(el: T, box: Partial<Record<'left' | 'top' | 'width' | 'height', number>>): T {
  for (const [k, v] of Object.entries(box)) el.style.setProperty(k, `${v}px`);
  return el;
}

type Outputs = inferRouterOutputs<StoryEditorRouter>;
export type EditorStory = Outputs['story']['get'];
export type EditorClip = EditorStory['clips'][number];
type StoryOp = inferRouterInputs<StoryEditorRouter>['story']['edit']['op'];
export type EditorClient = TRPCClient<StoryEditorRouter>;

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

interface SavedState {
  storyId?: string;
  pxPerSecond?: number;
  playheadMs?: number;
}

/** The host's peaks come in these slice counts (src/audio/peaks.ts). */
const BUCKETS = [100, 250, 500, 1000, 2000, 4000, 8000];
/** Space after the story's end, so a clip can be dragged past it. */
const TAIL_MS = 10_000;

export interface EditorMetrics {
  startAt: number;
  drawnAt?: number;
  seekAt?: number;
  soundAt?: number;
  edits: number;
}

export class StoryEditorApp {
  story: EditorStory | null = null;
  selectedId: string | null = null;
  playheadMs = 0;
  pxPerSecond = ZOOM_DEFAULT;
  readonly metrics: EditorMetrics = { startAt: performance.timeOrigin + performance.now(), edits: 0 };
  private readonly engine: AudioEngine;
  private readonly peaks = new Map<string, Promise<ClipPeaks | null>>();
  private readonly drawnPeaks = new Map<string, ClipPeaks>();
  private preview: { itemId: string; startMs: number; track: number; trimStartMs: number; trimEndMs: number } | null = null;
  private busy: Promise<unknown> = Promise.resolve();
  private refreshWanted = false;
  private frame = 0;
  private reportedDrawn = false;
  private gone = false;
  private title = '';
  private shownJson = '';

  constructor(
    private readonly ui: Layout,
    private readonly rpc: EditorClient,
    private readonly vscode: VsCodeApi,
  ) {
    const saved = (vscode.getState() ?? {}) as SavedState;
    if (typeof saved.pxPerSecond === 'number') this.pxPerSecond = clampZoom(saved.pxPerSecond);
    if (typeof saved.playheadMs === 'number' && saved.playheadMs >= 0) this.playheadMs = saved.playheadMs;
    this.engine = new AudioEngine(async (clip) => (await this.rpc.story.audio.query({ itemId: clip.itemId })).uri);
    this.wire();
  }

  async start(): Promise<void> {
    try {
      this.show(await this.rpc.story.get.query());
    } catch (e) {
      this.fail(e);
      return;
    }
    this.rpc.story.onChanged.subscribe(undefined, {
      onData: (change) => {
        if (change.kind === 'deleted') this.markGone();
        else this.refreshSoon();
      },
      onError: (e) => this.fail(e),
    });
  }

  // ---- story ------------------------------------------------------------------------------

  private show(story: EditorStory): void {
    // A refresh that brings nothing new (often the echo of this page's own edit) redraws nothing.
    const json = JSON.stringify(story);
    if (json === this.shownJson && !this.preview) return;
    this.shownJson = json;
    this.story = story;
    this.preview = null;
    if (this.selectedId && !story.clips.some((c) => c.itemId === this.selectedId)) this.selectedId = null;
    this.save();
    if (this.title !== story.name) {
      this.title = story.name;
      void this.rpc.story.setTitle.mutate({ name: story.name }).catch(() => undefined);
    }
    this.render();
    // Decode every clip's audio in the background, so play (and a seek) start at once.
    for (const c of story.clips) if (!c.problem) void this.engine.load(this.playable(c));
  }

  private refreshSoon(): void {
    if (this.refreshWanted) return;
    this.refreshWanted = true;
    // After any edit in flight (its answer is the story already) and outside a drag.
    void this.busy.then(() =>
      setTimeout(async () => {
        this.refreshWanted = false;
        if (this.preview || this.gone) return;
        try {
          this.show(await this.rpc.story.get.query());
        } catch (e) {
          this.fail(e);
        }
      }, 30),
    );
  }

  private markGone(): void {
    this.gone = true;
    this.engine.stop();
    this.message('This story was deleted. Close this editor.');
    this.ui.lanes.replaceChildren();
    this.ui.heads.replaceChildren();
  }

  /** Sends one operation; the host stores it, then the page draws the story it answers with. */
  private edit(op: StoryOp, select?: (itemIds: string[]) => string | null): Promise<void> {
    const run = this.busy.then(async () => {
      try {
        const result = await this.rpc.story.edit.mutate({ op });
        this.metrics.edits++;
        this.message(null);
        if (select) this.selectedId = select(result.itemIds);
        this.show(result.story);
        this.focusSelected();
      } catch (e) {
        this.fail(e);
        this.preview = null;
        this.render();
      }
    });
    this.busy = run;
    return run;
  }

  private history(way: 'undo' | 'redo'): Promise<void> {
    const run = this.busy.then(async () => {
      try {
        const { story } = way === 'undo' ? await this.rpc.story.undo.mutate() : await this.rpc.story.redo.mutate();
        if (!story) {
          this.message(way === 'undo' ? 'Nothing to undo.' : 'Nothing to redo.', 'info');
          return;
        }
        this.message(null);
        this.show(story);
        this.focusSelected();
      } catch (e) {
        this.fail(e);
      }
    });
    this.busy = run;
    return run;
  }

  // ---- drawing ----------------------------------------------------------------------------

  private clipsWithPreview(): EditorClip[] {
    const clips = this.story?.clips ?? [];
    const p = this.preview;
    return p ? clips.map((c) => (c.itemId === p.itemId ? { ...c, ...p } : c)) : clips;
  }

  private render(): void {
    const story = this.story;
    if (!story) return;
    this.ui.name.textContent = story.name;
    const clips = this.clipsWithPreview();
    const width = msToPx(Math.max(storyEndMs(clips), this.playheadMs) + TAIL_MS, this.pxPerSecond);
    this.ui.area.style.width = `${Math.ceil(width)}px`;
    this.ui.area.style.height = `${RULER_HEIGHT + story.tracks.length * LANE_HEIGHT}px`;
    // Redrawing replaces the clips' elements: the clip that had focus gets it back.
    const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('.clip')?.dataset.item;
    this.renderHeads(story);
    this.renderLanes(story, clips);
    if (focused) this.clipElement(focused)?.focus({ preventScroll: true });
    this.renderRuler();
    this.renderToolbar();
    this.placePlayhead();
    this.drawVisible();
  }

  private renderHeads(story: EditorStory): void {
    replaceChildren(
      this.ui.heads,
      sized(h('div', { class: 'head-spacer' }), { height: RULER_HEIGHT }),
      ...story.tracks.map((t) => {
        const label = t.name ?? `Track ${t.track + 1}`;
        const toggle = (what: 'mute' | 'solo', text: string, title: string): HTMLElement => {
          const b = h(
            'button',
            { class: `toggle ${what}`, 'aria-pressed': String(t[what]), 'aria-label': `${title} ${label}`, title },
            text,
          );
          b.addEventListener('click', () => void this.edit({ type: 'track', track: t.track, [what]: !t[what] }));
          return b;
        };
        const gain = h('input', {
          type: 'range',
          class: 'gain',
          min: 0,
          max: 2,
          step: 0.05,
          value: t.gain,
          'aria-label': `Gain of ${label}`,
          title: `Gain ${Math.round(t.gain * 100)}%`,
        });
        gain.addEventListener('change', () => void this.edit({ type: 'track', track: t.track, gain: Number(gain.value) }));
        return sized(
          h(
            'div',
            { class: `head${t.mute ? ' muted' : ''}`, role: 'group', 'aria-label': label },
            h('span', { class: 'track-name', title: label }, label),
            h('span', { class: 'head-controls' }, toggle('mute', 'M', 'Mute'), toggle('solo', 'S', 'Solo'), gain),
          ),
          { height: LANE_HEIGHT },
        );
      }),
    );
  }

  private renderLanes(story: EditorStory, clips: EditorClip[]): void {
    const px = this.pxPerSecond;
    const anySolo = story.tracks.some((t) => t.solo);
    const lanes = story.tracks.map((t) => {
      const silent = t.mute || (anySolo && !t.solo);
      return sized(
        h('div', {
          class: `lane${silent ? ' silent' : ''}`,
          role: 'group',
          'aria-label': `${t.name ?? `Track ${t.track + 1}`}${silent ? ' (silent)' : ''}`,
        }),
        { top: RULER_HEIGHT + t.track * LANE_HEIGHT, height: LANE_HEIGHT },
      );
    });
    const ordered = [...clips].sort((a, b) => a.track - b.track || a.startMs - b.startMs);
    for (const c of ordered) {
      const lane = lanes[c.track];
      if (!lane) continue;
      const left = msToPx(c.startMs, px);
      const width = Math.max(6, msToPx(drawnMs(c), px));
      const selected = c.itemId === this.selectedId;
      const where = `${formatTime(c.startMs, 100)} to ${formatTime(clipEndMs(c), 100)}`;
      const problem = c.problem ? `, no sound: ${c.problem}` : '';
      const el = h(
        'div',
        {
          class: `clip${selected ? ' selected' : ''}${c.problem ? ' placeholder' : ''}${this.preview?.itemId === c.itemId ? ' dragging' : ''}`,
          'data-item': c.itemId,
          tabindex: 0,
          role: 'button',
          'aria-roledescription': 'clip',
          'aria-pressed': String(selected),
          'aria-label': `${c.label}, ${c.voice || 'unknown voice'}, ${where}, volume ${Math.round(c.volume * 100)}%${problem}`,
          title: `${c.label}\n${c.voice}${c.versionLabel ? ` · ${c.versionLabel}` : ''} · ${where}${c.problem ? `\n${c.problem}` : ''}`,
        },
        h('canvas', { class: 'wave', 'aria-hidden': 'true' }),
        h('span', { class: 'clip-label' }, c.label),
        c.problem ? h('span', { class: 'clip-problem' }, c.problem) : null,
        h('span', { class: 'handle handle-start', 'aria-hidden': 'true', title: 'Drag to trim the start' }),
        h('span', { class: 'handle handle-end', 'aria-hidden': 'true', title: 'Drag to trim the end' }),
      );
      sized(el, { left, width });
      el.addEventListener('focus', () => this.select(c.itemId, false));
      lane.append(el);
    }
    replaceChildren(this.ui.lanes, ...lanes);
  }

  private renderRuler(): void {
    const end = pxToMs(this.ui.area.clientWidth || parseFloat(this.ui.area.style.width), this.pxPerSecond);
    const { stepMs, ticks } = rulerTicks(0, end, this.pxPerSecond);
    replaceChildren(
      this.ui.ruler,
      ...ticks.map((t) => sized(h('span', { class: 'tick' }, formatTime(t, stepMs)), { left: msToPx(t, this.pxPerSecond) })),
    );
  }

  private renderToolbar(): void {
    const clip = this.selected();
    const story = this.story;
    setButton(
      this.ui.play,
      this.engine.playing ? 'debug-pause' : 'play',
      this.engine.playing ? 'Pause' : 'Play',
      `${this.engine.playing ? 'Pause' : 'Play'} (Space)`,
    );
    setAttr(this.ui.split, 'disabled', !clip || !this.splitsInside(clip));
    setAttr(this.ui.remove, 'disabled', !clip);
    setAttr(this.ui.undo, 'disabled', !story?.canUndo);
    setAttr(this.ui.redo, 'disabled', !story?.canRedo);
    this.ui.clipVolume.disabled = !clip;
    this.ui.clipVolume.value = String(clip?.volume ?? 1);
    this.ui.clipVolumeText.textContent = clip ? `${Math.round(clip.volume * 100)}%` : '—';
  }

  private placePlayhead(): void {
    const x = msToPx(this.playheadMs, this.pxPerSecond);
    this.ui.playhead.style.transform = `translateX(${x}px)`;
    const total = this.story ? storyEndMs(this.story.clips) : 0;
    this.ui.time.textContent = `${formatTime(this.playheadMs, 100)} / ${formatTime(total, 100)}`;
    setAttr(this.ui.ruler, 'aria-valuemax', Math.round(total));
    setAttr(this.ui.ruler, 'aria-valuenow', Math.round(this.playheadMs));
    setAttr(this.ui.ruler, 'aria-valuetext', formatTime(this.playheadMs, 100));
  }

  /** Draws the waveform of every clip in view (only the part in view). */
  private drawVisible(): void {
    if (!this.story) return;
    const viewLeft = this.ui.scroller.scrollLeft;
    const viewRight = viewLeft + this.ui.scroller.clientWidth;
    const color = getComputedStyle(document.body).getPropertyValue('--clip-wave').trim() || '#888';
    const pending: Promise<unknown>[] = [];
    const byId = new Map(this.clipsWithPreview().map((c) => [c.itemId, c]));
    for (const el of this.ui.lanes.querySelectorAll<HTMLElement>('.clip')) {
      const clip = byId.get(el.dataset.item!);
      if (!clip || clip.problem) continue;
      const left = el.offsetLeft;
      const from = Math.max(left, viewLeft);
      const to = Math.min(left + el.offsetWidth, viewRight);
      const canvas = el.querySelector('canvas')!;
      if (to <= from) {
        canvas.style.display = 'none';
        continue;
      }
      canvas.style.display = '';
      canvas.style.left = `${from - left}px`;
      canvas.style.width = `${to - from}px`;
      const draw = (peaks: ClipPeaks): void =>
        drawWaveform({
          canvas,
          peaks,
          fromAudioMs: clip.trimStartMs + pxToMs(from - left, this.pxPerSecond),
          msPerPx: pxToMs(1, this.pxPerSecond),
          gain: clip.volume,
          color,
        });
      const key = this.peaksKey(clip);
      const ready = this.drawnPeaks.get(key) ?? this.drawnPeaks.get(`${clip.versionId}:any`);
      if (ready) draw(ready);
      if (!this.drawnPeaks.has(key)) {
        pending.push(
          this.peaksOf(clip).then((p) => {
            if (p && canvas.isConnected) draw(p);
          }),
        );
      }
    }
    if (!this.reportedDrawn) {
      void Promise.all(pending).then(() => {
        if (this.reportedDrawn) return;
        this.reportedDrawn = true;
        this.metrics.drawnAt = performance.timeOrigin + performance.now();
        document.body.dataset.drawn = String(this.story?.clips.length ?? 0);
        void this.rpc.story.reportDrawn
          .mutate({
            clips: this.story?.clips.length ?? 0,
            sinceStartMs: this.metrics.drawnAt - this.metrics.startAt,
            drawnAt: this.metrics.drawnAt,
          })
          .catch(() => undefined);
      });
    }
  }

  private peaksKey(clip: EditorClip): string {
    return `${clip.versionId}:${bucketsFor(clip.lengthMs, this.pxPerSecond, BUCKETS)}`;
  }

  private peaksOf(clip: EditorClip): Promise<ClipPeaks | null> {
    const key = this.peaksKey(clip);
    let p = this.peaks.get(key);
    if (!p) {
      const buckets = Number(key.split(':').pop());
      p = this.rpc.story.peaks
        .query({ itemId: clip.itemId, buckets })
        .then(async (r) => {
          if (r.peaks) return foldPeaks(r.peaks);
          // No peaks from the host (not a WAV): from the decoded audio instead.
          const buffer = await this.engine.load(this.playable(clip));
          return buffer ? peaksOfBuffer(buffer, buckets) : null;
        })
        .catch(() => null)
        .then((peaks) => {
          if (peaks) {
            this.drawnPeaks.set(key, peaks);
            this.drawnPeaks.set(`${clip.versionId}:any`, peaks);
          }
          return peaks;
        });
      this.peaks.set(key, p);
    }
    return p;
  }

  // ---- selection, playhead, zoom ----------------------------------------------------------

  private selected(): EditorClip | undefined {
    return this.story?.clips.find((c) => c.itemId === this.selectedId);
  }

  private select(itemId: string | null, focus = true): void {
    if (this.selectedId === itemId) return;
    this.selectedId = itemId;
    for (const el of this.ui.lanes.querySelectorAll<HTMLElement>('.clip')) {
      const on = el.dataset.item === itemId;
      el.classList.toggle('selected', on);
      el.setAttribute('aria-pressed', String(on));
    }
    this.renderToolbar();
    if (focus) this.focusSelected();
  }

  private clipElement(itemId: string): HTMLElement | null {
    return this.ui.lanes.querySelector<HTMLElement>(`.clip[data-item="${CSS.escape(itemId)}"]`);
  }

  private focusSelected(): void {
    if (!this.selectedId) return;
    const el = this.clipElement(this.selectedId);
    if (el && document.activeElement !== el) el.focus({ preventScroll: false });
  }

  private splitsInside(clip: EditorClip): boolean {
    return this.playheadMs > clip.startMs && this.playheadMs < clip.startMs + heardMs(clip);
  }

  private setPlayhead(ms: number): void {
    this.playheadMs = Math.max(0, Math.round(ms));
    this.placePlayhead();
    this.renderToolbar();
    this.save();
  }

  private zoom(steps: number, anchorClientX?: number): void {
    const rect = this.ui.scroller.getBoundingClientRect();
    const screenX =
      anchorClientX === undefined ? msToPx(this.playheadMs, this.pxPerSecond) - this.ui.scroller.scrollLeft : anchorClientX - rect.left;
    const at = pxToMs(this.ui.scroller.scrollLeft + screenX, this.pxPerSecond);
    this.pxPerSecond = zoomBy(this.pxPerSecond, steps);
    this.render();
    this.ui.scroller.scrollLeft = scrollKeeping(at, screenX, this.pxPerSecond);
    this.drawVisible();
    this.save();
  }

  private timeAt(clientX: number): number {
    const rect = this.ui.area.getBoundingClientRect();
    return pxToMs(clientX - rect.left, this.pxPerSecond);
  }

  // ---- play-through -----------------------------------------------------------------------

  private playable(c: EditorClip): PlayableClip {
    return { ...c, audioKey: c.problem ? null : c.versionId };
  }

  async togglePlay(): Promise<void> {
    if (this.engine.playing) {
      this.setPlayhead(this.engine.positionMs());
      this.engine.stop();
      cancelAnimationFrame(this.frame);
      this.renderToolbar();
      return;
    }
    await this.playFrom(this.playheadMs);
  }

  private async playFrom(ms: number): Promise<void> {
    const story = this.story;
    if (!story) return;
    const end = storyEndMs(story.clips);
    const from = ms >= end ? 0 : ms;
    this.setPlayhead(from);
    await this.engine.play(
      story.clips.filter((c) => !c.problem).map((c) => this.playable(c)),
      story.tracks,
      from,
    );
    this.renderToolbar();
    const tick = (): void => {
      if (!this.engine.playing) return;
      const now = this.engine.positionMs();
      if (this.metrics.seekAt !== undefined && this.metrics.soundAt === undefined && this.engine.level() > 0.001) {
        this.metrics.soundAt = performance.timeOrigin + performance.now();
      }
      if (now >= end) {
        this.engine.stop();
        this.setPlayhead(end);
        this.renderToolbar();
        return;
      }
      this.playheadMs = now;
      this.placePlayhead();
      this.frame = requestAnimationFrame(tick);
    };
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(tick);
  }

  private seek(ms: number, final: boolean): void {
    if (final) {
      this.metrics.seekAt = performance.timeOrigin + performance.now();
      this.metrics.soundAt = undefined;
    }
    if (this.engine.playing && final) void this.playFrom(ms);
    else this.setPlayhead(ms);
  }

  // ---- actions ----------------------------------------------------------------------------

  async act(action: EditorAction): Promise<void> {
    const clip = this.selected();
    switch (action.type) {
      case 'playPause':
        return this.togglePlay();
      case 'undo':
        return this.history('undo');
      case 'redo':
        return this.history('redo');
      case 'zoom':
        return this.zoom(action.steps);
      case 'playheadToStart':
        return this.seek(0, true);
      case 'playheadToEnd':
        return this.seek(this.story ? storyEndMs(this.story.clips) : 0, true);
      case 'deselect':
        return this.select(null, false);
    }
    if (!clip) {
      this.message('Select a clip first (Tab moves between clips).', 'info');
      return;
    }
    switch (action.type) {
      case 'nudge':
        return this.edit({ type: 'move', itemId: clip.itemId, startMs: Math.max(0, clip.startMs + action.deltaMs) });
      case 'moveTrack': {
        const track = clip.track + action.delta;
        if (track < 0 || !this.story || track >= this.story.tracks.length) return;
        return this.edit({ type: 'move', itemId: clip.itemId, startMs: clip.startMs, track });
      }
      case 'volume': {
        const volume = Math.round(Math.min(2, Math.max(0, clip.volume + action.delta)) * 100) / 100;
        return this.edit({ type: 'volume', itemId: clip.itemId, volume });
      }
      case 'split':
        if (!this.splitsInside(clip)) {
          this.message('Move the playhead inside the selected clip to split it there.', 'info');
          return;
        }
        return this.edit({ type: 'split', itemId: clip.itemId, atMs: Math.round(this.playheadMs) }, (ids) => ids[1] ?? null);
      case 'duplicate':
        return this.edit({ type: 'duplicate', itemId: clip.itemId }, (ids) => ids[0] ?? null);
      case 'remove': {
        const order = this.story!.clips.map((c) => c.itemId);
        const next = order[order.indexOf(clip.itemId) + 1] ?? order[order.indexOf(clip.itemId) - 1] ?? null;
        return this.edit({ type: 'remove', itemIds: [clip.itemId] }, () => next);
      }
    }
  }

  private wire(): void {
    const ui = this.ui;
    ui.play.addEventListener('click', () => void this.togglePlay());
    ui.split.addEventListener('click', () => void this.act({ type: 'split' }));
    ui.remove.addEventListener('click', () => void this.act({ type: 'remove' }));
    ui.undo.addEventListener('click', () => void this.act({ type: 'undo' }));
    ui.redo.addEventListener('click', () => void this.act({ type: 'redo' }));
    ui.zoomIn.addEventListener('click', () => this.zoom(1));
    ui.zoomOut.addEventListener('click', () => this.zoom(-1));
    ui.clipVolume.addEventListener('input', () => (ui.clipVolumeText.textContent = `${Math.round(Number(ui.clipVolume.value) * 100)}%`));
    ui.clipVolume.addEventListener('change', () => {
      const clip = this.selected();
      if (clip) void this.edit({ type: 'volume', itemId: clip.itemId, volume: Number(ui.clipVolume.value) });
    });
    ui.scroller.addEventListener('scroll', () => {
      cancelAnimationFrame(this.scrollFrame);
      this.scrollFrame = requestAnimationFrame(() => this.drawVisible());
    });
    ui.scroller.addEventListener(
      'wheel',
      (e) => {
        if (!e.ctrlKey && !e.metaKey) return;
        e.preventDefault();
        this.zoom(-Math.sign(e.deltaY) * Math.min(2, Math.abs(e.deltaY) / 100 || 1), e.clientX);
      },
      { passive: false },
    );
    ui.ruler.addEventListener('keydown', (e) => {
      const step = e.shiftKey ? 1000 : 100;
      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        e.preventDefault();
        e.stopPropagation();
        this.seek(this.playheadMs + (e.key === 'ArrowLeft' ? -step : step), true);
      }
    });
    document.addEventListener('keydown', (e) => {
      const target = e.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable]') && e.key !== 'Escape') return;
      const action = actionFor(e);
      if (!action) return;
      // A focused button takes Space and Enter itself.
      if (action.type === 'playPause' && target.closest('button, vscode-toolbar-button, vscode-button')) return;
      e.preventDefault();
      void this.act(action);
    });
    window.addEventListener('resize', () => this.render());
    new MutationObserver(() => this.drawVisible()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    attachDrag(ui.area, ui.ruler, {
      pxPerSecond: () => this.pxPerSecond,
      clips: () => this.story?.clips ?? [],
      laneCount: () => this.story?.tracks.length ?? 0,
      laneAt: (clientY) => Math.floor((clientY - ui.area.getBoundingClientRect().top - RULER_HEIGHT) / LANE_HEIGHT),
      timeAt: (clientX) => this.timeAt(clientX),
      preview: (itemId, change) => {
        this.preview = { itemId, ...change };
        this.render();
      },
      commitMove: (itemId, startMs, track) => void this.edit({ type: 'move', itemId, startMs, track }),
      commitTrim: (itemId, startMs, trimStartMs, trimEndMs) => {
        // A start trim moves the clip's start with it, so the sound stays where it was.
        void this.edit({ type: 'trim', itemId, trimStartMs, trimEndMs, startMs });
      },
      cancel: () => {
        this.preview = null;
        this.render();
      },
      seek: (ms, final) => this.seek(ms, final),
      select: (itemId) => this.select(itemId, false),
    });
  }

  private scrollFrame = 0;

  // ---- messages ---------------------------------------------------------------------------

  private message(text: string | null, kind: 'error' | 'info' = 'error'): void {
    this.ui.message.hidden = text === null;
    this.ui.message.textContent = text ?? '';
    this.ui.message.className = `message ${kind}`;
  }

  private fail(e: unknown): void {
    const text = e instanceof Error ? e.message : String(e);
    this.message(text || 'Something went wrong; the Voice History output has details.');
  }

  private save(): void {
    const state: SavedState = { storyId: this.story?.id, pxPerSecond: this.pxPerSecond, playheadMs: this.playheadMs };
    this.vscode.setState(state);
  }
}
