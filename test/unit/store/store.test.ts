// The durable store: journal replay, compaction, torn tails, foreign keys after export,
// migrations from an older schema, changes from another process, stale locks.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Store, DB_FILE, JOURNAL_FILE, LOCK_FILE } from '../../../src/store/database';
import { encodeFrame } from '../../../src/store/journal';
import { migrate, SCHEMA_VERSION, userVersion } from '../../../src/store/schema';
import { searchFunctions } from '../../../src/store/search-text';
import { loadSqlJs } from '../../../src/store/sqlite';
import { isHistoryError } from '../../../src/history';
import { reopen, tempDir } from './helpers';

const open = (dir: string, extra: Partial<Parameters<typeof Store.open>[0]> = {}) =>
  Store.open({ dir, functions: searchFunctions, pollIntervalMs: 0, compactOnClose: false, ...extra });

async function seedProfile(s: Store): Promise<void> {
  await s.write((w) => w.run("INSERT INTO profiles (id, name, name_key, created_at, updated_at) VALUES ('p', 'P', 'p', 1, 1)"));
}

function insertGeneration(id: string, text = `text of ${id}`) {
  return (w: { run: (sql: string, params?: (string | number | null)[]) => number }) =>
    w.run("INSERT INTO generations (id, profile_id, text, created_at, updated_at) VALUES (?, 'p', ?, ?, ?)", [
      id,
      text,
      Date.now(),
      Date.now(),
    ]);
}

const count = (s: Store) => s.read((r) => Number(r.value('SELECT count(*) FROM generations')));

test('a fresh folder gets a snapshot at the current schema and an empty journal', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir);
    assert.ok(fs.existsSync(path.join(t.dir, DB_FILE)));
    assert.ok(fs.existsSync(path.join(t.dir, JOURNAL_FILE)));
    assert.equal(await s.read((r) => Number(r.value('PRAGMA user_version'))), SCHEMA_VERSION);
    assert.equal(await s.read((r) => Number(r.value('PRAGMA foreign_keys'))), 1);
    await s.close();
  } finally {
    t.cleanup();
  }
});

test('committed transactions are replayed from the journal when the snapshot is older', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir);
    await seedProfile(s);
    for (let i = 0; i < 20; i++) await s.write(insertGeneration(`g${i}`));
    await s.write((w) => w.run("DELETE FROM generations WHERE id = 'g3'"));
    const snapshotBytes = fs.statSync(path.join(t.dir, DB_FILE)).size;
    await s.close(); // compactOnClose off: the snapshot is still the empty one
    assert.equal(fs.statSync(path.join(t.dir, DB_FILE)).size, snapshotBytes);
    const again = await open(t.dir);
    assert.equal(await count(again), 19);
    assert.equal(again.sequence, 22);
    await again.close();
  } finally {
    t.cleanup();
  }
});

test('a statement that fails rolls the whole transaction back and writes nothing to the journal', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir);
    await seedProfile(s);
    const size = fs.statSync(path.join(t.dir, JOURNAL_FILE)).size;
    await assert.rejects(
      s.write((w) => {
        insertGeneration('a')(w);
        w.run("INSERT INTO generations (id, profile_id, text, created_at, updated_at) VALUES ('b', 'no such profile', 'x', 1, 1)");
      }),
      /FOREIGN KEY constraint failed/,
    );
    assert.equal(await count(s), 0);
    assert.equal(fs.statSync(path.join(t.dir, JOURNAL_FILE)).size, size);
    await s.close();
  } finally {
    t.cleanup();
  }
});

test('compaction writes a snapshot, empties the journal, and foreign keys stay enforced after export()', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir);
    await seedProfile(s);
    for (let i = 0; i < 5; i++) await s.write(insertGeneration(`g${i}`));
    await s.compact();
    assert.equal(await s.read((r) => Number(r.value('PRAGMA foreign_keys'))), 1);
    await assert.rejects(
      s.write((w) => w.run("INSERT INTO generations (id, profile_id, text, created_at, updated_at) VALUES ('x', 'missing', 'x', 1, 1)")),
      /FOREIGN KEY/,
    );
    // Cascade still works after the export.
    await s.write((w) => w.run("DELETE FROM profiles WHERE id = 'p'"));
    assert.equal(await count(s), 0);
    await s.close();
    const again = await open(t.dir);
    assert.equal(await count(again), 0);
    await again.close();
  } finally {
    t.cleanup();
  }
});

