// Stories: named arrangements of generations on tracks (items with start, trim and volume). One
// part of the history service.
import { randomUUID } from 'node:crypto';
import type { Row } from '../store/database';
import { HistoryError } from '../store/errors';
import type { SqlValue } from '../store/sqlite';
import { toStory, toStoryItem } from './rows';
import { readStory } from './story-edits';
import {
  addStoryItemSchema,
  createStorySchema,
  idSchema,
  updateStoryItemSchema,
  updateStorySchema,
  type AddStoryItemInput,
  type CreateStoryInput,
  type UpdateStoryInput,
  type UpdateStoryItemInput,
} from './schemas';
import { orNull, parse, type HistoryAccess } from './service-support';
import type { Story, StoryItem, StoryWithItems } from './types';

export class StoryRecords {
  constructor(private readonly h: HistoryAccess) {}

  async listStories(): Promise<Story[]> {
    return this.h.read((r) => r.all('SELECT * FROM stories ORDER BY updated_at DESC, id').map(toStory));
  }

  async getStory(id: string): Promise<StoryWithItems | undefined> {
    const sid = parse(idSchema, id, 'story id');
    return this.h.read((r) => readStory(r, sid));
  }

  async createStory(input: CreateStoryInput): Promise<Story> {
    const c = parse(createStorySchema, input, 'story');
    const id = randomUUID();
    const now = Date.now();
    const story = await this.h.write((w) => {
      w.run('INSERT INTO stories (id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
        id,
        c.name,
        orNull(c.description),
        now,
        now,
      ]);
      return toStory(w.get('SELECT * FROM stories WHERE id = ?', [id]) as Row);
    });
    this.h.changed('story', 'created', [id]);
    return story;
  }

  async updateStory(id: string, patch: UpdateStoryInput): Promise<Story> {
    const sid = parse(idSchema, id, 'story id');
    const u = parse(updateStorySchema, patch, 'story update');
    const story = await this.h.write((w) => {
      if (!w.value('SELECT 1 FROM stories WHERE id = ?', [sid]))
        throw new HistoryError('NOT_FOUND', `The story ${sid} does not exist (any more).`);
      w.run(
        'UPDATE stories SET name = coalesce(?, name), description = CASE WHEN ? THEN ? ELSE description END, updated_at = ? WHERE id = ?',
        [u.name ?? null, u.description !== undefined ? 1 : 0, u.description ?? null, Date.now(), sid],
      );
      return toStory(w.get('SELECT * FROM stories WHERE id = ?', [sid]) as Row);
    });
    this.h.changed('story', 'updated', [sid]);
    return story;
  }

  /** A copy with its own items (same generations, pins, times, trims, fades) and track settings. */
  async duplicateStory(id: string, name: string): Promise<Story> {
    const sid = parse(idSchema, id, 'story id');
    const c = parse(createStorySchema, { name }, 'story');
    const copyId = randomUUID();
    const now = Date.now();
    const story = await this.h.write((w) => {
      const from = w.get('SELECT * FROM stories WHERE id = ?', [sid]);
      if (!from) throw new HistoryError('NOT_FOUND', `The story ${sid} does not exist (any more).`);
      w.run('INSERT INTO stories (id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
        copyId,
        c.name,
        from.description ?? null,
        now,
        now,
      ]);
      for (const row of w.all('SELECT id FROM story_items WHERE story_id = ? ORDER BY rowid', [sid])) {
        w.run(
          `INSERT INTO story_items (id, story_id, generation_id, version_id, start_ms, track, trim_start_ms, trim_end_ms, volume, fade_in_ms, fade_out_ms)
           SELECT ?, ?, generation_id, version_id, start_ms, track, trim_start_ms, trim_end_ms, volume, fade_in_ms, fade_out_ms
           FROM story_items WHERE id = ?`,
          [randomUUID(), copyId, row.id as string],
        );
      }
      w.run(
        'INSERT INTO story_tracks (story_id, track, name, mute, solo, gain) SELECT ?, track, name, mute, solo, gain FROM story_tracks WHERE story_id = ?',
        [copyId, sid],
      );
      return toStory(w.get('SELECT * FROM stories WHERE id = ?', [copyId]) as Row);
    });
    this.h.changed('story', 'created', [copyId]);
    return story;
  }

  async deleteStory(id: string): Promise<void> {
    const sid = parse(idSchema, id, 'story id');
    const n = await this.h.write((w) => w.run('DELETE FROM stories WHERE id = ?', [sid]));
    if (n === 0) throw new HistoryError('NOT_FOUND', `The story ${sid} does not exist (any more).`);
    this.h.changed('story', 'deleted', [sid]);
  }

  async addStoryItem(storyId: string, input: AddStoryItemInput): Promise<StoryItem> {
    const sid = parse(idSchema, storyId, 'story id');
    const a = parse(addStoryItemSchema, input, 'story item');
    const id = randomUUID();
    const item = await this.h.write((w) => {
      if (!w.value('SELECT 1 FROM stories WHERE id = ?', [sid]))
        throw new HistoryError('NOT_FOUND', `The story ${sid} does not exist (any more).`);
      if (!w.value('SELECT 1 FROM generations WHERE id = ?', [a.generationId])) {
        throw new HistoryError('NOT_FOUND', `The generation ${a.generationId} does not exist (any more).`);
      }
      if (a.versionId && !w.value('SELECT 1 FROM generation_versions WHERE id = ? AND generation_id = ?', [a.versionId, a.generationId])) {
        throw new HistoryError('INVALID', `The version ${a.versionId} is not a version of generation ${a.generationId}.`);
      }
      w.run(
        `INSERT INTO story_items (id, story_id, generation_id, version_id, start_ms, track, trim_start_ms, trim_end_ms, volume)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, sid, a.generationId, orNull(a.versionId), a.startMs, a.track, a.trimStartMs, a.trimEndMs, a.volume],
      );
      w.run('UPDATE stories SET updated_at = ? WHERE id = ?', [Date.now(), sid]);
      return toStoryItem(w.get('SELECT * FROM story_items WHERE id = ?', [id]) as Row);
    });
    this.h.changed('story', 'updated', [sid]);
    return item;
  }

  async updateStoryItem(itemId: string, patch: UpdateStoryItemInput): Promise<StoryItem> {
    const iid = parse(idSchema, itemId, 'story item id');
    const u = parse(updateStoryItemSchema, patch, 'story item update');
    const item = await this.h.write((w) => {
      const row = w.get('SELECT story_id, generation_id FROM story_items WHERE id = ?', [iid]);
      if (!row) throw new HistoryError('NOT_FOUND', `The story item ${iid} does not exist (any more).`);
      if (
        u.versionId &&
        !w.value('SELECT 1 FROM generation_versions WHERE id = ? AND generation_id = ?', [u.versionId, row.generation_id])
      ) {
        throw new HistoryError('INVALID', `The version ${u.versionId} is not a version of this item's generation.`);
      }
      const columns: Array<[keyof typeof u, string]> = [
        ['versionId', 'version_id'],
        ['startMs', 'start_ms'],
        ['track', 'track'],
        ['trimStartMs', 'trim_start_ms'],
        ['trimEndMs', 'trim_end_ms'],
        ['volume', 'volume'],
      ];
      const sets: string[] = [];
      const params: SqlValue[] = [];
      for (const [key, column] of columns) {
        if (u[key] === undefined) continue;
        sets.push(`${column} = ?`);
        params.push(u[key] as SqlValue);
      }
      w.run(`UPDATE story_items SET ${sets.join(', ')} WHERE id = ?`, [...params, iid]);
      w.run('UPDATE stories SET updated_at = ? WHERE id = ?', [Date.now(), row.story_id]);
      return toStoryItem(w.get('SELECT * FROM story_items WHERE id = ?', [iid]) as Row);
    });
    this.h.changed('story', 'updated', [item.storyId]);
    return item;
  }

  async removeStoryItem(itemId: string): Promise<void> {
    const iid = parse(idSchema, itemId, 'story item id');
    const storyId = await this.h.write((w) => {
      const sid = w.value('SELECT story_id FROM story_items WHERE id = ?', [iid]);
      if (sid == null) throw new HistoryError('NOT_FOUND', `The story item ${iid} does not exist (any more).`);
      w.run('DELETE FROM story_items WHERE id = ?', [iid]);
      w.run('UPDATE stories SET updated_at = ? WHERE id = ?', [Date.now(), sid]);
      return String(sid);
    });
    this.h.changed('story', 'updated', [storyId]);
  }
}
