// One error type for everything the store and history service refuse or fail at. `code` is
// stable (the RPC layer maps it); `message` tells the user what to do.
import { errorMessage } from '../format/errors';

export type HistoryErrorCode =
  'NOT_FOUND' | 'CONFLICT' | 'INVALID' | 'NO_SPACE' | 'PERMISSION' | 'LOCKED' | 'READ_ONLY' | 'CORRUPT' | 'TOO_NEW' | 'CLOSED' | 'IO';

export class HistoryError extends Error {
  override readonly name = 'HistoryError';
  constructor(
    readonly code: HistoryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isHistoryError(e: unknown, code?: HistoryErrorCode): e is HistoryError {
  return e instanceof HistoryError && (code === undefined || e.code === code);
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/** Turns a Node fs error into a HistoryError whose message says what to do. */
export function ioError(e: unknown, action: string, where: string): HistoryError {
  if (e instanceof HistoryError) return e;
  const code = errnoCode(e);
  const detail = errorMessage(e);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new HistoryError(
        'NO_SPACE',
        `Not enough disk space to ${action} in ${where}. Free some space and try again; nothing was changed.`,
        { cause: e },
      );
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new HistoryError(
        'PERMISSION',
        `No permission to ${action} in ${where} (${code}). Make the folder writable and try again; nothing was changed.`,
        { cause: e },
      );
    default:
      return new HistoryError('IO', `Could not ${action} in ${where}: ${detail}`, { cause: e });
  }
}