test('background compaction kicks in after the configured number of transactions', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir, { compactAfterRecords: 10, compactDelayMs: 0 });
    await seedProfile(s);
    const journal = path.join(t.dir, JOURNAL_FILE);
    for (let i = 0; i < 10; i++) await s.write(insertGeneration(`g${i}`));
    const before = fs.statSync(journal).size;
    for (let i = 0; i < 50 && fs.statSync(journal).size >= before; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(fs.statSync(journal).size < before, 'the journal was emptied');
    await s.close();
    const again = await open(t.dir);
    assert.equal(await count(again), 10);
    await again.close();
  } finally {
    t.cleanup();
  }
});

test('after writes pause, a journal with enough transactions is compacted; a short one is left alone', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir, { idleCompactMs: 30, idleCompactMinRecords: 5 });
    await seedProfile(s);
    const journal = path.join(t.dir, JOURNAL_FILE);
    for (let i = 0; i < 3; i++) await s.write(insertGeneration(`a${i}`));
    await new Promise((r) => setTimeout(r, 120));
    const short = fs.statSync(journal).size;
    assert.ok(short > 100, 'four transactions stay in the journal');
    for (let i = 0; i < 3; i++) await s.write(insertGeneration(`b${i}`));
    for (let i = 0; i < 50 && fs.statSync(journal).size > 100; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(fs.statSync(journal).size < 100, 'compacted after the pause');
    await s.close();
    const again = await open(t.dir);
    assert.equal(await count(again), 6);
    await again.close();
  } finally {
    t.cleanup();
  }
});

test('reads, refreshes and writes issued together: reads see committed rows only, nothing is applied twice', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir);
    await seedProfile(s);
    const seen: number[] = [];
    let writing = true;
    // Other callers keep refreshing and reading while the writes are being made durable.
    const others = (async () => {
      while (writing) {
        await Promise.all([s.refresh(false), s.read((r) => seen.push(Number(r.value('SELECT count(*) FROM generations'))))]);
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 0; i < 60; i++) await s.write(insertGeneration(`g${i}`));
    writing = false;
    await others;
    assert.equal(s.readOnlyReason, undefined, String(s.readOnlyReason?.message));
    assert.equal(await count(s), 60);
    assert.ok(
      seen.every((n, i) => i === 0 || n >= seen[i - 1]),
      'counts never go back (no uncommitted row was seen and rolled back)',
    );
    await s.close();
    const again = await open(t.dir);
    assert.equal(await count(again), 60);
    await again.close();
  } finally {
    t.cleanup();
  }
});

test('a torn journal tail is dropped on open and later writes go after the last good frame', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir);
    await seedProfile(s);
    for (let i = 0; i < 3; i++) await s.write(insertGeneration(`g${i}`));
    await s.close();
    const journal = path.join(t.dir, JOURNAL_FILE);
    const good = fs.statSync(journal).size;
    const half = encodeFrame({
      s: 5,
      v: SCHEMA_VERSION,
      o: [["INSERT INTO generations (id, profile_id, text, created_at, updated_at) VALUES ('torn', 'p', 'x', 1, 1)", []]],
    });
    fs.appendFileSync(journal, half.subarray(0, half.length - 5));
    const again = await open(t.dir);
    assert.equal(await count(again), 3);
    assert.equal(fs.statSync(journal).size, good, 'the torn tail was cut off');
    await again.write(insertGeneration('after'));
    await again.close();
    const third = await open(t.dir);
    assert.deepEqual(await third.read((r) => r.all('SELECT id FROM generations ORDER BY seq').map((x) => x.id)), [
      'g0',
      'g1',
      'g2',
      'after',
    ]);
    await third.close();
  } finally {
    t.cleanup();
  }
});

test("a second store on the same folder sees the first one's writes, also across its compaction", async () => {
  const t = tempDir();
  try {
    const a = await open(t.dir);
    const b = await open(t.dir);
    const seen: boolean[] = [];
    b.onExternalChange((c) => seen.push(c.full));
    await seedProfile(a);
    await a.write(insertGeneration('from-a'));
    assert.equal(await count(b), 1);
    await b.write(insertGeneration('from-b'));
    assert.equal(await count(a), 2);
    await a.compact();
    await a.write(insertGeneration('after-compaction'));
    assert.equal(await count(b), 3);
    assert.ok(seen.includes(false) && seen.includes(true), 'incremental and full reloads were reported');
    await a.close();
    await b.close();
  } finally {
    t.cleanup();
  }
});

