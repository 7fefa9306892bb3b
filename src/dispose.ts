// One way to release what an object owns (event subscriptions, emitters, watchers, views), instead
// of a hand-rolled `for (const d of list.splice(0)) d.dispose()` in every class. Structural, so it
// works for vscode.Disposable and our own objects alike without importing `vscode`.

/** Anything with a `dispose()`. */
export interface DisposableLike {
  dispose(): unknown;
}

/**
 * Disposes every item in order and empties the list, so a second call does nothing. One that
 * throws does not keep the others alive: all are disposed, then the first error is rethrown.
 */
export function disposeAll(items: DisposableLike[]): void {
  let failure: { error: unknown } | undefined;
  for (const item of items.splice(0)) {
    try {
      item.dispose();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
