import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cueLenses, shiftLines } from '../../../src/generation/script-lines';
import type { ScriptCueRecord } from '../../../src/history';
import { parseScript } from '../../../src/script/parse';

const parse = (text: string) => parseScript(text, { fileName: 'a.md', cueMode: 'line' }).cues;

function recordsOf(text: string): ScriptCueRecord[] {
  return parse(text).map((c, i) => ({
    generationId: `g${i}`,
    documentUri: 'file:///a.md',
    startLine: c.startLine,
    endLine: c.endLine,
    textHash: c.textHash,
    speaker: c.speaker,
    voiceKey: 'v',
    lexiconHash: null,
    status: 'completed',
    takes: i + 1,
    createdAt: i,
  }));
}

describe('script lines in the editor', () => {
  const text = 'One line.\nTwo lines.\nThree lines.\n';

  test('every voiced cue gets its generation and take count; an edited one is stale with its old take', () => {
    const records = recordsOf(text);
    assert.deepEqual(
      cueLenses(parse(text), records).map((l) => [l.cue.startLine, l.generationId, l.takes, l.stale]),
      [
        [0, 'g0', 1, false],
        [1, 'g1', 2, false],
        [2, 'g2', 3, false],
      ],
    );
    const edited = 'One line.\nTwo lines, edited.\nThree lines.\n';
    assert.deepEqual(
      cueLenses(parse(edited), records).map((l) => [l.cue.startLine, l.generationId, l.stale]),
      [
        [0, 'g0', false],
        [1, 'g1', true],
        [2, 'g2', false],
      ],
    );
  });

  test('a new line above: recorded lines shift and nothing is stale; moved lines still match by their words', () => {
    const records = shiftLines(recordsOf(text), { startLine: 0, endLine: 0, endCharacter: 0, newLineCount: 2 });
    assert.deepEqual(
      records.map((r) => r.startLine),
      [1, 2, 3],
    );
    const inserted = 'A new first line.\nOne line.\nTwo lines.\nThree lines.\n';
    const lenses = cueLenses(parse(inserted), records);
    assert.equal(lenses.length, 3);
    assert.ok(lenses.every((l) => !l.stale));
    const moved = 'Three lines.\nOne line.\nTwo lines.\n';
    assert.deepEqual(
      cueLenses(parse(moved), recordsOf(text)).map((l) => [l.cue.startLine, l.generationId, l.stale]),
      [
        [0, 'g2', false],
        [1, 'g0', false],
        [2, 'g1', false],
      ],
    );
  });

  test('deleted lines pull later records up', () => {
    const records = shiftLines(recordsOf(text), { startLine: 0, endLine: 1, endCharacter: 0, newLineCount: 1 });
    assert.deepEqual(
      records.map((r) => [r.startLine, r.endLine]),
      // The deleted line's record stays where it was; the next line's text moved up onto it.
      [
        [0, 0],
        [0, 0],
        [1, 1],
      ],
    );
  });
});
