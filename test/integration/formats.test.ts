// Export formats and Export to Folder through the real commands inside VS Code (dialogs are
// skipped by passing a destination and options). The encode worker is the shipped
// dist/encode-worker.js; ffprobe (Debian, test-only) checks what was written.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FolderExportResult } from '../../src/archive/folder-export';
import type { Generation, HistoryService, Profile } from '../../src/history';
import { makeWav } from '../fixtures/archives/samples';
import { activated } from './extension-api';

function run<T>(command: string, ...args: unknown[]): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>(`voiceHistory.${command}`, ...args));
}

function probe(file: string): { codec: string; duration: number; sampleRate: number } {
  const out = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' }),
  ) as { streams: Array<{ codec_name: string; sample_rate: string }>; format: { duration: string } };
  return { codec: out.streams[0]!.codec_name, duration: Number(out.format.duration), sampleRate: Number(out.streams[0]!.sample_rate) };
}

/** Each generation's audio: 1.2 s of 22.05 kHz mono (26,460 whole frames). */
const SECONDS = 1.2;

describe('Export formats and Export to Folder', function () {
  this.timeout(120_000);
  let history: HistoryService;
  let scratch: string;
  let profile: Profile;
  let made: Generation[];

  before(async () => {
    const api = await activated();
    assert.ok(api.history, 'the history service opened');
    history = api.history;
    scratch = mkdtempSync(path.join(tmpdir(), 'vh-formats-int-'));
    profile = await history.createProfile({ name: `Formats ${Date.now()}`, engine: 'flite', voiceId: 'slt' });
    made = [];
    for (const [i, text] of ['First take: hello there.', 'Second take — ça va?', 'Third take'].entries()) {
      made.push(
        await history.create(
          { profileId: profile.id, text, engine: 'flite', status: 'completed', createdAt: Date.UTC(2025, 4, 6, 7, 8, 9) + i * 1000 },
          { data: makeWav(SECONDS, 22050, 1, i), format: 'wav' },
        ),
      );
    }
  });

  after(async () => {
    await history.deleteProfile(profile.id).catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('Export Audio converts to FLAC, MP3 and 24-bit WAV that ffprobe decodes to the same duration', async () => {
    const g = made[0]!;
    for (const [format, ext, codec, tolerance] of [
      ['flac', 'flac', 'flac', 0.001],
      ['mp3_128', 'mp3', 'mp3', (3 * 576) / 22050],
      ['wav_24', 'wav', 'pcm_s24le', 0.001],
    ] as const) {
      const target = path.join(scratch, `one-${format}.${ext}`);
      const r = await run<{ path: string; bytes: number }>('exportAudio', g.id, vscode.Uri.file(target), { format });
      assert.equal(r.path, target);
      const p = probe(target);
      assert.equal(p.codec, codec);
      assert.equal(p.sampleRate, 22050);
      assert.ok(Math.abs(p.duration - SECONDS) <= tolerance, `${format}: ${p.duration} s vs ${SECONDS} s`);
    }
    // A rate part resamples and a loudness target normalises (the effects engine's worker).
    const loud = path.join(scratch, 'loud.mp3');
    await run('exportAudio', g.id, vscode.Uri.file(loud), { format: 'mp3_44100_128', loudness: -16 });
    assert.equal(probe(loud).sampleRate, 44100);
    const r128 = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', loud, '-af', 'ebur128', '-f', 'null', '-'], { encoding: 'utf8' });
    const lufs = Number(/Integrated loudness:\s*I:\s*(-?[\d.]+) LUFS/.exec(r128.stderr)?.[1]);
    assert.ok(Math.abs(lufs - -16) <= 1, `asked -16 LUFS, measured ${lufs}`);
    // The destination's extension picks the format when none is given.
    const byName = path.join(scratch, 'by-name.flac');
    await run('exportAudio', g.id, byName);
    assert.equal(probe(byName).codec, 'flac');
  });

  it('Export to Folder writes the template names and metadata.csv, the same every time', async () => {
    const ids = made.map((g) => g.id);
    const a = path.join(scratch, 'folder-a');
    const r = await run<FolderExportResult>('exportToFolder', ids, vscode.Uri.file(a), {
      template: '{profile}/{date}_{title|slug}_{id8}.{ext}',
      format: 'flac',
      metadata: 'csv',
    });
    const expected = made.map(
      (g) =>
        `${profile.name}/2025-05-06_${g.text.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '')}_${g.id.replace(/-/g, '').slice(0, 8)}.flac`,
    );
    assert.deepEqual(
      r.files.map((f) => f.file),
      expected,
    );
    assert.deepEqual(readdirSync(path.join(a, profile.name)).sort(), expected.map((e) => path.basename(e)).sort());
    const csv = readFileSync(path.join(a, 'metadata.csv'), 'utf8');
    assert.equal(csv.split('\r\n').length, 3 + 2);
    assert.ok(csv.includes('"Second take — ça va?"') || csv.includes('Second take — ça va?'));
    const b = path.join(scratch, 'folder-b');
    const again = await run<FolderExportResult>('exportToFolder', [...ids].reverse(), b, {
      template: '{profile}/{date}_{title|slug}_{id8}.{ext}',
      format: 'flac',
      metadata: 'csv',
    });
    assert.deepEqual(
      again.files.map((f) => f.file),
      expected,
    );
    for (const f of again.files) assert.equal(probe(path.join(b, ...f.file.split('/'))).codec, 'flac');
  });

  it('Export Selected with a format writes audio files instead of an archive', async () => {
    const out = path.join(scratch, 'selected-mp3');
    const r = await run<FolderExportResult>(
      'exportSelected',
      made.slice(0, 2).map((g) => g.id),
      vscode.Uri.file(out),
      { format: 'mp3_128', template: '{index}_{slug}', metadata: 'none' },
    );
    assert.deepEqual(
      r.files.map((f) => f.file),
      ['1_First-take-hello-there.mp3', '2_Second-take-ça-va.mp3'],
    );
    assert.deepEqual(readdirSync(out).sort(), ['1_First-take-hello-there.mp3', '2_Second-take-ça-va.mp3']);
  });

  it('a hostile template is refused (the command reports it instead of a result) and writes nothing', async () => {
    const out = path.join(scratch, 'hostile');
    for (const template of ['../../{slug}', '/etc/{slug}', '{profile}/CON/../../x']) {
      const r = await run('exportToFolder', [made[0]!.id], vscode.Uri.file(out), { template });
      assert.equal(r, undefined, template);
    }
    assert.throws(() => readdirSync(out), /ENOENT/);
  });
});
