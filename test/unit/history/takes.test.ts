// Versions and presets in the history service (real sql.js, real files): automatic labels,
// renaming, the last-version rule, presets CRUD, a profile's default chain, and the schema-4
// migration of a database written before presets existed.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isHistoryError } from '../../../src/history';
import type { HistoryService } from '../../../src/history/service';
import { DB_FILE } from '../../../src/store/recovery';
import { migrate, SCHEMA_VERSION, userVersion } from '../../../src/store/schema';
import { loadSqlJs } from '../../../src/store/sqlite';
import { createSearchFunctions } from '../../../src/store/search-text';
import { fakeAudio, freshHistory, reopen, tempDir } from '../store/helpers';

const isCode = (code: string, msg?: RegExp) => (e: unknown) => isHistoryError(e) && e.code === code && (!msg || msg.test(e.message));
const GAIN = [{ type: 'gain', enabled: true, params: { gain_db: 6 } }];
const RADIO = [
  { type: 'highpass', enabled: true, params: { cutoff_frequency_hz: 300 } },
  { type: 'lowpass', enabled: true, params: { cutoff_frequency_hz: 3400 } },
];

let h: HistoryService;
let cleanup: () => Promise<void>;
let profileId: string;

beforeEach(async () => {
  ({ h, cleanup } = await freshHistory());
  profileId = (await h.createProfile({ name: 'Alice', engine: 'flite', voiceId: 'slt' })).id;
});
afterEach(() => cleanup());

async function completed(text = 'Hello') {
  return h.create({ profileId, text }, { data: fakeAudio(1), duration: 1, sampleRate: 16000, channels: 1 });
}

describe('version labels', () => {
  test('a processed version is version-N, a take take-N; a freed number is not reused while its label is taken', async () => {
    const g = await completed();
    const [original] = await h.listVersions(g.id);
    const v2 = await h.addVersion(g.id, { effectsChain: GAIN, sourceVersionId: original!.id }, { data: fakeAudio(2) });
    assert.equal(v2.label, 'version-2');
    assert.deepEqual(v2.effectsChain, GAIN);
    assert.equal(v2.sourceVersionId, original!.id);
    const t3 = await h.addVersion(g.id, { kind: 'take', seed: 77, isDefault: true }, { data: fakeAudio(3) });
    assert.equal(t3.label, 'take-3');
    assert.equal(t3.seed, 77);
    assert.equal((await h.get(g.id))?.audioPath, t3.audioPath, 'the default take is what the generation plays');
    await h.deleteVersion(v2.id);
    // Two versions remain; the next is number 3, whose label "take-3" is taken by another kind only.
    const v3 = await h.addVersion(g.id, {}, { data: fakeAudio(4) });
    assert.equal(v3.label, 'version-3');
    const t4 = await h.addVersion(g.id, { kind: 'take' }, { data: fakeAudio(5) });
    assert.equal(t4.label, 'take-4');
  });

  test('rename changes only the label, refuses an empty one, and says when the version is gone', async () => {
    const g = await completed();
    const v = await h.addVersion(g.id, { effectsChain: GAIN }, { data: fakeAudio(2) });
    const renamed = await h.renameVersion(v.id, '  warmer  ');
    assert.equal(renamed.label, 'warmer');
    assert.deepEqual({ ...renamed, label: v.label }, v);
    await assert.rejects(h.renameVersion(v.id, '   '), isCode('INVALID', /label/));
    await h.deleteVersion(v.id);
    await assert.rejects(h.renameVersion(v.id, 'x'), isCode('NOT_FOUND'));
  });

  test('the last version cannot be deleted', async () => {
    const g = await completed();
    const [only] = await h.listVersions(g.id);
    await assert.rejects(h.deleteVersion(only!.id), isCode('INVALID', /only version/));
    assert.equal((await h.listVersions(g.id)).length, 1);
    assert.ok(fs.existsSync(h.resolveAudioPath(only!)));
  });

  test('a measured loudness is kept on the version', async () => {
    const g = await completed();
    const [v] = await h.listVersions(g.id);
    assert.equal(v!.loudnessLufs, null);
    await h.setVersionLoudness(v!.id, -17.25);
    assert.equal((await h.getVersion(v!.id))?.loudnessLufs, -17.25);
  });
});

