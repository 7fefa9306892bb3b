// A stand-in for the effects renderer port (the real one runs a worker and has its own tests):
// it writes a real WAV, or fails, or waits until it is cancelled, so tests can check what is stored around it.
import * as fs from 'node:fs';
import type { EffectsChain } from '../../../src/effects/chain';
import { EffectsError, type AudioFacts, type EffectsRenderer, type RenderResult, type RenderSource } from '../../../src/effects/render';
import { makeWav } from '../audio/make-wav';

/** A renderer that writes a real 0.5 s WAV at 22.05 kHz, unless told to fail or to wait for cancel. */
export class StandInRenderer implements EffectsRenderer {
  mode: 'ok' | 'fail' | 'hold' = 'ok';
  renders: Array<{ source: RenderSource; chain: EffectsChain }> = [];
  /** Resolves when a held render has started. */
  started: Promise<void> = Promise.resolve();
  private markStarted: () => void = () => undefined;

  hold(): void {
    this.mode = 'hold';
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }

  async render(source: RenderSource, chain: EffectsChain, options: { signal?: AbortSignal } = {}): Promise<RenderResult> {
    this.renders.push({ source, chain });
    if ('path' in source) fs.accessSync(source.path);
    if (this.mode === 'fail') throw new EffectsError('crashed', 'The effects renderer stopped unexpectedly; nothing was stored.');
    if (this.mode === 'hold') {
      this.markStarted();
      await new Promise<void>((_resolve, reject) => {
        const stop = () => reject(new EffectsError('cancelled', 'Cancelled.'));
        if (options.signal?.aborted) stop();
        options.signal?.addEventListener('abort', stop, { once: true });
      });
    }
    const wav = makeWav({ sampleRate: 22050, frames: 11025, sample: (f) => 0.25 * Math.sin((2 * Math.PI * 440 * f) / 22050) });
    return { wav: new Uint8Array(wav), sampleRate: 22050, channels: 1, durationMs: 500, loudnessLufs: -18.5, truePeakDb: -12 };
  }

  async analyze(): Promise<AudioFacts> {
    return { sampleRate: 16000, channels: 1, durationMs: 1000, loudnessLufs: -21, truePeakDb: -6 };
  }

  readonly running = 0;

  dispose(): void {}
}
