// Tags of an import batch: each name found by its case-folded key or created once, then put on
// the generation (a name given twice, in any case, is one tag). Runs inside the batch's transaction.
import { randomUUID } from 'node:crypto';
import type { Writer } from '../store/database';
import { nameKey } from './service-support';

export class BatchTags {
  private readonly ids = new Map<string, string>();

  constructor(
    private readonly w: Writer,
    private readonly now: number,
  ) {}

  tag(generationId: string, name: string): void {
    this.w.run('INSERT OR IGNORE INTO generation_tags (generation_id, tag_id) VALUES (?, ?)', [generationId, this.idOf(name)]);
  }

  /** Ids of every tag the batch put on a generation. */
  used(): string[] {
    return [...this.ids.values()];
  }

  private idOf(name: string): string {
    const key = nameKey(name);
    let id = this.ids.get(key);
    if (id === undefined) {
      const found = this.w.value('SELECT id FROM tags WHERE name_key = ?', [key]);
      id = found != null ? String(found) : randomUUID();
      if (found == null) this.w.run('INSERT INTO tags (id, name, name_key, created_at) VALUES (?, ?, ?, ?)', [id, name, key, this.now]);
      this.ids.set(key, id);
    }
    return id;
  }
}
