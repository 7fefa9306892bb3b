import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { exportVoicebox } from '../../../src/archive/export';
import { importFiles } from '../../../src/archive/import';
import { craftZip } from '../../fixtures/archives/craft-zip';
import { validArchive } from '../../fixtures/archives/hostile';
import { makeWav, sha256 } from '../../fixtures/archives/samples';
import { allGenerations, openTestHistory, seedRich, sha256File, snapshot, tempDir } from './helpers';

const SAMPLES = join(import.meta.dirname, '..', '..', 'fixtures', 'archives', 'audio');
const json = (v: unknown) => Buffer.from(JSON.stringify(v, null, 2));

test('a Voicebox generation export imports with its versions; duration is measured, not trusted', async (t) => {
  const h = await openTestHistory(t);
  const dir = tempDir(t);
  const a = makeWav(0.25, 24000, 1, 1);
  const b = makeWav(0.5, 24000, 1, 2);
  const path = join(dir, 'generation-Once-upon-a-time.voicebox.zip');
  writeFileSync(
    path,
    craftZip([
      {
        name: 'manifest.json',
        method: 8,
        data: json({
          version: '1.0',
          generation: {
            id: 'vb-1',
            text: 'Once upon a time',
            language: 'en',
            duration: 99,
            seed: 7,
            instruct: 'whisper',
            created_at: '2025-02-01T10:00:00.123456',
          },
          profile: { id: 'p-1', name: 'Narrator', description: 'Deep voice', language: 'en' },
          versions: [
            { id: 'v-a', label: 'original', is_default: false, effects_chain: null, filename: 'a.wav' },
            { id: 'v-b', label: 'warm', is_default: true, effects_chain: [{ type: 'eq', gain: 2 }], filename: 'b.wav' },
          ],
        }),
      },
      { name: 'audio/a.wav', data: a, method: 8 },
      { name: 'audio/b.wav', data: b, method: 8 },
    ]),
  );
  const summary = await importFiles(h.history, [path]);
  assert.deepEqual([summary.imported, summary.rejected], [1, []]);
  const [g] = await allGenerations(h.history);
  assert.equal(g!.text, 'Once upon a time');
  assert.equal(g!.seed, 7);
  assert.equal(g!.instruct, 'whisper');
  assert.equal(g!.duration, 0.5, 'the default version is measured (the manifest said 99)');
  assert.equal(g!.createdAt, Date.UTC(2025, 1, 1, 10, 0, 0, 123));
  assert.equal(g!.source, 'import');
  assert.equal(g!.profileName, 'Narrator');
  const versions = await h.history.listVersions(g!.id);
  assert.deepEqual(
    versions.map((v) => [v.label, v.isDefault, v.effectsChain, v.contentHash]),
    [
      ['original', false, null, sha256(a)],
      ['warm', true, [{ type: 'eq', gain: 2 }], sha256(b)],
    ],
  );
});

test('an old Voicebox export without versions imports its first WAV', async (t) => {
  const h = await openTestHistory(t);
  const dir = tempDir(t);
  const path = join(dir, 'old.voicebox.zip');
  writeFileSync(
    path,
    craftZip([
      { name: 'manifest.json', data: json({ version: '1.0', generation: { text: 'Old style', language: 'de', duration: 1 } }) },
      { name: 'audio/x.wav', data: makeWav(0.1) },
    ]),
  );
  const summary = await importFiles(h.history, [path], { profileName: 'From Voicebox' });
  assert.deepEqual([summary.imported, summary.rejected], [1, []]);
  const [g] = await allGenerations(h.history);
  assert.deepEqual([g!.text, g!.language, g!.profileName], ['Old style', 'de', 'From Voicebox']);
});

