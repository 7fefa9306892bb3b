/**
 * Transport: play/pause, seeking, speed, volume, mute and loop on the waveform's audio element,
 * with the preferences and the position kept in the page's saved state.
 */
import { setButton } from './dom';
import type { Render } from './render';
import { now, type Session } from './session';
import { clampSpeed, clampVolume, failureOf, formatSpeed, seekBy, SHORTCUTS } from './state';

const SAVE_POSITION_EVERY_MS = 1000;

export class Transport {
  private lastSavedAt = 0;

  constructor(
    private readonly s: Session,
    private readonly render: Render,
  ) {}

  async play(): Promise<void> {
    if (!this.s.audio || this.s.gone) return;
    try {
      await this.s.wave.play();
    } catch (e) {
      // Browsers refuse to start audio without a user gesture in some hosts; Play still works.
      const name = e instanceof Error ? e.name : '';
      this.render.announce(
        name === 'NotAllowedError' ? 'Press Play (Space) to start playback.' : `Playback failed: ${failureOf(e).message}`,
      );
    }
  }

  togglePlay(): void {
    if (this.s.wave.playing) this.s.wave.pause();
    else {
      this.markPlayRequested();
      void this.play();
    }
  }

  seek(seconds: number): void {
    if (!this.s.audio) return;
    const { wave } = this.s;
    wave.seekTo(seekBy(wave.time, seconds, wave.length));
    this.render.time();
    this.savePosition(true);
  }

  seekTo(where: 'start' | 'end'): void {
    this.s.wave.seekTo(where === 'start' ? 0 : this.s.wave.length);
    this.render.time();
  }

  setSpeed(speed: number): void {
    const { s } = this;
    s.state.speed = clampSpeed(speed);
    s.wave.speed = s.state.speed;
    if (s.ui.speed.value !== String(s.state.speed)) s.ui.speed.value = String(s.state.speed);
    s.save();
    this.render.announce(`Speed ${formatSpeed(s.state.speed)}`);
  }

  setVolume(volume: number): void {
    const { s } = this;
    s.state.volume = clampVolume(volume);
    s.wave.volume = s.state.volume;
    if (s.state.volume > 0 && s.state.muted) this.setMuted(false);
    s.ui.volume.value = String(s.state.volume);
    s.save();
  }

  setMuted(muted: boolean): void {
    this.s.state.muted = muted;
    this.s.wave.muted = muted;
    this.muteButton();
    this.s.save();
  }

  setLoop(loop: boolean): void {
    this.s.state.loop = loop;
    this.s.wave.loop = loop;
    (this.s.ui.loop as HTMLElement & { checked: boolean }).checked = loop;
    this.s.save();
  }

  /** Applies the saved preferences to the audio element and the controls. */
  applyPrefs(): void {
    const { wave, ui, state } = this.s;
    wave.speed = state.speed;
    wave.volume = state.volume;
    wave.muted = state.muted;
    wave.loop = state.loop;
    ui.speed.value = String(state.speed);
    ui.volume.value = String(state.volume);
    (ui.loop as HTMLElement & { checked: boolean }).checked = state.loop;
    this.muteButton();
  }

  markPlayRequested(): void {
    this.s.metrics.playRequestedAt = now();
  }

  savePosition(force: boolean): void {
    if (!this.s.audio) return;
    const t = Date.now();
    if (!force && t - this.lastSavedAt < SAVE_POSITION_EVERY_MS) return;
    this.lastSavedAt = t;
    this.s.state.position = this.s.wave.time;
    this.s.save();
  }

  /** Follows the audio element: the play button, the time, the saved position, start-up timing. */
  bindWave(): void {
    const { wave, ui, metrics } = this.s;
    wave.on('play', () => setButton(ui.play, 'debug-pause', 'Pause', SHORTCUTS.pause));
    wave.on('pause', () => {
      setButton(ui.play, 'play', 'Play', SHORTCUTS.play);
      this.savePosition(true);
    });
    wave.on('timeupdate', () => {
      this.render.time();
      this.savePosition(false);
    });
    wave.on('error', (e) => {
      if (!this.s.audio) return;
      this.render.problem({
        kind: 'error',
        message: `The audio could not be played: ${e.message}. If the file was removed, run "Reconcile Storage".`,
      });
    });
    wave.media.addEventListener('playing', () => {
      if (metrics.playRequestedAt === undefined) return;
      metrics.playingAt = now();
      metrics.startMs = metrics.playingAt - metrics.playRequestedAt;
      metrics.playRequestedAt = undefined;
      document.body.dataset.startMs = metrics.startMs.toFixed(1);
    });
  }

  private muteButton(): void {
    const muted = this.s.state.muted;
    setButton(this.s.ui.mute, muted ? 'mute' : 'unmute', muted ? 'Unmute' : 'Mute', muted ? SHORTCUTS.unmute : SHORTCUTS.mute);
  }
}
