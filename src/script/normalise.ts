// The one normal form of a document's lines, a cue's words and a speaker's name, so that the same
// words hash the same whatever the line endings, spacing or Unicode composition.
import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { ScriptError, where } from './errors';

/** The document's lines without a byte-order mark, whatever the line endings (CRLF, CR, LF). */
export function documentLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const nul = body.indexOf('\0');
  if (nul >= 0) {
    const before = body.slice(0, nul).split(/\r\n|\r|\n/);
    const line = before.length - 1;
    const column = before[line]!.length;
    throw new ScriptError(line, column, `This file holds binary data (a NUL byte at ${where(line, column)}); a script is a text file.`);
  }
  return body.split(/\r\n|\r|\n/);
}

// Control characters (other than tab and newline) are never meant to be spoken.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Words as change detection sees them: NFC, control characters gone, runs of white space one space, trimmed. */
export function normaliseText(text: string): string {
  // Printable ASCII with single spaces (most lines) is already normal.
  if (PLAIN.test(text)) return text;
  return text.normalize('NFC').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}
const PLAIN = /^(?! )(?:[!-~]| (?! |$))*$/;

// The one-shot digest is about twice as fast as a Hash object for short texts (Node >= 20.12).
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function sha256(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : createHash('sha256').update(text, 'utf8').digest('hex');
}

/** sha-256 (hex) of already-normalised text. */
export function textHash(normalised: string): string {
  return sha256(normalised);
}

/**
 * A speaker's name as a key: screenplay extensions such as "(V.O.)" or "(CONT'D)" dropped, spacing
 * collapsed, capitals (the screenplay convention), so "Alice", "ALICE" and "ALICE (O.S.)" are one speaker.
 */
export function normaliseSpeaker(name: string): string {
  return name
    .normalize('NFC')
    .replace(/\s*\([^)]*\)\s*/g, ' ')
    .replace(/:\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
}
