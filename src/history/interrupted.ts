// Generations left pending/generating by a window that is gone are marked failed on open.
//
// Why presence files, not a heartbeat column or the write lock: the write lock is only a short
// lease held around writes, so it says nothing about a window that is waiting for an engine; a
// heartbeat column would need a journaled write every few seconds from every window. Instead each
// open history leaves a small file `windows/<host>-<pid>-<token>.lock` beside the database (removed
// on close). On open, if no OTHER live window is registered (same host and its pid still runs;
// files of dead pids are removed), every pending/generating row belongs to a window that is gone
// and is marked failed at once. If another window is live it may be generating right now, so only
// rows untouched for INTERRUPTED_AFTER_MS (10 minutes, longer than any engine call we make) are
// marked; the rest wait for a later open. A window on another host (shared network storage) is
// counted live while its file is younger than a day. If a live window does finish a row marked
// here, attaching its audio completes it again (failed -> completed is an allowed transition).
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Writer } from '../store/database';
import { isAlive } from '../store/lock';

export const INTERRUPTED_ERROR = 'Interrupted: VS Code closed before this generation finished. Retry it.';
export const INTERRUPTED_AFTER_MS = 10 * 60_000;
const OTHER_HOST_LIVE_MS = 24 * 3600_000;
const WINDOWS_DIR = 'windows';

const safe = (s: string) => s.replace(/[^A-Za-z0-9._]/g, '_').slice(0, 64) || 'host';

/** This window's registration in the storage folder. */
export class WindowPresence {
  private constructor(
    private readonly dir: string,
    private readonly file: string | undefined,
  ) {}

  /** Registers this window; a folder that cannot be written just means no registration. */
  static async register(storageDir: string): Promise<WindowPresence> {
    const dir = path.join(storageDir, WINDOWS_DIR);
    const file = path.join(dir, `${safe(os.hostname())}-${process.pid}-${randomUUID().slice(0, 8)}.lock`);
    try {
      await fsp.mkdir(dir, { recursive: true });
      await fsp.writeFile(file, String(Date.now()));
      return new WindowPresence(dir, file);
    } catch {
      return new WindowPresence(dir, undefined);
    }
  }

  /** Whether another live window is registered; registrations of dead processes on this host are removed. */
  async othersLive(): Promise<boolean> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch {
      return false;
    }
    const host = safe(os.hostname());
    let live = false;
    for (const name of names) {
      const full = path.join(this.dir, name);
      if (full === this.file) continue;
      const m = /^(.*)-(\d+)-[0-9a-f]{8}\.lock$/.exec(name);
      if (!m) continue;
      if (m[1] === host) {
        if (isAlive(Number(m[2]))) live = true;
        else await fsp.rm(full, { force: true }).catch(() => undefined);
      } else {
        const st = await fsp.stat(full).catch(() => undefined);
        if (st && Date.now() - st.mtimeMs < OTHER_HOST_LIVE_MS) live = true;
      }
    }
    return live;
  }

  async dispose(): Promise<void> {
    if (this.file) await fsp.rm(this.file, { force: true }).catch(() => undefined);
  }
}

/** Marks pending/generating rows last changed before `changedBefore` as failed; returns their ids. */
export function markInterrupted(w: Writer, changedBefore: number, now: number): string[] {
  const ids = w
    .all("SELECT id FROM generations WHERE status IN ('pending', 'generating') AND updated_at < ?", [changedBefore])
    .map((r) => String(r.id));
  if (ids.length === 0) return ids;
  w.run(
    "UPDATE generations SET status = 'failed', error = ?, updated_at = ? WHERE status IN ('pending', 'generating') AND updated_at < ?",
    [INTERRUPTED_ERROR, now, changedBefore],
  );
  return ids;
}
