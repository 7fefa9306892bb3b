// One folder or file name that every file system takes (Windows, macOS, Linux): shared by the
// folder export's name templates and the story export's file names.

/** Longest folder or file name written (bytes of UTF-8): safe under every file system's 255. */
export const MAX_SEGMENT_BYTES = 120;

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
// eslint-disable-next-line no-control-regex
const ILLEGAL = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;
const utf8 = new TextEncoder();
export const utf8Bytes = (s: string): number => utf8.encode(s).length;

/** Cuts to `max` bytes without splitting a character. */
function cut(s: string, max: number): string {
  if (utf8Bytes(s) <= max) return s;
  let out = '';
  for (const ch of s) {
    if (utf8Bytes(out + ch) > max) break;
    out += ch;
  }
  return out;
}

/** One folder or file name made portable: no illegal characters, no trailing dot or space, no device name, capped. */
export function safeSegment(raw: string, keepExtension = false): string {
  let s = raw.normalize('NFC').replace(ILLEGAL, '_').trim();
  let ext = '';
  if (keepExtension) {
    const dot = s.lastIndexOf('.');
    if (dot > 0) {
      ext = s.slice(dot);
      s = s.slice(0, dot);
    }
  }
  s = cut(s, MAX_SEGMENT_BYTES - utf8Bytes(ext)).replace(/[. ]+$/u, '');
  s = s.replace(/^[. ]+/u, '');
  if (s === '') s = '_';
  if (RESERVED.test(s.split('.')[0]!)) s = `_${s}`;
  return s + ext;
}
