// Reads ZIP archives without loading them into memory (yauzl: random access over the file), after
// checking the whole central directory against zip slip and zip bomb limits. jszip was measured
// and rejected for reading: it holds the whole archive in memory (500 MB archive: +499 MB RSS).
import { createWriteStream, promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { basename } from 'node:path';
import yauzl from 'yauzl';
import { ArchiveError } from './errors';
import { LIMIT_SETTINGS, MB, type ImportLimits } from './limits';
import { countCentralDirectory } from './zip-directory';
import { errorMessage } from '../format/errors';

export interface ZipEntry {
  /** Decoded name as stored (always `/`-separated; checked: relative, no `..`, no backslash). */
  readonly name: string;
  readonly isDirectory: boolean;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** @internal */
  readonly raw: yauzl.Entry;
}

/** Why a name is unsafe to use as a path, or null when it is fine. */
export function unsafeEntryNameReason(name: string): string | null {
  if (name.includes('\\')) return 'contains a backslash';
  if (/^[a-zA-Z]:/.test(name)) return 'starts with a drive letter';
  if (name.startsWith('/')) return 'is an absolute path';
  if (name.split('/').includes('..')) return 'climbs out of the archive with ".."';
  // Control characters and NUL make names that differ from what a user sees.
  if (/\p{Cc}/u.test(name)) return 'contains control characters';
  if (name === '') return 'is empty';
  return null;
}

function openFile(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    ),
  );
}

async function looksLikeZipStart(path: string): Promise<boolean> {
  const handle = await fsp.open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.readUInt32LE(0) === 0x04034b50;
  } finally {
    await handle.close();
  }
}

/** Counts bytes, hashes (sha256) and checks the CRC-32 of an entry's data, chunk by chunk. */
class EntryDigest {
  bytes = 0;
  private crc = 0;
  private readonly hash = createHash('sha256');
  constructor(
    private readonly name: string,
    private readonly expectedCrc: number,
    private readonly onBytes?: (n: number) => void,
  ) {}
  update(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    this.crc = crc32(chunk, this.crc);
    this.hash.update(chunk);
    this.onBytes?.(chunk.length);
  }
  /** The ArchiveError to throw when the data read does not match the checksum, else null. */
  mismatch(): ArchiveError | null {
    if (this.crc >>> 0 === this.expectedCrc >>> 0) return null;
    return new ArchiveError(
      'damaged-entry',
      `"${this.name}" in the archive is damaged (its checksum does not match). Export or download the archive again.`,
    );
  }
  sha256(): string {
    return this.hash.digest('hex');
  }
}

/** The same checks as a stream stage, for data yauzl streams (deflated entries, small texts). */
class EntryCheck extends Transform {
  readonly digest: EntryDigest;
  constructor(name: string, expectedCrc: number, onBytes?: (n: number) => void) {
    super();
    this.digest = new EntryDigest(name, expectedCrc, onBytes);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.digest.update(chunk);
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    const mismatch = this.digest.mismatch();
    if (mismatch) cb(mismatch);
    else cb();
  }
}

/**
 * Stored entries are copied in chunks this big: yauzl's read stream moves 16 KiB per read (Node's
 * default), which made a 500 MB import spend most of its time on 64,000 small reads and writes.
 */
const COPY_CHUNK = 1024 * 1024;

export class ZipArchive {
  /** Our own handle on the archive for copying stored entries (yauzl's fd is its own). */
  private file: Promise<fsp.FileHandle> | undefined;

  private constructor(
    readonly path: string,
    private readonly zip: yauzl.ZipFile,
    readonly entries: readonly ZipEntry[],
    private readonly byName: Map<string, ZipEntry>,
  ) {}

  /**
   * Opens `path` and checks every entry before any data is read: names (zip slip), duplicates,
   * entry count, total size, compression ratio, encryption, compression method. Throws
   * ArchiveError with a message that says what is wrong and which setting raises a limit.
   */
  static async open(path: string, limits: ImportLimits): Promise<ZipArchive> {
    const label = basename(path);
    let zip: yauzl.ZipFile;
    try {
      zip = await openFile(path);
    } catch (e) {
      const detail = errorMessage(e);
      const truncated = await looksLikeZipStart(path).catch(() => false);
      throw new ArchiveError(
        'not-a-zip',
        truncated
          ? `"${label}" is an incomplete ZIP archive (it looks truncated: ${detail}). Download or export it again.`
          : `"${label}" is not a ZIP archive (${detail}). Choose a .voicehistory.zip, .voicebox.zip or an audio file.`,
        { cause: e },
      );
    }
    try {
      await ZipArchive.checkEntryCount(path, zip, label, limits);
      const entries = await ZipArchive.readDirectory(zip, label, limits);
      const byName = new Map(entries.map((e) => [e.name, e]));
      return new ZipArchive(path, zip, entries, byName);
    } catch (e) {
      zip.close();
      throw e;
    }
  }

