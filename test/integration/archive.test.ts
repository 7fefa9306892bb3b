// Export, import, purge, reconcile and retention through the real commands inside VS Code.
// Dialogs are skipped by passing file URIs (and purge rules/options) as command arguments; the
// dialogs themselves are exercised in test/e2e/archive.e2e.ts. Each test works in its own voice
// profile, so other suites' generations in the shared history never interfere.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExportResult } from '../../src/archive/export';
import type { ImportSummary } from '../../src/archive/import';
import type { Generation, HistoryService, Profile } from '../../src/history';
import type { PurgeOutcome, ReconcileOutcome } from '../../src/commands/archive-purge';
import { craftZip } from '../fixtures/archives/craft-zip';
import { HOSTILE_CASES, validArchive } from '../fixtures/archives/hostile';
import { makeWav } from '../fixtures/archives/samples';
import { activated } from './extension-api';
import { eventually } from './tree-helpers';

const DAY = 86_400_000;
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'archives');

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function run<T>(command: string, ...args: unknown[]): Promise<T> {
  return Promise.resolve(vscode.commands.executeCommand<T>(`voiceHistory.${command}`, ...args));
}

/** Every file under the audio folder with its size: equal before and after means nothing was written. */
function audioFiles(history: HistoryService): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(`${path.relative(history.audioDir, p)}:${statSync(p).size}`);
    }
  };
  if (existsSync(history.audioDir)) walk(history.audioDir);
  return out.sort();
}

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('voiceHistory').update(key, value, vscode.ConfigurationTarget.Global);
}

async function inProfile(history: HistoryService, profileId: string): Promise<Generation[]> {
  return (await history.list({ profileId, pageSize: 1000, offset: 0, sort: 'oldest' })).items;
}

