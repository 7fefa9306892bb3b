import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isArchiveError } from '../../../src/archive/errors';
import { parseManifest, WHOLE_MANIFEST } from '../../../src/archive/manifest';
import type { ManifestV1Input } from '../../../src/archive/manifest-v1';
import { issuePath } from '../../../src/format/issues';
import { makeWav, sampleManifest, SAMPLE_IDS } from '../../fixtures/archives/samples';

const wav = makeWav(0.1);
type Mutable = { generations: Array<Record<string, unknown> & { versions: Array<Record<string, unknown>> }> } & Record<string, unknown>;
function mutated(change: (m: Mutable) => void): string {
  const m = structuredClone(sampleManifest(wav)) as unknown as Mutable;
  change(m);
  return JSON.stringify(m);
}

function rejects(json: string, reason: string, message: RegExp) {
  assert.throws(
    () => parseManifest(json),
    (e: unknown) => isArchiveError(e) && e.reason === reason && message.test(e.message),
  );
}

test('a complete manifest parses and keeps every field', () => {
  const input: ManifestV1Input = sampleManifest(wav);
  const m = parseManifest(JSON.stringify(input));
  assert.equal(m.generations[0]!.id, SAMPLE_IDS.generation);
  assert.equal(m.generations[0]!.versions[0]!.audio, 'audio/hello.wav');
  assert.deepEqual(m.stories, []);
});

test('stories default to none when absent (older writers)', () => {
  const m = parseManifest(mutated((x) => delete x.stories));
  assert.deepEqual(m.stories, []);
});

test('a field of the wrong type is named by its path', () => {
  rejects(
    mutated((m) => (m.generations[0]!.seed = 1.5)),
    'manifest-invalid',
    /generations\[0\]\.seed: /,
  );
  rejects(
    mutated((m) => (m.generations[0]!.status = 'done')),
    'manifest-invalid',
    /generations\[0\]\.status: /,
  );
  rejects(
    mutated((m) => (m.generations[0]!.language = 'English')),
    'manifest-invalid',
    /generations\[0\]\.language: Expected a language code/,
  );
  rejects(
    mutated((m) => (m.generations[0]!.createdAt = 'yesterday')),
    'manifest-invalid',
    /generations\[0\]\.createdAt: /,
  );
  rejects(
    mutated((m) => (m.generations[0]!.versions[0]!.sha256 = 'abc')),
    'manifest-invalid',
    /versions\[0\]\.sha256: Expected a sha256 hash/,
  );
  rejects(
    mutated((m) => (m.format = 'something-else')),
    'manifest-invalid',
    /format: /,
  );
  rejects('[]', 'manifest-invalid', /\(the whole manifest\)/);
});

test('entry names outside audio/ or with path tricks are refused by the schema', () => {
  for (const bad of ['audio/../x.wav', 'x.wav', 'audio/sub/x.wav', '/audio/x.wav', 'audio\\x.wav', 'audio/x.exe']) {
    rejects(
      mutated((m) => (m.generations[0]!.versions[0]!.audio = bad)),
      'manifest-invalid',
      /versions\[0\]\.audio: /,
    );
  }
});

test('references must resolve: profile, one default version, source version, story items', () => {
  rejects(
    mutated((m) => (m.generations[0]!.profileId = '44444444-4444-4444-8444-444444444444')),
    'manifest-invalid',
    /generations\[0\]\.profileId: No profile with this id/,
  );
  rejects(
    mutated((m) => (m.generations[0]!.versions[0]!.isDefault = false)),
    'manifest-invalid',
    /generations\[0\]\.versions: Exactly one version/,
  );
  rejects(
    mutated((m) => (m.generations[0]!.versions[0]!.sourceVersionId = '55555555-5555-4555-8555-555555555555')),
    'manifest-invalid',
    /versions\[0\]\.sourceVersionId: Must name another version/,
  );
  rejects(
    mutated((m) => (m.generations[0]!.versions[0]!.format = 'mp3')),
    'manifest-invalid',
    /versions\[0\]\.audio: Must end in \.mp3/,
  );
  rejects(
    mutated((m) => {
      m.stories = [
        {
          id: SAMPLE_IDS.version,
          name: 'S',
          description: null,
          createdAt: '2025-01-01T00:00:00.000Z',
          updatedAt: '2025-01-01T00:00:00.000Z',
          items: [{ generationId: SAMPLE_IDS.profile, versionId: null, startMs: 0, track: 0, trimStartMs: 0, trimEndMs: 0, volume: 1 }],
        },
      ];
    }),
    'manifest-invalid',
    /stories\[0\]\.items\[0\]\.generationId: No generation with this id/,
  );
  rejects(
    mutated((m) => m.generations.push(structuredClone(m.generations[0]!))),
    'manifest-invalid',
    /generations\[1\]\.id: This generation id appears twice/,
  );
});

test('a newer format version asks to update the extension; bad JSON says the archive is damaged', () => {
  rejects(
    mutated((m) => (m.formatVersion = 3)),
    'manifest-too-new',
    /format version 3; this extension reads up to version 2\. Update the Voice History extension/,
  );
  rejects('{"format": ', 'manifest-invalid', /manifest\.json is not valid JSON .* export it again/);
});

test('issue paths read like the JSON they point into', () => {
  assert.equal(issuePath(['generations', 3, 'versions', 0, 'sampleRate'], WHOLE_MANIFEST), 'generations[3].versions[0].sampleRate');
  assert.equal(issuePath([], WHOLE_MANIFEST), '(the whole manifest)');
});