test("our Voicebox export has Voicebox's layout and reads back", async (t) => {
  const a = await openTestHistory(t, 'a');
  await seedRich(a.history);
  const [first] = await allGenerations(a.history);
  const dir = tempDir(t);
  const path = join(dir, 'generation-Hello.voicebox.zip');
  const result = await exportVoicebox(a.history, first!.id, path);
  assert.equal(result.versions, 3);
  const { ZipArchive } = await import('../../../src/archive/zip-reader');
  const { importLimitsSchema } = await import('../../../src/archive/limits');
  const zip = await ZipArchive.open(path, importLimitsSchema.parse({}));
  const manifest = JSON.parse(await zip.readText(zip.get('manifest.json')!, 1 << 20));
  const audio = zip.files().filter((e) => e.name.startsWith('audio/'));
  zip.close();
  assert.equal(manifest.version, '1.0');
  assert.deepEqual(Object.keys(manifest.generation).sort(), ['created_at', 'duration', 'id', 'instruct', 'language', 'seed', 'text']);
  // Voicebox's profile fields, plus the voice's default chain under Voicebox's own name for it.
  assert.deepEqual(Object.keys(manifest.profile).sort(), ['description', 'effects_chain', 'id', 'language', 'name']);
  assert.equal(manifest.versions.length, 3);
  // Voicebox imports the first audio/*.wav: it must be the default version.
  assert.equal(audio[0]!.name, `audio/${manifest.versions.find((v: { is_default: boolean }) => v.is_default).filename}`);
  assert.ok(audio.every((e) => e.name.endsWith('.wav')));

  const b = await openTestHistory(t, 'b');
  const summary = await importFiles(b.history, [path]);
  assert.deepEqual([summary.imported, summary.rejected], [1, []]);
  const [g] = await allGenerations(b.history);
  assert.equal(g!.contentHash, first!.contentHash);
  assert.deepEqual(
    (await b.history.listVersions(g!.id)).map((v) => v.label),
    ['Echo on louder', 'original', 'Louder'],
  );
});

test('an ElevenLabs download (a ZIP of MP3s) imports one generation per file, with facts from a JSON sidecar', async (t) => {
  const h = await openTestHistory(t);
  const dir = tempDir(t);
  const mp3 = readFileSync(join(SAMPLES, 'tone.mp3'));
  const other = Buffer.concat([mp3, Buffer.alloc(0)]);
  other[other.length - 1] ^= 1; // different bytes, still MP3
  const path = join(dir, 'ElevenLabs_download.zip');
  writeFileSync(
    path,
    craftZip([
      { name: 'ElevenLabs_2025-01-01T10_00_00_Rachel_pre_s50_sb75_m2.mp3', data: mp3 },
      { name: 'second.mp3', data: other },
      {
        name: 'second.json',
        data: json({
          text: 'The second one',
          voice_name: 'Rachel',
          voice_id: '21m00Tcm4TlvDq8ikWAM',
          model_id: 'eleven_multilingual_v2',
          history_item_id: 'hist_42',
          date_unix: 1735725600,
          settings: { stability: 0.4 },
        }),
      },
      { name: '__MACOSX/._second.mp3', data: Buffer.from('resource fork') },
    ]),
  );
  const asked: string[] = [];
  const summary = await importFiles(h.history, [path], {
    askText: (name) => (asked.push(name), name.startsWith('ElevenLabs') ? 'Asked for this one' : undefined),
  });
  assert.deepEqual([summary.imported, summary.rejected], [2, []]);
  assert.deepEqual(asked, ['ElevenLabs_2025-01-01T10_00_00_Rachel_pre_s50_sb75_m2.mp3']);
  const gens = await allGenerations(h.history);
  const second = gens.find((g) => g.text === 'The second one')!;
  assert.deepEqual(
    [second.engine, second.model, second.externalId, second.createdAt, second.profileName, second.settings],
    ['elevenlabs', 'eleven_multilingual_v2', 'hist_42', 1735725600000, 'Rachel', { stability: 0.4 }],
  );
  const first = gens.find((g) => g.text === 'Asked for this one')!;
  assert.equal(first.engine, 'elevenlabs');
  // The voice named in the ElevenLabs file name (was 'Imported audio' before the name was read).
  assert.equal(first.profileName, 'Rachel');
  assert.equal(first.createdAt, Date.UTC(2025, 0, 1, 10, 0, 0), 'the date in the file name, not the ZIP time');
  assert.equal(first.sampleRate, 22050);
  const rachel = (await h.history.listProfiles()).find((p) => p.name === 'Rachel')!;
  assert.deepEqual([rachel.engine, rachel.voiceId], ['elevenlabs', '21m00Tcm4TlvDq8ikWAM']);
});

