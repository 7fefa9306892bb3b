// The append-only journal of committed transactions since the last snapshot. Each frame is
// [u32 length][u32 crc32][JSON payload]; the first frame is a header naming the snapshot
// sequence it follows. A frame that is short or fails its checksum ends the journal (a torn
// tail from a crash mid-append), so replay applies exactly the transactions that were complete.
// When whole, valid frames follow the bad spot, it is not a torn tail but damage in the middle
// of the file: that is reported (`damage`) so the store can keep a copy and tell the user.
import { crc32 } from 'node:zlib';
import type { SqlValue } from './sqlite';

export type Op = [sql: string, params: SqlValue[]];

export interface JournalHeader {
  journal: 1;
  /** Sequence number of the last transaction contained in the snapshot this journal follows. */
  base: number;
}

export interface JournalRecord {
  /** Transaction sequence number, contiguous. */
  s: number;
  /** Schema version the statements were written against. */
  v: number;
  o: Op[];
}

export interface ParsedJournal {
  header?: JournalHeader;
  /** File offset just after the header frame (0 without a header). */
  headerEnd: number;
  records: Array<{ record: JournalRecord; end: number }>;
  /** Bytes of whole, valid frames from the start (what survives a torn tail). */
  validLength: number;
  /** True when bytes after validLength were ignored. */
  torn: boolean;
  /** Set when valid frames follow the bad bytes (mid-file damage, not a torn tail). */
  damage?: JournalDamage;
}

export interface JournalDamage {
  /** File offset of the first bad byte (where replay stopped). */
  at: number;
  /** Whole, valid transaction frames found after it. */
  framesAfter: number;
}

const FRAME_HEAD = 8;
/**
 * Largest frame body a reader accepts (a longer length field reads as a torn tail), so the
 * writer refuses transactions over it: written, they would be dropped on the next open.
 */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/** Bytes of a frame holding `body` bytes of payload. */
export const frameBytes = (body: number) => FRAME_HEAD + body;

export function encodeFrame(payload: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const frame = Buffer.allocUnsafe(FRAME_HEAD + body.length);
  frame.writeUInt32LE(body.length, 0);
  frame.writeUInt32LE(crc32(body), 4);
  body.copy(frame, FRAME_HEAD);
  return frame;
}

export function headerFrame(base: number): Buffer {
  const h: JournalHeader = { journal: 1, base };
  return encodeFrame(h);
}

/** Decodes frames from `buf`, which starts at a frame boundary at file offset `start`. */
export function decodeFrames(
  buf: Buffer,
  start = 0,
  maxFrame = MAX_FRAME_BYTES,
): { payloads: Array<{ value: unknown; end: number }>; validEnd: number; torn: boolean; damage?: JournalDamage } {
  const payloads: Array<{ value: unknown; end: number }> = [];
  let pos = 0;
  for (;;) {
    const f = frameAt(buf, pos, maxFrame);
    if (!f) break;
    pos = f.end;
    payloads.push({ value: f.value, end: start + pos });
  }
  const torn = pos < buf.length;
  const framesAfter = torn ? countFramesAfter(buf, pos + 1, maxFrame) : 0;
  return { payloads, validEnd: start + pos, torn, damage: framesAfter > 0 ? { at: start + pos, framesAfter } : undefined };
}

/** The whole, valid frame starting at `pos`, if there is one. */
function frameAt(buf: Buffer, pos: number, maxFrame: number): { value: unknown; end: number } | undefined {
  if (buf.length - pos < FRAME_HEAD) return undefined;
  const len = buf.readUInt32LE(pos);
  // A zero length is what a crash leaves in a file extended with zeros: not a frame.
  if (len === 0 || len > maxFrame || pos + FRAME_HEAD + len > buf.length) return undefined;
  const body = buf.subarray(pos + FRAME_HEAD, pos + FRAME_HEAD + len);
  if (crc32(body) !== buf.readUInt32LE(pos + 4)) return undefined;
  try {
    return { value: JSON.parse(body.toString('utf8')), end: pos + FRAME_HEAD + len };
  } catch {
    return undefined;
  }
}

/**
 * Transaction frames that verify somewhere after a bad spot. None: a torn tail (a crash
 * mid-append leaves at most one partial frame). Scans byte by byte; only bodies that start
 * like a record (`{"s":`) are checksummed, so garbage costs little.
 */
function countFramesAfter(buf: Buffer, from: number, maxFrame: number): number {
  let n = 0;
  for (let pos = from; pos + FRAME_HEAD + 5 <= buf.length;) {
    if (buf[pos + FRAME_HEAD] === 0x7b && buf[pos + FRAME_HEAD + 1] === 0x22 && buf[pos + FRAME_HEAD + 2] === 0x73) {
      const f = frameAt(buf, pos, maxFrame);
      if (f && isRecord(f.value)) {
        n++;
        pos = f.end;
        continue;
      }
    }
    pos++;
  }
  return n;
}

function isHeader(v: unknown): v is JournalHeader {
  return typeof v === 'object' && v !== null && (v as JournalHeader).journal === 1 && typeof (v as JournalHeader).base === 'number';
}

export function isRecord(v: unknown): v is JournalRecord {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as JournalRecord).s === 'number' &&
    typeof (v as JournalRecord).v === 'number' &&
    Array.isArray((v as JournalRecord).o)
  );
}

/** Parses a whole journal file. */
export function parseJournal(buf: Buffer, maxFrame = MAX_FRAME_BYTES): ParsedJournal {
  const { payloads, validEnd, torn, damage } = decodeFrames(buf, 0, maxFrame);
  if (payloads.length === 0 || !isHeader(payloads[0].value)) {
    return { headerEnd: 0, records: [], validLength: 0, torn: buf.length > 0 };
  }
  const records: ParsedJournal['records'] = [];
  let end = payloads[0].end;
  for (const p of payloads.slice(1)) {
    if (!isRecord(p.value))
      return {
        header: payloads[0].value,
        headerEnd: payloads[0].end,
        records,
        validLength: end,
        torn: true,
        damage: { at: end, framesAfter: payloads.length - 1 - records.length + (damage?.framesAfter ?? 0) },
      };
    records.push({ record: p.value, end: p.end });
    end = p.end;
  }
  return { header: payloads[0].value, headerEnd: payloads[0].end, records, validLength: validEnd, torn, damage };
}
