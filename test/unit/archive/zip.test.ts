import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isArchiveError } from '../../../src/archive/errors';
import { importLimitsSchema } from '../../../src/archive/limits';
import { ZipArchive, unsafeEntryNameReason } from '../../../src/archive/zip-reader';
import { writeZipAtomically, type ZipSource } from '../../../src/archive/zip-writer';
import { craftZip } from '../../fixtures/archives/craft-zip';
import { COMMITTED_DIR, HOSTILE_CASES } from '../../fixtures/archives/hostile';
import { makeWav, sha256 } from '../../fixtures/archives/samples';

const limits = importLimitsSchema.parse({});

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vh-zip-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('writer streams files stored and buffers deflated; reader gets the same bytes back', async (t) => {
  const dir = tempDir(t);
  const wavs = [makeWav(0.2, 16000, 1, 1), makeWav(0.3, 22050, 2, 2)];
  const sources: ZipSource[] = wavs.map((w, i) => {
    const p = join(dir, `in${i}.wav`);
    writeFileSync(p, w);
    return { name: `audio/ünï-${i}.wav`, filePath: p, size: w.length };
  });
  const hashes: string[] = [];
  (sources[0] as { onHash?: (s: string) => void }).onHash = (s) => hashes.push(s);
  sources.push({ name: 'manifest.json', data: () => Buffer.from(JSON.stringify({ hashes })) });
  const target = join(dir, 'out.zip');
  const progress: number[] = [];
  const { bytes } = await writeZipAtomically(target, sources, { onProgress: (w) => progress.push(w) });
  assert.equal(bytes, readFileSync(target).length);
  assert.ok(progress.length > 0 && progress.at(-1) === bytes);
  assert.deepEqual(hashes, [sha256(wavs[0]!)]);

  const zip = await ZipArchive.open(target, limits);
  t.after(() => zip.close());
  assert.deepEqual(
    zip.files().map((e) => e.name),
    ['audio/ünï-0.wav', 'audio/ünï-1.wav', 'manifest.json'],
  );
  assert.equal(zip.get('audio/ünï-0.wav')!.raw.compressionMethod, 0, 'audio is stored');
  assert.equal(zip.get('manifest.json')!.raw.compressionMethod, 8, 'the manifest is deflated');
  for (const [i, w] of wavs.entries()) {
    const out = join(dir, `x${i}`);
    const r = await zip.extract(zip.get(`audio/ünï-${i}.wav`)!, out);
    assert.equal(r.sha256, sha256(w));
    assert.deepEqual(readFileSync(out), w);
  }
  assert.deepEqual(JSON.parse(await zip.readText(zip.get('manifest.json')!, 1024)), { hashes: [sha256(wavs[0]!)] });
});

test('cancelling an export leaves neither the archive nor a temp file, and keeps an older file at the target', async (t) => {
  const dir = tempDir(t);
  const big = Buffer.alloc(8 * 1024 * 1024, 1);
  const sources: ZipSource[] = [];
  for (let i = 0; i < 8; i++) {
    const p = join(dir, `big${i}.bin`);
    writeFileSync(p, big);
    sources.push({ name: `audio/${i}.wav`, filePath: p, size: big.length });
  }
  const target = join(dir, 'out.zip');
  writeFileSync(target, 'previous export');
  const before = readdirSync(dir).sort();
  const controller = new AbortController();
  await assert.rejects(
    writeZipAtomically(target, sources, {
      signal: controller.signal,
      onProgress: (w) => {
        if (w > 10 * 1024 * 1024) controller.abort();
      },
    }),
    (e: unknown) => e instanceof Error && e.name === 'AbortError',
  );
  assert.deepEqual(readdirSync(dir).sort(), before);
  assert.equal(readFileSync(target, 'utf8'), 'previous export');
});

test('a source file that vanished fails the export without leaving a partial file', async (t) => {
  const dir = tempDir(t);
  const target = join(dir, 'out.zip');
  await assert.rejects(writeZipAtomically(target, [{ name: 'audio/a.wav', filePath: join(dir, 'gone.wav'), size: 10 }]), /ENOENT/);
  assert.deepEqual(readdirSync(dir), []);
});

test('a source file that changed size since it was listed fails the export', async (t) => {
  const dir = tempDir(t);
  const p = join(dir, 'a.wav');
  writeFileSync(p, Buffer.alloc(100));
  const target = join(dir, 'out.zip');
  await assert.rejects(writeZipAtomically(target, [{ name: 'audio/a.wav', filePath: p, size: 50 }]));
  assert.equal(existsSync(target), false);
  assert.deepEqual(readdirSync(dir), ['a.wav']);
});