test('plain audio files: text from a same-named .txt, from askText, or the file name; sidecars picked along are not rejected', async (t) => {
  const h = await openTestHistory(t);
  const dir = tempDir(t);
  const flac = join(dir, 'Chapter 1.flac');
  copyFileSync(join(SAMPLES, 'tone.flac'), flac);
  writeFileSync(join(dir, 'Chapter 1.txt'), '  It was a dark and stormy night.\n');
  const ogg = join(dir, 'take.ogg');
  copyFileSync(join(SAMPLES, 'tone.ogg'), ogg);
  const mp3 = join(dir, 'no text here.mp3');
  copyFileSync(join(SAMPLES, 'tone.mp3'), mp3);
  const wav = join(dir, 'liar.wav'); // OGG bytes behind a .wav name
  const oggBytes = readFileSync(join(SAMPLES, 'tone.ogg'));
  oggBytes[oggBytes.length - 1] ^= 1;
  writeFileSync(wav, oggBytes);
  const summary = await importFiles(h.history, [flac, join(dir, 'Chapter 1.txt'), ogg, mp3, wav], {
    askText: (name) => (name === 'take.ogg' ? 'Typed by the user' : undefined),
  });
  assert.deepEqual([summary.imported, summary.skipped, summary.rejected], [4, 0, []]);
  const byText = new Map((await allGenerations(h.history)).map((g) => [g.text, g]));
  assert.deepEqual([...byText.keys()].sort(), ['It was a dark and stormy night.', 'Typed by the user', 'liar', 'no text here'].sort());
  assert.equal(byText.get('It was a dark and stormy night.')!.duration, 0.25);
  assert.ok(byText.get('liar')!.audioPath!.endsWith('.ogg'), 'stored with the format it really has');
  assert.equal(byText.get('no text here')!.profileName, 'Imported audio');
  assert.equal(sha256File(h.history.resolveAudioPath(byText.get('Typed by the user')!)), sha256File(ogg));

  // The same files again are duplicates (same audio and text).
  const again = await importFiles(h.history, [flac, ogg, mp3, wav], {
    askText: (name) => (name === 'take.ogg' ? 'Typed by the user' : undefined),
  });
  assert.deepEqual([again.imported, again.skipped], [0, 4]);
});

test('files that are neither archives nor audio are refused with what to pick instead', async (t) => {
  const h = await openTestHistory(t);
  const dir = tempDir(t);
  const pdf = join(dir, 'notes.zip');
  writeFileSync(pdf, '%PDF-1.4 not a zip');
  const txt = join(dir, 'lonely.txt');
  writeFileSync(txt, 'text without audio');
  const empty = join(dir, 'empty.zip');
  writeFileSync(empty, craftZip([{ name: 'readme.md', data: Buffer.from('hi') }]));
  const profileZip = join(dir, 'profile.voicebox.zip');
  writeFileSync(
    profileZip,
    craftZip([
      { name: 'manifest.json', data: json({ version: '1.0', profile: { name: 'X' } }) },
      { name: 'samples.json', data: json({}) },
    ]),
  );
  const summary = await importFiles(h.history, [pdf, txt, empty, profileZip, join(dir, 'gone.wav'), dir]);
  assert.equal(summary.imported, 0);
  assert.deepEqual(
    summary.rejected.map((r) => [r.name, r.problem]),
    [
      ['notes.zip', 'unsupported-file'],
      ['lonely.txt', 'unsupported-file'],
      ['empty.zip', 'empty'],
      ['profile.voicebox.zip', 'unknown-archive'],
      ['gone.wav', 'unsupported-file'],
      [basename(dir), 'unsupported-file'],
    ],
  );
  assert.match(summary.rejected[4]!.reason, /cannot be read: it does not exist/);
  assert.match(summary.rejected[5]!.reason, /cannot be read: it is a folder/);
  assert.match(summary.rejected[0]!.reason, /neither a ZIP archive nor WAV, MP3, FLAC or OGG audio/);
  assert.match(summary.rejected[1]!.reason, /is a text file\. Pick the audio file with the same name/);
  assert.match(summary.rejected[3]!.reason, /Voicebox voice profile export/);
});

