// The audio folder beside the database. Files are written to a temp name, fsynced and renamed,
// so a committed row never points to a half-written file. Paths stored in rows are relative
// ("ab/<version id>.wav", sharded by the first two characters of the id).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { HistoryError, ioError } from './errors';
import { fsyncDir, TEMP_PREFIX, tempPathFor } from './fsutil';

export interface StoredAudio {
  /** Relative path inside the audio folder, '/'-separated. */
  relativePath: string;
  bytes: number;
  /** sha256 hex. */
  contentHash: string;
}

export interface AudioFile {
  relativePath: string;
  bytes: number;
  mtimeMs: number;
  /** A temp file of an unfinished write. */
  temporary: boolean;
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Reads an open file from its current position to the end: its size and sha256. */
async function hashOpenFile(fh: fsp.FileHandle): Promise<{ bytes: number; contentHash: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const buf = Buffer.allocUnsafe(1024 * 1024);
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, null);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    bytes += bytesRead;
  }
  return { bytes, contentHash: hash.digest('hex') };
}

export class AudioFolder {
  constructor(readonly dir: string) {}

  /** Where a version's audio lives. */
  static relativePathFor(versionId: string, format: string): string {
    return `${versionId.slice(0, 2).toLowerCase()}/${versionId}.${format}`;
  }

  /** Absolute path of a stored relative path; refuses anything that would leave the folder. */
  resolve(relativePath: string): string {
    const parts = relativePath.split('/');
    if (parts.length === 0 || parts.some((p) => !SAFE_SEGMENT.test(p))) {
      throw new HistoryError('INVALID', `"${relativePath}" is not a valid audio path inside the history's audio folder.`);
    }
    return path.join(this.dir, ...parts);
  }

  async ensure(): Promise<void> {
    try {
      await fsp.mkdir(this.dir, { recursive: true });
    } catch (e) {
      throw ioError(e, 'create the audio folder', this.dir);
    }
  }

  /** Stores bytes atomically at `relativePath`. */
  async write(relativePath: string, data: Uint8Array): Promise<StoredAudio> {
    const contentHash = createHash('sha256').update(data).digest('hex');
    await this.place(relativePath, async (fh) => {
      await fh.writeFile(data);
    });
    return { relativePath, bytes: data.byteLength, contentHash };
  }

  /** Copies a file atomically to `relativePath`, hashing it on the way. */
  async copyFrom(relativePath: string, sourceFile: string): Promise<StoredAudio> {
    let src: fsp.FileHandle;
    try {
      src = await fsp.open(sourceFile, 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        throw new HistoryError('NOT_FOUND', `The audio file ${sourceFile} does not exist; choose another file.`, { cause: e });
      throw ioError(e, 'read the audio file', sourceFile);
    }
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      await this.place(relativePath, async (fh) => {
        const buf = Buffer.allocUnsafe(1024 * 1024);
        for (;;) {
          const { bytesRead } = await src.read(buf, 0, buf.length, null);
          if (bytesRead === 0) break;
          const chunk = buf.subarray(0, bytesRead);
          hash.update(chunk);
          let off = 0;
          while (off < bytesRead) off += (await fh.write(chunk, off, bytesRead - off)).bytesWritten;
          bytes += bytesRead;
        }
      });
    } finally {
      await src.close();
    }
    return { relativePath, bytes, contentHash: hash.digest('hex') };
  }

  /**
   * Moves a file to `relativePath` when it is on the same filesystem (a rename: no copy), else
   * copies it. Either way the stored file is fsynced and hashed before it counts as stored; the
   * source is gone after a move and left alone after a copy. `sha256`: the hash the caller took
   * of exactly this file as it wrote it (an import hashes each entry while extracting it); a move
   * then fsyncs the file without reading it all again. A copy always hashes what it copies.
   */
  async moveFrom(relativePath: string, sourceFile: string, sha256?: string): Promise<StoredAudio & { moved: boolean }> {
    const target = this.resolve(relativePath);
    const dir = path.dirname(target);
    try {
      await fsp.mkdir(dir, { recursive: true });
      await fsp.rename(sourceFile, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // EXDEV: another filesystem; anything else (EPERM on some shares...) is left to the copy to report.
      if (code === 'ENOENT')
        throw new HistoryError('NOT_FOUND', `The audio file ${sourceFile} does not exist; choose another file.`, { cause: e });
      return { ...(await this.copyFrom(relativePath, sourceFile)), moved: false };
    }
    try {
      const fh = await fsp.open(target, 'r+');
      let stored: { bytes: number; contentHash: string };
      try {
        stored = sha256 === undefined ? await hashOpenFile(fh) : { bytes: (await fh.stat()).size, contentHash: sha256 };
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsyncDir(dir);
      return { relativePath, ...stored, moved: true };
    } catch (e) {
      await fsp.rm(target, { force: true }).catch(() => undefined);
      throw ioError(e, 'store the audio', this.dir);
    }
  }

  private async place(relativePath: string, fill: (fh: fsp.FileHandle) => Promise<void>): Promise<void> {
    const target = this.resolve(relativePath);
    const dir = path.dirname(target);
    const tmp = tempPathFor(target);
    try {
      await fsp.mkdir(dir, { recursive: true });
      const fh = await fsp.open(tmp, 'wx');
      try {
        await fill(fh);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsp.rename(tmp, target);
      await fsyncDir(dir);
    } catch (e) {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      throw ioError(e, 'store the audio', this.dir);
    }
  }

  /** Deletes a stored file; a missing file is fine. */
  async remove(relativePath: string): Promise<void> {
    try {
      await fsp.rm(this.resolve(relativePath), { force: true });
    } catch (e) {
      throw ioError(e, 'delete the audio', this.dir);
    }
  }

  /** Relative paths of every file in the folder (shard folders one level deep); no stat per file. */
  async listFiles(): Promise<string[]> {
    const out: string[] = [];
    let shards: fs.Dirent[];
    try {
      shards = await fsp.readdir(this.dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw ioError(e, 'read the audio folder', this.dir);
    }
    for (const shard of shards) {
      if (shard.isFile()) out.push(shard.name);
      else if (shard.isDirectory()) {
        for (const name of await fsp.readdir(path.join(this.dir, shard.name))) out.push(`${shard.name}/${name}`);
      }
    }
    return out;
  }

  /** Size and age of a file, or undefined when it is gone. */
  async stat(relativePath: string): Promise<AudioFile | undefined> {
    const st = await fsp.stat(path.join(this.dir, ...relativePath.split('/'))).catch(() => undefined);
    if (!st) return undefined;
    return { relativePath, bytes: st.size, mtimeMs: st.mtimeMs, temporary: isTemporary(relativePath) };
  }

  /** Deletes any file (including temp files, which resolve() refuses). */
  async removeAny(relativePath: string): Promise<void> {
    const parts = relativePath.split('/');
    if (parts.some((p) => p === '..' || p === '' || p === '.')) return;
    await fsp.rm(path.join(this.dir, ...parts), { force: true, recursive: false });
  }
}

export function isTemporary(relativePath: string): boolean {
  return path.posix.basename(relativePath).startsWith(TEMP_PREFIX);
}
