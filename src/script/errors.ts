// Errors a user can meet in a script or lexicon file: where (0-based, like the editor) and what to do.

/** A script that cannot be voiced as written (a malformed subtitle cue, unclosed front matter, a binary file). */
export class ScriptError extends Error {
  override readonly name = 'ScriptError';
  constructor(
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

/** A pronunciation lexicon that is not well-formed PLS. */
export class LexiconError extends Error {
  override readonly name = 'LexiconError';
  constructor(
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

/** "line 12, column 3" for a 0-based position. */
export function where(line: number, column?: number): string {
  return column === undefined ? `line ${line + 1}` : `line ${line + 1}, column ${column + 1}`;
}