describe('presets', () => {
  test('create, list (by name), rename, change the chain, delete', async () => {
    const radio = await h.createPreset({ name: 'My Radio', effectsChain: RADIO });
    const loud = await h.createPreset({ name: 'Louder', description: '+6 dB', effectsChain: GAIN });
    assert.deepEqual(
      (await h.listPresets()).map((p) => p.name),
      ['Louder', 'My Radio'],
    );
    assert.deepEqual(radio.effectsChain, RADIO);
    assert.equal(loud.description, '+6 dB');
    const renamed = await h.updatePreset(radio.id, { name: 'Telephone' });
    assert.equal(renamed.name, 'Telephone');
    assert.deepEqual(renamed.effectsChain, RADIO);
    const changed = await h.updatePreset(radio.id, { effectsChain: GAIN });
    assert.deepEqual(changed.effectsChain, GAIN);
    await h.deletePreset(loud.id);
    assert.deepEqual(
      (await h.listPresets()).map((p) => p.name),
      ['Telephone'],
    );
    await assert.rejects(h.deletePreset(loud.id), isCode('NOT_FOUND'));
  });

  test('names are unique ignoring case; an empty chain or name is refused', async () => {
    await h.createPreset({ name: 'Warm', effectsChain: GAIN });
    await assert.rejects(h.createPreset({ name: 'WARM', effectsChain: GAIN }), isCode('CONFLICT', /already exists/));
    const other = await h.createPreset({ name: 'Cold', effectsChain: GAIN });
    await assert.rejects(h.updatePreset(other.id, { name: 'warm' }), isCode('CONFLICT'));
    await assert.rejects(h.createPreset({ name: 'Empty', effectsChain: [] }), isCode('INVALID', /at least one effect/));
    await assert.rejects(h.createPreset({ name: ' ', effectsChain: GAIN }), isCode('INVALID', /name is empty/));
  });

  test('presets survive closing and reopening the history', async () => {
    await h.createPreset({ name: 'Kept', effectsChain: RADIO });
    const dir = h.storageDir;
    await h.close();
    h = await reopen(dir);
    assert.deepEqual(
      (await h.listPresets()).map((p) => [p.name, p.effectsChain]),
      [['Kept', RADIO]],
    );
  });
});

describe('a profile default chain', () => {
  test('is set, read back and removed', async () => {
    assert.equal((await h.getProfile(profileId))?.effectsChain, null);
    const p = await h.updateProfile(profileId, { effectsChain: RADIO });
    assert.deepEqual(p.effectsChain, RADIO);
    assert.deepEqual((await h.getProfile(profileId))?.effectsChain, RADIO);
    assert.equal((await h.updateProfile(profileId, { effectsChain: null })).effectsChain, null);
    await assert.rejects(h.updateProfile(profileId, { effectsChain: [] }), isCode('INVALID', /pass null/));
  });
});

test('migration: a schema-3 database (no presets, no profile chains) opens, keeps its versions and gains the new columns', async () => {
  const t = tempDir();
  try {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    for (const [name, fn] of Object.entries(createSearchFunctions(() => undefined))) db.create_function(name, fn);
    migrate(db, 3);
    assert.equal(userVersion(db), 3);
    db.run(
      "INSERT INTO profiles (id, name, name_key, created_at, updated_at) VALUES ('8f9c7f2e-3b1a-4c6d-9e8f-1a2b3c4d5e6f', 'Old voice', 'old voice', 1, 1)",
    );
    db.run(
      "INSERT INTO generations (id, profile_id, text, status, audio_path, audio_bytes, content_hash, created_at, updated_at) VALUES ('00000000-0000-4000-8000-000000000001', '8f9c7f2e-3b1a-4c6d-9e8f-1a2b3c4d5e6f', 'Old line', 'completed', 'a.wav', 3, 'ab', 1, 1)",
    );
    db.run(
      `INSERT INTO generation_versions (id, generation_id, label, audio_path, effects_chain, is_default, audio_bytes, content_hash, created_at)
       VALUES ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'warm', 'a.wav', ?, 1, 3, 'ab', 1)`,
      [JSON.stringify(GAIN)],
    );
    fs.writeFileSync(path.join(t.dir, DB_FILE), db.export());
    db.close();

    const old = await reopen(t.dir);
    try {
      const [v] = await old.listVersions('00000000-0000-4000-8000-000000000001');
      assert.equal(v?.label, 'warm');
      assert.deepEqual(v?.effectsChain, GAIN);
      assert.equal(v?.seed, null);
      assert.equal(v?.loudnessLufs, null);
      assert.equal((await old.getProfile('8f9c7f2e-3b1a-4c6d-9e8f-1a2b3c4d5e6f'))?.effectsChain, null);
      assert.deepEqual(await old.listPresets(), []);
      await old.createPreset({ name: 'New', effectsChain: GAIN });
      assert.equal((await old.listPresets()).length, 1);
    } finally {
      await old.close();
    }
    const check = new SQL.Database(fs.readFileSync(path.join(t.dir, DB_FILE)));
    assert.equal(userVersion(check), SCHEMA_VERSION);
    check.close();
  } finally {
    t.cleanup();
  }
});
