// SRT and WebVTT scripts from real files: each cue at its subtitle time; a malformed cue is an
// error that names the cue and its line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScriptError, parseScript } from '../../../src/script/parse';
import { fixture } from './fixtures';

function rejects(name: string, line: number, message: RegExp): void {
  assert.throws(
    () => parseScript(fixture(name), { fileName: name }),
    (e: unknown) => {
      assert.ok(e instanceof ScriptError, String(e));
      assert.equal(e.line, line, e.message);
      assert.match(e.message, message);
      return true;
    },
  );
}

test('SRT (CRLF): cue times, tags and ASS overrides stripped, lines joined, SPEAKER: labels', () => {
  const s = parseScript(fixture('subtitles.srt'), { fileName: 'film.srt' });
  assert.equal(s.kind, 'srt');
  assert.deepEqual(
    s.cues.map((c) => [c.speaker, c.text, c.slot, c.startLine, c.endLine]),
    [
      [null, 'The storm came in at dusk.', { startMs: 1000, endMs: 3500 }, 0, 2],
      ['KEEPER', 'Seven ships. Seven names.', { startMs: 4000, endMs: 6250 }, 4, 7],
      [null, 'Where is the eighth?', { startMs: 62_500, endMs: 64_000 }, 9, 11],
    ],
  );
  assert.deepEqual(s.unmappedSpeakers, ['KEEPER']);
});

test('WebVTT: header, NOTE and STYLE blocks skipped, cue names and settings allowed, <v> voices, entities', () => {
  const s = parseScript(fixture('subtitles.vtt'), { fileName: 'film.vtt', workspaceVoices: { Keeper: { voice: 'awb' } } });
  assert.equal(s.kind, 'vtt');
  assert.deepEqual(
    s.cues.map((c) => [c.speaker, c.text, c.slot]),
    [
      ['KEEPER', 'The storm came in at dusk.', { startMs: 1000, endMs: 3500 }],
      ['APPRENTICE', 'And the eighth?', { startMs: 4000, endMs: 6250 }],
      [null, 'Waves & wind.', { startMs: 7000, endMs: 8000 }],
    ],
  );
  assert.deepEqual(s.unmappedSpeakers, ['APPRENTICE']);
});

test('a malformed SRT cue is an error naming the cue number and line', () => {
  rejects('malformed-timing.srt', 5, /^SRT cue 2 \(line 6\): expected a timing line .* found "00:00:03,000 -> 00:00:04,000"/);
  rejects('malformed-backwards.srt', 5, /^SRT cue 2 \(line 6\): it ends before it starts/);
  // Text after a blank line inside a cue reads as a cue without a timing line.
  rejects('malformed-stray.srt', 5, /^SRT cue 2 \(line 6\): .*found "this is not a cue"/);
  assert.throws(
    () => parseScript('1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:61:00,000 --> 00:62:00,000\nx\n', { fileName: 'a.srt' }),
    /cue 2 .*go up to 59/,
  );
});

test('a malformed WebVTT cue names the cue (and its identifier); a missing header names line 1', () => {
  rejects('malformed.vtt', 6, /^WebVTT cue 2 \("second"\) \(line 7\): expected a timing line/);
  rejects('malformed-header.vtt', 0, /starts with a line WEBVTT; line 1 is "WEB VTT"/);
});

test('SRT without cue numbers, or a cue without text, is read with a warning', () => {
  const s = parseScript(
    '00:00:01,000 --> 00:00:02,000\nNo number.\n\n2\n00:00:03,000 --> 00:00:04,000\n\n3\n00:00:05,000 --> 00:00:06,000\nLast.\n',
    {
      fileName: 'a.srt',
    },
  );
  assert.deepEqual(
    s.cues.map((c) => c.text),
    ['No number.', 'Last.'],
  );
  assert.deepEqual(
    s.warnings.map((w) => [w.line, w.message]),
    [
      [0, 'SRT cue 1 has no number line.'],
      [3, 'SRT cue 2 has no text; it is not voiced.'],
    ],
  );
});

test('subtitles with a BOM and CRLF read the same; an empty file has no cues', () => {
  const vtt = fixture('subtitles.vtt');
  assert.deepEqual(parseScript(`\uFEFF${vtt.replace(/\n/g, '\r\n')}`, { fileName: 'a.vtt' }), parseScript(vtt, { fileName: 'a.vtt' }));
  assert.deepEqual(parseScript('', { fileName: 'a.srt' }).cues, []);
  assert.deepEqual(parseScript('WEBVTT\n', { fileName: 'a.vtt' }).cues, []);
});

test('10,000 SRT cues', () => {
  const ts = (ms: number) => new Date(ms).toISOString().slice(11, 23).replace('.', ',');
  const blocks = Array.from({ length: 10_000 }, (_, i) => `${i + 1}\n${ts(i * 2000)} --> ${ts(i * 2000 + 1500)}\nCue number ${i + 1}.\n`);
  const s = parseScript(blocks.join('\n'), { fileName: 'long.srt' });
  assert.equal(s.cues.length, 10_000);
  assert.deepEqual(s.cues[9_999]!.slot, { startMs: 19_998_000, endMs: 19_999_500 });
});
