// The append-only journal of committed transactions since the last snapshot. Each frame is
// [u32 length][u32 crc32][JSON payload]; the first frame is a header naming the snapshot
// sequence it follows. A frame that is short or fails its checksum ends the journal (a torn
// tail from a crash mid-append), so replay applies exactly the transactions that were complete.
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
}

const FRAME_HEAD = 8;
const MAX_FRAME = 256 * 1024 * 1024;

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
export function decodeFrames(buf: Buffer, start = 0): { payloads: Array<{ value: unknown; end: number }>; validEnd: number; torn: boolean } {
  const payloads: Array<{ value: unknown; end: number }> = [];
  let pos = 0;
  while (pos < buf.length) {
    if (buf.length - pos < FRAME_HEAD) break;
    const len = buf.readUInt32LE(pos);
    const sum = buf.readUInt32LE(pos + 4);
    // A zero length is what a crash leaves in a file extended with zeros: not a frame.
    if (len === 0 || len > MAX_FRAME || pos + FRAME_HEAD + len > buf.length) break;
    const body = buf.subarray(pos + FRAME_HEAD, pos + FRAME_HEAD + len);
    if (crc32(body) !== sum) break;
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      break;
    }
    pos += FRAME_HEAD + len;
    payloads.push({ value, end: start + pos });
  }
  return { payloads, validEnd: start + pos, torn: pos < buf.length };
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
export function parseJournal(buf: Buffer): ParsedJournal {
  const { payloads, validEnd, torn } = decodeFrames(buf, 0);
  if (payloads.length === 0 || !isHeader(payloads[0].value)) {
    return { headerEnd: 0, records: [], validLength: 0, torn: buf.length > 0 };
  }
  const records: ParsedJournal['records'] = [];
  let end = payloads[0].end;
  for (const p of payloads.slice(1)) {
    if (!isRecord(p.value)) return { header: payloads[0].value, headerEnd: payloads[0].end, records, validLength: end, torn: true };
    records.push({ record: p.value, end: p.end });
    end = p.end;
  }
  return { header: payloads[0].value, headerEnd: payloads[0].end, records, validLength: validEnd, torn };
}
