// Friendly voice names: one table for Flite's voices, used by the engine's voice list and every
// place a voice is shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeVoice, friendlyVoiceName, voiceDescription } from '../../../src/format/voice-names';
import { FLITE_VOICES } from '../../../src/engines/flite';

test('Flite voices by their friendly names; unknown voices by id', () => {
  assert.equal(friendlyVoiceName('flite', 'slt'), 'slt — US English, female');
  assert.equal(friendlyVoiceName('flite', 'awb'), 'awb — Scottish English, male');
  assert.equal(friendlyVoiceName('openai', 'alloy'), 'alloy');
  assert.equal(friendlyVoiceName('flite', null), '');
  assert.equal(voiceDescription(null, 'slt'), undefined);
});

test("a profile's voice: the friendly name when the profile is named after it, beside its own name otherwise", () => {
  assert.equal(describeVoice('slt', 'flite', 'slt'), 'slt — US English, female');
  assert.equal(describeVoice('Alice', 'flite', 'rms'), 'Alice (rms — US English, male)');
  assert.equal(describeVoice('Alice', 'elevenlabs', 'Xb7hH8MSUJpSbSDYk0k2'), 'Alice (Xb7hH8MSUJpSbSDYk0k2)');
  assert.equal(describeVoice('Narrator', null, null), 'Narrator');
});

test("the Flite engine's voice list takes its descriptions from the same table", () => {
  for (const v of FLITE_VOICES) assert.equal(v.description, voiceDescription('flite', v.id), v.id);
  assert.deepEqual(
    FLITE_VOICES.map((v) => v.id),
    ['slt', 'rms', 'awb', 'kal'],
  );
});
