/** What a caught value says, for a user-facing message. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The stack where there is one (for the log), else the message. */
export function errorDetail(e: unknown): string {
  return e instanceof Error && e.stack ? e.stack : errorMessage(e);
}
