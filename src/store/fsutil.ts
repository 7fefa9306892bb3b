// Durable file primitives: a file is written to a temp name, fsynced, renamed into place, and
// its folder fsynced, so a reader sees the old file or the new one, never half of one.
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

export const TEMP_PREFIX = '.tmp-';

export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `${TEMP_PREFIX}${path.basename(target)}-${randomUUID()}`);
}

/** Makes a rename or unlink in `dir` durable. Some platforms cannot open folders: that is fine. */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw e;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** Writes `data` to `target` atomically and durably. */
export async function writeFileAtomic(target: string, data: Uint8Array): Promise<void> {
  const tmp = tempPathFor(target);
  try {
    const fh = await fsp.open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, target);
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  await fsyncDir(path.dirname(target));
}
