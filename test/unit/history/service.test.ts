// The history service operations with real sql.js and real files.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isHistoryError, type ChangeEvent } from '../../../src/history';
import type { HistoryService } from '../../../src/history/service';
import { fakeAudio, freshHistory, reopen } from '../store/helpers';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const isCode = (code: string, msg?: RegExp) => (e: unknown) => isHistoryError(e) && e.code === code && (!msg || msg.test(e.message));

let h: HistoryService;
let dir: string;
let cleanup: () => Promise<void>;
let profileId: string;

beforeEach(async () => {
  ({ h, dir, cleanup } = await freshHistory());
  profileId = (await h.createProfile({ name: 'Alice', engine: 'flite', voiceId: 'slt' })).id;
});
afterEach(() => cleanup());

describe('generations', () => {
  test('create fills defaults and returns the stored generation with its profile name', async () => {
    const before = Date.now();
    const g = await h.create({ profileId, text: 'Hello there', settings: { speed: 1.2, tags: ['a'] }, seed: 42, instruct: 'calm' });
    assert.equal(g.status, 'pending');
    assert.equal(g.language, 'en');
    assert.equal(g.source, 'engine');
    assert.equal(g.isFavorited, false);
    assert.equal(g.profileName, 'Alice');
    assert.deepEqual(g.settings, { speed: 1.2, tags: ['a'] });
    assert.equal(g.seed, 42);
    assert.equal(g.audioPath, null);
    assert.ok(g.createdAt >= before && g.createdAt <= Date.now());
    assert.deepEqual(await h.get(g.id), g);
  });

  test('create with audio stores the file atomically as the original, default version and completes the generation', async () => {
    const bytes = fakeAudio(1, 5000);
    const g = await h.create(
      { profileId, text: 'With audio', createdAt: 1_700_000_000_000 },
      { data: bytes, duration: 1.25, sampleRate: 16000, channels: 1 },
    );
    assert.equal(g.status, 'completed');
    assert.equal(g.createdAt, 1_700_000_000_000);
    assert.equal(g.audioBytes, 5000);
    assert.equal(g.contentHash, sha(bytes));
    assert.equal(g.duration, 1.25);
    assert.equal(g.sampleRate, 16000);
    const file = h.resolveAudioPath(g);
    assert.ok(file.startsWith(h.audioDir + path.sep));
    assert.deepEqual(new Uint8Array(fs.readFileSync(file)), bytes);
    const versions = await h.listVersions(g.id);
    assert.equal(versions.length, 1);
    assert.equal(versions[0].label, 'original');
    assert.equal(versions[0].isDefault, true);
    assert.equal(versions[0].audioPath, g.audioPath);
    assert.equal(fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith('.tmp-')).length, 0, 'no temp file left');
    assert.deepEqual(await h.findByContentHash(sha(bytes)), [g]);
  });

  test('create copies audio from a file path', async () => {
    const src = path.join(dir, 'source.wav');
    const bytes = fakeAudio(9, 3_000_000);
    fs.writeFileSync(src, bytes);
    const g = await h.create({ profileId, text: 'Copied', source: 'import' }, { filePath: src, format: 'wav' });
    assert.equal(g.contentHash, sha(bytes));
    assert.equal(g.audioBytes, bytes.length);
    assert.ok(fs.readFileSync(h.resolveAudioPath(g)).equals(Buffer.from(bytes)));
    await assert.rejects(
      h.create({ profileId, text: 'x' }, { filePath: path.join(dir, 'nope.wav') }),
      isCode('NOT_FOUND', /does not exist; choose another file/),
    );
    fs.writeFileSync(path.join(dir, 'empty.wav'), '');
    await assert.rejects(h.create({ profileId, text: 'x' }, { filePath: path.join(dir, 'empty.wav') }), isCode('INVALID', /empty/));
    assert.equal((await h.list()).total, 1, 'refused creates left no row');
  });

  test('create refuses bad input clearly and stores nothing', async () => {
    await assert.rejects(h.create({ profileId, text: '' }), isCode('INVALID', /text is empty/));
    await assert.rejects(h.create({ profileId: 'nope', text: 'x' }), isCode('INVALID', /profileId/));
    await assert.rejects(h.create({ profileId, text: 'x', colour: 'red' } as never), isCode('INVALID', /Unrecognized key/));
    await assert.rejects(
      h.create({ profileId: '00000000-0000-4000-8000-000000000000', text: 'x' }),
      isCode('NOT_FOUND', /create a voice profile/),
    );
    await assert.rejects(h.create({ profileId, text: 'x', status: 'completed' }), isCode('INVALID', /needs its audio/));
    await assert.rejects(h.create({ profileId, text: 'x' }, { data: new Uint8Array(0) }), isCode('INVALID', /empty/));
    await assert.rejects(h.create({ profileId, text: 'x' }, { data: fakeAudio(1), format: '../x' }), isCode('INVALID', /file extension/));
    const g = await h.create({ profileId, text: 'x' });
    await assert.rejects(h.create({ id: g.id, profileId, text: 'again' }), isCode('CONFLICT'));
    assert.equal((await h.list()).total, 1);
    assert.deepEqual(fs.readdirSync(h.audioDir), [], 'no audio written for refused creates');
  });

  test('get, getMany (in the given order, skipping missing) and findByExternalId', async () => {
    const a = await h.create({ profileId, text: 'a', externalId: 'el-123', source: 'sync' });
    const b = await h.create({ profileId, text: 'b' });
    assert.deepEqual(
      (await h.getMany([b.id, '00000000-0000-4000-8000-000000000000', a.id])).map((g) => g.id),
      [b.id, a.id],
    );
    assert.equal(await h.get('00000000-0000-4000-8000-000000000000'), undefined);
    assert.equal((await h.findByExternalId('el-123'))?.id, a.id);
    assert.equal(await h.findByExternalId('el-999'), undefined);
    await assert.rejects(h.get('bad id'), isCode('INVALID'));
  });

  test('update: favourite, pending text, engine details; status transitions follow the rules', async () => {
    const g = await h.create({ profileId, text: 'first' });
    assert.equal((await h.update(g.id, { isFavorited: true })).isFavorited, true);
    assert.equal((await h.update(g.id, { text: 'second', seed: 7, model: 'm1', settings: { a: 1 } })).text, 'second');
    const gen = await h.update(g.id, { status: 'generating' });
    assert.equal(gen.status, 'generating');
    await assert.rejects(h.update(g.id, { text: 'third' }), isCode('INVALID', /Only the text of a pending generation/));
    await assert.rejects(h.update(g.id, { status: 'completed' }), isCode('INVALID', /attach its audio/));
    const failed = await h.update(g.id, { status: 'failed', error: 'engine crashed' });
    assert.equal(failed.error, 'engine crashed');
    const retry = await h.update(g.id, { status: 'pending' });
    assert.equal(retry.error, null, 'leaving failed clears the error');
    const { generation } = await h.attachAudio(g.id, { data: fakeAudio(2) });
    assert.equal(generation.status, 'completed');
    await assert.rejects(h.update(g.id, { status: 'pending' }), isCode('INVALID', /completed generation cannot become pending/));
    await assert.rejects(h.update(g.id, {}), isCode('INVALID', /Nothing to update/));
    await assert.rejects(h.update('00000000-0000-4000-8000-000000000000', { isFavorited: true }), isCode('NOT_FOUND'));
  });

  test('delete removes rows, versions, story references and audio files; unknown ids are not counted', async () => {
    const a = await h.create({ profileId, text: 'a' }, { data: fakeAudio(1) });
    const v2 = await h.addVersion(a.id, { label: 'louder' }, { data: fakeAudio(2) });
    const b = await h.create({ profileId, text: 'b' }, { data: fakeAudio(3) });
    const story = await h.createStory({ name: 'S' });
    await h.addStoryItem(story.id, { generationId: a.id, versionId: v2.id });
    await h.addStoryItem(story.id, { generationId: b.id });
    const files = [h.resolveAudioPath(a), h.resolveAudioPath(v2), h.resolveAudioPath(b)];
    assert.equal(await h.delete([a.id, '00000000-0000-4000-8000-000000000000']), 1);
    assert.equal(await h.get(a.id), undefined);
    assert.deepEqual(await h.listVersions(a.id), []);
    assert.deepEqual(
      (await h.getStory(story.id))?.items.map((i) => i.generationId),
      [b.id],
    );
    assert.equal(fs.existsSync(files[0]), false);
    assert.equal(fs.existsSync(files[1]), false);
    assert.equal(fs.existsSync(files[2]), true);
    assert.equal(await h.delete(b.id), 1);
    assert.equal((await h.stats()).bytesOnDisk, 0);
  });

  test('deleteFailed and deleteByProfile delete exactly their generations', async () => {
    const bob = (await h.createProfile({ name: 'Bob' })).id;
    const ok = await h.create({ profileId, text: 'ok' }, { data: fakeAudio(1) });
    await h.create({ profileId, text: 'bad', status: 'failed', error: 'x' });
    await h.create({ profileId: bob, text: 'bad too', status: 'failed' });
    const bobs = await h.create({ profileId: bob, text: 'bob ok' }, { data: fakeAudio(2) });
    assert.equal(await h.deleteFailed(), 2);
    assert.deepEqual(
      (await h.list({ sort: 'oldest' })).items.map((g) => g.id),
      [ok.id, bobs.id],
    );
    assert.equal(await h.deleteByProfile(bob), 1);
    assert.equal(fs.existsSync(h.resolveAudioPath(bobs)), false);
    assert.ok(await h.getProfile(bob), 'the profile itself stays');
    assert.equal(await h.deleteFailed(), 0);
  });
});

