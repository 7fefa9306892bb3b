// Statements shared by the service and reconcile for keeping a generation's audio in step with
// its default version.
import type { Writer } from '../store/database';

/** Copies a version's audio facts onto its generation (a generation shows its default version). */
export function showVersion(w: Writer, versionId: string, now: number): void {
  w.run(
    `UPDATE generations SET (audio_path, duration, sample_rate, channels, audio_bytes, content_hash, updated_at) =
       (SELECT audio_path, duration, sample_rate, channels, audio_bytes, content_hash, ? FROM generation_versions WHERE id = ?)
     WHERE id = (SELECT generation_id FROM generation_versions WHERE id = ?)`,
    [now, versionId, versionId],
  );
}

/** Makes the newest remaining version the default; returns its id, or undefined when none is left. */
export function promoteNewest(w: Writer, generationId: string, now: number): string | undefined {
  const next = w.value('SELECT id FROM generation_versions WHERE generation_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1', [
    generationId,
  ]);
  if (next == null) return undefined;
  w.run('UPDATE generation_versions SET is_default = 1 WHERE id = ?', [next]);
  showVersion(w, String(next), now);
  return String(next);
}
