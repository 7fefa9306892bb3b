// The one interface every speech engine implements, and the typed error they all throw.
// No `vscode` import: engines run (and are tested) in plain Node.

import type { AudioFormat } from '../audio/format';

export interface Voice {
  /** The engine's own voice id (Flite `slt`, an ElevenLabs voice_id, an OpenAI voice name). */
  id: string;
  /** Shown to the user; becomes the profile name. */
  name: string;
  /** Language code such as "en" or "en-GB", when the engine says. */
  language?: string;
  description?: string;
}

export interface EngineCapabilities {
  /** A seed makes takes repeatable (or at least steerable). */
  seed: boolean;
  /** Free-text style instructions ("speak slowly and warmly"). */
  instruct: boolean;
  /** The caller may choose the language. */
  languages: boolean;
}

export interface SynthesisRequest {
  text: string;
  /** A `Voice.id` of this engine. */
  voice: string;
  language?: string;
  seed?: number;
  instruct?: string;
  /** Overrides the engine's configured model. */
  model?: string;
  /** Engine-specific knobs (speed, stability, …); each engine validates its own. */
  settings?: Record<string, unknown>;
}

export interface SynthesisResult {
  audio: Uint8Array;
  format: AudioFormat;
  mimeType: string;
  sampleRate?: number;
  channels?: number;
  /** Seconds. */
  duration?: number;
  /** The model that produced the audio. */
  model: string;
  /** Id of this generation at the service (ElevenLabs `history-item-id`). */
  externalId?: string;
  /** The settings actually applied, for the history row (defaults filled in). */
  settings: Record<string, unknown>;
}

export interface SpeechEngine {
  /** Stable id stored with every generation: 'flite', 'openai', 'elevenlabs'. */
  readonly id: string;
  readonly displayName: string;
  /** Languages the engine speaks (codes such as "en"). */
  readonly languages: readonly string[];
  readonly capabilities: EngineCapabilities;
  listVoices(signal?: AbortSignal): Promise<Voice[]>;
  /** Rejects with an EngineError; with kind 'cancelled' when `signal` aborts. */
  synthesize(request: SynthesisRequest, signal: AbortSignal): Promise<SynthesisResult>;
  /** Frees workers, sockets, temp files. Safe to call twice. */
  dispose?(): void | Promise<void>;
}

export type EngineErrorKind = 'network' | 'auth' | 'rate-limit' | 'timeout' | 'bad-response' | 'cancelled' | 'invalid-input' | 'engine';

export interface EngineErrorOptions {
  /** HTTP status, when the error came from a response. */
  status?: number;
  /** From Retry-After (rate limits, 503). */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * What went wrong, in words the user can act on: `message` is shown as is (and stored as the
 * generation's error), so it says what to do. `kind` drives retries and UI.
 */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(
    readonly kind: EngineErrorKind,
    message: string,
    readonly engineId: string,
    options: EngineErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Worth trying again later without changing anything. */
  get transient(): boolean {
    return (
      this.kind === 'network' || this.kind === 'timeout' || this.kind === 'rate-limit' || (this.status !== undefined && this.status >= 500)
    );
  }

  /** Plain object for logs and postMessage (errors lose fields when cloned). */
  toJSON(): { name: string; kind: EngineErrorKind; message: string; engineId: string; status?: number; retryAfterMs?: number } {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      engineId: this.engineId,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

export function cancelledError(engineId: string, displayName: string): EngineError {
  return new EngineError('cancelled', `${displayName} generation was cancelled.`, engineId);
}
