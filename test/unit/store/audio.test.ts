import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { AudioFolder } from '../../../src/store/audio';
import { isHistoryError } from '../../../src/history';
import { fakeAudio, tempDir } from './helpers';

test('audio is written and copied atomically with its sha256; paths stay inside the folder', async () => {
  const t = tempDir();
  try {
    const a = new AudioFolder(path.join(t.dir, 'audio'));
    await a.ensure();
    const rel = AudioFolder.relativePathFor('0f1e2d3c-aaaa-4bbb-8ccc-123456789abc', 'wav');
    assert.equal(rel, '0f/0f1e2d3c-aaaa-4bbb-8ccc-123456789abc.wav');
    const bytes = fakeAudio(3, 10_000);
    const stored = await a.write(rel, bytes);
    assert.equal(stored.bytes, 10_000);
    assert.equal(stored.contentHash, createHash('sha256').update(bytes).digest('hex'));
    assert.deepEqual(new Uint8Array(fs.readFileSync(a.resolve(rel))), bytes);
    // Overwriting replaces the whole file at once.
    await a.write(rel, fakeAudio(4, 10));
    assert.equal(fs.statSync(a.resolve(rel)).size, 10);
    const src = path.join(t.dir, 'in.mp3');
    fs.writeFileSync(src, fakeAudio(5, 2_500_000));
    const copied = await a.copyFrom('ab/copy.mp3', src);
    assert.equal(copied.contentHash, createHash('sha256').update(fs.readFileSync(src)).digest('hex'));
    assert.deepEqual((await a.listFiles()).sort(), ['0f/0f1e2d3c-aaaa-4bbb-8ccc-123456789abc.wav', 'ab/copy.mp3']);
    for (const bad of ['../x.wav', '/abs.wav', 'a//b.wav', 'a/../b.wav', '.hidden/x.wav', 'a\\b.wav']) {
      assert.throws(
        () => a.resolve(bad),
        (e: unknown) => isHistoryError(e, 'INVALID'),
        bad,
      );
    }
    await a.remove('ab/copy.mp3');
    await a.remove('ab/copy.mp3'); // already gone: fine
    assert.equal(fs.existsSync(a.resolve('ab/copy.mp3')), false);
    // A failed copy leaves nothing behind.
    await assert.rejects(a.copyFrom('cd/x.wav', path.join(t.dir, 'missing.wav')), (e: unknown) => isHistoryError(e, 'NOT_FOUND'));
    assert.deepEqual(await a.listFiles(), ['0f/0f1e2d3c-aaaa-4bbb-8ccc-123456789abc.wav']);
  } finally {
    t.cleanup();
  }
});

/** Bytes this process has read through read(2) and the like so far (Linux: /proc/self/io). */
function bytesReadSoFar(): number | undefined {
  const io = fs.existsSync('/proc/self/io') ? fs.readFileSync('/proc/self/io', 'utf8') : '';
  const m = /^rchar: (\d+)$/m.exec(io);
  return m ? Number(m[1]) : undefined;
}

test('a move given the hash its caller took of the file stores it without reading it again; without one it hashes', async (t) => {
  if (bytesReadSoFar() === undefined) {
    t.skip('needs /proc/self/io (Linux) to count the bytes read');
    return;
  }
  const tmp = tempDir();
  try {
    const a = new AudioFolder(path.join(tmp.dir, 'audio'));
    await a.ensure();
    const size = 8 * 1024 * 1024;
    const staged = path.join(tmp.dir, 'staged.wav');
    const data = fakeAudio(6, size);
    fs.writeFileSync(staged, data);
    const sha256 = createHash('sha256').update(data).digest('hex');

    const before = bytesReadSoFar()!;
    const moved = await a.moveFrom('ab/moved.wav', staged, sha256);
    const read = bytesReadSoFar()! - before;
    assert.ok(read < size / 8, `the move read ${read} bytes of an ${size}-byte file`);
    assert.deepEqual(moved, { relativePath: 'ab/moved.wav', bytes: size, contentHash: sha256, moved: true });
    assert.equal(fs.existsSync(staged), false, 'moved, not copied');
    assert.deepEqual(new Uint8Array(fs.readFileSync(a.resolve('ab/moved.wav'))), data);

    // No hash given: the move hashes the file itself.
    fs.writeFileSync(staged, data);
    const hashed = await a.moveFrom('cd/hashed.wav', staged);
    assert.equal(hashed.contentHash, sha256);
    assert.equal(hashed.bytes, size);
  } finally {
    tmp.cleanup();
  }
});
