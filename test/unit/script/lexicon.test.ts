// The PLS lexicon from a real file: substitutions measured on the text an engine would get,
// phonemes for engines that take them, errors with line and column for files that are not PLS.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LexiconError, applyLexicon, cueLexiconHash, parseLexicon } from '../../../src/script/lexicon';
import { fixture } from './fixtures';

const lexicon = parseLexicon(fixture('lexicon.pls'));

function rejects(xml: string, line: number, column: number, message: RegExp): void {
  assert.throws(
    () => parseLexicon(xml),
    (e: unknown) => {
      assert.ok(e instanceof LexiconError, String(e));
      assert.deepEqual([e.line, e.column], [line, column], e.message);
      assert.match(e.message, message);
      return true;
    },
  );
}

test('reads the lexemes: graphemes, aliases and phonemes with their alphabet and preference', () => {
  assert.equal(lexicon.alphabet, 'ipa');
  assert.equal(lexicon.language, 'en-GB');
  assert.equal(lexicon.lexemes.length, 6);
  assert.deepEqual(lexicon.lexemes[1], {
    graphemes: ['tomato', 'Tomato'],
    pronunciations: [{ kind: 'phoneme', text: 'təˈmɑːtəʊ', alphabet: 'ipa', prefer: false }],
    line: 9,
  });
  assert.deepEqual(lexicon.lexemes[4]!.pronunciations[1], { kind: 'phoneme', text: 'N UW1 Y AO1 R K', alphabet: 'x-cmu', prefer: true });
});

test('aliases replace whole words, case-sensitively, longest grapheme first, never re-applied', () => {
  assert.equal(applyLexicon('Nginx runs here.', lexicon), 'Engine X runs here.');
  assert.equal(applyLexicon('nginx and Nginxes and NginxPlus stay.', lexicon), 'nginx and Nginxes and NginxPlus stay.');
  assert.equal(applyLexicon('(Nginx), "Nginx"; Nginx.', lexicon), '(Engine X), "Engine X"; Engine X.');
  assert.equal(applyLexicon('Welcome to New York City, W3C!', lexicon), 'Welcome to the Big Apple, World Wide Web Consortium!');
  // A grapheme of two words matches across any spacing.
  assert.equal(applyLexicon('New\n  York City', lexicon), 'the Big Apple');
  // prefer="true" picks among the aliases.
  assert.equal(applyLexicon('SQL', lexicon), 'S Q L');
  // Phonemes are not for every engine: without an alias the word is left as written.
  assert.equal(applyLexicon('A tomato.', lexicon), 'A tomato.');
  assert.equal(applyLexicon('New York', lexicon), 'New York');
});

test('for an engine that takes phonemes: the preferred pronunciation, spans on the returned text', () => {
  const r = applyLexicon('Nginx in New York sells a Tomato.', lexicon, true);
  assert.equal(r.text, 'Engine X in New York sells a Tomato.');
  assert.deepEqual(r.phonemes, [
    { start: 12, end: 20, ph: 'N UW1 Y AO1 R K', alphabet: 'x-cmu' },
    { start: 29, end: 35, ph: 'təˈmɑːtəʊ', alphabet: 'ipa' },
  ]);
  for (const p of r.phonemes) assert.ok(['New York', 'Tomato'].includes(r.text.slice(p.start, p.end)));
});

test('the hash covers the content, not comments or layout; a cue hashes only the entries it uses', () => {
  const xml = fixture('lexicon.pls');
  assert.equal(parseLexicon(xml.replace(/\n\s*/g, ' ').replace('<!-- A workspace', '<!-- Another')).hash, lexicon.hash);
  assert.notEqual(parseLexicon(xml.replace('S Q L', 'S. Q. L.')).hash, lexicon.hash);
  assert.notEqual(parseLexicon(xml.replace('xml:lang="en-GB"', 'xml:lang="en-US"')).hash, lexicon.hash);
  const changed = parseLexicon(xml.replace('S Q L', 'S. Q. L.'));
  assert.equal(cueLexiconHash('Nginx up.', changed), cueLexiconHash('Nginx up.', lexicon));
  assert.notEqual(cueLexiconHash('SQL up.', changed), cueLexiconHash('SQL up.', lexicon));
  assert.equal(cueLexiconHash('Nothing here.', lexicon), null);
  assert.equal(cueLexiconHash('Nginx up.', null), null);
});

test('bad XML: a LexiconError with the line and column', () => {
  // The mismatched </alais> on line 5.
  assert.throws(
    () => parseLexicon(fixture('bad-lexicon.pls')),
    (e: unknown) =>
      e instanceof LexiconError && e.line === 4 && e.column > 20 && /does not close <alias> \(opened at line 5, column 5\)/.test(e.message),
  );
  rejects('<lexicon>\n  <lexeme><grapheme>a &nbsp; b</grapheme>', 1, 27, /undefined entity/);
  rejects('', 0, 0, /root element/);
  rejects('just text', 0, 8, /text data outside of root node|root element/);
  rejects('<?xml version="1.0"?>\n<speak/>', 1, 0, /the root element is <speak>; a PLS lexicon is a <lexicon>/);
  rejects('<lexicon alphabet="ipa">\n  <lexeme>\n    <grapheme>x</grapheme>\n  </lexeme>\n</lexicon>', 1, 2, /no <alias> or <phoneme>/);
  rejects('<lexicon alphabet="ipa">\n <lexeme><alias>x</alias></lexeme></lexicon>', 1, 1, /no <grapheme>/);
  rejects('<lexicon>\n <lexeme><grapheme>x</grapheme><phoneme>ks</phoneme></lexeme></lexicon>', 1, 31, /<phoneme> has no alphabet/);
  rejects('<lexicon alphabet="ipa"><lexeme><grapheme>x</grapheme><grapheme>  </grapheme></lexeme></lexicon>', 0, 54, /<grapheme> is empty/);
  rejects('<lexicon alphabet="ipa"><lexeme><graphem>x</graphem></lexeme></lexicon>', 0, 32, /<graphem> is not part of a PLS lexeme/);
  rejects('<lexicon alphabet="ipa"><lexeme><grapheme><b>x</b></grapheme></lexeme></lexicon>', 0, 42, /<b> cannot be inside <grapheme>/);
});

test('hostile lexicons: DTD entities are not expanded, a BOM is fine, 5,000 lexemes apply quickly', () => {
  rejects('<!DOCTYPE lexicon [<!ENTITY lol "lol">]>\n<lexicon>&lol;</lexicon>', 1, 13, /undefined entity/);
  assert.equal(parseLexicon(`\uFEFF${fixture('lexicon.pls')}`).hash, lexicon.hash);
  const entries = Array.from({ length: 5000 }, (_, i) => `<lexeme><grapheme>word${i}</grapheme><alias>alias ${i}</alias></lexeme>`);
  const big = parseLexicon(`<lexicon xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa">${entries.join('')}</lexicon>`);
  const t0 = performance.now();
  assert.equal(applyLexicon('say word42 and word4999 but not word50000', big), 'say alias 42 and alias 4999 but not word50000');
  assert.ok(performance.now() - t0 < 2000);
});
