/**
 * The waveform and the audio element behind it. wavesurfer.js draws the host's precomputed peaks
 * (so a 10-minute take is never decoded in the webview) and plays through our own <audio>
 * element, which streams the file from its webview URI. The container is a keyboard-operable
 * slider (role="slider" with aria-value*), updated as the position changes.
 */
import WaveSurfer, { type WaveSurferEvents } from 'wavesurfer.js';
import { setAttr } from './dom';
import { positionText } from './state';

export interface WaveformColors {
  wave: string;
  progress: string;
  cursor: string;
}

export interface LoadInput {
  url: string;
  /** [upper curve, lower curve]; null: let wavesurfer decode the file itself. */
  channels: [number[], number[]] | null;
  duration: number;
}

export class Waveform {
  readonly media: HTMLAudioElement;
  private readonly ws: WaveSurfer;
  private duration = 0;

  constructor(
    private readonly slider: HTMLElement,
    container: HTMLElement,
    colors: WaveformColors,
    nonce: string,
  ) {
    this.media = document.createElement('audio');
    this.media.preload = 'auto';
    this.ws = WaveSurfer.create({
      container,
      media: this.media,
      height: 'auto',
      waveColor: colors.wave,
      progressColor: colors.progress,
      cursorColor: colors.cursor,
      cursorWidth: 2,
      barWidth: 2,
      barGap: 1,
      barRadius: 1,
      normalize: true,
      interact: true,
      dragToSeek: true,
      hideScrollbar: true,
      cspNonce: nonce,
    });
    this.ws.on('timeupdate', (t) => this.updateSlider(t));
    this.ws.on('interaction', (t) => this.updateSlider(t));
    this.updateSlider(0);
  }

  on<E extends keyof WaveSurferEvents>(event: E, listener: (...args: WaveSurferEvents[E]) => void): () => void {
    return this.ws.on(event, listener);
  }

  setColors(colors: WaveformColors): void {
    this.ws.setOptions({ waveColor: colors.wave, progressColor: colors.progress, cursorColor: colors.cursor });
  }

  async load(input: LoadInput): Promise<void> {
    this.duration = input.duration;
    this.updateSlider(0);
    if (input.channels) await this.ws.load(input.url, input.channels, input.duration);
    else await this.ws.load(input.url);
    this.duration = this.ws.getDuration() || input.duration;
    this.updateSlider(this.ws.getCurrentTime());
  }

  /**
   * Whether the audio element could load what `load` gave it: true once its metadata arrived,
   * false when the file could not be fetched or decoded (e.g. a URI outside the webview's roots).
   */
  playable(): Promise<boolean> {
    const m = this.media;
    if (m.error) return Promise.resolve(false);
    if (m.readyState >= HTMLMediaElement.HAVE_METADATA) return Promise.resolve(true);
    // Giving the element a new source queues "emptied"/"abort" for the source it had; those may
    // arrive after this call. Only a later change of source means this load was given up.
    const src = m.src;
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        for (const [n, l] of listeners) m.removeEventListener(n, l);
        resolve(ok);
      };
      const listeners = [
        ['loadedmetadata', () => done(true)],
        ['error', () => done(false)],
        ['emptied', () => m.src !== src && done(false)],
        ['abort', () => m.src !== src && done(false)],
      ] as const;
      for (const [n, l] of listeners) m.addEventListener(n, l);
    });
  }

  /** Shows a flat line and no audio (nothing playable). */
  clear(): void {
    this.ws.pause();
    this.ws.empty();
    this.media.removeAttribute('src');
    this.media.load();
    this.duration = 0;
    this.updateSlider(0);
  }

  get time(): number {
    return this.ws.getCurrentTime();
  }

  get length(): number {
    return this.duration || this.ws.getDuration();
  }

  get playing(): boolean {
    return this.ws.isPlaying();
  }

  play(): Promise<void> {
    return this.ws.play();
  }

  pause(): void {
    this.ws.pause();
  }

  seekTo(seconds: number): void {
    this.ws.setTime(seconds);
    this.updateSlider(seconds);
  }

  set speed(rate: number) {
    // Keep the pitch: speech at 1.5× should sound faster, not higher.
    this.media.preservesPitch = true;
    this.ws.setPlaybackRate(rate, true);
  }

  set volume(value: number) {
    this.ws.setVolume(value);
  }

  set muted(value: boolean) {
    this.ws.setMuted(value);
  }

  set loop(value: boolean) {
    this.media.loop = value;
  }

  private updateSlider(time: number): void {
    const duration = this.length;
    setAttr(this.slider, 'aria-valuemin', 0);
    setAttr(this.slider, 'aria-valuemax', Math.round(duration * 10) / 10);
    setAttr(this.slider, 'aria-valuenow', Math.round(time * 10) / 10);
    setAttr(this.slider, 'aria-valuetext', positionText(time, duration));
  }

  destroy(): void {
    this.ws.destroy();
  }
}