test('a lock left by a dead process is taken over; a live holder makes writers wait, then fail clearly', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir, { lockTimeoutMs: 300 });
    await seedProfile(s);
    await s.close();
    const lock = path.join(t.dir, LOCK_FILE);
    // pid 2^22+ does not exist: a crashed owner.
    fs.writeFileSync(lock, JSON.stringify({ pid: 4_194_999, host: os.hostname(), token: 'dead', at: 0 }));
    const s2 = await open(t.dir, { lockTimeoutMs: 300 });
    await s2.write(insertGeneration('x'));
    await s2.close();
    // A live owner (our parent process) holds it: the write times out with a clear message.
    fs.writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: os.hostname(), token: 'alive', at: Date.now() }));
    const s3 = await Store.open({ dir: t.dir, functions: searchFunctions, pollIntervalMs: 0, lockTimeoutMs: 300 }).catch((e) => e);
    assert.ok(isHistoryError(s3, 'LOCKED'), String(s3));
    assert.match((s3 as Error).message, /being written by process \d+/);
    fs.rmSync(lock);
  } finally {
    t.cleanup();
  }
});

test('migrations: a schema-1 database (no search index, no statistics) is upgraded on open and its data is searchable and counted', async () => {
  const t = tempDir();
  try {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    for (const [name, fn] of Object.entries(searchFunctions)) db.create_function(name, fn);
    migrate(db, 1);
    assert.equal(userVersion(db), 1);
    db.run(
      "INSERT INTO profiles (id, name, name_key, created_at, updated_at) VALUES ('8f9c7f2e-3b1a-4c6d-9e8f-1a2b3c4d5e6f', 'Old voice', 'old voice', 1, 1)",
    );
    const texts = ['Ancient greeting from the past', 'Another old line', 'Zürich Bahnhof'];
    texts.forEach((text, i) =>
      db.run(
        "INSERT INTO generations (id, profile_id, text, status, duration, created_at, updated_at) VALUES (?, '8f9c7f2e-3b1a-4c6d-9e8f-1a2b3c4d5e6f', ?, 'failed', ?, ?, ?)",
        [`00000000-0000-4000-8000-00000000000${i}`, text, i + 1, 1000 * i, 1000 * i],
      ),
    );
    fs.writeFileSync(path.join(t.dir, DB_FILE), db.export());
    db.close();

    const logs: string[] = [];
    const h = await reopen(t.dir, { log: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) } });
    assert.ok(
      logs.some((m) => new RegExp(`from schema 1 to ${SCHEMA_VERSION}`).test(m)),
      logs.join('\n'),
    );
    assert.deepEqual(
      (await h.list({ search: 'ZÜRICH' })).items.map((g) => g.text),
      ['Zürich Bahnhof'],
    );
    assert.equal((await h.list({ search: 'cient gree' })).total, 1);
    const stats = await h.stats();
    assert.equal(stats.totalGenerations, 3);
    assert.equal(stats.totalDurationSeconds, 6);
    assert.equal(stats.byStatus.failed.count, 3);
    await h.close();
    // The upgrade was persisted: the snapshot on disk is at the current schema.
    const bytes = fs.readFileSync(path.join(t.dir, DB_FILE));
    const check = new SQL.Database(bytes);
    assert.equal(userVersion(check), SCHEMA_VERSION);
    check.close();
  } finally {
    t.cleanup();
  }
});

test('a database from a newer version is refused with a clear error and left untouched', async () => {
  const t = tempDir();
  try {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    fs.writeFileSync(path.join(t.dir, DB_FILE), db.export());
    db.close();
    const before = fs.readFileSync(path.join(t.dir, DB_FILE));
    const e = await open(t.dir).catch((x) => x);
    assert.ok(isHistoryError(e, 'TOO_NEW'), String(e));
    assert.match((e as Error).message, /Update the extension/);
    assert.deepEqual(fs.readFileSync(path.join(t.dir, DB_FILE)), before);
  } finally {
    t.cleanup();
  }
});

test('a damaged database file is refused with a clear error and left untouched', async () => {
  const t = tempDir();
  try {
    fs.writeFileSync(path.join(t.dir, DB_FILE), Buffer.from('this is not an sqlite database, just text'.repeat(200)));
    const e = await open(t.dir).catch((x) => x);
    assert.ok(isHistoryError(e, 'CORRUPT'), String(e));
    assert.match((e as Error).message, /damaged or not a database/);
    assert.ok(fs.readFileSync(path.join(t.dir, DB_FILE)).toString().startsWith('this is not'));
  } finally {
    t.cleanup();
  }
});
