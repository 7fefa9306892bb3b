// Storage failures: a full disk (ENOSPC, on a real tiny tmpfs) and missing permissions (EACCES,
// real file modes checked by the kernel for an unprivileged child process) give clear errors and
// leave the existing history intact.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { isHistoryError } from '../../../src/history';
import { fakeAudio, lines, reopen, spawnStandalone, tempDir } from './helpers';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

function tryMountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test(
  'ENOSPC: a full disk gives a clear error, keeps every committed generation, and writes work again after space is freed',
  { timeout: 30_000 },
  async (t) => {
    const tmp = tempDir();
    const dir = path.join(tmp.dir, 'storage');
    fs.mkdirSync(dir);
    if (!tryMountTmpfs(dir, '3m')) {
      tmp.cleanup();
      t.skip('cannot mount a small tmpfs here (needs root with CAP_SYS_ADMIN)');
      return;
    }
    try {
      const h = await reopen(dir, { tuning: { compactOnClose: false } });
      const profile = await h.createProfile({ name: 'Disk filler' });
      const created: string[] = [];
      let full: unknown;
      // Audio of 200 kB each fills 3 MB quickly.
      for (let i = 0; i < 40 && !full; i++) {
        try {
          created.push((await h.create({ profileId: profile.id, text: `take ${i}` }, { data: fakeAudio(i, 200_000) })).id);
        } catch (e) {
          full = e;
        }
      }
      assert.ok(isHistoryError(full, 'NO_SPACE'), `expected NO_SPACE, got ${String(full)}`);
      assert.match((full as Error).message, /Not enough disk space/);
      assert.match((full as Error).message, /nothing was changed/);
      assert.ok(created.length >= 3);

      // Fill what is left so the journal append itself fails (the smallest possible write).
      const filler = path.join(dir, 'filler.bin');
      const fd = fs.openSync(filler, 'w');
      try {
        for (;;) fs.writeSync(fd, Buffer.alloc(4096));
      } catch (e) {
        assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
      }
      fs.closeSync(fd);
      // Small rows still fit in the journal's last partly used page; keep going until one does not.
      const journal = path.join(dir, 'history.journal');
      let journalBefore = 0;
      let refused: unknown;
      for (let i = 0; i < 500 && !refused; i++) {
        journalBefore = fs.statSync(journal).size;
        try {
          created.push((await h.create({ profileId: profile.id, text: `small row ${i} ${'x'.repeat(200)}` })).id);
        } catch (e) {
          refused = e;
        }
      }
      assert.ok(isHistoryError(refused, 'NO_SPACE'), `expected NO_SPACE for the journal append, got ${String(refused)}`);
      assert.equal(fs.statSync(journal).size, journalBefore, 'the failed append was cut back');
      // The cut-back freed the page again: updates fit until one does not.
      let refusedUpdate: string | undefined;
      for (const id of created) {
        try {
          await h.update(id, { isFavorited: true, error: 'y'.repeat(300) });
        } catch (e) {
          assert.ok(isHistoryError(e, 'NO_SPACE'), String(e));
          refusedUpdate = id;
          break;
        }
      }
      assert.ok(refusedUpdate, 'an update was refused for lack of space');
      // Nothing half-done is visible in this process either.
      assert.equal((await h.list()).total, created.length);
      assert.equal((await h.get(refusedUpdate))?.isFavorited, false);
      await h.close();

      // Reopened on the still-full disk: everything committed is there, nothing points to missing audio.
      const again = await reopen(dir, { tuning: { compactOnClose: false } });
      assert.deepEqual(
        (await again.getMany(created)).map((g) => g.id),
        created,
      );
      const report = await again.checkIntegrity({ database: true });
      assert.deepEqual(report.missingAudio, []);
      assert.deepEqual(report.databaseProblems, []);
      assert.deepEqual(
        fs.readdirSync(path.join(dir, 'audio'), { recursive: true }).filter((f) => String(f).includes('.tmp-')),
        [],
        'no temp audio files left behind',
      );
      // Free space: writing works again without reopening.
      fs.rmSync(filler);
      const later = await again.create({ profileId: profile.id, text: 'after freeing space' }, { data: fakeAudio(99, 1000) });
      assert.equal((await again.get(later.id))?.status, 'completed');
      await again.close();
    } finally {
      execFileSync('umount', ['-l', dir]);
      tmp.cleanup();
    }
  },
);

/** What children/no-permission.ts prints: each write it tried, and the totals around them. */
interface Attempt {
  ok: boolean;
  code?: string;
  message: string;
}
interface PermissionReport {
  crashed?: string;
  totalBefore?: number;
  totalAfter?: number;
  createPending: Attempt;
  createWithAudio: Attempt;
}

/**
 * Runs the permission child as an unprivileged user (when we are root) and returns its report.
 * The child is self-contained: the clone may live in a folder that user cannot enter (mktemp -d).
 */
