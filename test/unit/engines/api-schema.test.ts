import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { parseRecordGeneration, RecordGenerationError, PUBLIC_API_VERSION } from '../../../src/engines/api-schema';

const wavBytes = new Uint8Array([0x52, 0x49, 0x46, 0x46]);

function problems(input: unknown): string {
  try {
    parseRecordGeneration(input);
  } catch (error) {
    assert.ok(error instanceof RecordGenerationError);
    return error.message;
  }
  assert.fail('expected the input to be refused');
}

test('a minimal completed generation gets sensible defaults; profile falls back to voice', () => {
  const parsed = parseRecordGeneration({ text: 'Hello.', voice: 'alloy', audio: wavBytes });
  assert.deepEqual(parsed, {
    text: 'Hello.',
    voice: 'alloy',
    profile: 'alloy',
    audio: { kind: 'bytes', data: wavBytes },
    engine: 'external',
    language: 'en',
    status: 'completed',
  });
  assert.equal(PUBLIC_API_VERSION, 1);
});

test('audio as Buffer, ArrayBuffer, absolute path or file: URI', () => {
  const buffer = Buffer.from([1, 2, 3]);
  assert.deepEqual(parseRecordGeneration({ text: 't', profile: 'P', audio: buffer }).audio, { kind: 'bytes', data: buffer });
  assert.deepEqual(parseRecordGeneration({ text: 't', profile: 'P', audio: new Uint8Array([9]).buffer }).audio, {
    kind: 'bytes',
    data: new Uint8Array([9]),
  });
  const path = join(tmpdir(), 'a take.wav');
  assert.deepEqual(parseRecordGeneration({ text: 't', profile: 'P', audio: path }).audio, { kind: 'file', path });
  assert.deepEqual(parseRecordGeneration({ text: 't', profile: 'P', audio: pathToFileURL(path).href }).audio, { kind: 'file', path });
});

test('every field another tool may pass is kept', () => {
  const parsed = parseRecordGeneration({
    text: 'Olá.',
    profile: 'Narrator',
    voice: 'v-123',
    engine: 'my-tts',
    model: 'big-v2',
    language: 'pt-BR',
    seed: 7,
    instruct: 'Warm.',
    settings: { speed: 1.1, tags: ['a'] },
    audio: wavBytes,
    createdAt: '2024-05-06T07:08:09Z',
    externalId: 'job-1',
  });
  assert.equal(parsed.profile, 'Narrator');
  assert.equal(parsed.language, 'pt-BR');
  assert.equal(parsed.createdAt, Date.UTC(2024, 4, 6, 7, 8, 9));
  assert.deepEqual(parsed.settings, { speed: 1.1, tags: ['a'] });
  assert.equal(parseRecordGeneration({ text: 't', profile: 'P', audio: wavBytes, createdAt: new Date(5) }).createdAt, 5);
});

test('a failed attempt needs its error message; audio is optional', () => {
  const parsed = parseRecordGeneration({ text: 't', voice: 'v', status: 'failed', error: 'HTTP 500', audio: null });
  assert.equal(parsed.status, 'failed');
  assert.equal(parsed.audio, undefined);
  assert.match(problems({ text: 't', voice: 'v', status: 'failed' }), /error: A failed generation needs its error message/);
});

test('bad input is refused with messages that say what to pass', () => {
  assert.match(problems({ text: 't', voice: 'v' }), /audio: A completed generation needs its audio/);
  assert.match(problems({ text: 't', voice: 'v', audio: new Uint8Array(0) }), /audio: The audio is empty/);
  assert.match(problems({ text: 't', voice: 'v', audio: 42 }), /audio: Pass the audio as bytes .* \(got a number\)/);
  assert.match(problems({ text: 't', voice: 'v', audio: 'https://example.com/a.mp3' }), /Only file: URIs can be recorded \(got https:\)/);
  assert.match(problems({ text: 't', voice: 'v', audio: 'takes/a.wav' }), /"takes\/a\.wav" is a relative path/);
  assert.match(problems({ text: 't', audio: wavBytes }), /profile: Name the voice/);
  assert.match(problems({ text: 't', voice: 'v', audio: wavBytes, status: 'pending' }), /status: status is 'completed'/);
  assert.match(
    problems({ text: 't', voice: 'v', audio: wavBytes, langauge: 'en' }),
    /Unrecognized key: "langauge"\. Known fields: text, audio, profile, voice/,
  );
  assert.match(problems({ text: 't', voice: 'v', audio: wavBytes, language: 'English' }), /language: Expected a language code/);
  assert.match(problems(null), /recordGeneration: .*object/i);
  const many = problems({ text: '', voice: 'v', audio: 'rel.wav', seed: 1.5 });
  assert.match(many, /text: The text is empty/);
  assert.match(many, /audio: "rel\.wav" is a relative path/);
  assert.match(many, /seed: /);
});
