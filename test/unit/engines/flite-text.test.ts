import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateSeconds, prepareFliteText, toFliteAscii, NORMAL_PIECE_SECONDS } from '../../../src/engines/flite-text';

function pieceEstimates(text: string): number[] {
  return text.split('\n\n').map((piece) => piece.split(' ').reduce((sum, token) => sum + estimateSeconds(token), 0));
}

test('typographic punctuation and accents become ASCII Flite can read', () => {
  assert.equal(toFliteAscii('“Café” — naïve… it’s 5°'), '"Cafe"  -  naive... it\'s 5 degrees ');
  assert.equal(toFliteAscii('日本 ok\r\nnext'), '   ok\nnext');
});

test('short sentences stay whole, one piece each, joined by blank lines', () => {
  const prepared = prepareFliteText('Hello there. How are you?\nFine, thanks!');
  assert.equal(prepared.text, 'Hello there.\n\nHow are you?\n\nFine, thanks!');
  assert.equal(prepared.pieces, 3);
});

test('a run-on text without full stops is cut into pieces under the budget', () => {
  const prepared = prepareFliteText('hello '.repeat(400));
  assert.ok(prepared.pieces > 5, `expected several pieces, got ${prepared.pieces}`);
  for (const seconds of pieceEstimates(prepared.text)) assert.ok(seconds <= NORMAL_PIECE_SECONDS + 1e-9, `piece of ${seconds} s`);
  assert.equal(prepared.text.replace(/\s+/g, ' ').trim(), 'hello '.repeat(400).trim());
});

test('digit-dense text and long tokens get smaller pieces; slower speech gets smaller pieces still', () => {
  const digits = prepareFliteText('1234567890 '.repeat(40));
  const words = prepareFliteText('abcdefghij '.repeat(40));
  assert.ok(digits.pieces > words.pieces);
  const token = prepareFliteText('9'.repeat(500));
  assert.ok(token.pieces >= (500 * 0.45) / NORMAL_PIECE_SECONDS);
  for (const seconds of pieceEstimates(token.text)) assert.ok(seconds <= NORMAL_PIECE_SECONDS);
  const slow = prepareFliteText('hello '.repeat(400), { speed: 0.5 });
  const normal = prepareFliteText('hello '.repeat(400));
  assert.ok(slow.pieces >= normal.pieces * 1.8, `${slow.pieces} vs ${normal.pieces}`);
});

test('a long sentence breaks at a clause once the piece is half full', () => {
  const sentence = `${'word '.repeat(20).trim()}, ${'more '.repeat(30).trim()}.`;
  const first = prepareFliteText(sentence).text.split('\n\n')[0];
  assert.ok(first.endsWith(','), first);
});

test('text with nothing speakable prepares to nothing', () => {
  assert.equal(prepareFliteText('  ... \n\n -- ').pieces, 0);
  assert.equal(prepareFliteText('日本語').pieces, 0);
});