  /**
   * The entry limit, against the count the central directory really holds (the classic end record
   * keeps only 16 bits of it). When more entries are there than claimed, the reader is told the
   * true count so every name is checked.
   */
  private static async checkEntryCount(path: string, zip: yauzl.ZipFile, label: string, limits: ImportLimits): Promise<void> {
    const counted = await countCentralDirectory(path, limits.maxEntries);
    const real = counted && !counted.zip64 ? Math.max(counted.entries, zip.entryCount) : zip.entryCount;
    if (real > limits.maxEntries) {
      const holds =
        real === zip.entryCount
          ? `holds ${real} entries`
          : `holds more than ${limits.maxEntries} entries (its end record claims ${zip.entryCount})`;
      throw new ArchiveError(
        'too-many-entries',
        `"${label}" ${holds}; the limit is ${limits.maxEntries}. If you trust this archive, raise the setting ${LIMIT_SETTINGS.maxEntries} and import again.`,
      );
    }
    if (real === zip.entryCount) return;
    if ((real - zip.entryCount) % 0x10000 !== 0) {
      throw new ArchiveError(
        'not-a-zip',
        `"${label}" is a damaged ZIP archive (its central directory holds ${real} entries, its end record says ${zip.entryCount}). Download or export it again.`,
      );
    }
    // Written without the ZIP64 records: the end record's count wrapped at 65,536.
    zip.entryCount = real;
  }

  private static async readDirectory(zip: yauzl.ZipFile, label: string, limits: ImportLimits): Promise<ZipEntry[]> {
    const entries: ZipEntry[] = [];
    const seen = new Map<string, string>();
    let total = 0;
    let compressedTotal = 0;
    const maxTotal = limits.maxTotalMegabytes * MB;
    await new Promise<void>((resolve, reject) => {
      const fail = (e: unknown) => {
        zip.removeAllListeners('entry');
        reject(e);
      };
      zip.on('error', (e: Error) =>
        fail(
          new ArchiveError('not-a-zip', `"${label}" is a damaged ZIP archive (${e.message}). Download or export it again.`, {
            cause: e,
          }),
        ),
      );
      zip.on('end', () => resolve());
      zip.on('entry', (raw: yauzl.Entry) => {
        try {
          const rawName = raw.fileNameRaw;
          if (rawName.includes(0x5c)) {
            throw new ArchiveError(
              'zip-slip',
              `"${label}" was refused: the entry "${rawName.toString('utf8')}" contains a backslash, which could write outside the import folder. Nothing was imported.`,
            );
          }
          const name = yauzl.getFileNameLowLevel(raw.generalPurposeBitFlag, rawName, raw.extraFields, true);
          const unsafe = unsafeEntryNameReason(name);
          if (unsafe) {
            throw new ArchiveError(
              'zip-slip',
              `"${label}" was refused: the entry "${name}" ${unsafe}, which could write outside the import folder. Nothing was imported.`,
            );
          }
          const key = name.normalize('NFC').toLowerCase();
          const clash = seen.get(key);
          if (clash !== undefined) {
            throw new ArchiveError(
              'duplicate-entry',
              `"${label}" contains the entry "${name}" twice${clash === name ? '' : ` (as "${clash}" and "${name}")`}, so it is ambiguous which one is meant. Nothing was imported.`,
            );
          }
          seen.set(key, name);
          if (raw.isEncrypted()) {
            throw new ArchiveError(
              'encrypted',
              `"${label}" is password-protected ("${name}" is encrypted). Export it again without a password.`,
            );
          }
          if (raw.compressionMethod !== 0 && raw.compressionMethod !== 8) {
            throw new ArchiveError(
              'unsupported-compression',
              `"${name}" in "${label}" uses compression method ${raw.compressionMethod}; only stored and deflated entries are supported. Re-create the ZIP with standard compression.`,
            );
          }
          total += raw.uncompressedSize;
          compressedTotal += raw.compressedSize;
          if (total > maxTotal) {
            throw new ArchiveError(
              'too-large',
              `"${label}" unpacks to more than ${limits.maxTotalMegabytes} MB. If you trust this archive, raise the setting ${LIMIT_SETTINGS.maxTotalMegabytes} and import again.`,
            );
          }
          const ratio = raw.uncompressedSize / Math.max(1, raw.compressedSize);
          if (raw.uncompressedSize >= MB && ratio > limits.maxCompressionRatio) {
            throw new ArchiveError(
              'compression-ratio',
              `"${label}" looks like a zip bomb: "${name}" expands ${Math.round(ratio)} times (limit ${limits.maxCompressionRatio}). If you trust this archive, raise the setting ${LIMIT_SETTINGS.maxCompressionRatio}.`,
            );
          }
          // Entries whose data overlap (a known zip bomb trick) claim more compressed bytes than the file has.
          if (compressedTotal > zip.fileSize) {
            throw new ArchiveError('compression-ratio', `"${label}" looks like a zip bomb: its entries overlap. Nothing was imported.`);
          }
          entries.push({
            name,
            isDirectory: name.endsWith('/'),
            compressedSize: raw.compressedSize,
            uncompressedSize: raw.uncompressedSize,
            raw,
          });
          zip.readEntry();
        } catch (e) {
          fail(e);
        }
      });
      zip.readEntry();
    });
    if (total >= MB && total / Math.max(1, zip.fileSize) > limits.maxCompressionRatio) {
      throw new ArchiveError(
        'compression-ratio',
        `"${label}" looks like a zip bomb: it expands ${Math.round(total / Math.max(1, zip.fileSize))} times (limit ${limits.maxCompressionRatio}). If you trust this archive, raise the setting ${LIMIT_SETTINGS.maxCompressionRatio}.`,
      );
    }
    return entries;
  }

