// Tags: add or remove tags on many generations at once (one transaction, one statement each way,
// so tagging 10,000 selected rows is one small journal frame), and the list of tags in use.
// One part of the history service.
import { randomUUID } from 'node:crypto';
import type { Writer } from '../store/database';
import { HistoryError } from '../store/errors';
import { tagEditSchema, type TagEditInput } from './schemas';
import { nameKey, parse, type HistoryAccess } from './service-support';
import type { Tag } from './types';

export interface TagEditResult {
  /** Generations the edit reached (the named ones that still exist). */
  generationIds: string[];
  /** Named generations that no longer exist (deleted meanwhile); left out. */
  missing: number;
  /** How many (generation, tag) pairs were added or removed. */
  changed: number;
}

/** The tag names to apply, one per case-folded key, in the order first typed. */
function uniqueNames(names: readonly string[]): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const name of names) if (!byKey.has(nameKey(name))) byKey.set(nameKey(name), name);
  return byKey;
}

const EXISTING = 'SELECT g.id FROM generations g WHERE g.id IN (SELECT value FROM json_each(?))';

export class TagRecords {
  constructor(private readonly h: HistoryAccess) {}

  /** Tags that at least one generation carries, with counts, sorted by name. */
  async listTags(): Promise<Tag[]> {
    return this.h.read((r) =>
      r
        .all(
          `SELECT t.id, t.name, t.created_at, count(*) AS n FROM tags t JOIN generation_tags gt ON gt.tag_id = t.id
           GROUP BY t.id ORDER BY t.name_key, t.id`,
        )
        .map((row) => ({ id: String(row.id), name: String(row.name), count: Number(row.n), createdAt: Number(row.created_at) })),
    );
  }

  async addTags(input: TagEditInput): Promise<TagEditResult> {
    const e = parse(tagEditSchema, input, 'tags');
    const names = uniqueNames(e.tags);
    const ids = JSON.stringify([...new Set(e.generationIds)]);
    const keys = JSON.stringify([...names.keys()]);
    const { result, tagIds } = await this.h.write((w) => {
      const existing = this.existing(w, ids);
      const now = Date.now();
      for (const [key, name] of names) {
        const tag = w.get('SELECT id, EXISTS (SELECT 1 FROM generation_tags WHERE tag_id = tags.id) AS used FROM tags WHERE name_key = ?', [
          key,
        ]);
        if (!tag) w.run('INSERT INTO tags (id, name, name_key, created_at) VALUES (?, ?, ?, ?)', [randomUUID(), name, key, now]);
        // A tag nobody carries any more takes the spelling typed now.
        else if (Number(tag.used) === 0) w.run('UPDATE tags SET name = ? WHERE id = ?', [name, String(tag.id)]);
      }
      const changed = w.run(
        `INSERT OR IGNORE INTO generation_tags (generation_id, tag_id)
         SELECT g.id, t.id FROM (${EXISTING}) AS g, tags t WHERE t.name_key IN (SELECT value FROM json_each(?))`,
        [ids, keys],
      );
      if (changed > 0) w.run(`UPDATE generations SET updated_at = ? WHERE id IN (SELECT value FROM json_each(?))`, [now, ids]);
      const tagIds = w.all('SELECT id FROM tags WHERE name_key IN (SELECT value FROM json_each(?))', [keys]).map((r) => String(r.id));
      return { result: { generationIds: existing, missing: e.generationIds.length - existing.length, changed }, tagIds };
    });
    this.announce(result, tagIds);
    return result;
  }

  async removeTags(input: TagEditInput): Promise<TagEditResult> {
    const e = parse(tagEditSchema, input, 'tags');
    const ids = JSON.stringify([...new Set(e.generationIds)]);
    const keys = JSON.stringify([...uniqueNames(e.tags).keys()]);
    const { result, tagIds } = await this.h.write((w) => {
      const existing = this.existing(w, ids);
      const tagIds = w.all('SELECT id FROM tags WHERE name_key IN (SELECT value FROM json_each(?))', [keys]).map((r) => String(r.id));
      const tags = JSON.stringify(tagIds);
      const changed = w.run(
        `DELETE FROM generation_tags WHERE tag_id IN (SELECT value FROM json_each(?)) AND generation_id IN (SELECT value FROM json_each(?))`,
        [tags, ids],
      );
      if (changed > 0) {
        w.run(`UPDATE generations SET updated_at = ? WHERE id IN (SELECT value FROM json_each(?))`, [Date.now(), ids]);
        // A tag nobody carries any more leaves the list of tags.
        w.run(
          'DELETE FROM tags WHERE id IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM generation_tags WHERE tag_id = tags.id)',
          [tags],
        );
      }
      return { result: { generationIds: existing, missing: e.generationIds.length - existing.length, changed }, tagIds };
    });
    this.announce(result, tagIds);
    return result;
  }

  /** The named generations that exist; none at all is an error (nothing to tag). */
  private existing(w: Writer, ids: string): string[] {
    const found = new Set(w.all(EXISTING, [ids]).map((r) => String(r.id)));
    const existing = (JSON.parse(ids) as string[]).filter((id) => found.has(id));
    if (existing.length === 0)
      throw new HistoryError('NOT_FOUND', 'None of the selected generations exists any more; refresh the list and select again.');
    return existing;
  }

  private announce(result: TagEditResult, tagIds: string[]): void {
    if (result.changed === 0) return;
    this.h.changed('tag', 'updated', tagIds, result.generationIds);
    this.h.changed('generation', 'updated', result.generationIds);
  }
}