test('a write that fails halfway keeps none of the archive: no rows, no profiles, no files', async (t) => {
  const a = await openTestHistory(t, 'a');
  await seedRich(a.history);
  const dir = tempDir(t);
  const { collectIds, exportArchive } = await import('../../../src/archive/export');
  const archive = join(dir, 'all.voicehistory.zip');
  await exportArchive(a.history, await collectIds(a.history), archive, { extensionVersion: '0.1.0' });

  const b = await openTestHistory(t, 'b');
  const before = await snapshot(b, { audioOnly: true });
  const staging = join(dir, 'staging');
  mkdirSync(staging);
  const audioDir = join(b.storageDir, 'audio');
  const storedFiles = () => readdirSync(audioDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  // Once some audio is stored, the rest of the staged audio vanishes (a real I/O failure).
  let sawStored = 0;
  const summary = await importFiles(b.history, [archive], {
    stagingDir: staging,
    onProgress: (p) => {
      if (p.phase !== 'saving' || sawStored > 0) return;
      sawStored = storedFiles();
      if (sawStored > 0) for (const d of readdirSync(staging)) for (const f of readdirSync(join(staging, d))) rmSync(join(staging, d, f));
    },
  });
  assert.ok(sawStored > 0, 'the failure did not come halfway');
  assert.equal(summary.imported, 0);
  assert.equal(summary.rejected[0]!.problem, 'write-failed');
  assert.match(summary.rejected[0]!.reason, /failed and nothing of it was kept/);
  assert.deepEqual(await snapshot(b, { audioOnly: true }), before);
});

test('cancelling while the audio is being stored keeps none of the archive', async (t) => {
  const h = await openTestHistory(t);
  const dir = tempDir(t);
  const good = join(dir, 'good.voicehistory.zip');
  writeFileSync(good, validArchive());
  const before = await snapshot(h, { audioOnly: true });
  const controller = new AbortController();
  const summary = await importFiles(h.history, [good], {
    signal: controller.signal,
    onProgress: (p) => {
      if (p.phase === 'saving' && p.done >= 1) controller.abort();
    },
  });
  assert.ok(controller.signal.aborted);
  assert.deepEqual([summary.imported, summary.cancelled, summary.rejected], [0, true, []]);
  assert.deepEqual(await snapshot(h, { audioOnly: true }), before);
});

test('the profileName option has the one profile-name limit (100): a longer name is refused up front, 100 characters import', async (t) => {
  const h = await openTestHistory(t);
  const dir = tempDir(t);
  const path = join(dir, 'line.wav');
  writeFileSync(path, makeWav(0.1));
  const before = await snapshot(h);
  await assert.rejects(
    importFiles(h.history, [path], { profileName: 'x'.repeat(101) }),
    (e: unknown) =>
      e instanceof Error && /profile name .* at most 100 characters/.test(e.message) && !/write-failed|Too big/.test(e.message),
  );
  assert.deepEqual(await snapshot(h), before, 'nothing was written');
  const summary = await importFiles(h.history, [path], { profileName: 'y'.repeat(100) });
  assert.deepEqual([summary.imported, summary.rejected], [1, []]);
  const [g] = await allGenerations(h.history);
  assert.equal(g!.profileName, 'y'.repeat(100));
});

/** A Voicebox generation export as Voicebox writes it: `manifest` merged over a valid one, then `audio`. */
function voiceboxZip(path: string, manifest: Record<string, unknown>, audio: Array<{ name: string; data: Buffer }>): void {
  const base = {
    version: '1.0',
    generation: {
      id: 'vb-9',
      text: 'Chapter one',
      language: 'en',
      duration: 1,
      seed: null,
      instruct: null,
      created_at: '2025-03-01T08:00:00',
    },
    profile: { id: 'p-9', name: 'Narrator', description: null, language: 'en' },
  };
  writeFileSync(path, craftZip([{ name: 'manifest.json', data: json({ ...base, ...manifest }), method: 8 }, ...audio]));
}

test('a Voicebox manifest with an oversized field is refused naming the field and its limit, before any write', async (t) => {
  const h = await openTestHistory(t);
  const dir = tempDir(t);
  const before = await snapshot(h);
  const audio = [{ name: 'audio/a.wav', data: makeWav(0.1) }];
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['text', { generation: { text: 'x'.repeat(200_001), language: 'en' } }, /generation\.text: At most 200,000 characters/],
    ['instruct', { generation: { text: 'Hi', instruct: 'y'.repeat(10_001) } }, /generation\.instruct: At most 10,000 characters/],
    ['profile', { profile: { name: 'z'.repeat(101) } }, /profile\.name: At most 100 characters/],
    ['description', { profile: { name: 'N', description: 'd'.repeat(2001) } }, /profile\.description: At most 2,000 characters/],
    ['label', { versions: [{ label: 'l'.repeat(101), filename: 'a.wav' }] }, /versions\[0\]\.label: At most 100 characters/],
  ];
  for (const [name, manifest, message] of cases) {
    const path = join(dir, `${name}.voicebox.zip`);
    voiceboxZip(path, manifest, audio);
    const summary = await importFiles(h.history, [path]);
    assert.equal(summary.imported, 0, name);
    assert.equal(summary.rejected[0]?.problem, 'manifest-invalid', `${name}: ${summary.rejected[0]?.reason}`);
    assert.match(summary.rejected[0]!.reason, message);
  }
  assert.deepEqual((await snapshot(h)).rows, before.rows, 'nothing was written');
});

