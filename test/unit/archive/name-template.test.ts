import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPortableFileName } from '../../../src/archive/names';
import { checkTemplate, DEFAULT_NAME_TEMPLATE, MAX_RELATIVE_BYTES, renderName, UniquePaths } from '../../../src/archive/name-template';

const base = {
  id: '3f0c1a2b-9d8e-4c7b-a6f5-0e1d2c3b4a59',
  text: 'Hello, world! This is a test.',
  profileName: 'Narrator',
  createdAt: Date.UTC(2025, 0, 31, 13, 4, 5),
  engine: 'flite',
  model: 'flite-2.3',
  language: 'en',
};
const fields = (over: Partial<typeof base> & { title?: string | null } = {}, ext = 'wav') => ({
  generation: { ...base, ...over },
  ext,
  index: 7,
  count: 120,
});

test('the default template gives profile/date_slug_id8.ext', () => {
  assert.equal(renderName(DEFAULT_NAME_TEMPLATE, fields()), 'Narrator/2025-01-31_Hello-world-This-is-a-test_3f0c1a2b.wav');
  assert.equal(renderName(DEFAULT_NAME_TEMPLATE, fields({ title: 'Intro line' }, 'mp3')), 'Narrator/2025-01-31_Intro line_3f0c1a2b.mp3');
  assert.equal(renderName('{index}-{time}-{engine}-{language}', fields()), '007-13-04-05-flite-en.wav', '.{ext} is added when missing');
});

test('hostile templates are refused with a message that says what to do', () => {
  for (const [template, words] of [
    ['../{slug}.{ext}', /"\." or "\.\." as a folder.*stay inside the chosen folder/],
    ['{profile}/../../etc/{slug}', /"\." or "\.\."/],
    ['/etc/{slug}.{ext}', /absolute path/],
    ['C:\\Windows\\{slug}', /absolute path/],
    ['\\\\server\\share\\{slug}', /absolute path/],
    ['~/{slug}', /absolute path/],
    ['{nope}_{slug}', /\{nope\}, which is not a placeholder. Known: \{profile\}/],
    ['{slug', /unmatched/],
    ['', /is empty/],
    ['a/b/c/d/e/f/{slug}', /more than 4 folders/],
  ] as const) {
    assert.throws(() => checkTemplate(template), words, template);
  }
});

test('values are sanitised: separators, illegal characters, reserved names, trailing dots and spaces', () => {
  const rel = renderName('{profile}/{text}.{ext}', fields({ profileName: '../..', text: 'CON' }));
  assert.equal(rel, '-/_CON.wav', 'the folder is what is left of "../.." after its dots go');
  assert.equal(
    renderName('{profile}/{text}', fields({ profileName: 'a/b\\c', text: 'what? <yes> "no" | a*b: end. ' })),
    'a-b-c/what_ _yes_ _no_ _ a_b_ end.wav',
  );
  assert.equal(renderName('{text}', fields({ text: 'nul' })), '_nul.wav');
  assert.equal(renderName('{text}', fields({ text: 'LPT1.txt' })), '_LPT1.txt.wav');
  assert.equal(renderName('{profile} ./{slug}', fields()), 'Narrator/Hello-world-This-is-a-test.wav');
  for (const seg of renderName('{profile}/{text}', fields({ profileName: 'x. ', text: 'tab\there\u0001' })).split('/')) {
    assert.ok(isPortableFileName(seg), seg);
  }
});

test('a 500-character result is cut to a safe length, keeping the extension; one that still does not fit is refused', () => {
  const long = 'ü'.repeat(500);
  const rel = renderName('{text}', fields({ text: long }));
  assert.ok(rel.endsWith('.wav'));
  assert.ok(Buffer.byteLength(rel) <= 120, `${Buffer.byteLength(rel)} bytes`);
  assert.ok(isPortableFileName(rel));
  const many = '{title|text}/{title|text}/{title|text}/{slug}';
  assert.throws(
    () => renderName(many, fields({ text: 'y'.repeat(500) })),
    new RegExp(`gives names of \\d+ bytes.*under ${MAX_RELATIVE_BYTES}`),
  );
});

test('collisions are resolved stably, ignoring case and normalisation', () => {
  const u = new UniquePaths();
  assert.equal(u.take('a/Hello.wav'), 'a/Hello.wav');
  assert.equal(u.take('a/hello.wav'), 'a/hello-2.wav');
  assert.equal(u.take('A/HELLO.wav'), 'A/HELLO-3.wav');
  assert.equal(u.take('a/Caf\u00e9.wav'), 'a/Café.wav');
  assert.equal(u.take('a/Cafe\u0301.wav'), 'a/Cafe\u0301-2.wav');
});
