/** The one error type of the effects engine: a code for callers, a message for people. */

export type EffectsErrorCode = 'invalid-chain' | 'unsupported-input' | 'corrupt-input' | 'too-long' | 'cancelled' | 'crashed' | 'failed';

export class EffectsError extends Error {
  override readonly name = 'EffectsError';
  constructor(
    readonly code: EffectsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