test('a real Voicebox export whose manifest lists a version without its audio imports the rest and says what was left out', async (t) => {
  const h = await openTestHistory(t);
  const dir = tempDir(t);
  const a = makeWav(0.2, 24000, 1, 5);
  const path = join(dir, 'generation-Chapter-one.voicebox.zip');
  voiceboxZip(
    path,
    {
      versions: [
        { id: 'v-1', label: 'original', is_default: false, effects_chain: null, filename: 'a.wav' },
        { id: 'v-2', label: 'warm', is_default: true, effects_chain: [{ type: 'reverb' }], filename: 'b.wav' },
      ],
    },
    [{ name: 'audio/a.wav', data: a }],
  );
  const summary = await importFiles(h.history, [path]);
  assert.deepEqual([summary.imported, summary.rejected], [1, []]);
  assert.deepEqual(summary.leftOut, [
    { name: 'generation-Chapter-one.voicebox.zip', items: ['version "warm" (audio/b.wav is not in the archive)'] },
  ]);
  const [g] = await allGenerations(h.history);
  assert.equal(g!.text, 'Chapter one');
  const versions = await h.history.listVersions(g!.id);
  assert.deepEqual(
    versions.map((v) => [v.label, v.isDefault, v.contentHash]),
    [['original', true, sha256(a)]],
    'the version that is there becomes the default',
  );

  // Refused only when no audio remains, and then without the useless advice to export the same archive again.
  const none = join(dir, 'none.voicebox.zip');
  voiceboxZip(none, { versions: [{ label: 'original', filename: 'gone.wav' }] }, []);
  const refused = await importFiles(h.history, [none]);
  assert.equal(refused.imported, 0);
  assert.equal(refused.rejected[0]?.problem, 'audio-missing');
  assert.match(refused.rejected[0]!.reason, /lists a version but holds none of their audio .*Check that the generation plays in Voicebox/);
});

test('an ElevenLabs download ZIP: voice and date come from voice_<id>/ElevenLabs_<date>_<voice>_<settings>.wav, not "Imported audio" and the ZIP time', async (t) => {
  const h = await openTestHistory(t);
  const dir = tempDir(t);
  const path = join(dir, 'ElevenLabs_download.zip');
  writeFileSync(
    path,
    craftZip([
      {
        name: 'voice_pNInz6obpgDQGcFmaJgB/ElevenLabs_2025-03-04T05_06_07_Old Man Jenkins_pre_s50_sb75_se0_b_m2.wav',
        data: makeWav(0.1, 22050, 1, 1),
      },
      {
        name: 'voice_pNInz6obpgDQGcFmaJgB/ElevenLabs_2025-03-04T05_07_00_Old Man Jenkins_pre_s50_sb75_se0_b_m2.wav',
        data: makeWav(0.1, 22050, 1, 2),
      },
      { name: 'voice_21m00Tcm4TlvDq8ikWAM/ElevenLabs_2024-12-31T23_59_59_Rachel_gen_s30_sb80_m2.wav', data: makeWav(0.1, 22050, 1, 3) },
      { name: 'ElevenLabs_2025-13-40T99_00_00_Nobody_pre_s50_sb75_m2.wav', data: makeWav(0.1, 22050, 1, 4) },
    ]),
  );
  const summary = await importFiles(h.history, [path]);
  assert.deepEqual([summary.imported, summary.rejected], [4, []]);
  const gens = await allGenerations(h.history);
  const facts = gens
    .map((g) => [g.profileName, g.engine, g.createdAt])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[2]) - Number(b[2]));
  const zipTime = facts.find((f) => f[0] === 'Imported audio')?.[2];
  assert.deepEqual(
    facts,
    [
      ['Imported audio', 'elevenlabs', zipTime],
      ['Old Man Jenkins', 'elevenlabs', Date.UTC(2025, 2, 4, 5, 6, 7)],
      ['Old Man Jenkins', 'elevenlabs', Date.UTC(2025, 2, 4, 5, 7, 0)],
      ['Rachel', 'elevenlabs', Date.UTC(2024, 11, 31, 23, 59, 59)],
    ],
    'a name whose date is not a real time is not read as one',
  );
  const profiles = await h.history.listProfiles();
  const voice = (name: string) => profiles.find((p) => p.name === name);
  assert.deepEqual([voice('Old Man Jenkins')?.engine, voice('Old Man Jenkins')?.voiceId], ['elevenlabs', 'pNInz6obpgDQGcFmaJgB']);
  assert.equal(voice('Rachel')?.voiceId, '21m00Tcm4TlvDq8ikWAM');
});
