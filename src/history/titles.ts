// A generation's title and notes: the user's own name for it and Markdown notes. One part of
// the history service.
import { HistoryError } from '../store/errors';
import { GENERATION_COLUMNS, toGeneration } from './rows';
import { idSchema, notesSchema, titleSchema } from './schemas';
import { parse, type HistoryAccess } from './service-support';
import type { Generation } from './types';

export class TitleRecords {
  constructor(private readonly h: HistoryAccess) {}

  /** Sets the title; null or only spaces clears it (the first line of the text shows again). */
  async setTitle(id: string, title: string | null): Promise<Generation> {
    return this.set(id, 'title', parse(titleSchema, title, 'title'));
  }

  /** Sets the Markdown notes; null or only spaces clears them. */
  async setNotes(id: string, notes: string | null): Promise<Generation> {
    return this.set(id, 'notes', parse(notesSchema, notes, 'notes'));
  }

  private async set(id: string, column: 'title' | 'notes', value: string | null): Promise<Generation> {
    const gid = parse(idSchema, id, 'generation id');
    const generation = await this.h.write((w) => {
      const changed = w.run(`UPDATE generations SET ${column} = ?, updated_at = ? WHERE id = ? AND ${column} IS NOT ?`, [
        value,
        Date.now(),
        gid,
        value,
      ]);
      const row = w.get(`SELECT ${GENERATION_COLUMNS} FROM generations g JOIN profiles p ON p.id = g.profile_id WHERE g.id = ?`, [gid]);
      if (!row) throw new HistoryError('NOT_FOUND', `The generation ${gid} does not exist (any more); refresh the list.`);
      return { generation: toGeneration(row), changed };
    });
    if (generation.changed > 0) this.h.changed('generation', 'updated', [gid]);
    return generation.generation;
  }
}