describe('versions', () => {
  test('attachAudio: first audio is the original; later ones are versions; default follows isDefault', async () => {
    const g = await h.create({ profileId, text: 'v' });
    const { version: original } = await h.attachAudio(g.id, { data: fakeAudio(1), duration: 1 });
    assert.equal(original.label, 'original');
    assert.equal(original.isDefault, true);
    const quiet = await h.addVersion(
      g.id,
      { label: 'quiet', effectsChain: [{ type: 'gain', db: -6 }], sourceVersionId: original.id },
      { data: fakeAudio(2), duration: 2 },
    );
    assert.equal(quiet.isDefault, false);
    assert.deepEqual(quiet.effectsChain, [{ type: 'gain', db: -6 }]);
    assert.equal((await h.get(g.id))?.audioPath, original.audioPath, 'a non-default version does not change what plays');
    const loud = await h.addVersion(g.id, { label: 'loud', isDefault: true }, { data: fakeAudio(3), duration: 3 });
    const now = await h.get(g.id);
    assert.equal(now?.audioPath, loud.audioPath);
    assert.equal(now?.duration, 3);
    const vs = await h.listVersions(g.id);
    assert.deepEqual(
      vs.map((v) => [v.label, v.isDefault]),
      [
        ['original', false],
        ['quiet', false],
        ['loud', true],
      ],
    );
    await assert.rejects(
      h.addVersion(g.id, { label: 'x', sourceVersionId: '00000000-0000-4000-8000-000000000000' }, { data: fakeAudio(4) }),
      isCode('INVALID', /not a version of this generation/),
    );
    await assert.rejects(h.addVersion(g.id, { label: '' }, { data: fakeAudio(4) }), isCode('INVALID', /label/));
  });

  test('setDefaultVersion switches what the generation plays; exactly one default at all times', async () => {
    const g = await h.create({ profileId, text: 'v' }, { data: fakeAudio(1), duration: 1 });
    const v2 = await h.addVersion(g.id, { label: 'two' }, { data: fakeAudio(2), duration: 2 });
    await h.setDefaultVersion(v2.id);
    assert.equal((await h.get(g.id))?.duration, 2);
    assert.equal((await h.listVersions(g.id)).filter((v) => v.isDefault).length, 1);
    await h.setDefaultVersion(v2.id); // already default: no change
    assert.equal((await h.listVersions(g.id)).filter((v) => v.isDefault).length, 1);
    await assert.rejects(h.setDefaultVersion('00000000-0000-4000-8000-000000000000'), isCode('NOT_FOUND'));
  });

  test('deleteVersion: the last cannot go; deleting the default promotes the newest other; its file goes, stories fall back', async () => {
    const g = await h.create({ profileId, text: 'v' }, { data: fakeAudio(1), duration: 1 });
    const [original] = await h.listVersions(g.id);
    const v2 = await h.addVersion(g.id, { label: 'two' }, { data: fakeAudio(2), duration: 2 });
    const v3 = await h.addVersion(g.id, { label: 'three', isDefault: true }, { data: fakeAudio(3), duration: 3 });
    const story = await h.createStory({ name: 'S' });
    const item = await h.addStoryItem(story.id, { generationId: g.id, versionId: v3.id });
    await h.deleteVersion(v3.id);
    assert.equal(fs.existsSync(h.resolveAudioPath(v3)), false);
    const after = await h.listVersions(g.id);
    assert.deepEqual(
      after.map((v) => [v.id, v.isDefault]),
      [
        [original.id, false],
        [v2.id, true],
      ],
    );
    assert.equal((await h.get(g.id))?.audioPath, v2.audioPath);
    assert.equal((await h.getStory(story.id))?.items.find((i) => i.id === item.id)?.versionId, null);
    await h.deleteVersion(original.id);
    await assert.rejects(h.deleteVersion(v2.id), isCode('INVALID', /only version of the generation/));
    assert.equal((await h.listVersions(g.id)).length, 1);
  });
});

