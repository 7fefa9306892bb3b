// The speech engines the user can pick, created on first use. An engine whose configuration
// can change (settings, API keys) is created afresh each time; one that is costly to start
// (Flite's worker process) is kept and disposed with the catalog.
import { EngineError, type SpeechEngine } from '../engines/engine';

export interface EngineEntry {
  id: string;
  displayName: string;
  /** One line for pickers. */
  description?: string;
  create: () => SpeechEngine;
  /** Keep the created engine for later requests (default false: create one per request). */
  keep?: boolean;
}

export class EngineCatalog {
  private readonly entries = new Map<string, EngineEntry>();
  private readonly kept = new Map<string, SpeechEngine>();

  constructor(entries: readonly EngineEntry[] = []) {
    for (const e of entries) this.add(e);
  }

  add(entry: EngineEntry): void {
    this.entries.set(entry.id, entry);
  }

  list(): EngineEntry[] {
    return [...this.entries.values()];
  }

  entry(id: string): EngineEntry | undefined {
    return this.entries.get(id);
  }

  /** The engine with this id; throws an EngineError naming the engines there are. */
  get(id: string): SpeechEngine {
    const kept = this.kept.get(id);
    if (kept) return kept;
    const entry = this.entries.get(id);
    if (!entry) {
      const known = [...this.entries.keys()].join(', ');
      throw new EngineError('invalid-input', `There is no speech engine "${id}" here; use one of: ${known}.`, id);
    }
    const engine = entry.create();
    if (entry.keep) this.kept.set(id, engine);
    return engine;
  }

  async dispose(): Promise<void> {
    const engines = [...this.kept.values()];
    this.kept.clear();
    await Promise.all(engines.map((e) => e.dispose?.()));
  }
}
