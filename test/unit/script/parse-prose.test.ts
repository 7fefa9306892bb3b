// Plain text and Markdown scripts from the real files in test/fixtures/scripts: what is spoken, by
// whom, and what is skipped; line endings, byte-order marks and long files read the same.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScriptError, parseScript } from '../../../src/script/parse';
import { dialogue, fixture } from './fixtures';

const texts = (s: ReturnType<typeof parseScript>) => s.cues.map((c) => c.text);
const said = (s: ReturnType<typeof parseScript>) => s.cues.map((c) => [c.speaker, c.text]);

test('plain text: a cue per paragraph; headings, // comments, separators and parentheticals are not spoken', () => {
  const s = parseScript(fixture('plain.txt'), { fileName: 'plain.txt' });
  assert.equal(s.kind, 'text');
  assert.deepEqual(texts(s), [
    'The lighthouse keeper counted the ships that passed before the storm arrived.',
    'There were seven that night. She wrote each name in the log.',
    'By morning the sea was calm again.',
  ]);
  assert.deepEqual(
    s.cues.map((c) => [c.startLine, c.endLine]),
    [
      [3, 4],
      [6, 7],
      [12, 12],
    ],
  );
  assert.deepEqual(s.warnings, []);
});

test('plain text, line mode: one cue per non-empty line', () => {
  const s = parseScript(fixture('plain.txt'), { fileName: 'plain.txt', cueMode: 'line' });
  assert.deepEqual(texts(s), [
    'The lighthouse keeper counted the ships',
    'that passed before the storm arrived.',
    'There were seven that night.',
    'She wrote each name in the log.',
    'By morning the sea was calm again.',
  ]);
  assert.deepEqual(
    s.cues.map((c) => c.index),
    [0, 1, 2, 3, 4],
  );
});

test('Markdown: markup is not spoken; front matter, headings, comments, code, definitions are skipped', () => {
  const s = parseScript(fixture('markdown.md'), { fileName: 'notes.md' });
  assert.equal(s.kind, 'markdown');
  assert.deepEqual(texts(s), [
    'Welcome to Voice History, the complete history of your text-to-speech generations. See the guide for more.',
    'Search every take with Ctrl+F.',
    'Export to WAV only FLAC, MP3 and Ogg.',
    'Keep snake_case names like file_name as they are.',
    'Quoted text is read, without its marker.',
    'Format, Size',
    'FLAC, half',
    'Thanks for listening & goodbye.',
  ]);
  assert.deepEqual(s.speakers, { NARRATOR: { engine: 'flite', voice: 'slt' } });
  assert.equal(s.cues[0]!.startLine, 11);
});

test('SPEAKER: lines, bold labels, front matter voices; unmapped speakers are listed, never dropped', () => {
  const s = parseScript(fixture('dialogue.md'), { fileName: 'dialogue.md' });
  assert.deepEqual(said(s), [
    ['ALICE', 'Did you hear the storm last night?'],
    ['BOB', 'I slept through all of it.'],
    ['ALICE', 'Lucky you. The windows shook.'],
    ['CAROL', 'Nobody asked me.'],
    // A mixed-case label that no mapping names is narration.
    [null, 'Note: this line is narration, not a speaker called Note.'],
  ]);
  assert.deepEqual(s.speakers, { ALICE: { engine: 'openai', voice: 'nova', preset: 'Radio' }, BOB: { voice: 'rms' } });
  assert.deepEqual(s.unmappedSpeakers, ['CAROL']);
  assert.equal(s.warnings.length, 1);
  assert.equal(s.warnings[0]!.line, 12);
  assert.match(s.warnings[0]!.message, /CAROL.*default voice/);
});

