// Voice profiles: list, create, update, rename, delete (with everything of the profile), and
// find-or-create for imports and engines. One part of the history service.
import { randomUUID } from 'node:crypto';
import type { Row, Writer } from '../store/database';
import { HistoryError } from '../store/errors';
import type { SqlValue } from '../store/sqlite';
import { toProfile } from './rows';
import {
  createProfileSchema,
  findOrCreateProfileSchema,
  idSchema,
  updateProfileSchema,
  type CreateProfileInput,
  type FindOrCreateProfileInput,
  type UpdateProfileInput,
} from './schemas';
import { nameKey, orNull, parse, type HistoryAccess } from './service-support';
import type { Profile } from './types';

export class ProfileRecords {
  constructor(private readonly h: HistoryAccess) {}

  async listProfiles(): Promise<Profile[]> {
    return this.h.read((r) => r.all('SELECT * FROM profiles ORDER BY name_key, id').map(toProfile));
  }

  async getProfile(id: string): Promise<Profile | undefined> {
    const pid = parse(idSchema, id, 'profile id');
    return this.h.read((r) => {
      const row = r.get('SELECT * FROM profiles WHERE id = ?', [pid]);
      return row ? toProfile(row) : undefined;
    });
  }

  async createProfile(input: CreateProfileInput): Promise<Profile> {
    const c = parse(createProfileSchema, input, 'profile');
    const id = c.id ?? randomUUID();
    const profile = await this.h.write((w) => {
      if (w.value('SELECT 1 FROM profiles WHERE name_key = ?', [nameKey(c.name)])) {
        throw new HistoryError('CONFLICT', `A profile named "${c.name}" already exists; choose another name.`);
      }
      if (w.value('SELECT 1 FROM profiles WHERE id = ?', [id]))
        throw new HistoryError('CONFLICT', `A profile with id ${id} already exists.`);
      return this.insertProfile(w, id, c.name, orNull(c.description), c.language, orNull(c.engine), orNull(c.voiceId));
    });
    this.h.changed('profile', 'created', [profile.id]);
    return profile;
  }

  private insertProfile(
    w: Writer,
    id: string,
    name: string,
    description: string | null,
    language: string,
    engine: string | null,
    voiceId: string | null,
  ): Profile {
    const now = Date.now();
    w.run(
      'INSERT INTO profiles (id, name, name_key, description, language, engine, voice_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [id, name, nameKey(name), description, language, engine, voiceId, now, now],
    );
    return toProfile(w.get('SELECT * FROM profiles WHERE id = ?', [id]) as Row);
  }

  async updateProfile(id: string, patch: UpdateProfileInput): Promise<Profile> {
    const pid = parse(idSchema, id, 'profile id');
    const u = parse(updateProfileSchema, patch, 'profile update');
    const profile = await this.h.write((w) => {
      if (!w.value('SELECT 1 FROM profiles WHERE id = ?', [pid]))
        throw new HistoryError('NOT_FOUND', `The profile ${pid} does not exist (any more).`);
      const sets: string[] = [];
      const params: SqlValue[] = [];
      if (u.name !== undefined) {
        if (w.value('SELECT 1 FROM profiles WHERE name_key = ? AND id <> ?', [nameKey(u.name), pid])) {
          throw new HistoryError('CONFLICT', `A profile named "${u.name}" already exists; choose another name.`);
        }
        sets.push('name = ?', 'name_key = ?');
        params.push(u.name, nameKey(u.name));
      }
      if (u.description !== undefined) {
        sets.push('description = ?');
        params.push(u.description);
      }
      if (u.language !== undefined) {
        sets.push('language = ?');
        params.push(u.language);
      }
      if (u.effectsChain !== undefined) {
        sets.push('effects_chain = ?');
        params.push(u.effectsChain === null ? null : JSON.stringify(u.effectsChain));
      }
      sets.push('updated_at = ?');
      params.push(Date.now());
      w.run(`UPDATE profiles SET ${sets.join(', ')} WHERE id = ?`, [...params, pid]);
      return toProfile(w.get('SELECT * FROM profiles WHERE id = ?', [pid]) as Row);
    });
    this.h.changed('profile', 'updated', [pid]);
    return profile;
  }

  async renameProfile(id: string, name: string): Promise<Profile> {
    return this.updateProfile(id, { name });
  }

  /** Deletes the profile and everything of it: generations, versions, story items, audio files. */
  async deleteProfile(id: string): Promise<{ deletedGenerations: number }> {
    const pid = parse(idSchema, id, 'profile id');
    const { deleted, files } = await this.h.write((w) => {
      if (!w.value('SELECT 1 FROM profiles WHERE id = ?', [pid]))
        throw new HistoryError('NOT_FOUND', `The profile ${pid} does not exist (any more).`);
      const files = new Set<string>();
      const deleted = w.all('SELECT id, audio_path FROM generations WHERE profile_id = ?', [pid]).map((r) => {
        if (r.audio_path != null) files.add(String(r.audio_path));
        return String(r.id);
      });
      for (const r of w.all(
        'SELECT v.audio_path FROM generation_versions v JOIN generations g ON g.id = v.generation_id WHERE g.profile_id = ?',
        [pid],
      )) {
        files.add(String(r.audio_path));
      }
      // Cascades: generations -> versions and story items.
      w.run('DELETE FROM profiles WHERE id = ?', [pid]);
      return { deleted, files };
    });
    await this.h.removeFiles(files);
    this.h.changed('profile', 'deleted', [pid], deleted);
    if (deleted.length) this.h.changed('generation', 'deleted', deleted);
    return { deletedGenerations: deleted.length };
  }

  /** Matches by (engine, voiceId) when a voiceId is given, else by name; creates when nothing matches. */
  async findOrCreateProfile(input: FindOrCreateProfileInput): Promise<Profile> {
    const f = parse(findOrCreateProfileSchema, input, 'profile');
    const engine = orNull(f.engine);
    const voiceId = orNull(f.voiceId);
    const { profile, created } = await this.h.write((w) => {
      const existing = voiceId
        ? w.get('SELECT * FROM profiles WHERE engine IS ? AND voice_id = ? ORDER BY created_at, id LIMIT 1', [engine, voiceId])
        : w.get('SELECT * FROM profiles WHERE name_key = ?', [nameKey(f.name)]);
      if (existing) return { profile: toProfile(existing), created: false };
      // The name may belong to another voice: keep names unique with a suffix.
      let name = f.name;
      for (let n = 2; w.value('SELECT 1 FROM profiles WHERE name_key = ?', [nameKey(name)]); n++) {
        name = engine && n === 2 ? `${f.name} (${engine})` : `${f.name} (${n})`;
      }
      return { profile: this.insertProfile(w, randomUUID(), name, orNull(f.description), f.language, engine, voiceId), created: true };
    });
    if (created) this.h.changed('profile', 'created', [profile.id]);
    return profile;
  }
}
