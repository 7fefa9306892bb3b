// The user's effect presets: named chains kept with the history (so they travel in exports),
// created from a chain, renamed, changed, deleted. The built-in presets are code, not rows
// (src/effects/presets.ts). One part of the history service.
import { randomUUID } from 'node:crypto';
import type { Row, Writer } from '../store/database';
import { HistoryError } from '../store/errors';
import type { SqlValue } from '../store/sqlite';
import { toPreset } from './rows';
import { createPresetSchema, idSchema, updatePresetSchema, type CreatePresetInput, type UpdatePresetInput } from './schemas';
import { nameKey, parse, type HistoryAccess } from './service-support';
import type { EffectPreset } from './types';

function assertNameFree(w: Writer, name: string, exceptId: string | null): void {
  if (w.value('SELECT 1 FROM effect_presets WHERE name_key = ? AND id IS NOT ?', [nameKey(name), exceptId])) {
    throw new HistoryError('CONFLICT', `A preset named "${name}" already exists; choose another name.`);
  }
}

export class PresetRecords {
  constructor(private readonly h: HistoryAccess) {}

  async listPresets(): Promise<EffectPreset[]> {
    return this.h.read((r) => r.all('SELECT * FROM effect_presets ORDER BY name_key, id').map(toPreset));
  }

  async getPreset(id: string): Promise<EffectPreset | undefined> {
    const pid = parse(idSchema, id, 'preset id');
    return this.h.read((r) => {
      const row = r.get('SELECT * FROM effect_presets WHERE id = ?', [pid]);
      return row ? toPreset(row) : undefined;
    });
  }

  async createPreset(input: CreatePresetInput): Promise<EffectPreset> {
    const c = parse(createPresetSchema, input, 'preset');
    const id = c.id ?? randomUUID();
    const preset = await this.h.write((w) => {
      assertNameFree(w, c.name, null);
      if (w.value('SELECT 1 FROM effect_presets WHERE id = ?', [id]))
        throw new HistoryError('CONFLICT', `A preset with id ${id} already exists.`);
      const now = Date.now();
      w.run(
        'INSERT INTO effect_presets (id, name, name_key, description, effects_chain, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [id, c.name, nameKey(c.name), c.description ?? null, JSON.stringify(c.effectsChain), now, now],
      );
      return toPreset(w.get('SELECT * FROM effect_presets WHERE id = ?', [id]) as Row);
    });
    this.h.changed('preset', 'created', [preset.id]);
    return preset;
  }

  /** Rename, describe or change the chain of a user preset. */
  async updatePreset(id: string, patch: UpdatePresetInput): Promise<EffectPreset> {
    const pid = parse(idSchema, id, 'preset id');
    const u = parse(updatePresetSchema, patch, 'preset update');
    const preset = await this.h.write((w) => {
      if (!w.value('SELECT 1 FROM effect_presets WHERE id = ?', [pid]))
        throw new HistoryError('NOT_FOUND', `The preset ${pid} does not exist (any more).`);
      const sets: string[] = [];
      const params: SqlValue[] = [];
      if (u.name !== undefined) {
        assertNameFree(w, u.name, pid);
        sets.push('name = ?', 'name_key = ?');
        params.push(u.name, nameKey(u.name));
      }
      if (u.description !== undefined) {
        sets.push('description = ?');
        params.push(u.description);
      }
      if (u.effectsChain !== undefined) {
        sets.push('effects_chain = ?');
        params.push(JSON.stringify(u.effectsChain));
      }
      sets.push('updated_at = ?');
      params.push(Date.now());
      w.run(`UPDATE effect_presets SET ${sets.join(', ')} WHERE id = ?`, [...params, pid]);
      return toPreset(w.get('SELECT * FROM effect_presets WHERE id = ?', [pid]) as Row);
    });
    this.h.changed('preset', 'updated', [pid]);
    return preset;
  }

  async deletePreset(id: string): Promise<void> {
    const pid = parse(idSchema, id, 'preset id');
    await this.h.write((w) => {
      if (!w.value('SELECT 1 FROM effect_presets WHERE id = ?', [pid]))
        throw new HistoryError('NOT_FOUND', `The preset ${pid} does not exist (any more).`);
      w.run('DELETE FROM effect_presets WHERE id = ?', [pid]);
    });
    this.h.changed('preset', 'deleted', [pid]);
  }
}
