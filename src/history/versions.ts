// Versions (takes) of a generation: the rows and files of each one, which one is the default,
// and deleting one. One part of the history service; attaching new audio stays in the service
// because it also completes the generation.
import { AudioFolder, type StoredAudio } from '../store/audio';
import type { Row, Writer } from '../store/database';
import { HistoryError } from '../store/errors';
import type { z } from 'zod';
import { toVersion } from './rows';
import { idSchema, versionLabelSchema, type audioMetaSchema, type AudioInput } from './schemas';
import { orNull, parse, type HistoryAccess } from './service-support';
import type { Version } from './types';
import { promoteNewest, showVersion } from './version-sql';

/** Stores a version's audio file (bytes or a copy of a file); refuses empty audio. */
export async function storeAudio(folder: AudioFolder, versionId: string, audio: AudioInput, format: string): Promise<StoredAudio> {
  const rel = AudioFolder.relativePathFor(versionId, format);
  if ('data' in audio) {
    if (!(audio.data instanceof Uint8Array)) throw new HistoryError('INVALID', 'Audio data must be bytes (a Uint8Array or Buffer).');
    if (audio.data.byteLength === 0) throw new HistoryError('INVALID', 'The audio is empty (0 bytes); nothing to store.');
    return folder.write(rel, audio.data);
  }
  if (typeof audio.filePath !== 'string' || audio.filePath === '')
    throw new HistoryError('INVALID', 'Pass audio bytes or the path of an audio file.');
  const stored = await folder.copyFrom(rel, audio.filePath);
  if (stored.bytes === 0) {
    await folder.remove(rel).catch(() => undefined);
    throw new HistoryError('INVALID', `The audio file ${audio.filePath} is empty (0 bytes); choose another file.`);
  }
  return stored;
}

/** What a new version row holds besides its stored audio. */
export interface NewVersion {
  id: string;
  generationId: string;
  label: string;
  meta: z.output<typeof audioMetaSchema>;
  effectsChain?: unknown[] | null;
  sourceVersionId?: string | null;
  isDefault: boolean;
  seed?: number | null;
  loudnessLufs?: number | null;
  createdAt: number;
}

