// Reconcile (in this or another window) never deletes the audio of an import that has not
// committed yet, though moved files keep their old extraction time; claims of dead processes
// are ignored and removed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ImportClaims } from '../../../src/history/import-claims';
import { fakeAudio, freshHistory, reopen, tempDir } from '../store/helpers';

const hourAgo = () => new Date(Date.now() - 3600_000);

test(
  'reconcile in another window keeps the audio of an import still in progress',
  { skip: process.platform === 'win32' && 'needs a named pipe' },
  async () => {
    const { h, dir, cleanup } = await freshHistory();
    const src = tempDir('vh-staged-');
    const other = await reopen(dir);
    try {
      // Staged like an archive import: extracted an hour ago, then moved into the history.
      const moved = path.join(src.dir, 'first.wav');
      fs.writeFileSync(moved, fakeAudio(1, 256));
      fs.utimesSync(moved, hourAgo(), hourAgo());
      // The second file is a pipe: the import waits on it, with the first file stored and uncommitted.
      const pipe = path.join(src.dir, 'second.wav');
      execFileSync('mkfifo', [pipe]);
      let storedOne!: () => void;
      const firstStored = new Promise<void>((r) => (storedOne = r));
      const importing = h.importBatch(
        {
          profiles: [{ key: 'p', name: 'Voice' }],
          generations: [
            {
              key: 'a',
              profileKey: 'p',
              text: 'one',
              status: 'completed',
              versions: [{ key: 'v', label: 'original', filePath: moved, move: true }],
            },
            { key: 'b', profileKey: 'p', text: 'two', status: 'completed', versions: [{ key: 'v', label: 'original', filePath: pipe }] },
          ],
        },
        { onStored: (done) => done === 1 && storedOne() },
      );
      await firstStored;
      const audioDir = path.join(dir, 'audio');
      const staged = fs.readdirSync(audioDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      assert.equal(staged.length, 1, 'the moved file is stored, its row not committed');

      const result = await other.reconcile({ removeOrphanFiles: true });
      assert.ok(fs.existsSync(path.join(staged[0].parentPath, staged[0].name)), 'the in-flight file survives reconcile');
      assert.equal(result.removedFiles, 0);
      const report = await other.checkIntegrity();
      assert.deepEqual(report.orphanFiles, [], 'a claimed file is not an orphan');

      fs.writeFileSync(pipe, fakeAudio(2, 256)); // lets the import finish
      const done = await importing;
      assert.equal(done.generationIds.size, 2);
      assert.deepEqual(fs.readdirSync(path.join(dir, 'imports')), [], 'the claim is released after the commit');
      const after = await other.checkIntegrity();
      assert.deepEqual([after.orphanFiles, after.missingAudio], [[], []]);
    } finally {
      await other.close();
      await cleanup();
      src.cleanup();
    }
  },
);

test('a claim left by a process that is gone does not protect its files; reading it removes it', async () => {
  const t = tempDir();
  try {
    const claims = new ImportClaims(t.dir);
    const claimFile = path.join(t.dir, 'imports', 'host-4194999-dead.claim');
    fs.mkdirSync(path.dirname(claimFile), { recursive: true });
    fs.writeFileSync(claimFile, `${JSON.stringify({ pid: 4_194_999, host: os.hostname() })}\n${JSON.stringify('ab/abandoned.wav')}\n`);
    assert.deepEqual([...(await claims.claimedFiles())], []);
    assert.ok(!fs.existsSync(claimFile));
    const live = await claims.claim();
    await live.add('ab/kept.wav');
    assert.deepEqual([...(await claims.claimedFiles())], ['ab/kept.wav']);
    await live.release();
    assert.deepEqual([...(await claims.claimedFiles())], []);
  } finally {
    t.cleanup();
  }
});