test('screenplay: a line in capitals names the speaker of the paragraph under it; directions are skipped', () => {
  const s = parseScript(fixture('screenplay.txt'), { fileName: 'scene.txt' });
  assert.deepEqual(said(s), [
    [null, 'The wind rattles the glass.'],
    ['KEEPER', 'Seven ships tonight. Seven names in the log.'],
    ['APPRENTICE', 'And the eighth?'],
    ['KEEPER', 'There is no eighth.'],
  ]);
  assert.deepEqual(
    parseScript(fixture('screenplay.txt'), { fileName: 'scene.txt', cueMode: 'line' }).cues.map((c) => [c.speaker, c.startLine]),
    [
      [null, 2],
      ['KEEPER', 6],
      ['KEEPER', 7],
      ['APPRENTICE', 10],
      ['KEEPER', 13],
    ],
  );
  assert.deepEqual(s.unmappedSpeakers, ['KEEPER', 'APPRENTICE']);
});

test('a speaker holds for its paragraph: the next lines are theirs until a blank line', () => {
  const s = parseScript('ALICE: One.\nTwo.\n\nThree.\nBOB: Four.\nFive.', { fileName: 'a.txt', cueMode: 'line' });
  assert.deepEqual(said(s), [
    ['ALICE', 'One.'],
    ['ALICE', 'Two.'],
    [null, 'Three.'],
    ['BOB', 'Four.'],
    ['BOB', 'Five.'],
  ]);
  const p = parseScript('ALICE: One.\nTwo.\nBOB: Three.\n\nFour.', { fileName: 'a.txt' });
  assert.deepEqual(said(p), [
    ['ALICE', 'One. Two.'],
    ['BOB', 'Three.'],
    [null, 'Four.'],
  ]);
});

test('the workspace voices sit under the front matter, field by field', () => {
  const s = parseScript(fixture('dialogue.md'), {
    fileName: 'dialogue.md',
    workspaceVoices: { alice: { engine: 'elevenlabs', language: 'en-GB' }, Carol: { profile: 'Carol warm' } },
  });
  assert.deepEqual(s.speakers.ALICE, { engine: 'openai', voice: 'nova', preset: 'Radio', language: 'en-GB' });
  assert.deepEqual(s.speakers.CAROL, { profile: 'Carol warm' });
  assert.deepEqual(s.unmappedSpeakers, []);
});

test('front matter may set the cue mode; a setting that is not one is an error with its line', () => {
  const text = '---\ncues: line\n---\none\ntwo\n';
  assert.deepEqual(texts(parseScript(text, { fileName: 'a.txt', cueMode: 'paragraph' })), ['one', 'two']);
  assert.throws(
    () => parseScript('---\ncues: sentence\n---\nx\n', { fileName: 'a.txt' }),
    (e: unknown) => e instanceof ScriptError && e.line === 1 && /cues must be line or paragraph/.test(e.message),
  );
  assert.throws(
    () => parseScript('---\nspeakers:\n  Alice:\n    voise: nova\n---\nx\n', { fileName: 'a.md' }),
    (e: unknown) => e instanceof ScriptError && e.line === 3 && /voise is not a voice setting/.test(e.message),
  );
  assert.throws(
    () => parseScript('---\nspeakers: [a, b]\n---\nx\n', { fileName: 'a.md' }),
    (e: unknown) => e instanceof ScriptError && e.line === 1 && /speaker maps to a voice/.test(e.message),
  );
});

test('front matter YAML errors and unclosed front matter name the line', () => {
  assert.throws(
    () => parseScript('---\ntitle: ok\nspeakers: {Alice: [\n---\nHello\n', { fileName: 'a.md' }),
    (e: unknown) => e instanceof ScriptError && e.line >= 2 && /YAML error at line/.test(e.message),
  );
  assert.throws(
    () => parseScript('---\ntitle: never closed\nHello\n', { fileName: 'a.md' }),
    (e: unknown) => e instanceof ScriptError && e.line === 0 && /never closed/.test(e.message),
  );
});

