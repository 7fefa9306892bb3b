// File and entry names that are safe on Windows, macOS and Linux and deterministic for the same
// input: a readable slug of the text (any script) plus a short id that makes the name unique.

/** Names Windows reserves for devices, with or without an extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const encoder = new TextEncoder();

function utf8Length(s: string): number {
  return encoder.encode(s).length;
}

/** Cuts to at most `maxBytes` of UTF-8 without splitting a character or a combining sequence. */
function truncateUtf8(s: string, maxBytes: number): string {
  if (utf8Length(s) <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const { segment } of segmenter.segment(s)) {
    const n = utf8Length(segment);
    if (bytes + n > maxBytes) break;
    out += segment;
    bytes += n;
  }
  return out;
}

/** A character (grapheme) that reads as a letter or digit starts with one. */
const READABLE_BASE = /^[\p{L}\p{N}]/u;
/** What stays of such a grapheme: the base and the marks that belong to it (accents, vowel signs),
 *  not variation selectors (U+FE0F asks for emoji presentation), enclosing marks (keycaps),
 *  joiners or modifiers, which belong to emoji. */
const NOT_PART_OF_A_LETTER = /[^\p{L}\p{Mn}\p{Mc}\p{N}]|[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;

/** Letters and digits of `text` (NFC) with the marks on them; every other run becomes one `-`. */
function readableRuns(text: string): string {
  let out = '';
  for (const { segment } of segmenter.segment(text.normalize('NFC'))) {
    // A mark whose base is not a letter (an emoji's U+FE0F, a stray accent) goes with its base.
    out += READABLE_BASE.test(segment) ? segment.replace(NOT_PART_OF_A_LETTER, '') : '-';
  }
  return out.replace(/-{2,}/g, '-');
}

/**
 * A readable, filesystem-safe stem for `text`: letters and digits of any script with their marks
 * are kept (NFC, so macOS and Linux agree), every other run of characters becomes one `-`, the
 * ends carry no dot, dash or space, and Windows device names are prefixed. Input with nothing
 * readable gives `fallback`.
 */
export function slugify(text: string, maxBytes = 48, fallback = 'generation'): string {
  const slug = readableRuns(text).replace(/^-+|-+$/g, '');
  let cut = truncateUtf8(slug, maxBytes).replace(/[-.\s]+$/u, '');
  if (cut === '') cut = fallback;
  return WINDOWS_RESERVED.test(cut) ? `_${cut}` : cut;
}

/** Lower-case hex of an id without dashes, cut to `length` (an 8-character prefix of a uuid by default). */
export function shortId(id: string, length = 8): string {
  const hex = id.toLowerCase().replace(/[^0-9a-z]/g, '');
  return (hex === '' ? 'x' : hex).slice(0, length);
}

/** Hands out names that are unique ignoring case and Unicode normalisation (as on Windows and macOS). */
export class UniqueNames {
  private readonly used = new Set<string>();

  /** `make(n)` builds a candidate from an id of `n` characters; longer ids are tried on a clash. */
  take(make: (idLength: number) => string): string {
    for (const n of [8, 12, 16, 32]) {
      const name = make(n);
      if (this.claim(name)) return name;
    }
    for (let i = 2; ; i++) {
      const name = make(32).replace(/(\.[^./]+)$/, `-${i}$1`);
      if (this.claim(name)) return name;
    }
  }

  private claim(name: string): boolean {
    const key = name.normalize('NFC').toLowerCase();
    if (this.used.has(key)) return false;
    this.used.add(key);
    return true;
  }
}

/** `hello-world-3f0c1a2b.voicehistory.zip` for one generation. */
export function generationArchiveName(text: string, generationId: string): string {
  return `${slugify(text)}-${shortId(generationId)}.voicehistory.zip`;
}

/** `voice-history-25-generations-2025-01-31.voicehistory.zip` for several. */
export function bulkArchiveName(count: number, at: Date = new Date()): string {
  return `voice-history-${count}-generation${count === 1 ? '' : 's'}-${at.toISOString().slice(0, 10)}.voicehistory.zip`;
}

/** `episode-1-story-3f0c1a2b.voicehistory.zip`: a story with its generations. */
export function storyArchiveName(name: string, storyId: string): string {
  return `${slugify(name, 48, 'story')}-story-${shortId(storyId)}.voicehistory.zip`;
}

/** Voicebox names its generation exports `generation-<safe text>.voicebox.zip`. */
export function voiceboxArchiveName(text: string): string {
  return `generation-${slugify(text, 40)}.voicebox.zip`;
}

/** `hello-world-3f0c1a2b.wav`: the file name of exported audio. */
export function audioFileName(text: string, generationId: string, extension: string): string {
  return `${slugify(text)}-${shortId(generationId)}.${extension}`;
}

/** True for names no supported OS would refuse or misread (used to check our own output in tests). */
export function isPortableFileName(name: string): boolean {
  if (name === '' || name === '.' || name === '..') return false;
  if (/[<>:"/\\|?*\p{Cc}]/u.test(name)) return false;
  if (/[. ]$/.test(name)) return false;
  if (WINDOWS_RESERVED.test(name.split('.')[0] ?? '')) return false;
  return utf8Length(name) <= 200 && name === name.normalize('NFC');
}
