// Stale write locks that used to block the history forever: a lock from another host (a
// recreated dev container), our own pid with another token (a restarted container), a reused
// pid; and the heartbeat that makes judging another host's lock by its age safe.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { isHistoryError } from '../../../src/history';
import { FileLock, processStart } from '../../../src/store/lock';
import { tempDir } from './helpers';

const lease = { idleMs: 0, maxHoldMs: 60_000, yieldMs: 0 };

function setup(info: object, ageMs = 0) {
  const t = tempDir();
  const file = path.join(t.dir, 'history.lock');
  fs.writeFileSync(file, JSON.stringify(info));
  if (ageMs) {
    const then = new Date(Date.now() - ageMs);
    fs.utimesSync(file, then, then);
  }
  const logged: string[] = [];
  const lock = new FileLock(file, 400, lease, (m) => logged.push(m), { heartbeatMs: 50, otherHostStaleMs: 2_000 });
  return { t, file, lock, logged };
}

const isLocked = (e: unknown) => isHistoryError(e, 'LOCKED');

test('a lock from another host that nobody renews is stolen, and the log says so', async () => {
  const { t, lock, logged } = setup({ pid: 1234, host: 'old-dev-container', token: 'x', at: 0 }, 10_000);
  try {
    const release = await lock.acquire();
    release();
    lock.releaseNow();
    assert.equal(logged.length, 1);
    assert.match(logged[0], /host "old-dev-container".*not renewed for 10 s/);
  } finally {
    t.cleanup();
  }
});

test('a lock from another host that was renewed recently is respected', async () => {
  const { t, lock, logged } = setup({ pid: 1234, host: 'other-machine', token: 'x', at: Date.now() });
  try {
    await assert.rejects(lock.acquire(), isLocked);
    assert.deepEqual(logged, []);
  } finally {
    t.cleanup();
  }
});

test('a lock with this process id but a token none of its locks holds is stolen (a restarted container)', async () => {
  const { t, lock, logged } = setup({ pid: process.pid, host: os.hostname(), token: 'from-an-earlier-life', at: Date.now() });
  try {
    const release = await lock.acquire();
    release();
    lock.releaseNow();
    assert.match(logged[0] ?? '', /carries this process's id .* but none of its locks/);
  } finally {
    t.cleanup();
  }
});

test('a lock held by another FileLock of this same process is not stolen', async () => {
  const t = tempDir();
  try {
    const file = path.join(t.dir, 'history.lock');
    const first = new FileLock(file, 400, lease);
    const release = await first.acquire();
    const second = new FileLock(file, 300, lease);
    await assert.rejects(second.acquire(), isLocked);
    release();
    first.releaseNow();
    (await second.acquire())();
    second.releaseNow();
  } finally {
    t.cleanup();
  }
});

test('a reused pid (the process running now started at another time) is stolen; the real owner is not', async (ctx) => {
  const parentStart = processStart(process.ppid);
  if (!parentStart) return ctx.skip('process start times are not available on this system');
  const stale = setup({ pid: process.ppid, host: os.hostname(), token: 'x', at: Date.now(), start: 'another-boot:12345' });
  try {
    const release = await stale.lock.acquire();
    release();
    stale.lock.releaseNow();
    assert.match(stale.logged[0] ?? '', /not its owner \(the id was reused/);
  } finally {
    stale.t.cleanup();
  }
  const live = setup({ pid: process.ppid, host: os.hostname(), token: 'x', at: Date.now(), start: parentStart });
  try {
    await assert.rejects(live.lock.acquire(), isLocked);
  } finally {
    live.t.cleanup();
  }
});

test('a held lock is renewed by a heartbeat, so a long write does not look stale to another host', async () => {
  const t = tempDir();
  try {
    const file = path.join(t.dir, 'history.lock');
    const lock = new FileLock(file, 400, lease, () => undefined, { heartbeatMs: 50, otherHostStaleMs: 2_000 });
    const release = await lock.acquire();
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(file, old, old);
    await new Promise((r) => setTimeout(r, 300)); // a long write: the lock stays taken
    assert.ok(Date.now() - fs.statSync(file).mtimeMs < 1_000, 'the lock file was renewed while held');
    release();
    lock.releaseNow();
    assert.ok(!fs.existsSync(file));
  } finally {
    t.cleanup();
  }
});