  get(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /** Files (not folders), in archive order. */
  files(): ZipEntry[] {
    return this.entries.filter((e) => !e.isDirectory);
  }

  private async stream(entry: ZipEntry): Promise<NodeJS.ReadableStream> {
    try {
      return await this.zip.openReadStreamPromise(entry.raw);
    } catch (e) {
      throw this.damaged(entry, e);
    }
  }

  private damaged(entry: ZipEntry, e: unknown): ArchiveError {
    if (e instanceof ArchiveError) return e;
    const detail = errorMessage(e);
    return new ArchiveError(
      'damaged-entry',
      `"${entry.name}" in "${basename(this.path)}" cannot be read (${detail}). The archive is damaged; export or download it again.`,
      { cause: e },
    );
  }

  /** Reads a small entry as UTF-8 text; refuses entries larger than `maxBytes`. */
  async readText(entry: ZipEntry, maxBytes: number): Promise<string> {
    if (entry.uncompressedSize > maxBytes) {
      throw new ArchiveError(
        'too-large',
        `"${entry.name}" is ${Math.ceil(entry.uncompressedSize / MB)} MB; at most ${Math.floor(maxBytes / MB)} MB is accepted.`,
      );
    }
    const chunks: Buffer[] = [];
    const check = new EntryCheck(entry.name, entry.raw.crc32);
    check.on('data', (c: Buffer) => chunks.push(c));
    try {
      await pipeline(await this.stream(entry), check);
    } catch (e) {
      throw this.damaged(entry, e);
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks)).replace(/^\uFEFF/, '');
  }

  /** Writes an entry to `dest` (created exclusively), checking size and CRC; returns its size and sha256. */
  async extract(
    entry: ZipEntry,
    dest: string,
    options: { signal?: AbortSignal; onBytes?: (n: number) => void } = {},
  ): Promise<{ bytes: number; sha256: string }> {
    if (entry.raw.compressionMethod === 0) return this.copyStored(entry, dest, options);
    const check = new EntryCheck(entry.name, entry.raw.crc32, options.onBytes);
    try {
      await pipeline(await this.stream(entry), check, createWriteStream(dest, { flags: 'wx' }), { signal: options.signal });
    } catch (e) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.damaged(entry, e);
    }
    return { bytes: check.digest.bytes, sha256: check.digest.sha256() };
  }

  /** A stored (uncompressed) entry: its bytes copied straight from the archive in large chunks. */
  private async copyStored(
    entry: ZipEntry,
    dest: string,
    options: { signal?: AbortSignal; onBytes?: (n: number) => void },
  ): Promise<{ bytes: number; sha256: string }> {
    const digest = new EntryDigest(entry.name, entry.raw.crc32, options.onBytes);
    let out: fsp.FileHandle | undefined;
    try {
      if (entry.compressedSize !== entry.uncompressedSize)
        throw new Error(`a stored entry of ${entry.compressedSize} bytes claims to unpack to ${entry.uncompressedSize}`);
      const { fileDataStart } = await this.zip.readLocalFileHeaderPromise(entry.raw, { minimal: true });
      if (fileDataStart + entry.compressedSize > this.zip.fileSize) throw new Error('its data runs past the end of the archive');
      const src = await (this.file ??= fsp.open(this.path, 'r'));
      out = await fsp.open(dest, 'wx');
      const buf = Buffer.allocUnsafe(Math.max(1, Math.min(COPY_CHUNK, entry.compressedSize)));
      for (let pos = fileDataStart, left = entry.compressedSize; left > 0;) {
        options.signal?.throwIfAborted();
        const { bytesRead } = await src.read(buf, 0, Math.min(buf.length, left), pos);
        if (bytesRead === 0) throw new Error('the archive ended inside its data');
        const chunk = buf.subarray(0, bytesRead);
        digest.update(chunk);
        for (let off = 0; off < bytesRead;) off += (await out.write(chunk, off, bytesRead - off)).bytesWritten;
        pos += bytesRead;
        left -= bytesRead;
      }
      const mismatch = digest.mismatch();
      if (mismatch) throw mismatch;
    } catch (e) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw this.damaged(entry, e);
    } finally {
      await out?.close();
    }
    return { bytes: digest.bytes, sha256: digest.sha256() };
  }

  close(): void {
    this.zip.close();
    void this.file?.then((f) => f.close()).catch(() => undefined);
    this.file = undefined;
  }
}
