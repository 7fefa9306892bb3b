// Counts the entries a ZIP's central directory really holds. The classic end record stores the
// count in 16 bits, so an archive of more than 65,535 entries written without the ZIP64 records
// claims the count modulo 65,536 (100,004 entries read as 34,468); a reader that trusts it never
// sees most entries, so neither the entry limit nor the name checks reach them. Walking the
// directory header by header gives the true count.
import { promises as fsp } from 'node:fs';

const END_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const END_SIZE = 22;
const ZIP64_LOCATOR_SIZE = 20;
const CENTRAL_HEADER_SIZE = 46;
const CHUNK = 1 << 20;

export interface DirectoryCount {
  /** Entries found by walking the central directory (stops counting past `stopAfter`). */
  entries: number;
  /** What the end record claims. */
  declared: number;
  /** True when the ZIP64 records are present: their 64-bit count can be trusted as it is. */
  zip64: boolean;
}

/**
 * Walks the central directory of the ZIP at `path`; null when the end record cannot be found
 * (the ZIP reader reports that itself). Counting stops once it passes `stopAfter`.
 */
export async function countCentralDirectory(path: string, stopAfter: number): Promise<DirectoryCount | null> {
  const handle = await fsp.open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tailSize = Math.min(size, END_SIZE + 0xffff + ZIP64_LOCATOR_SIZE);
    const tail = Buffer.alloc(tailSize);
    await handle.read(tail, 0, tailSize, size - tailSize);
    let at = -1;
    for (let i = tailSize - END_SIZE; i >= 0; i--) {
      // The same test the reader makes: the signature, with a comment that runs to the end of the file.
      if (tail.readUInt32LE(i) === END_SIGNATURE && tail.readUInt16LE(i + 20) === tailSize - i - END_SIZE) {
        at = i;
        break;
      }
    }
    if (at < 0) return null;
    const declared = tail.readUInt16LE(at + 10);
    const zip64 = at >= ZIP64_LOCATOR_SIZE && tail.readUInt32LE(at - ZIP64_LOCATOR_SIZE) === ZIP64_LOCATOR_SIGNATURE;
    if (zip64) return { entries: declared, declared, zip64 };
    const directoryStart = tail.readUInt32LE(at + 16);
    const directoryEnd = size - tailSize + at;
    let entries = 0;
    let pos = directoryStart;
    let buffer = Buffer.alloc(0);
    let bufferStart = pos;
    while (pos + CENTRAL_HEADER_SIZE <= directoryEnd && entries <= stopAfter) {
      if (pos + CENTRAL_HEADER_SIZE > bufferStart + buffer.length) {
        const length = Math.min(CHUNK, directoryEnd - pos);
        buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, pos);
        buffer = buffer.subarray(0, bytesRead);
        bufferStart = pos;
        if (bytesRead < CENTRAL_HEADER_SIZE) break;
      }
      const o = pos - bufferStart;
      if (buffer.readUInt32LE(o) !== CENTRAL_SIGNATURE) break;
      entries++;
      pos += CENTRAL_HEADER_SIZE + buffer.readUInt16LE(o + 28) + buffer.readUInt16LE(o + 30) + buffer.readUInt16LE(o + 32);
    }
    return { entries, declared, zip64 };
  } finally {
    await handle.close();
  }
}
