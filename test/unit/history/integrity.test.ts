// The integrity check finds rows whose audio is gone and files no row owns; reconcile fixes them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DB_FILE } from '../../../src/store/database';
import { searchFunctions } from '../../../src/store/search-text';
import { loadSqlJs } from '../../../src/store/sqlite';
import { fakeAudio, freshHistory, reopen } from '../store/helpers';

const age = (file: string, ms: number) => {
  const t = new Date(Date.now() - ms);
  fs.utimesSync(file, t, t);
};

test('missing audio and orphan files are reported, and reconcile fixes exactly those', async () => {
  const { h, dir, cleanup } = await freshHistory();
  try {
    const p = (await h.createProfile({ name: 'P' })).id;
    const intact = await h.create({ profileId: p, text: 'intact' }, { data: fakeAudio(1) });
    const lost = await h.create({ profileId: p, text: 'lost' }, { data: fakeAudio(2) });
    const twoVersions = await h.create({ profileId: p, text: 'two versions' }, { data: fakeAudio(3) });
    const extra = await h.addVersion(twoVersions.id, { label: 'b', isDefault: true }, { data: fakeAudio(4) });
    assert.deepEqual(
      await h.checkIntegrity({ database: true }).then((r) => [r.missingAudio, r.orphanFiles, r.databaseProblems, r.databaseChecked]),
      [[], [], [], true],
    );

    fs.rmSync(h.resolveAudioPath(lost));
    fs.rmSync(h.resolveAudioPath(extra)); // the default version of twoVersions
    const oldOrphan = path.join(h.audioDir, 'zz', 'left-behind.wav');
    fs.mkdirSync(path.dirname(oldOrphan), { recursive: true });
    fs.writeFileSync(oldOrphan, 'x');
    age(oldOrphan, 3_600_000);
    const youngOrphan = path.join(h.audioDir, 'zz', 'just-written.wav');
    fs.writeFileSync(youngOrphan, 'y');
    const youngTemp = path.join(h.audioDir, 'zz', '.tmp-in-progress.wav-1');
    fs.writeFileSync(youngTemp, 'z');
    const oldTemp = path.join(h.audioDir, 'zz', '.tmp-crashed.wav-2');
    fs.writeFileSync(oldTemp, 'z');
    age(oldTemp, 3_600_000);

    const report = await h.checkIntegrity();
    assert.equal(report.databaseChecked, false);
    assert.deepEqual(
      report.missingAudio.map((m) => [m.generationId, m.versionId]).sort(),
      [
        [lost.id, (await h.listVersions(lost.id))[0].id],
        [twoVersions.id, extra.id],
      ].sort(),
    );
    assert.deepEqual(report.orphanFiles.sort(), ['zz/.tmp-crashed.wav-2', 'zz/just-written.wav', 'zz/left-behind.wav']);

    const result = await h.reconcile();
    assert.deepEqual(result, { removedVersions: 2, markedFailed: 1, removedFiles: 2 });
    const lostNow = await h.get(lost.id);
    assert.equal(lostNow?.status, 'failed');
    assert.match(lostNow?.error ?? '', /audio file is missing/);
    assert.equal(lostNow?.audioPath, null);
    const twoNow = await h.get(twoVersions.id);
    assert.equal(twoNow?.status, 'completed');
    assert.equal(twoNow?.audioPath, twoVersions.audioPath, 'the remaining version became the default');
    assert.deepEqual(await h.get(intact.id), intact);
    assert.equal(fs.existsSync(oldOrphan), false);
    assert.equal(fs.existsSync(oldTemp), false);
    assert.equal(fs.existsSync(youngOrphan), true, 'a fresh file may belong to a write in another window');
    assert.equal(fs.existsSync(youngTemp), true);

    const after = await h.checkIntegrity();
    assert.deepEqual(after.missingAudio, []);
    assert.deepEqual(after.orphanFiles, ['zz/just-written.wav']);
    assert.equal((await h.stats()).byStatus.failed.count, 1);

    // Reconcile on request only: a check alone changes nothing.
    fs.rmSync(h.resolveAudioPath(intact));
    await h.checkIntegrity();
    assert.equal((await h.get(intact.id))?.status, 'completed');
    const onlyReport = await h.reconcile({ fixMissingAudio: false, removeOrphanFiles: false });
    assert.deepEqual(onlyReport, { removedVersions: 0, markedFailed: 0, removedFiles: 0 });
    await h.close();

    // The on-open check runs by itself and its report is available.
    const again = await reopen(dir, { checkOnOpen: true, tuning: { checkDelayMs: 0 } });
    const onOpen = await again.lastIntegrityReport();
    assert.deepEqual(
      onOpen.missingAudio.map((m) => m.generationId),
      [intact.id],
    );
    assert.equal(onOpen.databaseChecked, true, 'a small database gets the SQLite check on open');
    await again.close();
  } finally {
    await cleanup();
  }
});

test("the database check reports rows that break a foreign key (written behind the store's back)", async () => {
  const { h, dir, cleanup } = await freshHistory();
  try {
    const p = (await h.createProfile({ name: 'P' })).id;
    await h.create({ profileId: p, text: 'fine' });
    await h.close();
    const SQL = await loadSqlJs();
    const file = path.join(dir, DB_FILE);
    const db = new SQL.Database(fs.readFileSync(file));
    for (const [name, fn] of Object.entries(searchFunctions)) db.create_function(name, fn);
    db.run('PRAGMA foreign_keys = OFF');
    db.run(
      "INSERT INTO generations (id, profile_id, text, created_at, updated_at) VALUES ('00000000-0000-4000-8000-0000000000aa', 'no-such-profile', 'orphan row', 1, 1)",
    );
    fs.writeFileSync(file, db.export());
    db.close();
    const again = await reopen(dir);
    const report = await again.checkIntegrity({ database: true });
    assert.equal(report.databaseChecked, true);
    assert.deepEqual(report.databaseProblems, ['generations row 2 refers to a missing profiles row']);
    await again.close();
  } finally {
    await cleanup();
  }
});
