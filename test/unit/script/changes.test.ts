// Change detection: after a first full run, only new or changed cues are rendered again; moved
// lines, reordered blocks and repeated lines reuse their generations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planRender, speakerVoiceKeys, voiceKey, type VoicedCue } from '../../../src/script/changes';
import { parseLexicon } from '../../../src/script/lexicon';
import { parseScript } from '../../../src/script/parse';
import { cueLexiconHash } from '../../../src/script/pronounce';
import { dialogue, fixture, sentence, voicedAll, voiceKeyIn } from './fixtures';

const FRONT = 7; // dialogue()'s front matter lines

function plan(text: string, voiced: VoicedCue[], lexiconHash: string | null = null) {
  const s = parseScript(text, { fileName: 'script.md' });
  return { script: s, ...planRender(s.cues, voiced, voiceKeyIn(s), lexiconHash) };
}

test('nothing changed: every cue reuses its own generation', () => {
  const text = dialogue(200);
  const first = parseScript(text, { fileName: 'script.md' });
  const p = plan(text, voicedAll(first));
  assert.equal(p.render.length, 0);
  assert.deepEqual(
    p.reuse.map((r) => r.generationId),
    first.cues.map((c) => `g${c.index}`),
  );
  assert.deepEqual(p.unused, []);
});

test('edit 3 lines of a 200-line script: exactly those 3 are rendered', () => {
  const text = dialogue(200);
  const voiced = voicedAll(parseScript(text, { fileName: 'script.md' }));
  const lines = text.split('\n');
  for (const n of [5, 77, 160]) lines[FRONT + n] = lines[FRONT + n]!.replace('wait for', 'waited for');
  const p = plan(lines.join('\n'), voiced);
  assert.deepEqual(
    p.render.map((c) => c.startLine),
    [FRONT + 5, FRONT + 77, FRONT + 160],
  );
  assert.equal(p.reuse.length, 197);
  assert.deepEqual(p.unused.map((v) => v.generationId).sort(), ['g160', 'g5', 'g77']);
});

test('move a block of 20 lines elsewhere: nothing is rendered, each line keeps its generation', () => {
  const text = dialogue(200);
  const voiced = voicedAll(parseScript(text, { fileName: 'script.md' }));
  const lines = text.split('\n');
  const block = lines.splice(FRONT + 30, 20);
  lines.splice(FRONT + 150, 0, ...block);
  const p = plan(lines.join('\n'), voiced);
  assert.equal(p.render.length, 0);
  const moved = p.reuse.find((r) => r.cue.text === sentence(30))!;
  assert.equal(moved.generationId, 'g30');
  assert.equal(moved.cue.startLine, FRONT + 150);
});

test("change a speaker's voice: only that speaker's cues are rendered", () => {
  const text = dialogue(200);
  const voiced = voicedAll(parseScript(text, { fileName: 'script.md' }));
  const p = plan(text.replace('Bob: { engine: flite, voice: rms }', 'Bob: { engine: flite, voice: awb }'), voiced);
  assert.equal(p.render.length, 67);
  assert.ok(p.render.every((c) => c.speaker === 'BOB'));
  assert.equal(p.reuse.length, 133);
  // Giving a line to another speaker re-renders that line only.
  const lines = text.split('\n');
  lines[FRONT + 3] = lines[FRONT + 3]!.replace('ALICE:', 'BOB:');
  assert.deepEqual(
    plan(lines.join('\n'), voiced).render.map((c) => [c.startLine, c.speaker]),
    [[FRONT + 3, 'BOB']],
  );
});

