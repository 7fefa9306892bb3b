// Export to Folder on a real history: names from the template, deterministic, sidecars that
// a spreadsheet reads back, converted files that ffmpeg decodes, and a cancel that leaves nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { collectIds } from '../../../src/archive/export';
import { parseExportFormat } from '../../../src/archive/export-format';
import { exportToFolder, planFolderExport } from '../../../src/archive/folder-export';
import { DEFAULT_NAME_TEMPLATE } from '../../../src/archive/name-template';
import { probe, transcoderOptions } from './encoder-build';
import { openTestHistory, seedMany, sha256File, tempDir } from './helpers';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

test('original format: files named by the template, bytes unchanged, metadata.csv and .json, the same names every time', async (t) => {
  const h = await openTestHistory(t);
  await seedMany(h.history, 12, 0.05);
  const ids = await collectIds(h.history);
  const dir = tempDir(t);
  const a = join(dir, 'a');
  const r = await exportToFolder(h.history, ids, a, {
    template: DEFAULT_NAME_TEMPLATE,
    format: parseExportFormat('original'),
    metadata: 'both',
  });
  assert.equal(r.files.length, 12);
  assert.equal(r.files[0]!.file.split('/')[0], 'Bulk voice');
  assert.match(r.files[0]!.file, /^Bulk voice\/2025-01-15_Bulk-generation-number-0_[0-9a-f]{8}\.wav$/);
  for (const f of r.files) {
    const g = (await h.history.getMany([f.generationId]))[0]!;
    assert.equal(sha256File(join(a, f.file)), g.contentHash, f.file);
  }
  const csv = readFileSync(join(a, 'metadata.csv'), 'utf8').split('\r\n');
  assert.equal(csv[0], 'file,id,profile,text,language,engine,model,createdAt,durationSeconds,bytes');
  assert.equal(csv.length, 12 + 2);
  assert.ok(csv[1]!.startsWith(`${r.files[0]!.file},${r.files[0]!.generationId},Bulk voice,Bulk generation number 0,`));
  const json = JSON.parse(readFileSync(join(a, 'metadata.json'), 'utf8')) as Array<{ file: string }>;
  assert.deepEqual(
    json.map((j) => j.file),
    r.files.map((f) => f.file),
  );
  // Reversed selection, another folder: exactly the same names and bytes.
  const b = join(dir, 'b');
  await exportToFolder(h.history, [...ids].reverse(), b, {
    template: DEFAULT_NAME_TEMPLATE,
    format: parseExportFormat('original'),
    metadata: 'both',
  });
  assert.deepEqual(listFiles(a), listFiles(b));
  assert.deepEqual(readFileSync(join(a, 'metadata.csv')), readFileSync(join(b, 'metadata.csv')));
});

test('names that collide get -2, -3 in creation order, the same on every export', async (t) => {
  const h = await openTestHistory(t);
  await seedMany(h.history, 5, 0.01);
  const ids = await collectIds(h.history);
  const plan = await planFolderExport(h.history, ids, '{profile}/{engine}', parseExportFormat('original'));
  assert.deepEqual(
    plan.planned.map((p) => p.file),
    ['Bulk voice/flite.wav', 'Bulk voice/flite-2.wav', 'Bulk voice/flite-3.wav', 'Bulk voice/flite-4.wav', 'Bulk voice/flite-5.wav'],
  );
  const again = await planFolderExport(h.history, [...ids].reverse(), '{profile}/{engine}', parseExportFormat('original'));
  assert.deepEqual(
    again.planned.map((p) => [p.file, p.g.id]),
    plan.planned.map((p) => [p.file, p.g.id]),
  );
});

test('FLAC and MP3 folder exports decode with ffmpeg to the stored duration', async (t) => {
  const h = await openTestHistory(t);
  await seedMany(h.history, 3, 1.5);
  const ids = await collectIds(h.history);
  const dir = tempDir(t);
  const encoder = await transcoderOptions();
  for (const code of ['flac', 'mp3_128']) {
    const out = join(dir, code);
    const r = await exportToFolder(h.history, ids, out, { template: '{index}_{slug}', format: parseExportFormat(code), encoder });
    assert.deepEqual(
      r.files.map((f) => f.file),
      ['1_Bulk-generation-number-0', '2_Bulk-generation-number-1', '3_Bulk-generation-number-2'].map(
        (n) => `${n}.${code.slice(0, 4).replace('_', '')}`,
      ),
    );
    for (const f of r.files) {
      const g = (await h.history.getMany([f.generationId]))[0]!;
      const p = probe(join(out, f.file));
      // seedMany's audio is 8 kHz: MP3 holds it as MPEG 2.5 (576-sample frames). A streamed MP3 has
      // no gapless header, so LAME's delay and the last frame's padding add up to 3 frames.
      const tolerance = code === 'flac' ? 0.001 : (3 * 576) / 8000;
      assert.ok(Math.abs(p.durationSeconds - g.duration!) <= tolerance, `${code} ${f.file}: ${p.durationSeconds} vs ${g.duration}`);
    }
  }
});

test('cancelling a folder export leaves nothing in the folder', async (t) => {
  const h = await openTestHistory(t);
  await seedMany(h.history, 30, 0.2);
  const ids = await collectIds(h.history);
  const dir = tempDir(t);
  const controller = new AbortController();
  await assert.rejects(
    exportToFolder(h.history, ids, dir, {
      template: DEFAULT_NAME_TEMPLATE,
      format: parseExportFormat('original'),
      metadata: 'csv',
      signal: controller.signal,
      onProgress: ({ done }) => {
        if (done === 10) controller.abort();
      },
    }),
    (e: Error) => e.name === 'AbortError',
  );
  assert.deepEqual(readdirSync(dir), []);
});

test('a hostile template is refused before anything is written', async (t) => {
  const h = await openTestHistory(t);
  await seedMany(h.history, 2, 0.01);
  const dir = tempDir(t);
  await assert.rejects(
    exportToFolder(h.history, await collectIds(h.history), dir, { template: '../{slug}', format: parseExportFormat('original') }),
    /stay inside the chosen folder/,
  );
  assert.deepEqual(readdirSync(dir), []);
});

test('a generation whose audio file is gone is left out and reported; the others are exported', async (t) => {
  const h = await openTestHistory(t);
  await seedMany(h.history, 4, 0.01);
  const ids = await collectIds(h.history);
  const [lost] = await h.history.getMany([ids[1]!]);
  rmSync(h.history.resolveAudioPath(lost!));
  const dir = tempDir(t);
  const r = await exportToFolder(h.history, ids, dir, { template: '{index}', format: parseExportFormat('original') });
  assert.deepEqual(
    r.files.map((f) => f.file),
    ['1.wav', '3.wav', '4.wav'],
  );
  assert.deepEqual(r.skipped, [{ generationId: lost!.id, reason: 'its audio file is missing' }]);
  assert.deepEqual(readdirSync(dir).sort(), ['1.wav', '3.wav', '4.wav']);
});
