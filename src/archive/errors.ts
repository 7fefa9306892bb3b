// Why an archive or audio file was refused. A HistoryError ('INVALID') so the RPC layer and the
// commands show its message as is; `reason` is stable for tests, logs and the import summary.
import { HistoryError } from '../store/errors';

export type ArchiveProblem =
  | 'not-a-zip'
  | 'zip-slip'
  | 'duplicate-entry'
  | 'too-many-entries'
  | 'too-large'
  | 'compression-ratio'
  | 'encrypted'
  | 'unsupported-compression'
  | 'damaged-entry'
  | 'manifest-missing'
  | 'manifest-too-large'
  | 'manifest-invalid'
  | 'manifest-too-new'
  | 'audio-missing'
  | 'audio-mismatch'
  | 'not-audio'
  | 'unknown-archive'
  | 'empty'
  | 'unsupported-file'
  | 'not-exportable'
  | 'write-failed';

export class ArchiveError extends HistoryError {
  constructor(
    readonly reason: ArchiveProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('INVALID', message, options);
  }
}

export function isArchiveError(e: unknown, reason?: ArchiveProblem): e is ArchiveError {
  return e instanceof ArchiveError && (reason === undefined || e.reason === reason);
}
