// Store durability edges (issue 13): the journal frame cap on write, replay counted toward
// compaction, leftover compaction temp files, mid-journal damage, prepared statement lifetime.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { isHistoryError } from '../../../src/history';
import { Store, JOURNAL_FILE, type StoreLog } from '../../../src/store/database';
import { encodeFrame, headerFrame, parseJournal } from '../../../src/store/journal';
import { searchFunctions } from '../../../src/store/search-text';
import { loadSqlJs } from '../../../src/store/sqlite';
import { freshHistory, reopen, tempDir } from './helpers';

const open = (dir: string, extra: Partial<Parameters<typeof Store.open>[0]> = {}) =>
  Store.open({ dir, functions: searchFunctions, pollIntervalMs: 0, compactOnClose: false, ...extra });

const seedProfile = (s: Store) =>
  s.write((w) => w.run("INSERT INTO profiles (id, name, name_key, created_at, updated_at) VALUES ('p', 'P', 'p', 1, 1)"));
const insert =
  (id: string, text = `text of ${id}`) =>
  (w: { run: (sql: string, params?: (string | number | null)[]) => number }) =>
    w.run("INSERT INTO generations (id, profile_id, text, created_at, updated_at) VALUES (?, 'p', ?, 1, 1)", [id, text]);
const count = (s: Store) => s.read((r) => Number(r.value('SELECT count(*) FROM generations')));

function recordingLog(): StoreLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

const waitFor = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('a transaction whose frame is over the cap is refused whole; the connection is not left in a transaction and later writes work', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir, { maxFrameBytes: 64 * 1024 });
    await seedProfile(s);
    const big = 'x'.repeat(20 * 1024);
    await assert.rejects(
      s.write((w) => {
        for (let i = 0; i < 5; i++) insert(`big${i}`, big)(w);
      }),
      (e: unknown) =>
        isHistoryError(e, 'INVALID') &&
        /too large to save in one step/.test((e as Error).message) &&
        /0\.1 MB per change/.test((e as Error).message),
    );
    assert.equal(await count(s), 0, 'no phantom rows');
    // Just under the lower-bound check, over once encoded with JSON escaping: refused at encode.
    const quotes = '"'.repeat(40 * 1024);
    await assert.rejects(s.write(insert('quoted', quotes)), (e: unknown) => isHistoryError(e, 'INVALID'));
    assert.equal(await count(s), 0);
    await s.write(insert('small'));
    assert.equal(await count(s), 1);
    await s.close();
    const again = await open(t.dir, { maxFrameBytes: 64 * 1024 });
    assert.equal(await count(again), 1, 'what was accepted survives a reopen');
    await again.close();
  } finally {
    t.cleanup();
  }
});

test('a value the journal cannot encode rolls the transaction back instead of leaving it open', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir);
    await seedProfile(s);
    await assert.rejects(
      s.write((w) => {
        insert('a')(w);
        // sql.js binds a BigInt; JSON.stringify cannot write one.
        w.run("UPDATE generations SET seed = ? WHERE id = 'a'", [10n as unknown as number]);
      }),
      (e: unknown) => isHistoryError(e, 'INVALID'),
    );
    assert.equal(await count(s), 0, 'no phantom rows');
    await s.write(insert('b'));
    assert.equal(await count(s), 1);
    await s.close();
  } finally {
    t.cleanup();
  }
});

test('sidecar settings are bounded in the history schema with a message naming the field and the limit', async () => {
  const { h, cleanup } = await freshHistory();
  try {
    const p = await h.createProfile({ name: 'Voice' });
    await assert.rejects(
      h.create({ profileId: p.id, text: 'hi', settings: { blob: 'y'.repeat(70 * 1024) } }),
      (e: unknown) => isHistoryError(e, 'INVALID') && /settings/.test((e as Error).message) && /64 KB/.test((e as Error).message),
    );
    await h.create({ profileId: p.id, text: 'hi', settings: { blob: 'y'.repeat(1024) } });
  } finally {
    await cleanup();
  }
});

test('an open that replays a long journal compacts in the background even if this session never writes', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir, { compactAfterRecords: 100_000, compactAfterBytes: 1e9, idleCompactMinRecords: 100_000 });
    await seedProfile(s);
    for (let i = 0; i < 60; i++) await s.write(insert(`g${i}`));
    await s.close();
    const log = recordingLog();
    const reader = await open(t.dir, { replayCompactRecords: 50, compactDelayMs: 0, log });
    const journal = path.join(t.dir, JOURNAL_FILE);
    await waitFor(() => parseJournal(fs.readFileSync(journal)).records.length === 0);
    assert.ok(
      log.lines.some((l) => /Replayed 61 change\(s\)/.test(l)),
      log.lines.join('\n'),
    );
    assert.equal(await count(reader), 60);
    await reader.close();
    const again = await open(t.dir);
    assert.equal(await count(again), 60);
    await again.close();
  } finally {
    t.cleanup();
  }
});

test('temp files a killed compaction left are removed on open; other files stay', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir);
    await s.close();
    const uuid = '0b7e2a56-4a0e-4f0c-9a51-2f1d3c4b5a69';
    const leftovers = [`.tmp-history.db-${uuid}`, `.tmp-history.journal-${uuid}`];
    const kept = ['.tmp-other.db-' + uuid, 'notes.txt'];
    for (const f of [...leftovers, ...kept]) fs.writeFileSync(path.join(t.dir, f), 'x'.repeat(1000));
    const log = recordingLog();
    const again = await open(t.dir, { log });
    for (const f of leftovers) assert.ok(!fs.existsSync(path.join(t.dir, f)), `${f} removed`);
    for (const f of kept) assert.ok(fs.existsSync(path.join(t.dir, f)), `${f} kept`);
    assert.ok(log.lines.some((l) => l.includes(leftovers[0]) && /interrupted compaction/.test(l)));
    await again.close();
  } finally {
    t.cleanup();
  }
});

