import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectIds, exportArchive, exportAudio, exportVoicebox, suggestArchiveName, suggestAudioName } from '../../../src/archive/export';
import { isArchiveError } from '../../../src/archive/errors';
import { importFiles } from '../../../src/archive/import';
import { allGenerations, openTestHistory, seedMany, seedRich, sha256File, tempDir, wavAudio } from './helpers';

test('the same selection exported twice gives byte-identical archives', async (t) => {
  const h = await openTestHistory(t);
  await seedRich(h.history);
  const dir = tempDir(t);
  const ids = await collectIds(h.history);
  const now = new Date(Date.UTC(2025, 2, 3, 4, 5, 6));
  await exportArchive(h.history, ids, join(dir, '1.zip'), { extensionVersion: '1.0.0', now });
  await exportArchive(h.history, [...ids].reverse(), join(dir, '2.zip'), { extensionVersion: '1.0.0', now });
  assert.deepEqual(readFileSync(join(dir, '1.zip')), readFileSync(join(dir, '2.zip')));
});

test('cancelling a bulk export leaves no file behind', async (t) => {
  const h = await openTestHistory(t);
  await seedMany(h.history, 40, 0.5);
  const dir = tempDir(t);
  const controller = new AbortController();
  await assert.rejects(
    exportArchive(h.history, await collectIds(h.history), join(dir, 'bulk.voicehistory.zip'), {
      extensionVersion: '0.1.0',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.written > p.total / 3) controller.abort();
      },
    }),
    (e: unknown) => e instanceof Error && e.name === 'AbortError',
  );
  assert.deepEqual(readdirSync(dir), []);
});

test('audio missing on disk is left out and reported; the archive still imports (that generation as failed)', async (t) => {
  const a = await openTestHistory(t, 'a');
  const p = await a.history.createProfile({ name: 'P' });
  const kept = await a.history.create({ profileId: p.id, text: 'kept' }, wavAudio(0.1, 8000, 1, 1));
  const lost = await a.history.create({ profileId: p.id, text: 'lost' }, wavAudio(0.1, 8000, 1, 2));
  rmSync(a.history.resolveAudioPath(lost));
  const dir = tempDir(t);
  const target = join(dir, 'x.voicehistory.zip');
  const result = await exportArchive(a.history, [kept.id, lost.id], target, { extensionVersion: '0.1.0' });
  assert.equal(result.versions, 1);
  assert.deepEqual(
    result.skippedAudio.map((s) => [s.generationId, s.reason]),
    [[lost.id, 'missing']],
  );
  const b = await openTestHistory(t, 'b');
  const summary = await importFiles(b.history, [target]);
  assert.deepEqual([summary.imported, summary.rejected], [2, []]);
  const byText = new Map((await allGenerations(b.history)).map((g) => [g.text, g]));
  assert.equal(byText.get('kept')!.status, 'completed');
  assert.deepEqual([byText.get('lost')!.status, byText.get('lost')!.audioPath], ['failed', null]);
});

test('audio changed on disk since it was recorded is exported as it is now and counted', async (t) => {
  const a = await openTestHistory(t, 'a');
  const p = await a.history.createProfile({ name: 'P' });
  const g = await a.history.create({ profileId: p.id, text: 'edited outside' }, wavAudio(0.1, 8000, 1, 1));
  const file = a.history.resolveAudioPath(g);
  const bytes = readFileSync(file);
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(file, bytes);
  const dir = tempDir(t);
  const target = join(dir, 'x.voicehistory.zip');
  const result = await exportArchive(a.history, [g.id], target, { extensionVersion: '0.1.0' });
  assert.equal(result.changedAudio, 1);
  const b = await openTestHistory(t, 'b');
  assert.equal((await importFiles(b.history, [target])).imported, 1);
  const [copy] = await allGenerations(b.history);
  assert.equal(sha256File(b.history.resolveAudioPath(copy!)), sha256File(file));
});

test('export audio copies the default version with a readable name', async (t) => {
  const h = await openTestHistory(t);
  await seedRich(h.history);
  const [first, , failed] = await allGenerations(h.history);
  assert.equal(suggestAudioName(first!), 'Hello-world-This-is-the-first-take-' + first!.id.slice(0, 8) + '.wav');
  assert.equal(suggestArchiveName([first!]), 'Hello-world-This-is-the-first-take-' + first!.id.slice(0, 8) + '.voicehistory.zip');
  assert.match(
    suggestArchiveName([first!, failed!], new Date(Date.UTC(2025, 0, 2))),
    /^voice-history-2-generations-2025-01-02\.voicehistory\.zip$/,
  );
  const dir = tempDir(t);
  const target = join(dir, suggestAudioName(first!));
  const r = await exportAudio(h.history, first!.id, target);
  assert.equal(sha256File(target), first!.contentHash);
  assert.equal(r.bytes, first!.audioBytes);
  await assert.rejects(
    exportAudio(h.history, failed!.id, join(dir, 'f.wav')),
    (e: unknown) => isArchiveError(e, 'not-exportable') && /no audio \(it failed\)/.test(e.message),
  );
  assert.deepEqual(readdirSync(dir), [suggestAudioName(first!)]);
});

test('the Voicebox export refuses non-WAV audio and says what to do instead', async (t) => {
  const h = await openTestHistory(t);
  const p = await h.history.createProfile({ name: 'P' });
  const g = await h.history.create(
    { profileId: p.id, text: 'mp3 only' },
    { data: readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'archives', 'audio', 'tone.mp3')), format: 'mp3' },
  );
  const dir = tempDir(t);
  await assert.rejects(
    exportVoicebox(h.history, g.id, join(dir, 'x.voicebox.zip')),
    (e: unknown) =>
      isArchiveError(e, 'not-exportable') &&
      /Voicebox imports WAV only .* MP3\. Export it in the Voice History format instead/.test(e.message),
  );
  assert.deepEqual(readdirSync(dir), []);
});

test('exporting nothing or generations that no longer exist is refused clearly', async (t) => {
  const h = await openTestHistory(t);
  const dir = tempDir(t);
  await assert.rejects(exportArchive(h.history, [], join(dir, 'x.zip'), { extensionVersion: '0.1.0' }), /select at least one generation/);
  await assert.rejects(
    exportArchive(h.history, ['44444444-4444-4444-8444-444444444444'], join(dir, 'x.zip'), { extensionVersion: '0.1.0' }),
    /1 of the generations to export no longer exist/,
  );
  assert.deepEqual(readdirSync(dir), []);
});