/** The row of a version whose audio is stored. */
export function insertVersion(w: Writer, v: NewVersion, stored: StoredAudio): void {
  w.run(
    `INSERT INTO generation_versions (id, generation_id, label, audio_path, effects_chain, source_version_id, is_default,
       duration, sample_rate, channels, audio_bytes, content_hash, seed, loudness_lufs, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      v.id,
      v.generationId,
      v.label,
      stored.relativePath,
      v.effectsChain ? JSON.stringify(v.effectsChain) : null,
      v.sourceVersionId ?? null,
      v.isDefault ? 1 : 0,
      orNull(v.meta.duration),
      orNull(v.meta.sampleRate),
      orNull(v.meta.channels),
      stored.bytes,
      stored.contentHash,
      v.seed ?? null,
      v.loudnessLufs ?? null,
      v.createdAt,
    ],
  );
}

/** The label a new version gets when none is given: Voicebox's `version-N` / `take-N`, N its place among the versions. */
export function nextVersionLabel(w: Writer, generationId: string, kind: 'effects' | 'take'): string {
  const count = Number(w.value('SELECT count(*) FROM generation_versions WHERE generation_id = ?', [generationId]));
  if (count === 0) return 'original';
  const prefix = kind === 'take' ? 'take' : 'version';
  // A deleted version frees its number; never repeat a label still in use.
  for (let n = count + 1; ; n++) {
    const label = `${prefix}-${n}`;
    if (!w.value('SELECT 1 FROM generation_versions WHERE generation_id = ? AND label = ?', [generationId, label])) return label;
  }
}

export class VersionRecords {
  constructor(private readonly h: HistoryAccess) {}

  async listVersions(generationId: string): Promise<Version[]> {
    const gid = parse(idSchema, generationId, 'generation id');
    return this.h.read((r) =>
      r.all('SELECT * FROM generation_versions WHERE generation_id = ? ORDER BY created_at, rowid', [gid]).map(toVersion),
    );
  }

  async setDefaultVersion(versionId: string): Promise<Version> {
    const vid = parse(idSchema, versionId, 'version id');
    const { version } = await this.h.write((w) => {
      const row = w.get('SELECT generation_id, is_default FROM generation_versions WHERE id = ?', [vid]);
      if (!row) throw new HistoryError('NOT_FOUND', `The version ${vid} does not exist (any more); refresh.`);
      if (Number(row.is_default) !== 1) {
        w.run('UPDATE generation_versions SET is_default = 0 WHERE generation_id = ? AND is_default = 1', [row.generation_id]);
        w.run('UPDATE generation_versions SET is_default = 1 WHERE id = ?', [vid]);
        showVersion(w, vid, Date.now());
      }
      return { version: toVersion(w.get('SELECT * FROM generation_versions WHERE id = ?', [vid]) as Row) };
    });
    this.h.changed('version', 'updated', [vid], [version.generationId]);
    this.h.changed('generation', 'updated', [version.generationId]);
    return version;
  }

  async getVersion(versionId: string): Promise<Version | undefined> {
    const vid = parse(idSchema, versionId, 'version id');
    return this.h.read((r) => {
      const row = r.get('SELECT * FROM generation_versions WHERE id = ?', [vid]);
      return row ? toVersion(row) : undefined;
    });
  }

  async renameVersion(versionId: string, label: string): Promise<Version> {
    const vid = parse(idSchema, versionId, 'version id');
    const name = parse(versionLabelSchema, label, 'label');
    const version = await this.h.write((w) => {
      if (!w.value('SELECT 1 FROM generation_versions WHERE id = ?', [vid]))
        throw new HistoryError('NOT_FOUND', `The version ${vid} does not exist (any more); refresh.`);
      w.run('UPDATE generation_versions SET label = ? WHERE id = ?', [name, vid]);
      return toVersion(w.get('SELECT * FROM generation_versions WHERE id = ?', [vid]) as Row);
    });
    this.h.changed('version', 'updated', [vid], [version.generationId]);
    return version;
  }

  /** Records a loudness measured later (e.g. when the takes list first shows a version). */
  async setVersionLoudness(versionId: string, lufs: number | null): Promise<void> {
    const vid = parse(idSchema, versionId, 'version id');
    const value = lufs === null || !Number.isFinite(lufs) ? null : lufs;
    await this.h.write((w) => w.run('UPDATE generation_versions SET loudness_lufs = ? WHERE id = ?', [value, vid]));
  }

  /** The last version cannot be deleted; deleting the default promotes the newest remaining one. */
  async deleteVersion(versionId: string): Promise<void> {
    const vid = parse(idSchema, versionId, 'version id');
    const { generationId, file } = await this.h.write((w) => {
      const row = w.get('SELECT generation_id, is_default, audio_path FROM generation_versions WHERE id = ?', [vid]);
      if (!row) throw new HistoryError('NOT_FOUND', `The version ${vid} does not exist (any more); refresh.`);
      const gid = String(row.generation_id);
      const count = Number(w.value('SELECT count(*) FROM generation_versions WHERE generation_id = ?', [gid]));
      if (count <= 1) {
        throw new HistoryError(
          'INVALID',
          'This is the only version of the generation and cannot be deleted; delete the generation instead.',
        );
      }
      w.run('DELETE FROM generation_versions WHERE id = ?', [vid]);
      if (Number(row.is_default) === 1) {
        promoteNewest(w, gid, Date.now());
      }
      return { generationId: gid, file: String(row.audio_path) };
    });
    await this.h.removeFiles([file]);
    this.h.changed('version', 'deleted', [vid], [generationId]);
    this.h.changed('generation', 'updated', [generationId]);
  }
}
