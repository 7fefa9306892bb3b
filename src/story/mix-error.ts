/** Why a story mixdown stopped; the message says what to do. */
export type MixErrorCode =
  'invalid-plan' | 'missing-audio' | 'unreadable-audio' | 'unsupported-target' | 'cancelled' | 'crashed' | 'failed';

export class MixError extends Error {
  override readonly name = 'MixError';
  constructor(
    readonly code: MixErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