describe('profiles', () => {
  test('create, rename and refuse duplicate names case-insensitively', async () => {
    await assert.rejects(h.createProfile({ name: 'ALICE' }), isCode('CONFLICT', /already exists; choose another name/));
    const bob = await h.createProfile({ name: 'Bob', description: 'deep voice', language: 'en-GB' });
    assert.equal(bob.language, 'en-GB');
    const renamed = await h.renameProfile(bob.id, 'Robert');
    assert.equal(renamed.name, 'Robert');
    assert.ok(renamed.updatedAt >= bob.updatedAt);
    await assert.rejects(h.renameProfile(bob.id, 'alice'), isCode('CONFLICT'));
    await h.renameProfile(bob.id, 'ROBERT'); // its own name in other case is fine
    const g = await h.create({ profileId: bob.id, text: 'x' });
    assert.equal((await h.get(g.id))?.profileName, 'ROBERT');
    assert.deepEqual(
      (await h.listProfiles()).map((p) => p.name),
      ['Alice', 'ROBERT'],
    );
    await assert.rejects(h.createProfile({ name: '   ' }), isCode('INVALID', /profile name is empty/));
  });

  test('deleteProfile cascades to generations, versions, story items and audio files', async () => {
    const g = await h.create({ profileId, text: 'x' }, { data: fakeAudio(1) });
    const v = await h.addVersion(g.id, { label: 'b' }, { data: fakeAudio(2) });
    const other = await h.createProfile({ name: 'Other' });
    const keep = await h.create({ profileId: other.id, text: 'keep' }, { data: fakeAudio(3) });
    const story = await h.createStory({ name: 'S' });
    await h.addStoryItem(story.id, { generationId: g.id });
    await h.addStoryItem(story.id, { generationId: keep.id });
    const events: ChangeEvent[] = [];
    h.onDidChange((e) => events.push(e));
    assert.deepEqual(await h.deleteProfile(profileId), { deletedGenerations: 1 });
    assert.equal(await h.getProfile(profileId), undefined);
    assert.equal(await h.get(g.id), undefined);
    assert.deepEqual(await h.listVersions(g.id), []);
    assert.deepEqual(
      (await h.getStory(story.id))?.items.map((i) => i.generationId),
      [keep.id],
    );
    assert.equal(fs.existsSync(h.resolveAudioPath(g)), false);
    assert.equal(fs.existsSync(h.resolveAudioPath(v)), false);
    assert.equal(fs.existsSync(h.resolveAudioPath(keep)), true);
    assert.ok(events.some((e) => e.kind === 'entity' && e.entity === 'profile' && e.op === 'deleted' && e.generationIds.includes(g.id)));
    const stats = await h.stats();
    assert.equal(stats.totalGenerations, 1);
    assert.deepEqual(
      stats.byProfile.map((p) => p.profileName),
      ['Other'],
    );
  });

  test('findOrCreateProfile matches by engine + voice id, else by name, and keeps names unique', async () => {
    const same = await h.findOrCreateProfile({ engine: 'flite', voiceId: 'slt', name: 'Whatever' });
    assert.equal(same.id, profileId);
    const byName = await h.findOrCreateProfile({ name: 'alice' });
    assert.equal(byName.id, profileId);
    const otherVoice = await h.findOrCreateProfile({ engine: 'elevenlabs', voiceId: 'abc', name: 'Alice' });
    assert.notEqual(otherVoice.id, profileId);
    assert.equal(otherVoice.name, 'Alice (elevenlabs)');
    const third = await h.findOrCreateProfile({ engine: 'elevenlabs', voiceId: 'def', name: 'Alice' });
    assert.equal(third.name, 'Alice (3)');
    assert.equal((await h.findOrCreateProfile({ engine: 'elevenlabs', voiceId: 'abc', name: 'Alice' })).id, otherVoice.id);
    assert.equal((await h.listProfiles()).length, 3);
  });
});

