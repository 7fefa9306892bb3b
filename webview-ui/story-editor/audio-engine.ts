/**
 * Play-through in the webview: every clip's audio fetched from its webview URI and decoded once,
 * then, from any position, one AudioBufferSourceNode per clip scheduled on the same AudioContext
 * clock (so all tracks stay in sync) through a gain node carrying volume × track gain and the
 * fades (./mix-schedule decides what to schedule). An analyser on the output tells when sound
 * actually comes out (the seek-to-sound benchmark reads it).
 */
import { scheduleFrom, type MixClip, type MixTrack } from './mix-schedule';

/** Scheduling lead: sources start this far ahead of "now" so none starts late. */
const LEAD_S = 0.02;

export interface PlayableClip extends MixClip {
  /** The cache key of its audio (the version's id). */
  audioKey: string | null;
}

export class AudioEngine {
  private ctx: AudioContext | undefined;
  private output: GainNode | undefined;
  private analyser: AnalyserNode | undefined;
  private readonly buffers = new Map<string, Promise<AudioBuffer | null>>();
  private readonly decoded = new Map<string, AudioBuffer>();
  private sources: AudioBufferSourceNode[] = [];
  private startedAt = 0;
  private fromMs = 0;
  private playingNow = false;
  /** Context time when the first source of the current play starts (what a seek waits for). */
  private firstSoundAt = Infinity;

  constructor(private readonly fetchUri: (clip: PlayableClip) => Promise<string>) {}

  private context(): AudioContext {
    if (!this.ctx) {
      this.ctx = new AudioContext({ latencyHint: 'interactive' });
      this.output = this.ctx.createGain();
      this.analyser = this.ctx.createAnalyser();
      this.analyser.fftSize = 512;
      this.output.connect(this.analyser);
      this.analyser.connect(this.ctx.destination);
    }
    return this.ctx;
  }

  get playing(): boolean {
    return this.playingNow;
  }

  /** The decoded audio of a clip, fetching it the first time; null when it cannot be had. */
  load(clip: PlayableClip): Promise<AudioBuffer | null> {
    const key = clip.audioKey;
    if (!key) return Promise.resolve(null);
    let p = this.buffers.get(key);
    if (!p) {
      p = (async () => {
        const uri = await this.fetchUri(clip);
        const response = await fetch(uri);
        if (!response.ok) throw new Error(`could not fetch the audio (${response.status})`);
        const buffer = await this.context().decodeAudioData(await response.arrayBuffer());
        this.decoded.set(key, buffer);
        return buffer;
      })().catch(() => null);
      this.buffers.set(key, p);
    }
    return p;
  }

  /** Already decoded (no waiting). */
  buffer(key: string | null): AudioBuffer | undefined {
    return key ? this.decoded.get(key) : undefined;
  }

  /** Starts every audible clip from `fromMs`; resolves when sources are scheduled. */
  async play(clips: readonly PlayableClip[], tracks: readonly MixTrack[], fromMs: number): Promise<void> {
    this.stop();
    const ctx = this.context();
    if (ctx.state === 'suspended') await ctx.resume();
    const plan = scheduleFrom(clips, tracks, fromMs);
    const byId = new Map(clips.map((c) => [c.itemId, c]));
    // Clips decoded already start at once; the rest join when decoded, at their place in time.
    this.playingNow = true;
    this.fromMs = fromMs;
    this.startedAt = ctx.currentTime + LEAD_S;
    this.firstSoundAt = Infinity;
    const token = this.startedAt;
    await Promise.all(
      plan.map(async (s) => {
        const clip = byId.get(s.itemId)!;
        const buffer = this.buffer(clip.audioKey) ?? (await this.load(clip));
        if (!buffer || !this.playingNow || this.startedAt !== token) return;
        const now = ctx.currentTime;
        const at = this.startedAt + s.delayMs / 1000;
        const late = Math.max(0, now + LEAD_S - at);
        const source = ctx.createBufferSource();
        source.buffer = buffer;
        const gain = ctx.createGain();
        const first = s.envelope[0];
        gain.gain.setValueAtTime(s.gain * (first?.value ?? 1), at + late);
        for (const p of s.envelope.slice(1)) gain.gain.linearRampToValueAtTime(s.gain * p.value, this.startedAt + p.atMs / 1000);
        source.connect(gain).connect(this.output!);
        const duration = s.durationMs / 1000 - late;
        if (duration <= 0) return;
        source.start(at + late, s.offsetMs / 1000 + late, duration);
        this.firstSoundAt = Math.min(this.firstSoundAt, at + late);
        this.sources.push(source);
      }),
    );
  }

  stop(): void {
    this.playingNow = false;
    for (const s of this.sources) {
      try {
        s.stop();
      } catch {
        /* not started yet */
      }
      s.disconnect();
    }
    this.sources = [];
  }

  /** The story position being played (or where play last started). */
  positionMs(): number {
    if (!this.playingNow || !this.ctx) return this.fromMs;
    return this.fromMs + Math.max(0, this.ctx.currentTime - this.startedAt) * 1000;
  }

  /**
   * Peak level of what this play puts out now (0..1): 0 until the analyser's whole window comes
   * after this play's first source started, so what an earlier play left in it is not counted.
   */
  level(): number {
    if (!this.analyser || !this.ctx) return 0;
    if (this.ctx.currentTime < this.firstSoundAt + this.analyser.fftSize / this.ctx.sampleRate) return 0;
    const data = new Float32Array(this.analyser.fftSize);
    this.analyser.getFloatTimeDomainData(data);
    let peak = 0;
    for (const v of data) peak = Math.max(peak, Math.abs(v));
    return peak;
  }
}