test('repeated lines pair deterministically, in document order', () => {
  const text = ['Yes.', '', 'Go on.', '', 'Yes.', '', 'Yes.'].join('\n');
  const first = parseScript(text, { fileName: 'a.txt' });
  const voiced = voicedAll(first); // g0 line 0, g1 line 2, g2 line 4, g3 line 6
  // An inserted line above shifts everything: the three "Yes." keep their order.
  const shifted = plan(`New line.\n\n${text}`, voiced);
  assert.deepEqual(
    shifted.render.map((c) => c.text),
    ['New line.'],
  );
  assert.deepEqual(
    shifted.reuse.map((r) => [r.cue.text, r.generationId]),
    [
      ['Yes.', 'g0'],
      ['Go on.', 'g1'],
      ['Yes.', 'g2'],
      ['Yes.', 'g3'],
    ],
  );
  // The last "Yes." deleted: the others keep theirs, the last generation is unused.
  const fewer = plan(['Yes.', '', 'Go on.', '', 'Yes.'].join('\n'), voiced);
  assert.deepEqual(
    fewer.reuse.map((r) => r.generationId),
    ['g0', 'g1', 'g2'],
  );
  assert.deepEqual(
    fewer.unused.map((v) => v.generationId),
    ['g3'],
  );
  // A fourth "Yes." has no generation yet: it alone is rendered; the same input gives the same plan.
  const more = `${text}\n\nYes.`;
  assert.deepEqual(
    plan(more, voiced).render.map((c) => c.startLine),
    [8],
  );
  assert.deepEqual(plan(more, voiced), plan(more, voiced));
});

test('two generations for one cue: the first in `voiced` is reused', () => {
  const s = parseScript('Hello.', { fileName: 'a.txt' });
  const [v] = voicedAll(s);
  const p = planRender(s.cues, [{ ...v!, generationId: 'newer' }, v!], voiceKeyIn(s), null);
  assert.deepEqual(
    p.reuse.map((r) => r.generationId),
    ['newer'],
  );
  assert.deepEqual(
    p.unused.map((u) => u.generationId),
    ['g0'],
  );
});

test('the lexicon: one hash re-renders every cue; per-cue hashes only the cues an edited entry touches', () => {
  const text = ['Nginx serves the page.', '', 'The tomato is red.', '', 'Nothing to say differently.'].join('\n');
  const s = parseScript(text, { fileName: 'a.txt' });
  const before = parseLexicon(fixture('lexicon.pls'));
  const after = parseLexicon(fixture('lexicon.pls').replace('<alias>Engine X</alias>', '<alias>Engine Ex</alias>'));
  assert.notEqual(before.hash, after.hash);

  assert.equal(planRender(s.cues, voicedAll(s, before.hash), voiceKeyIn(s), after.hash).render.length, 3);

  const voiced = s.cues.map((c, i) => ({ ...voicedAll(s)[i]!, lexiconHash: cueLexiconHash(c.text, before) }));
  const p = planRender(s.cues, voiced, voiceKeyIn(s), (c) => cueLexiconHash(c.text, after));
  assert.deepEqual(
    p.render.map((c) => c.text),
    ['Nginx serves the page.'],
  );
  assert.equal(cueLexiconHash('Nothing to say differently.', after), null);
});

test('voiceKey: the same settings in any order are one key; none is the empty key', () => {
  assert.equal(voiceKey({ voice: 'slt', engine: 'flite' }), voiceKey({ engine: 'flite', voice: 'slt' }));
  assert.notEqual(voiceKey({ engine: 'flite', voice: 'slt' }), voiceKey({ engine: 'flite', voice: 'slt', preset: 'Radio' }));
  assert.equal(voiceKey(undefined), '');
  assert.equal(voiceKey({ voice: '' }), '');
});

test("speakerVoiceKeys: a speaker's voice over the default, field by field; unmapped speakers get the default", () => {
  const keyOf = speakerVoiceKeys({ ALICE: { voice: 'nova' } }, { engine: 'openai', voice: 'alloy' });
  const cue = (speaker: string | null) => ({ index: 0, text: 'x', speaker, startLine: 0, endLine: 0, textHash: '' });
  assert.equal(keyOf(cue('ALICE')), voiceKey({ engine: 'openai', voice: 'nova' }));
  assert.equal(keyOf(cue('CAROL')), voiceKey({ engine: 'openai', voice: 'alloy' }));
  assert.equal(keyOf(cue(null)), voiceKey({ engine: 'openai', voice: 'alloy' }));
  assert.equal(keyOf(cue('CONSTRUCTOR')), keyOf(cue(null)));
});