describe('Export, import and purge commands', function () {
  this.timeout(120_000);
  let history: HistoryService;
  let scratch: string;
  let profile: Profile;

  before(async () => {
    const api = await activated();
    assert.ok(api.history, 'the history service opened');
    history = api.history;
    scratch = mkdtempSync(path.join(tmpdir(), 'vh-archive-int-'));
  });

  beforeEach(async () => {
    profile = await history.createProfile({
      name: `Archive test ${Date.now()}-${Math.random().toString(36).slice(2, 6)}`,
      engine: 'flite',
      voiceId: 'slt',
    });
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('voiceHistory.clearFilters');
    await history.deleteProfile(profile.id).catch(() => undefined);
  });

  after(() => rmSync(scratch, { recursive: true, force: true }));

  /** Three generations with every field set: versions with effects, non-ASCII text in MP3, a failure. */
  async function seed(): Promise<Generation[]> {
    const base = Date.now() - 10 * DAY;
    const first = await history.create(
      {
        profileId: profile.id,
        text: 'The quick brown fox jumps over the lazy dog.',
        language: 'en',
        engine: 'flite',
        model: 'cmu_us_slt',
        seed: 7,
        instruct: 'calm',
        settings: { rate: 1.1, pitch: [1, 2] },
        status: 'completed',
        isFavorited: true,
        createdAt: base,
      },
      { data: makeWav(0.3, 16000, 1, 1), format: 'wav' },
    );
    await history.addVersion(
      first.id,
      { label: 'Slower', effectsChain: [{ type: 'time-stretch', rate: 0.8 }] },
      { data: makeWav(0.4, 16000, 1, 2), format: 'wav' },
    );
    const second = await history.create(
      {
        profileId: profile.id,
        text: 'Olá, mundo — ça va? 日本語のテキスト',
        language: 'pt',
        engine: 'openai',
        model: 'tts-1',
        status: 'completed',
        createdAt: base + 1000,
      },
      { filePath: path.join(fixtures, 'audio', 'tone.mp3'), format: 'mp3' },
    );
    const failed = await history.create({
      profileId: profile.id,
      text: 'This one failed at the engine.',
      engine: 'elevenlabs',
      status: 'failed',
      error: 'Quota exceeded; try tomorrow.',
      createdAt: base + 2000,
    });
    return [first, second, failed];
  }

  async function describeGeneration(g: Generation) {
    const versions = await history.listVersions(g.id);
    return {
      text: g.text,
      language: g.language,
      engine: g.engine,
      model: g.model,
      seed: g.seed,
      instruct: g.instruct,
      settings: g.settings,
      status: g.status,
      error: g.error,
      isFavorited: g.isFavorited,
      createdAt: g.createdAt,
      profileName: g.profileName,
      versions: versions
        .map((v) => ({ label: v.label, isDefault: v.isDefault, effectsChain: v.effectsChain, sha256: sha256(history.resolveAudioPath(v)) }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    };
  }

  it('exports through the command and imports the archive back with every field and the same audio', async () => {
    const made = await seed();
    const before = await Promise.all((await history.getMany(made.map((g) => g.id))).map(describeGeneration));
    const target = path.join(scratch, 'round-trip.voicehistory.zip');
    const exported = await run<ExportResult>(
      'exportSelected',
      made.map((g) => g.id),
      vscode.Uri.file(target),
    );
    assert.ok(exported, 'the export finished');
    assert.equal(exported.generations, 3);
    assert.equal(exported.versions, 3, 'two versions of the first, one of the second, none of the failed one');
    assert.ok(existsSync(target));
    assert.equal(readdirSync(scratch).filter((n) => n.endsWith('.partial')).length, 0, 'no temp file left beside the archive');

    await history.delete(made.map((g) => g.id));
    const summary = await run<ImportSummary>('import', vscode.Uri.file(target));
    assert.deepEqual(
      { imported: summary.imported, skipped: summary.skipped, rejected: summary.rejected, cancelled: summary.cancelled },
      {
        imported: 3,
        skipped: 0,
        rejected: [],
        cancelled: false,
      },
    );
    const imported = await history.getMany(summary.generationIds);
    assert.ok(
      imported.every((g) => !made.some((m) => m.id === g.id)),
      'imports get new ids',
    );
    const after = await Promise.all(imported.map(describeGeneration));
    const byText = (xs: typeof before) => [...xs].sort((a, b) => a.text.localeCompare(b.text));
    assert.deepEqual(byText(after), byText(before));
    // Durations are measured from the audio on import, not taken from the manifest.
    const fox = imported.find((g) => g.text.startsWith('The quick'));
    assert.ok(fox?.duration !== null && Math.abs(fox!.duration! - 0.3) < 0.01, `measured 0.3 s, got ${fox?.duration}`);

    // The same archive again: everything is already there.
    const again = await run<ImportSummary>('import', [vscode.Uri.file(target)]);
    assert.equal(again.imported, 0);
    assert.equal(again.skipped, 3);
  });

  it('exports one generation as Voice History and Voicebox archives and its audio as a file', async () => {
    const [first] = await seed();
    const ours = await run<ExportResult>('exportGeneration', first!.id, vscode.Uri.file(path.join(scratch, 'one.voicehistory.zip')));
    assert.equal(ours.generations, 1);
    assert.equal(ours.versions, 2);

    const voicebox = path.join(scratch, 'one.voicebox.zip');
    const vb = await run<ExportResult>('exportGeneration', first!.id, vscode.Uri.file(voicebox), { layout: 'voicebox' });
    assert.equal(vb.versions, 2);
    // Voicebox's format keeps the text and audio: importing it next to the original finds the duplicate.
    const back = await run<ImportSummary>('import', vscode.Uri.file(voicebox));
    assert.deepEqual([back.imported, back.skipped, back.rejected.length], [0, 1, 0]);

    const audio = path.join(scratch, 'fox.wav');
    const copied = await run<{ path: string; bytes: number }>('exportAudio', first!.id, audio);
    assert.equal(copied.path, audio);
    assert.equal(sha256(audio), sha256(history.resolveAudioPath(first!)), 'the default version, byte for byte');
  });

  it('Export Filtered exports what the History view’s filter shows', async () => {
    const made = await seed();
    await vscode.commands.executeCommand('voiceHistory.filter', { profileId: [profile.id], status: ['completed'] });
    const target = path.join(scratch, 'filtered.zip');
    const result = await run<ExportResult>('exportFiltered', vscode.Uri.file(target));
    assert.equal(result.generations, 2, 'the two completed generations of this profile, not the failed one nor other profiles');
    await history.delete(made.map((g) => g.id));
    const summary = await run<ImportSummary>('import', target);
    assert.deepEqual(
      (await history.getMany(summary.generationIds)).map((g) => g.text).sort(),
      made
        .filter((g) => g.status === 'completed')
        .map((g) => g.text)
        .sort(),
    );
  });

  it('an export to a folder that does not exist fails without writing anything', async () => {
    const [first] = await seed();
    const target = path.join(scratch, 'no-such-folder', 'x.voicehistory.zip');
    const result = await run<ExportResult | undefined>('exportGeneration', first!.id, vscode.Uri.file(target));
    assert.equal(result, undefined, 'the command reported the failure instead of a result');
    assert.equal(existsSync(path.dirname(target)), false);
  });

  it('hostile archives are refused with their specific reason and the history is unchanged', async () => {
    await seed();
    const beforeStats = await history.stats();
    const beforeFiles = audioFiles(history);
    const beforeProfiles = (await history.listProfiles()).map((p) => p.name).sort();
    const cases = HOSTILE_CASES.filter((c) => !c.big);
    assert.ok(cases.length >= 10);
    const summary = await run<ImportSummary>(
      'import',
      cases.map((c) => vscode.Uri.file(path.join(fixtures, 'hostile', c.file))),
    );
    assert.equal(summary.imported, 0);
    assert.equal(summary.rejected.length, cases.length);
    for (const c of cases) {
      const r = summary.rejected.find((x) => x.name === c.file);
      assert.ok(r, `${c.file} is in the summary`);
      assert.equal(r.problem, c.reason, c.file);
      assert.match(r.reason, c.message, c.file);
    }
    assert.equal((await history.stats()).totalGenerations, beforeStats.totalGenerations);
    assert.deepEqual(audioFiles(history), beforeFiles);
    assert.deepEqual((await history.listProfiles()).map((p) => p.name).sort(), beforeProfiles);
  });

  it('applies the import limits from settings and names the setting to raise', async () => {
    const file = path.join(scratch, 'valid.voicehistory.zip');
    writeFileSync(file, validArchive());
    const before = (await history.stats()).totalGenerations;
    await setSetting('import.maxEntries', 1);
    try {
      const summary = await run<ImportSummary>('import', file);
      assert.equal(summary.imported, 0);
      assert.equal(summary.rejected[0]?.problem, 'too-many-entries');
      assert.match(summary.rejected[0]!.reason, /raise the setting voiceHistory\.import\.maxEntries/);
      assert.equal((await history.stats()).totalGenerations, before);
    } finally {
      await setSetting('import.maxEntries', undefined);
    }
  });

  it('imports plain audio files (text from the file name when asked to) and keeps archives out of Import Audio Files', async () => {
    const folder = path.join(scratch, `audio-${Date.now()}`);
    mkdirSync(folder);
    copyFileSync(path.join(fixtures, 'audio', 'tone.ogg'), path.join(folder, 'Morning greeting.ogg'));
    copyFileSync(path.join(fixtures, 'audio', 'tone.flac'), path.join(folder, 'evening.flac'));
    writeFileSync(path.join(folder, 'evening.txt'), 'Good evening, everyone.');
    const zip = path.join(folder, 'not-audio.zip');
    writeFileSync(zip, validArchive());
    const profileName = profile.name;
    const summary = await run<ImportSummary>(
      'importAudioFiles',
      [path.join(folder, 'Morning greeting.ogg'), path.join(folder, 'evening.flac'), zip],
      { useFileNames: true, profileName },
    );
    assert.equal(summary.imported, 2);
    assert.equal(summary.rejected.length, 1);
    assert.match(summary.rejected[0]!.reason, /is a ZIP archive\. Use "Voice History: Import…"/);
    const texts = (await history.getMany(summary.generationIds)).map((g) => [g.text, g.profileName]).sort();
    assert.deepEqual(texts, [
      ['Good evening, everyone.', profileName],
      ['Morning greeting', profileName],
    ]);
  });

  it("a Voicebox export missing a listed version's audio imports the rest and reports what was left out", async () => {
    const file = path.join(scratch, `partial-${Date.now()}.voicebox.zip`);
    const manifest = {
      version: '1.0',
      generation: {
        id: 'vb-partial',
        text: `Partial export ${Date.now()}`,
        language: 'en',
        duration: 1,
        created_at: '2025-03-01T08:00:00',
      },
      profile: { id: 'p', name: profile.name, description: null, language: 'en' },
      versions: [
        { id: 'a', label: 'original', is_default: true, effects_chain: null, filename: 'a.wav' },
        { id: 'b', label: 'warm', is_default: false, effects_chain: null, filename: 'b.wav' },
      ],
    };
    writeFileSync(
      file,
      craftZip([
        { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)), method: 8 },
        { name: 'audio/a.wav', data: makeWav(0.2) },
      ]),
    );
    const summary = await run<ImportSummary>('import', [vscode.Uri.file(file)]);
    assert.deepEqual([summary.imported, summary.rejected], [1, []]);
    assert.deepEqual(summary.leftOut, [{ name: path.basename(file), items: ['version "warm" (audio/b.wav is not in the archive)'] }]);
    const [g] = await history.getMany(summary.generationIds);
    assert.deepEqual(
      (await history.listVersions(g!.id)).map((v) => v.label),
      ['original'],
    );
  });

  it('purge previews, then deletes exactly what it previewed; favorites stay', async () => {
    const now = Date.now();
    const old = [];
    for (let i = 0; i < 4; i++) {
      old.push(
        await history.create(
          { profileId: profile.id, text: `Ancient take ${i}`, status: 'completed', isFavorited: i === 0, createdAt: now - 3000 * DAY + i },
          { data: makeWav(0.2, 16000, 1, 10 + i), format: 'wav' },
        ),
      );
    }
    const recent = await history.create({ profileId: profile.id, text: 'Recent failure', status: 'failed', error: 'x' });
    const rule = { kind: 'olderThan', days: 2900 };
    const dry = await run<PurgeOutcome>('purge', rule, { dryRun: true });
    assert.deepEqual(
      dry.preview.ids.sort(),
      old
        .slice(1)
        .map((g) => g.id)
        .sort(),
      'the three old non-favorites',
    );
    assert.equal(dry.result, undefined);
    const expectedBytes = (await Promise.all(old.slice(1).map((g) => history.listVersions(g.id))))
      .flat()
      .reduce((n, v) => n + v.audioBytes, 0);
    assert.equal(dry.preview.bytes, expectedBytes);
    assert.equal((await inProfile(history, profile.id)).length, 5, 'a dry run deletes nothing');

    const applied = await run<PurgeOutcome>('purge', rule, { confirmed: true });
    assert.equal(applied.result?.deleted, 3);
    assert.equal(applied.preview.count, 3);
    assert.deepEqual((await inProfile(history, profile.id)).map((g) => g.id).sort(), [old[0]!.id, recent.id].sort());
    for (const g of old.slice(1)) assert.equal(existsSync(history.resolveAudioPath(g)), false, 'audio removed');

    // By profile: the favorite stays unless the rule is "everything".
    const byProfile = await run<PurgeOutcome>('purge', { kind: 'profile', profileId: profile.id }, { confirmed: true });
    assert.equal(byProfile.result?.deleted, 1);
    assert.deepEqual(
      (await inProfile(history, profile.id)).map((g) => g.id),
      [old[0]!.id],
    );

    const bad = await run<PurgeOutcome | undefined>('purge', { kind: 'olderThan', days: 0 }, { dryRun: true });
    assert.equal(bad, undefined, 'an invalid rule is refused (with a message), nothing deleted');
    assert.equal((await inProfile(history, profile.id)).length, 1);
  });

  it('Reconcile Storage previews and removes rows without audio and orphaned files', async () => {
    const lost = await history.create(
      { profileId: profile.id, text: 'My audio vanished', status: 'completed', isFavorited: true },
      { data: makeWav(0.2, 16000, 1, 30), format: 'wav' },
    );
    const fine = await history.create(
      { profileId: profile.id, text: 'Still here', status: 'completed' },
      { data: makeWav(0.2, 16000, 1, 31), format: 'wav' },
    );
    rmSync(history.resolveAudioPath(lost));
    const orphan = path.join(history.audioDir, 'orphan-from-a-crash.wav');
    writeFileSync(orphan, makeWav(0.1));
    // Files younger than the store's grace period may be mid-write by another window; this one is old.
    const past = new Date(Date.now() - 2 * DAY);
    utimesSync(orphan, past, past);
    const dry = await run<ReconcileOutcome>('reconcile', { dryRun: true });
    assert.ok(dry.preview.missingAudio.ids.includes(lost.id));
    assert.ok(dry.preview.orphanFiles >= 1);
    assert.ok(await history.get(lost.id), 'a dry run deletes nothing');
    assert.ok(existsSync(orphan));

    const done = await run<ReconcileOutcome>('reconcile', { confirmed: true });
    assert.ok(done.result);
    assert.ok(done.result.deletedGenerations >= 1);
    assert.ok(done.result.removedFiles >= 1);
    assert.equal(await history.get(lost.id), undefined);
    assert.ok(await history.get(fine.id));
    assert.equal(existsSync(orphan), false);
  });

  it('retention settings delete old generations and keep favorites, in the background', async () => {
    const now = Date.now();
    const oldFavorite = await history.create(
      { profileId: profile.id, text: 'Old and loved', status: 'completed', isFavorited: true, createdAt: now - 3000 * DAY },
      { data: makeWav(0.2, 16000, 1, 40), format: 'wav' },
    );
    const oldPlain = await history.create(
      { profileId: profile.id, text: 'Old and forgotten', status: 'completed', createdAt: now - 2999 * DAY },
      { data: makeWav(0.2, 16000, 1, 41), format: 'wav' },
    );
    const fresh = await history.create(
      { profileId: profile.id, text: 'Made today', status: 'completed' },
      { data: makeWav(0.2, 16000, 1, 42), format: 'wav' },
    );
    await setSetting('retention.days', 2900);
    try {
      await eventually(async () => (await history.get(oldPlain.id)) === undefined, 'retention to delete the old non-favorite', 20_000);
      assert.ok(await history.get(oldFavorite.id), 'the favorite stays');
      assert.ok(await history.get(fresh.id));
    } finally {
      await setSetting('retention.days', undefined);
    }

    // The storage budget: oldest non-favorites go first until the audio folder fits.
    const mb = 1024 * 1024;
    const big = (i: number) => ({ data: makeWav(mb / 32000, 16000, 1, 50 + i), format: 'wav' });
    const favorite = await history.create(
      { profileId: profile.id, text: 'Big favorite', status: 'completed', isFavorited: true, createdAt: now - 5000 * DAY },
      big(0),
    );
    const ancient: Generation[] = [];
    for (let i = 1; i <= 3; i++)
      ancient.push(
        await history.create(
          { profileId: profile.id, text: `Big ancient ${i}`, status: 'completed', createdAt: now - 4999 * DAY + i },
          big(i),
        ),
      );
    const total = (await history.stats()).bytesOnDisk;
    await setSetting('storage.maxMegabytes', (total - 1.5 * mb) / mb);
    try {
      await eventually(
        async () => (await history.get(ancient[1]!.id)) === undefined,
        'the budget to delete the two oldest non-favorites',
        20_000,
      );
      assert.equal(await history.get(ancient[0]!.id), undefined);
      assert.ok(await history.get(ancient[2]!.id), 'the budget was met after two');
      assert.ok(await history.get(favorite.id), 'the favorite is older than all of them and stays');
      assert.ok((await history.stats()).bytesOnDisk <= total - 1.5 * mb);
    } finally {
      await setSetting('storage.maxMegabytes', undefined);
    }
  });

  // Last: the import holds retention off for a minute, which would slow the test above.
  it('an import of generations older than the retention days says so and holds retention off', async () => {
    const old = await history.create(
      { profileId: profile.id, text: 'From an old machine', status: 'completed', createdAt: Date.now() - 3000 * DAY },
      { data: makeWav(0.2, 16000, 1, 60), format: 'wav' },
    );
    const archive = path.join(scratch, 'old.voicehistory.zip');
    await run<ExportResult>('exportGeneration', old.id, vscode.Uri.file(archive));
    await history.delete(old.id);
    await setSetting('retention.days', 2900);
    try {
      const summary = await run<ImportSummary & { retentionNote?: string }>('import', archive);
      assert.equal(summary.imported, 1);
      assert.match(summary.retentionNote ?? '', /1 imported generation is older than the 2900 days kept by voiceHistory\.retention\.days/);
      // Retention would otherwise run 2 s after the import; the user gets a minute to change the setting.
      await new Promise((r) => setTimeout(r, 4000));
      assert.ok(await history.get(summary.generationIds[0]!), 'not deleted while the user reads the warning');
    } finally {
      await setSetting('retention.days', undefined);
    }
  });
});
