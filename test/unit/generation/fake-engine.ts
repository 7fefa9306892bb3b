// A small engine behind the SpeechEngine boundary for runner tests: it answers with a real WAV
// (or an error), records what it was asked, and can be held mid-synthesis so a test can look
// at the row while the engine works. It honours the AbortSignal like the real engines do.
import { wavHeader } from '../../../src/audio/wav';
import {
  cancelledError,
  EngineError,
  type EngineCapabilities,
  type SpeechEngine,
  type SynthesisRequest,
  type SynthesisResult,
  type Voice,
} from '../../../src/engines/engine';

export function wav(seconds: number, sampleRate = 8000): Uint8Array {
  const dataLength = Math.round(seconds * sampleRate) * 2;
  const bytes = new Uint8Array(44 + dataLength);
  bytes.set(wavHeader({ sampleRate, channels: 1, bitsPerSample: 16, dataLength }), 0);
  for (let i = 44; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
  return bytes;
}

type Outcome = { audio: Uint8Array; externalId?: string } | { error: unknown };

export class FakeEngine implements SpeechEngine {
  readonly displayName: string;
  readonly languages: readonly string[];
  readonly capabilities: EngineCapabilities;
  readonly requests: SynthesisRequest[] = [];
  readonly signals: AbortSignal[] = [];
  voices: Voice[] = [{ id: 'v1', name: 'Voice One', language: 'en-GB', description: 'test voice' }];
  voicesFail = false;
  /** What the next syntheses answer, in order; the last one repeats. */
  outcomes: Outcome[] = [{ audio: wav(0.5) }];
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;
  private entered: (() => void) | undefined;

  constructor(
    readonly id = 'fake',
    options: { capabilities?: Partial<EngineCapabilities>; languages?: string[]; displayName?: string } = {},
  ) {
    this.displayName = options.displayName ?? 'Fake engine';
    this.languages = options.languages ?? ['en'];
    this.capabilities = { seed: false, instruct: false, languages: false, ...options.capabilities };
  }

  /** The next synthesis waits until `release()`; resolves when it has started. */
  hold(): Promise<void> {
    this.gate = new Promise((r) => (this.openGate = r));
    return new Promise((r) => (this.entered = r));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  async listVoices(): Promise<Voice[]> {
    if (this.voicesFail) throw new EngineError('network', 'offline', this.id);
    return this.voices.map((v) => ({ ...v }));
  }

  async synthesize(request: SynthesisRequest, signal: AbortSignal): Promise<SynthesisResult> {
    this.requests.push(structuredClone(request));
    this.signals.push(signal);
    const outcome = this.outcomes.length > 1 ? this.outcomes.shift()! : this.outcomes[0]!;
    if (this.gate) {
      const gate = this.gate;
      this.entered?.();
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => reject(cancelledError(this.id, this.displayName));
        if (signal.aborted) onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        void gate.then(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
    if (signal.aborted) throw cancelledError(this.id, this.displayName);
    if ('error' in outcome) throw outcome.error;
    return {
      audio: outcome.audio,
      format: 'wav',
      mimeType: 'audio/wav',
      sampleRate: 8000,
      channels: 1,
      duration: (outcome.audio.length - 44) / 16000,
      model: request.model ?? 'fake-model-1',
      settings: { speed: 1, ...request.settings },
      ...(outcome.externalId ? { externalId: outcome.externalId } : {}),
    };
  }
}
