import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  audioFileName,
  bulkArchiveName,
  generationArchiveName,
  isPortableFileName,
  shortId,
  slugify,
  UniqueNames,
  voiceboxArchiveName,
} from '../../../src/archive/names';

const ID = '3f0c1a2b-9d8e-4f00-8a11-0123456789ab';

test('slugify keeps letters of any script and joins the rest with single dashes', () => {
  assert.equal(slugify('Hello, world!  How are you?'), 'Hello-world-How-are-you');
  assert.equal(slugify('Grüße aus Köln'), 'Grüße-aus-Köln');
  assert.equal(slugify('こんにちは、世界'), 'こんにちは-世界');
  assert.equal(slugify('Привет мир'), 'Привет-мир');
  assert.equal(slugify('مرحبا بالعالم'), 'مرحبا-بالعالم');
});

test('slugify normalises to NFC so macOS (NFD) and Linux names agree', () => {
  const nfd = 'Cafe\u0301';
  assert.equal(slugify(nfd), 'Café');
  assert.equal(slugify(nfd), slugify('Café'));
});

test('slugify removes characters Windows forbids, control characters and trailing dots or spaces', () => {
  assert.equal(slugify('a<b>c:d"e/f\\g|h?i*j'), 'a-b-c-d-e-f-g-h-i-j');
  assert.equal(slugify('tab\there\nnewline\u0000nul'), 'tab-here-newline-nul');
  assert.equal(slugify('ends with dots...'), 'ends-with-dots');
  assert.equal(slugify('  spaced  '), 'spaced');
});

test('slugify prefixes Windows device names, with any case', () => {
  for (const name of ['CON', 'con', 'Prn', 'AUX', 'NUL', 'COM1', 'lpt9', 'COM¹']) {
    assert.equal(slugify(name), `_${name}`, name);
  }
  assert.equal(slugify('CONSOLE'), 'CONSOLE');
  assert.equal(slugify('con.txt'), 'con-txt');
});

test('slugify falls back when nothing readable is left and cuts by UTF-8 bytes without splitting characters', () => {
  assert.equal(slugify('!!! ???'), 'generation');
  assert.equal(slugify(''), 'generation');
  assert.equal(slugify('🙂🙂🙂'), 'generation');
  const long = slugify('日本語'.repeat(40), 48);
  assert.ok(Buffer.byteLength(long) <= 48);
  assert.equal(long, '日本語'.repeat(40).slice(0, 16));
  // A letter with a combining mark that does not normalise to one code point stays whole.
  const combining = slugify('q\u0307'.repeat(30), 9);
  assert.equal(combining, 'q\u0307'.repeat(3));
});

test("slugify drops marks whose base was replaced: an emoji's variation selector never reaches a name", () => {
  assert.equal(slugify('café \u2764\uFE0F ok'), 'café-ok');
  assert.equal(slugify('\u2764\uFE0F'), 'generation', '❤️ alone has nothing readable');
  assert.equal(slugify('\u0301abc'), 'abc', 'a combining accent with no letter under it');
  assert.equal(slugify('1\uFE0F\u20E3 step'), '1-step', 'a keycap keeps its digit only');
  assert.equal(slugify('👍🏽 yes'), 'yes');
  assert.equal(slugify('हिन्दी नमस्ते'), 'हिन्दी-नमस्ते', 'vowel signs and viramas belong to their letters');
  assert.equal(slugify('Ñandú'.normalize('NFD')), 'Ñandú');
  assert.equal(audioFileName('café ❤️', ID, 'wav'), 'café-3f0c1a2b.wav');
  // Names hold only what the README promises: letters, digits, the marks on them, and dashes.
  for (const text of ['a\uFE0Fb', '❤️‍🔥 fire', 'x\u200Dy', '\u{E0100}z', 'ok\u20DD']) {
    const slug = slugify(text);
    assert.match(slug, /^[\p{L}\p{N}][\p{L}\p{Mn}\p{Mc}\p{N}-]*$/u, `${JSON.stringify(text)} gave ${JSON.stringify(slug)}`);
    assert.doesNotMatch(slug, /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u);
  }
});

test('archive and audio names are deterministic, unique by id and portable', () => {
  assert.equal(generationArchiveName('Hello world', ID), 'Hello-world-3f0c1a2b.voicehistory.zip');
  assert.equal(generationArchiveName('Hello world', ID), generationArchiveName('Hello world', ID));
  assert.equal(audioFileName('CON', ID, 'wav'), '_CON-3f0c1a2b.wav');
  assert.equal(voiceboxArchiveName('Hi there.'), 'generation-Hi-there.voicebox.zip');
  assert.equal(bulkArchiveName(25, new Date(Date.UTC(2025, 0, 31))), 'voice-history-25-generations-2025-01-31.voicehistory.zip');
  assert.equal(bulkArchiveName(1, new Date(Date.UTC(2025, 0, 31))), 'voice-history-1-generation-2025-01-31.voicehistory.zip');
  const nasty = ['CON', 'a.', 'x ', '../../etc/passwd', 'C:\\Windows', 'ünïcödé 🙂', '\u0000\u0001', 'AUX.txt', '日本語テキスト', ''];
  for (const text of nasty) {
    for (const name of [generationArchiveName(text, ID), audioFileName(text, ID, 'mp3'), voiceboxArchiveName(text)]) {
      assert.ok(isPortableFileName(name), `${JSON.stringify(text)} -> ${name}`);
    }
  }
});

test('isPortableFileName rejects what some OS would refuse', () => {
  for (const bad of ['CON', 'con.wav', 'a:b', 'a/b', 'a\\b', 'trailing.', 'trailing ', '', '..', 'x\u0001y', 'Cafe\u0301']) {
    assert.equal(isPortableFileName(bad), false, JSON.stringify(bad));
  }
  assert.equal(isPortableFileName('Café-3f0c1a2b.wav'), true);
});

test('shortId and UniqueNames give longer ids only on a clash, ignoring case', () => {
  assert.equal(shortId(ID), '3f0c1a2b');
  assert.equal(shortId(ID, 12), '3f0c1a2b9d8e');
  const names = new UniqueNames();
  const a = names.take((n) => `audio/Hello-${shortId(ID, n)}.wav`);
  const b = names.take((n) => `audio/hello-${shortId('3f0c1a2b-0000-4000-8000-000000000000', n)}.wav`);
  assert.equal(a, 'audio/Hello-3f0c1a2b.wav');
  assert.equal(b, 'audio/hello-3f0c1a2b0000.wav');
  const c = names.take(() => 'audio/same.wav');
  const d = names.take(() => 'audio/SAME.wav');
  assert.equal(c, 'audio/same.wav');
  assert.equal(d, 'audio/SAME-2.wav');
});
