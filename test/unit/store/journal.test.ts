import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFrames, encodeFrame, headerFrame, parseJournal } from '../../../src/store/journal';

const rec = (s: number) => ({ s, v: 3, o: [['INSERT INTO t VALUES (?)', [s, 'é', null, 1.5]]] });

test('frames round-trip and a whole journal parses', () => {
  const buf = Buffer.concat([headerFrame(7), encodeFrame(rec(8)), encodeFrame(rec(9))]);
  const j = parseJournal(buf);
  assert.deepEqual(j.header, { journal: 1, base: 7 });
  assert.equal(j.headerEnd, headerFrame(7).length);
  assert.deepEqual(
    j.records.map((r) => r.record),
    [rec(8), rec(9)],
  );
  assert.equal(j.validLength, buf.length);
  assert.equal(j.torn, false);
});

test('a torn tail (any cut inside the last frame) is ignored and everything before it is kept', () => {
  const whole = Buffer.concat([headerFrame(0), encodeFrame(rec(1)), encodeFrame(rec(2))]);
  const keep = headerFrame(0).length + encodeFrame(rec(1)).length;
  for (let cut = keep + 1; cut < whole.length; cut++) {
    const j = parseJournal(whole.subarray(0, cut));
    assert.equal(j.records.length, 1, `cut at ${cut}`);
    assert.equal(j.validLength, keep);
    assert.equal(j.torn, true);
  }
});

test('a corrupted byte, zero padding or garbage ends the journal at the last good frame', () => {
  const good = Buffer.concat([headerFrame(0), encodeFrame(rec(1))]);
  const bad = encodeFrame(rec(2));
  bad[bad.length - 3] ^= 0x20; // checksum no longer matches
  for (const tail of [bad, Buffer.alloc(64), Buffer.from('garbage that is not a frame at all')]) {
    const j = parseJournal(Buffer.concat([good, tail, encodeFrame(rec(3))]));
    assert.deepEqual(
      j.records.map((r) => r.record.s),
      [1],
    );
    assert.equal(j.validLength, good.length);
    assert.equal(j.torn, true);
  }
});

test('a file without a header has no records; decodeFrames reports absolute offsets', () => {
  assert.equal(parseJournal(encodeFrame(rec(1))).records.length, 0);
  assert.equal(parseJournal(Buffer.alloc(0)).torn, false);
  const f = encodeFrame(rec(5));
  const d = decodeFrames(f, 1000);
  assert.equal(d.payloads[0].end, 1000 + f.length);
  assert.equal(d.validEnd, 1000 + f.length);
});
