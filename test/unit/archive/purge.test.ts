import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyPurge,
  applyReconcile,
  applyRetention,
  previewPurge,
  previewReconcile,
  previewRetention,
  type PurgeRuleInput,
} from '../../../src/archive/purge';
import type { HistoryService } from '../../../src/history/service';
import type { Generation } from '../../../src/history/types';
import { allGenerations, openTestHistory, wavAudio } from './helpers';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1);

interface World {
  history: HistoryService;
  storageDir: string;
  byText: Map<string, Generation>;
}

/**
 * Ten generations a day apart (day 0 oldest), 16 kB of audio each; day 2 and day 7 are favourites;
 * day 4 failed (no audio); day 9 is still pending; day 3 has a second version (+16 kB);
 * days 5 and 6 belong to a second profile.
 */
async function world(t: Parameters<typeof openTestHistory>[0]): Promise<World> {
  const { history, storageDir } = await openTestHistory(t);
  const a = await history.createProfile({ name: 'A' });
  const b = await history.createProfile({ name: 'B' });
  for (let day = 0; day < 10; day++) {
    const createdAt = NOW - (10 - day) * DAY;
    const profileId = day === 5 || day === 6 ? b.id : a.id;
    const isFavorited = day === 2 || day === 7;
    if (day === 4) {
      await history.create({ profileId, text: `day ${day}`, status: 'failed', error: 'boom', createdAt });
    } else if (day === 9) {
      await history.create({ profileId, text: `day ${day}`, status: 'pending', createdAt });
    } else {
      const g = await history.create({ profileId, text: `day ${day}`, isFavorited, createdAt }, wavAudio(0.5, 16000, 1, day));
      if (day === 3) await history.addVersion(g.id, { label: 'louder' }, wavAudio(0.5, 16000, 1, 100));
    }
  }
  const byText = new Map((await allGenerations(history)).map((g) => [g.text, g]));
  return { history, storageDir, byText };
}

const AUDIO = 16_044; // 0.5 s of 16 kHz mono 16-bit + 44-byte header

function days(w: World, ids: string[]): number[] {
  const textOf = new Map([...w.byText.values()].map((g) => [g.id, g.text]));
  return ids.map((id) => Number(textOf.get(id)!.slice(4)));
}

test('each purge rule previews exactly what apply() deletes, with the bytes it frees', async (t) => {
  const cases: Array<[PurgeRuleInput, number[], number]> = [
    [{ kind: 'olderThan', days: 6 }, [0, 1, 3], 4 * AUDIO],
    [{ kind: 'olderThan', days: 6, keepFavorites: false }, [0, 1, 2, 3], 5 * AUDIO],
    [{ kind: 'failed' }, [4], 0],
    [{ kind: 'nonFavorites' }, [0, 1, 3, 4, 5, 6, 8], 7 * AUDIO],
    [{ kind: 'profile', profileId: 'B' }, [5, 6], 2 * AUDIO],
    [{ kind: 'everything' }, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 9 * AUDIO],
    [{ kind: 'everything', keepFavorites: true }, [0, 1, 3, 4, 5, 6, 8, 9], 7 * AUDIO],
  ];
  for (const [rule, expectedDays, expectedBytes] of cases) {
    const w = await world(t);
    if (rule.kind === 'profile') rule.profileId = (await w.history.listProfiles()).find((p) => p.name === 'B')!.id;
    const before = await w.history.stats();
    const preview = await previewPurge(w.history, rule, { now: NOW });
    assert.deepEqual(days(w, preview.ids), expectedDays, JSON.stringify(rule));
    assert.equal(preview.count, expectedDays.length);
    assert.equal(preview.bytes, expectedBytes, JSON.stringify(rule));
    assert.equal((await allGenerations(w.history)).length, 10, 'preview changes nothing');
    const result = await applyPurge(w.history, preview);
    assert.equal(result.deleted, preview.count);
    const left = await allGenerations(w.history);
    assert.deepEqual(
      left.map((g) => g.id).filter((id) => preview.ids.includes(id)),
      [],
    );
    assert.equal(left.length, 10 - preview.count);
    assert.equal(before.bytesOnDisk - (await w.history.stats()).bytesOnDisk, preview.bytes);
  }
});

test('apply() deletes the previewed set, not what matches the rule later', async (t) => {
  const w = await world(t);
  const preview = await previewPurge(w.history, { kind: 'failed' }, { now: NOW });
  const profile = (await w.history.listProfiles())[0]!;
  const late = await w.history.create({ profileId: profile.id, text: 'failed after the preview', status: 'failed', error: 'x' });
  assert.equal((await applyPurge(w.history, preview)).deleted, 1);
  assert.ok(await w.history.get(late.id), 'the newer failed generation was not in the preview and stays');
});