async function runUnprivileged(dir: string, scenario: string): Promise<PermissionReport> {
  const proc = spawnStandalone(
    path.join(__dirname, 'children', 'no-permission.ts'),
    [dir, scenario],
    isRoot ? { uid: NOBODY, gid: NOBODY } : {},
  );
  const out = lines(proc);
  await out.exited;
  const last = out.lines.filter(Boolean).pop();
  assert.ok(last, `child printed nothing: ${out.stderr()}`);
  const report = JSON.parse(last) as PermissionReport;
  assert.equal(report.crashed, undefined, String(report.crashed));
  return report;
}

async function seedHistory(dir: string): Promise<string[]> {
  const h = await reopen(dir);
  const p = await h.createProfile({ name: 'Owner' });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await h.create({ profileId: p.id, text: `kept ${i}` }, { data: fakeAudio(i) })).id);
  await h.close();
  return ids;
}

function chownTree(dir: string, uid: number): void {
  if (!isRoot) return;
  for (const entry of [dir, ...fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, String(f)))])
    fs.chownSync(entry, uid, uid);
}

async function assertIntact(dir: string, ids: string[], extra = 0): Promise<void> {
  const h = await reopen(dir);
  try {
    assert.deepEqual(
      (await h.getMany(ids)).map((g) => g.id),
      ids,
    );
    assert.equal((await h.list()).total, ids.length + extra);
    const report = await h.checkIntegrity({ database: true });
    assert.deepEqual(report.missingAudio, []);
  } finally {
    await h.close();
  }
}

test('EACCES: a folder that cannot be written opens read-only and refuses writes with a clear error', { timeout: 30_000 }, async () => {
  const t = tempDir();
  try {
    fs.chmodSync(t.dir, 0o755);
    const ids = await seedHistory(t.dir);
    // Root owns everything; for the unprivileged child nothing is writable (when not root: chmod does it).
    if (!isRoot) fs.chmodSync(t.dir, 0o555);
    const r = await runUnprivileged(t.dir, 'locked-folder');
    if (!isRoot) fs.chmodSync(t.dir, 0o755);
    assert.equal(r.totalBefore, 5, 'the existing history is readable');
    assert.equal(r.createPending.ok, false);
    assert.equal(r.createPending.code, 'READ_ONLY');
    assert.match(r.createPending.message, /No permission .* \(EACCES\)\. Make the folder writable and try again; nothing was changed\./);
    assert.equal(r.createWithAudio.ok, false);
    assert.equal(r.totalAfter, 5);
    await assertIntact(t.dir, ids);
  } finally {
    t.cleanup();
  }
});

test(
  'EACCES: an audio folder that cannot be written refuses audio with a clear error; other writes still work',
  { timeout: 30_000 },
  async () => {
    const t = tempDir();
    try {
      fs.chmodSync(t.dir, 0o755);
      const ids = await seedHistory(t.dir);
      chownTree(t.dir, NOBODY);
      fs.chmodSync(path.join(t.dir, 'audio'), 0o555);
      for (const shard of fs.readdirSync(path.join(t.dir, 'audio'))) fs.chmodSync(path.join(t.dir, 'audio', shard), 0o555);
      const r = await runUnprivileged(t.dir, 'audio-folder');
      assert.equal(r.createWithAudio.ok, false);
      assert.equal(r.createWithAudio.code, 'PERMISSION');
      assert.match(r.createWithAudio.message, /No permission to store the audio in .*audio \(EACCES\)/);
      assert.equal(r.createPending.ok, true);
      assert.equal(r.totalAfter, 6);
      await assertIntact(t.dir, ids, 1);
    } finally {
      t.cleanup();
    }
  },
);

test('EACCES: a journal that cannot be appended to refuses writes with a clear error and keeps the data', { timeout: 30_000 }, async () => {
  const t = tempDir();
  try {
    fs.chmodSync(t.dir, 0o755);
    const ids = await seedHistory(t.dir);
    chownTree(t.dir, NOBODY);
    fs.chmodSync(path.join(t.dir, 'history.journal'), 0o444);
    const r = await runUnprivileged(t.dir, 'journal-file');
    assert.equal(r.createPending.ok, false);
    assert.equal(r.createPending.code, 'PERMISSION');
    assert.match(r.createPending.message, /No permission to save the history in .* \(EACCES\)/);
    assert.equal(r.totalAfter, 5);
    // The audio stored before the refused row was cleaned up again.
    const tempOrNew = fs.readdirSync(path.join(t.dir, 'audio'), { recursive: true }).filter((f) => String(f).endsWith('.wav'));
    assert.equal(tempOrNew.length, 5);
    await assertIntact(t.dir, ids);
  } finally {
    t.cleanup();
  }
});