test('a YAML alias bomb in the front matter is refused, not expanded', () => {
  const bomb = [
    '---',
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
    '---',
    'Hello.',
  ].join('\n');
  const t0 = performance.now();
  assert.throws(
    () => parseScript(bomb, { fileName: 'bomb.md' }),
    (e: unknown) => e instanceof ScriptError && /aliases too often/.test(e.message),
  );
  assert.ok(performance.now() - t0 < 5000);
  // A few aliases, as a real speaker table might use, are fine.
  const s = parseScript('---\nspeakers:\n  Alice: &v { engine: flite, voice: slt }\n  Bob: *v\n---\nBOB: Hi.\n', { fileName: 'a.md' });
  assert.deepEqual(s.speakers.BOB, { engine: 'flite', voice: 'slt' });
});

test('CRLF, CR and a byte-order mark read exactly as LF', () => {
  for (const name of ['plain.txt', 'markdown.md', 'dialogue.md', 'screenplay.txt']) {
    const lf = fixture(name);
    const base = parseScript(lf, { fileName: name });
    for (const variant of [lf.replace(/\n/g, '\r\n'), `\uFEFF${lf.replace(/\n/g, '\r\n')}`, lf.replace(/\n/g, '\r'), `\uFEFF${lf}`]) {
      assert.deepEqual(parseScript(variant, { fileName: name }), base, name);
    }
  }
});

test('hostile input: a megabyte line, markup storms, binary data, control characters', () => {
  const huge = 'word '.repeat(200_000);
  let t0 = performance.now();
  const s = parseScript(huge, { fileName: 'huge.md' });
  assert.equal(s.cues.length, 1);
  assert.equal(s.cues[0]!.text.length, 999_999);
  assert.match(s.warnings[0]!.message, /characters long; engines may refuse it/);
  // Unclosed emphasis, brackets and tags on a long line must not make the regexes backtrack.
  for (const storm of [
    '*a '.repeat(100_000),
    '[a]('.repeat(50_000),
    '<a '.repeat(50_000),
    '_a_ '.repeat(50_000),
    '`'.repeat(100_000),
    'ALICE'.repeat(50_000) + ':',
  ]) {
    t0 = performance.now();
    parseScript(storm, { fileName: 'storm.md' });
    assert.ok(performance.now() - t0 < 2000, `${storm.slice(0, 4)}: ${performance.now() - t0} ms`);
  }
  assert.throws(
    () => parseScript('RIFF\u0000\u0000WAVEfmt ', { fileName: 'a.txt' }),
    (e: unknown) => e instanceof ScriptError && e.line === 0 && e.column === 4 && /binary data/.test(e.message),
  );
  const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => ((i * 7919) % 255) + 1)).toString('latin1');
  const g = parseScript(garbage, { fileName: 'garbage.txt' });
  // eslint-disable-next-line no-control-regex
  for (const c of g.cues) assert.doesNotMatch(c.text, /[\u0000-\u0008\u000b-\u001f]/);
  assert.deepEqual(texts(parseScript('bell\u0007 and\u001b escape', { fileName: 'a.txt' })), ['bell and escape']);
});

test('10,000 lines: every line a cue, in order, with its line number', () => {
  const s = parseScript(dialogue(10_000), { fileName: 'long.md' });
  assert.equal(s.cues.length, 10_000);
  assert.equal(s.cues[9_999]!.startLine, 10_006);
  assert.equal(s.cues[9_999]!.speaker, 'ALICE');
  assert.equal(new Set(s.cues.map((c) => c.textHash)).size, 10_000);
});

test('the text hash is of the normalised words: spacing and composition do not matter, words do', () => {
  const a = parseScript('Caf\u00e9  au   lait.', { fileName: 'a.txt' }).cues[0]!;
  const b = parseScript('  Cafe\u0301 au lait.  ', { fileName: 'a.txt' }).cues[0]!;
  const c = parseScript('Café au lait!', { fileName: 'a.txt' }).cues[0]!;
  assert.equal(a.textHash, b.textHash);
  assert.notEqual(a.textHash, c.textHash);
  assert.match(a.textHash, /^[0-9a-f]{64}$/);
});