test('unsafe entry names are named with the reason', () => {
  assert.match(unsafeEntryNameReason('a/../../b')!, /climbs out/);
  assert.match(unsafeEntryNameReason('/abs')!, /absolute/);
  assert.match(unsafeEntryNameReason('c:/x')!, /drive letter/);
  assert.match(unsafeEntryNameReason('a\\b')!, /backslash/);
  assert.match(unsafeEntryNameReason('a\u0000b')!, /control/);
  assert.equal(unsafeEntryNameReason('audio/..hidden.wav'), null);
  assert.equal(unsafeEntryNameReason('audio/日本.wav'), null);
});

test('limits are checked from the directory before any data is read, naming the setting to raise', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'many.zip');
  writeFileSync(path, craftZip(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') }))));
  await assert.rejects(
    ZipArchive.open(path, importLimitsSchema.parse({ maxEntries: 20 })),
    (e: unknown) => isArchiveError(e, 'too-many-entries') && /maxEntries/.test(e.message),
  );
  const big = join(dir, 'big.zip');
  writeFileSync(big, craftZip([{ name: 'a.wav', data: Buffer.alloc(3 * 1024 * 1024) }]));
  await assert.rejects(
    ZipArchive.open(big, importLimitsSchema.parse({ maxTotalMegabytes: 2 })),
    (e: unknown) => isArchiveError(e, 'too-large') && /maxTotalMegabytes/.test(e.message),
  );
  const ok = await ZipArchive.open(big, importLimitsSchema.parse({ maxTotalMegabytes: 4 }));
  ok.close();
  const caseClash = join(dir, 'case.zip');
  writeFileSync(
    caseClash,
    craftZip([
      { name: 'audio/A.wav', data: Buffer.from('1') },
      { name: 'audio/a.wav', data: Buffer.from('2') },
    ]),
  );
  await assert.rejects(
    ZipArchive.open(caseClash, limits),
    (e: unknown) => isArchiveError(e, 'duplicate-entry') && /"audio\/A\.wav" and "audio\/a\.wav"/.test(e.message),
  );
});

test('more than 65,535 entries without ZIP64: the entries the directory really holds are counted, limited and checked', async (t) => {
  const dir = tempDir(t);
  const tiny = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `f/${i}.txt`, data: Buffer.from('x') }));
  // 70,000 entries: the classic end record claims 70,000 - 65,536 = 4,464.
  const many = join(dir, 'seventy-thousand.zip');
  writeFileSync(many, craftZip(tiny(70_000), { zip64: false }));
  assert.equal(readFileSync(many).readUInt16LE(readFileSync(many).length - 12), 4_464, 'the fixture wraps the 16-bit count');
  await assert.rejects(
    ZipArchive.open(many, limits),
    (e: unknown) =>
      isArchiveError(e, 'too-many-entries') &&
      /more than 50000 entries .*claims 4464.*the limit is 50000.*voiceHistory\.import\.maxEntries/.test(e.message),
  );
  // Under a raised limit the entries past the claimed count are read too, so their names are
  // checked (an unsafe name at entry 10,000, beyond the 4,464 claimed, is found).
  const slip = tiny(70_000);
  slip[10_000] = { name: '../escape.txt', data: Buffer.from('x') };
  const hidden = join(dir, 'hidden-slip.zip');
  writeFileSync(hidden, craftZip(slip, { zip64: false }));
  await assert.rejects(
    ZipArchive.open(hidden, importLimitsSchema.parse({ maxEntries: 100_000 })),
    (e: unknown) => isArchiveError(e, 'zip-slip') && /escape\.txt/.test(e.message),
  );
  // With the ZIP64 records the count is 64-bit and read as it is.
  const z64 = join(dir, 'zip64.zip');
  writeFileSync(z64, craftZip(tiny(70_000)));
  await assert.rejects(
    ZipArchive.open(z64, limits),
    (e: unknown) => isArchiveError(e, 'too-many-entries') && /holds 70000 entries; the limit is 50000/.test(e.message),
  );
});

test('a damaged entry (bad checksum) is refused when read', async (t) => {
  const dir = tempDir(t);
  const bytes = craftZip([{ name: 'audio/a.wav', data: makeWav(0.05) }]);
  bytes[40 + 'audio/a.wav'.length] ^= 0xff; // flip a byte of the data
  const path = join(dir, 'bad.zip');
  writeFileSync(path, bytes);
  const zip = await ZipArchive.open(path, limits);
  t.after(() => zip.close());
  await assert.rejects(
    zip.extract(zip.files()[0]!, join(dir, 'x')),
    (e: unknown) => isArchiveError(e, 'damaged-entry') && /checksum/.test(e.message),
  );
});

test('the committed hostile archives are exactly what the generator makes', () => {
  for (const c of HOSTILE_CASES.filter((x) => !x.big)) {
    assert.deepEqual(
      readFileSync(join(COMMITTED_DIR, c.file)),
      c.make(),
      `${c.file} is stale: run node --import tsx test/fixtures/archives/hostile.ts`,
    );
  }
});
