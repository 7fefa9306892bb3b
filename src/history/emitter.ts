// A tiny typed event emitter (no vscode dependency); listeners that throw do not stop others.
import type { Disposable } from './types';

export class Emitter<T> {
  private readonly listeners = new Set<(event: T) => void>();

  constructor(private readonly onListenerError: (e: unknown) => void = () => undefined) {}

  on(listener: (event: T) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  fire(event: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (e) {
        this.onListenerError(e);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