test('missing audio: only generations whose own audio file is gone; bytes count the files still there', async (t) => {
  const w = await world(t);
  const g1 = w.byText.get('day 1')!;
  const g3 = w.byText.get('day 3')!;
  rmSync(w.history.resolveAudioPath(g1));
  const extra = (await w.history.listVersions(g3.id)).find((v) => !v.isDefault)!;
  rmSync(w.history.resolveAudioPath(extra)); // an extra version only: the generation keeps its audio
  const preview = await previewPurge(w.history, { kind: 'missingAudio' }, { now: NOW });
  assert.deepEqual(days(w, preview.ids), [1]);
  assert.equal(preview.bytes, 0);
});

test('retention by age keeps favourites and generations in progress', async (t) => {
  const w = await world(t);
  const preview = await previewRetention(w.history, { days: 3 }, { now: NOW });
  assert.deepEqual(days(w, preview.ids), [0, 1, 3, 4, 5, 6]);
  assert.equal(preview.favorites, 0);
  const { deleted } = await applyRetention(w.history, { days: 3 }, { now: NOW });
  assert.equal(deleted, 6);
  assert.deepEqual(
    (await allGenerations(w.history)).map((g) => g.text),
    ['day 2', 'day 7', 'day 8', 'day 9'],
  );
  assert.equal((await previewRetention(w.history, { days: 0, maxMegabytes: 0 })).count, 0, '0 and 0 mean keep everything');
});

test('the storage quota deletes the oldest non-favourites until the folder fits, and never a favourite', async (t) => {
  const w = await world(t);
  const total = (await w.history.stats()).bytesOnDisk;
  assert.equal(total, 9 * AUDIO);
  // Room for 4 files: the oldest non-favourites go first (day 3 frees two files).
  const quota = (4 * AUDIO + 100) / (1024 * 1024);
  const preview = await previewRetention(w.history, { maxMegabytes: quota }, { now: NOW });
  assert.deepEqual(days(w, preview.ids), [0, 1, 3, 4, 5]);
  assert.equal(total - preview.bytes, 4 * AUDIO);
  // A quota below what the favourites alone take: everything else goes, the favourites stay.
  const tiny = await applyRetention(w.history, { maxMegabytes: 0.001 }, { now: NOW });
  assert.equal(tiny.preview.favorites, 0);
  const left = (await allGenerations(w.history)).map((g) => g.text);
  assert.deepEqual(left, ['day 2', 'day 7', 'day 9']);
  // Only when keepFavorites is off may the quota take favourites.
  const off = await previewRetention(w.history, { maxMegabytes: 0.001, keepFavorites: false }, { now: NOW });
  assert.deepEqual(days(w, off.ids), [2, 7]);
});

test('reconcile: rows without audio and orphan files, previewed then removed', async (t) => {
  const w = await world(t);
  rmSync(w.history.resolveAudioPath(w.byText.get('day 0')!));
  const extra = (await w.history.listVersions(w.byText.get('day 3')!.id)).find((v) => !v.isDefault)!;
  rmSync(w.history.resolveAudioPath(extra));
  const orphan = join(w.history.audioDir, 'orphan.wav');
  writeFileSync(orphan, 'left behind');
  const old = new Date(Date.now() - 3600_000);
  utimesSync(orphan, old, old);
  const preview = await previewReconcile(w.history);
  assert.deepEqual(days(w, preview.missingAudio.ids), [0]);
  assert.deepEqual([preview.missingVersions, preview.orphanFiles], [1, 1]);
  const result = await applyReconcile(w.history, preview);
  assert.deepEqual(result, { deletedGenerations: 1, removedVersions: 1, removedFiles: 1 });
  const report = await w.history.checkIntegrity();
  assert.deepEqual([report.missingAudio, report.orphanFiles], [[], []]);
  assert.equal((await w.history.listVersions(w.byText.get('day 3')!.id)).length, 1);
});

test('bad rules are refused by the schema', async (t) => {
  const w = await world(t);
  await assert.rejects(previewPurge(w.history, { kind: 'olderThan', days: 0 }), /days/);
  await assert.rejects(previewPurge(w.history, { kind: 'profile', profileId: 'not-a-uuid' }), /id/);
  await assert.rejects(previewRetention(w.history, { days: -1 }), /days/);
});
