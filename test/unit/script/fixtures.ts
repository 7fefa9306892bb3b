// Script fixtures for the script tests: the real files in test/fixtures/scripts, and generated scripts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { speakerVoiceKeys, type VoicedCue } from '../../../src/script/changes';
import type { Cue, Script } from '../../../src/script/types';

export const SCRIPTS = join(import.meta.dirname, '..', '..', 'fixtures', 'scripts');

export function fixture(name: string): string {
  return readFileSync(join(SCRIPTS, name), 'utf8');
}

const WORDS = ['lighthouse', 'storm', 'harbour', 'lantern', 'keeper', 'tide', 'gull', 'rope', 'anchor', 'compass'];

/** A distinct sentence for each n. */
export function sentence(n: number): string {
  return `Line ${n}: the ${WORDS[n % 10]} and the ${WORDS[Math.floor(n / 10) % 10]} wait for number ${n}.`;
}

/**
 * A dialogue script of `count` cues, one per line, ALICE, BOB and NARRATOR in turn, with front
 * matter. (Every line has its label: a speaker holds until a blank line.) `words` makes each line's words.
 */
export function dialogue(count: number, words: (n: number) => string = sentence): string {
  const lines = [
    '---',
    'cues: line',
    'speakers:',
    '  Alice: { engine: flite, voice: slt }',
    '  Bob: { engine: flite, voice: rms }',
    '  Narrator: { engine: flite, voice: kal }',
    '---',
  ];
  for (let n = 0; n < count; n++) lines.push(`${['ALICE', 'BOB', 'NARRATOR'][n % 3]}: ${words(n)}`);
  return lines.join('\n');
}

/** The voice key of a cue under a script's speaker mapping (Flite's kal for the default voice). */
export function voiceKeyIn(script: Script): (cue: Cue) => string {
  return speakerVoiceKeys(script.speakers, { engine: 'flite', voice: 'kal' });
}

/** What a first full run records: one generation per cue. */
export function voicedAll(script: Script, lexiconHash: string | null = null, prefix = 'g'): VoicedCue[] {
  const keyOf = voiceKeyIn(script);
  return script.cues.map((c) => ({
    generationId: `${prefix}${c.index}`,
    textHash: c.textHash,
    speaker: c.speaker,
    voiceKey: keyOf(c),
    lexiconHash,
    startLine: c.startLine,
  }));
}
