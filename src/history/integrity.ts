// Integrity of the history: SQLite's own check, rows whose audio file is missing, and audio
// files no row owns. reconcile() fixes what the check finds, on request.
import * as fs from 'node:fs';
import { AudioFolder, isTemporary } from '../store/audio';
import type { Store } from '../store/database';
import type { ImportClaims } from './import-claims';
import type { HistoryLog, IntegrityReport, MissingAudio, ReconcileResult } from './types';
import { promoteNewest } from './version-sql';

/** Temp files younger than this may belong to a write in progress (here or in another window). */
const TEMP_GRACE_MS = 10 * 60_000;
/** Orphans younger than this are left alone by reconcile: another window may be about to commit their row. */
const ORPHAN_GRACE_MS = 60_000;
const MISSING_ERROR = 'The audio file is missing; regenerate or delete this item.';

/** Rows read per step of the audio check, so the extension host is never blocked for long. */
const CHUNK = 10_000;
/** Databases up to this size get SQLite's quick_check in the check after open (it reads every page). */
export const QUICK_CHECK_ON_OPEN_MAX_BYTES = 16 * 1024 * 1024;

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** Reads `sql` (which must end in `WHERE rowid > ? ORDER BY rowid LIMIT ?` and select rowid first) in steps. */
async function readInChunks(store: Store, sql: string): Promise<string[][]> {
  const out: string[][] = [];
  for (let after = -Infinity; ;) {
    const rows = await store.read((r) => r.rows(sql, [after === -Infinity ? -1 : after, CHUNK]));
    for (const row of rows) out.push(row.slice(1).map(String));
    if (rows.length < CHUNK) return out;
    after = Number(rows[rows.length - 1][0]);
    await yieldToEventLoop();
  }
}

/**
 * Rows whose audio file is missing and files no row owns; with `database`, also SQLite's
 * quick_check and foreign_key_check (they read the whole database in one step: about a second
 * at 100,000 generations, so the check after open runs them only for small databases).
 */
export async function checkIntegrity(
  store: Store,
  audio: AudioFolder,
  options: { database: boolean },
  claims?: ImportClaims,
): Promise<IntegrityReport> {
  const files = await audio.listFiles();
  // Read after the listing: a file listed was claimed before it was stored.
  const claimed = (await claims?.claimedFiles()) ?? new Set<string>();
  const versions = await readInChunks(
    store,
    'SELECT rowid, id, generation_id, audio_path FROM generation_versions WHERE rowid > ? ORDER BY rowid LIMIT ?',
  );
  const generations = await readInChunks(
    store,
    'SELECT seq, id, audio_path FROM generations WHERE seq > ? AND audio_path IS NOT NULL ORDER BY seq LIMIT ?',
  );
  const databaseProblems = options.database
    ? await store.read((r) => [
        ...r
          .rows('PRAGMA quick_check')
          .map((x) => String(x[0]))
          .filter((m) => m !== 'ok'),
        ...r
          .all('PRAGMA foreign_key_check')
          .map((x) => `${String(x.table)} row ${String(x.rowid)} refers to a missing ${String(x.parent)} row`),
      ])
    : [];
  const db = {
    versions: versions.map(([id, generation_id, audio_path]) => ({ id, generation_id, audio_path })),
    generations: generations.map(([id, audio_path]) => ({ id, audio_path })),
  };
  const present = new Set(files);
  const owned = new Set<string>();
  const missingAudio: MissingAudio[] = [];
  for (const v of db.versions) {
    const p = String(v.audio_path);
    owned.add(p);
    if (!present.has(p)) missingAudio.push({ generationId: String(v.generation_id), versionId: String(v.id), audioPath: p });
  }
  for (const g of db.generations) {
    const p = String(g.audio_path);
    if (owned.has(p)) continue;
    owned.add(p);
    if (!present.has(p)) missingAudio.push({ generationId: String(g.id), versionId: null, audioPath: p });
  }
  const now = Date.now();
  const orphanFiles: string[] = [];
  for (const f of files) {
    if (owned.has(f) || claimed.has(f)) continue;
    if (isTemporary(f)) {
      const st = await audio.stat(f);
      if (!st || now - st.mtimeMs < TEMP_GRACE_MS) continue;
    }
    orphanFiles.push(f);
  }
  return { databaseProblems, databaseChecked: options.database, missingAudio, orphanFiles, checkedAt: now };
}

export async function reconcileStorage(
  store: Store,
  audio: AudioFolder,
  options: { removeOrphanFiles: boolean; fixMissingAudio: boolean },
  log: HistoryLog,
  claims?: ImportClaims,
): Promise<ReconcileResult> {
  const report = await checkIntegrity(store, audio, { database: false }, claims);
  const result: ReconcileResult = { removedVersions: 0, markedFailed: 0, removedFiles: 0 };
  if (options.fixMissingAudio && report.missingAudio.length > 0) {
    Object.assign(
      result,
      await store.write((w) => {
        let removedVersions = 0;
        let markedFailed = 0;
        const now = Date.now();
        const markFailed = (generationId: string) => {
          markedFailed += w.run(
            `UPDATE generations SET status = 'failed', error = ?, audio_path = NULL, duration = NULL, sample_rate = NULL, channels = NULL,
               audio_bytes = NULL, content_hash = NULL, updated_at = ? WHERE id = ?`,
            [MISSING_ERROR, now, generationId],
          );
        };
        for (const m of report.missingAudio) {
          // The file may have come back (restored by hand) since the check.
          if (fs.existsSync(audio.resolve(m.audioPath))) continue;
          if (m.versionId) {
            const v = w.get('SELECT is_default FROM generation_versions WHERE id = ?', [m.versionId]);
            if (!v) continue;
            removedVersions += w.run('DELETE FROM generation_versions WHERE id = ?', [m.versionId]);
            if (Number(v.is_default) === 1 && !promoteNewest(w, m.generationId, now)) markFailed(m.generationId);
          } else {
            markFailed(m.generationId);
          }
        }
        return { removedVersions, markedFailed };
      }),
    );
  }
  if (options.removeOrphanFiles) {
    const now = Date.now();
    // Again: an import may have begun since the check (its files were not listed then, but be sure).
    const claimed = (await claims?.claimedFiles()) ?? new Set<string>();
    for (const f of report.orphanFiles) {
      if (claimed.has(f)) continue;
      const st = await audio.stat(f);
      if (!st || now - st.mtimeMs < ORPHAN_GRACE_MS) continue;
      const owned = await store.read((r) =>
        r.value('SELECT 1 FROM generation_versions WHERE audio_path = ? UNION ALL SELECT 1 FROM generations WHERE audio_path = ?', [f, f]),
      );
      if (owned) continue;
      try {
        await audio.removeAny(f);
        result.removedFiles++;
      } catch (e) {
        log.warn(`Could not delete orphan audio file ${f}: ${(e as Error).message}`);
      }
    }
  }
  if (result.removedVersions || result.markedFailed || result.removedFiles) {
    log.info(
      `Reconciled history storage: ${result.removedVersions} version(s) without audio removed, ${result.markedFailed} generation(s) marked failed, ${result.removedFiles} orphan file(s) deleted.`,
    );
  }
  return result;
}
