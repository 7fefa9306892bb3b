// Writes a ZIP as a stream (yazl) into a temp file beside the target and renames it into place,
// so a cancelled or failed export never leaves a partial archive. Audio is stored, not deflated
// (WAV barely compresses), and read one file at a time, so memory stays flat for any size.
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

export type ZipSource =
  /** A file, stored; `onHash` receives its sha256 once it has been written. */
  | { name: string; filePath: string; size: number; mtime?: Date; onHash?: (sha256: string) => void }
  /** Bytes, deflated by default; a function is called only when the entry is written (after every entry before it). */
  | { name: string; data: Buffer | (() => Buffer); compress?: boolean; mtime?: Date };

export interface WriteZipOptions {
  signal?: AbortSignal;
  /** Called as bytes of the archive are written; `total` is the sum of the inputs (an estimate of the output). */
  onProgress?: (written: number, total: number) => void;
}

const FILE_MODE = 0o100644;
const DEFAULT_MTIME = new Date(Date.UTC(2000, 0, 1));

class Counter extends Transform {
  written = 0;
  constructor(private readonly onChunk: (written: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.written += chunk.length;
    this.onChunk(this.written);
    cb(null, chunk);
  }
}

/** A name for a temp file next to `target` that no one else will pick. */
export function tempPathBeside(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`);
}

/** Writes `sources` as a ZIP to `target` (replacing it only when complete). Returns the archive size. */
export async function writeZipAtomically(
  target: string,
  sources: readonly ZipSource[],
  options: WriteZipOptions = {},
): Promise<{ bytes: number }> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const total = sources.reduce((n, s) => n + ('filePath' in s ? s.size : typeof s.data === 'function' ? 0 : s.data.length), 0);
  const temp = tempPathBeside(target);
  const zip = new yazl.ZipFile();
  let current: Readable | undefined;
  const out = createWriteStream(temp, { flags: 'wx' });
  // A failing input (a vanished audio file, one whose size changed) fails the whole archive:
  // yazl reports some of these on the ZipFile, the file streams report the rest themselves.
  let fail: (e: unknown) => void = () => undefined;
  const inputFailed = new Promise<never>((_, reject) => (fail = reject));
  inputFailed.catch(() => undefined);
  zip.on('error', (e: unknown) => fail(e));
  for (const s of sources) {
    const mtime = s.mtime ?? DEFAULT_MTIME;
    if ('filePath' in s) {
      const { filePath, onHash } = s;
      zip.addReadStreamLazy(s.name, { compress: false, size: s.size, mtime, mode: FILE_MODE }, (cb) => {
        const file = createReadStream(filePath);
        file.on('error', (e) => fail(e));
        current = file;
        if (!onHash) return cb(null, file);
        const hash = createHash('sha256');
        const hashed = new Transform({
          transform(chunk: Buffer, _enc, done) {
            hash.update(chunk);
            done(null, chunk);
          },
          flush(done) {
            onHash(hash.digest('hex'));
            done();
          },
        });
        file.on('error', (e) => hashed.destroy(e));
        cb(null, file.pipe(hashed));
      });
    } else if (typeof s.data === 'function') {
      const make = s.data;
      zip.addReadStreamLazy(s.name, { compress: s.compress ?? true, mtime, mode: FILE_MODE }, (cb) => {
        try {
          cb(null, Readable.from([make()]));
        } catch (e) {
          cb(e, Readable.from([]));
        }
      });
    } else {
      zip.addBuffer(s.data, s.name, { compress: s.compress ?? true, mtime, mode: FILE_MODE });
    }
  }
  zip.end();
  const counter = new Counter((w) => onProgress?.(w, total));
  const abort = () => current?.destroy();
  signal?.addEventListener('abort', abort, { once: true });
  const written = pipeline(zip.outputStream, counter, out, { signal });
  written.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
  try {
    await Promise.race([written, inputFailed]);
    await written;
    await fsyncFile(temp);
    await fsp.rename(temp, target);
    return { bytes: counter.written };
  } catch (e) {
    current?.destroy();
    out.destroy();
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    await fsp.rm(temp, { force: true });
    if (signal?.aborted) throw signal.reason;
    throw e;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await fsp.open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