describe('stories', () => {
  test('create, update, items with version checks, remove, delete', async () => {
    const g = await h.create({ profileId, text: 'x' }, { data: fakeAudio(1) });
    const other = await h.create({ profileId, text: 'y' }, { data: fakeAudio(2) });
    const [v] = await h.listVersions(g.id);
    const s = await h.createStory({ name: 'Episode 1', description: 'intro' });
    assert.deepEqual(
      (await h.listStories()).map((x) => x.id),
      [s.id],
    );
    const renamed = await h.updateStory(s.id, { name: 'Episode One' });
    assert.equal(renamed.name, 'Episode One');
    assert.equal(renamed.description, 'intro');
    assert.equal((await h.updateStory(s.id, { description: null })).description, null);
    const a = await h.addStoryItem(s.id, { generationId: g.id, versionId: v.id, startMs: 1000, track: 1, volume: 0.5 });
    const b = await h.addStoryItem(s.id, { generationId: other.id });
    await assert.rejects(
      h.addStoryItem(s.id, { generationId: other.id, versionId: v.id }),
      isCode('INVALID', /not a version of generation/),
    );
    await assert.rejects(h.addStoryItem(s.id, { generationId: '00000000-0000-4000-8000-000000000000' }), isCode('NOT_FOUND'));
    const moved = await h.updateStoryItem(a.id, { startMs: 2500, trimStartMs: 100 });
    assert.equal(moved.startMs, 2500);
    assert.equal(moved.trimStartMs, 100);
    assert.equal(moved.volume, 0.5);
    const full = await h.getStory(s.id);
    assert.deepEqual(
      full?.items.map((i) => i.id),
      [b.id, a.id],
      'ordered by track then start',
    );
    await h.removeStoryItem(b.id);
    assert.deepEqual(
      (await h.getStory(s.id))?.items.map((i) => i.id),
      [a.id],
    );
    await h.deleteStory(s.id);
    assert.equal(await h.getStory(s.id), undefined);
    assert.ok(await h.get(g.id), 'deleting a story keeps its generations');
    await assert.rejects(h.deleteStory(s.id), isCode('NOT_FOUND'));
  });
});