test('damage in the middle of the journal is told apart from a torn tail: a copy is kept, what verifies is recovered, and the problem is exposed', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir);
    await seedProfile(s);
    for (let i = 0; i < 10; i++) await s.write(insert(`g${i}`));
    await s.close();
    const journal = path.join(t.dir, JOURNAL_FILE);
    const buf = fs.readFileSync(journal);
    const parsed = parseJournal(buf);
    const sixth = parsed.records[5];
    buf[sixth.end - 3] ^= 0x20; // flips a bit inside transaction 6's frame: 7..11 still verify
    fs.writeFileSync(journal, buf);
    const damagedBytes = Buffer.from(buf);

    const log = recordingLog();
    const again = await open(t.dir, { log });
    assert.equal(await count(again), 4, 'the transactions before the damage are recovered');
    const problem = again.problem;
    assert.ok(problem, 'a problem is exposed');
    assert.match(problem.message, /damaged/);
    assert.match(problem.message, /5 later change/);
    assert.ok(problem.copy && fs.existsSync(problem.copy));
    assert.deepEqual(fs.readFileSync(problem.copy), damagedBytes, 'the copy holds the damaged journal as it was');
    assert.ok(log.lines.some((l) => l.startsWith('error') && /damaged/.test(l)));
    assert.ok(!log.lines.some((l) => /incomplete transaction/.test(l)), 'not reported as a torn tail');
    // Still writable, and later writes survive a reopen.
    await again.write(insert('after'));
    await again.close();
    const third = await open(t.dir);
    assert.equal(await count(third), 5);
    assert.equal(third.problem, undefined);
    await third.close();
  } finally {
    t.cleanup();
  }
});

test('the history service exposes a damaged journal as its storage problem', async () => {
  const { h, dir, cleanup } = await freshHistory({ tuning: { compactOnClose: false } });
  try {
    const p = await h.createProfile({ name: 'Voice' });
    for (let i = 0; i < 4; i++) await h.create({ profileId: p.id, text: `line ${i}` });
    assert.equal(h.storageProblem, undefined);
    await h.close();
    const journal = path.join(dir, JOURNAL_FILE);
    const buf = fs.readFileSync(journal);
    const parsed = parseJournal(buf);
    if (parsed.records.length < 3) throw new Error(`expected journaled changes, got ${parsed.records.length}`);
    buf[parsed.records[1].end - 3] ^= 0x20;
    fs.writeFileSync(journal, buf);
    const again = await reopen(dir);
    try {
      assert.match(again.storageProblem ?? '', /damaged at byte \d+.*A copy of the damaged journal is kept at/s);
    } finally {
      await again.close();
    }
  } finally {
    await cleanup();
  }
});

test('a torn tail is still only a torn tail (no copy, no problem)', async () => {
  const t = tempDir();
  try {
    const s = await open(t.dir);
    await seedProfile(s);
    await s.write(insert('a'));
    await s.close();
    const journal = path.join(t.dir, JOURNAL_FILE);
    const partial = encodeFrame({ s: 3, v: 1, o: [] }).subarray(0, 10);
    fs.appendFileSync(journal, partial);
    const again = await open(t.dir);
    assert.equal(await count(again), 1);
    assert.equal(again.problem, undefined);
    assert.deepEqual(
      fs.readdirSync(t.dir).filter((f) => f.includes('damaged')),
      [],
    );
    await again.close();
    assert.ok(headerFrame(0).length > 0);
  } finally {
    t.cleanup();
  }
});

/** Counts statements prepared and not yet freed, on every sql.js database of this process. */
async function trackStatements(): Promise<{ live: () => number; stop: () => void }> {
  const SQL = await loadSqlJs();
  const proto = SQL.Database.prototype as unknown as { prepare: (...a: unknown[]) => { free: () => boolean } };
  const original = proto.prepare;
  const live = new Set<object>();
  proto.prepare = function (this: unknown, ...args: unknown[]) {
    const stmt = original.apply(this, args);
    live.add(stmt);
    const free = stmt.free.bind(stmt);
    stmt.free = () => {
      live.delete(stmt);
      return free();
    };
    return stmt;
  };
  return { live: () => live.size, stop: () => (proto.prepare = original) };
}

test('prepared statements are freed at compaction and the statement cache is bounded', async () => {
  const t = tempDir();
  const tracked = await trackStatements();
  const liveStatements = (_: Store) => tracked.live();
  try {
    const s = await open(t.dir, { maxCachedStatements: 50 });
    await seedProfile(s);
    const queries = ['SELECT count(*) FROM generations', 'SELECT id FROM profiles', "SELECT value FROM meta WHERE key = 'x'"];
    const cycle = async () => {
      for (const q of queries) await s.read((r) => r.value(q));
      await s.write(insert(`g${Math.random()}`));
      await s.compact();
    };
    await cycle();
    const after1 = liveStatements(s);
    for (let i = 0; i < 5; i++) await cycle();
    assert.ok(liveStatements(s) <= after1, `statements after 6 compactions: ${liveStatements(s)}, after 1: ${after1}`);
    for (let i = 0; i < 300; i++) await s.read((r) => r.value(`SELECT ${i}`));
    assert.ok(liveStatements(s) <= 50, `live statements: ${liveStatements(s)}`);
    // Evicted statements are prepared again when needed.
    assert.equal(await s.read((r) => r.value('SELECT 0')), 0);
    assert.equal(await count(s), 6);
    await s.close();
  } finally {
    tracked.stop();
    t.cleanup();
  }
});