describe('events and storage paths', () => {
  test("onDidChange reports what changed; dispose stops it; another window's writes arrive as a reload", async () => {
    const events: ChangeEvent[] = [];
    const sub = h.onDidChange((e) => events.push(e));
    const g = await h.create({ profileId, text: 'x' });
    await h.update(g.id, { isFavorited: true });
    await h.delete(g.id);
    assert.deepEqual(
      events.map((e) => (e.kind === 'entity' ? `${e.entity}.${e.op}` : e.kind)),
      ['generation.created', 'generation.updated', 'generation.deleted'],
    );
    assert.ok(events.every((e) => e.kind === 'entity' && e.ids[0] === g.id));
    const other = await reopen(dir);
    await other.create({ profileId, text: 'from another window' });
    await other.close();
    await h.refresh();
    assert.equal(events.at(-1)?.kind, 'reload');
    sub.dispose();
    await h.create({ profileId, text: 'y' });
    assert.equal(events.at(-1)?.kind, 'reload');
    // A throwing listener does not break the write or other listeners.
    let called = false;
    h.onDidChange(() => {
      throw new Error('listener bug');
    });
    h.onDidChange(() => (called = true));
    await h.create({ profileId, text: 'z' });
    assert.equal(called, true);
  });

  test('resolveAudioPath stays inside the audio folder', async () => {
    assert.throws(() => h.resolveAudioPath('../history.db'), isCode('INVALID'));
    assert.throws(() => h.resolveAudioPath('/etc/passwd'), isCode('INVALID'));
    assert.throws(() => h.resolveAudioPath('ab/../../x.wav'), isCode('INVALID'));
    assert.equal(h.resolveAudioPath('ab/abc.wav'), path.join(h.audioDir, 'ab', 'abc.wav'));
    const g = await h.create({ profileId, text: 'no audio' });
    assert.throws(() => h.resolveAudioPath(g), isCode('NOT_FOUND', /no audio yet/));
  });

  test('everything survives close and reopen', async () => {
    const g = await h.create({ profileId, text: 'persist me', isFavorited: true }, { data: fakeAudio(5) });
    await h.close();
    const again = await reopen(dir);
    assert.deepEqual(await again.get(g.id), g);
    await again.close();
  });
});
