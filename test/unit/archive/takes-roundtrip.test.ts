// Takes and effects through exports (real ZIPs, real files): version labels, chains, sources and
// the default, a voice's default chain and the user's presets, in our format and Voicebox's.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportArchive, exportVoicebox } from '../../../src/archive/export';
import { importFiles } from '../../../src/archive/import';
import { importLimitsSchema } from '../../../src/archive/limits';
import { ZipArchive } from '../../../src/archive/zip-reader';
import type { HistoryService } from '../../../src/history/service';
import { allGenerations, openTestHistory, tempDir, wavAudio } from './helpers';

const RADIO = [
  { type: 'highpass', enabled: true, params: { cutoff_frequency_hz: 300 } },
  { type: 'lowpass', enabled: false, params: { cutoff_frequency_hz: 3500 } },
];
const LOUD = [{ type: 'normalize', enabled: true, params: { target_lufs: -16, true_peak_db: -1 } }];

async function seedTakes(h: HistoryService) {
  const profile = await h.createProfile({ name: 'Narrator', engine: 'flite', voiceId: 'slt' });
  await h.updateProfile(profile.id, { effectsChain: LOUD });
  const g = await h.create({ profileId: profile.id, text: 'Chapter one.' }, wavAudio(0.2, 16000, 1, 1));
  const [original] = await h.listVersions(g.id);
  const processed = await h.addVersion(
    g.id,
    { effectsChain: RADIO, sourceVersionId: original!.id, isDefault: true },
    wavAudio(0.2, 16000, 1, 2),
  );
  await h.renameVersion(processed.id, 'radio voice');
  await h.addVersion(g.id, { kind: 'take', seed: 5 }, wavAudio(0.3, 16000, 1, 3));
  await h.createPreset({ name: 'Telephone', description: 'narrow band', effectsChain: RADIO });
  await h.createPreset({ name: 'Podcast mine', effectsChain: LOUD });
  return g;
}

async function takesOf(h: HistoryService) {
  const [g] = await allGenerations(h);
  const versions = await h.listVersions(g!.id);
  const labelOf = new Map(versions.map((v) => [v.id, v.label]));
  return versions.map((v) => ({
    label: v.label,
    isDefault: v.isDefault,
    effectsChain: v.effectsChain,
    source: v.sourceVersionId ? labelOf.get(v.sourceVersionId) : null,
    playsOnGeneration: g!.audioPath === v.audioPath,
  }));
}

test('our archive carries labels, chains, sources, the default, a voice default chain and the presets; import keeps them', async (t) => {
  const a = await openTestHistory(t, 'a');
  const g = await seedTakes(a.history);
  const dir = tempDir(t);
  const target = join(dir, 'takes.voicehistory.zip');
  await exportArchive(a.history, [g.id], target, { extensionVersion: '1.0.0' });

  const zip = await ZipArchive.open(target, importLimitsSchema.parse({}));
  const manifest = JSON.parse(await zip.readText(zip.get('manifest.json')!, 1 << 20));
  zip.close();
  assert.deepEqual(
    manifest.presets.map((p: { name: string }) => p.name),
    ['Podcast mine', 'Telephone'],
  );
  assert.deepEqual(manifest.profiles[0].effectsChain, LOUD);

  const b = await openTestHistory(t, 'b');
  await b.history.createPreset({ name: 'telephone', effectsChain: LOUD }); // same name here: kept as it is
  const summary = await importFiles(b.history, [target], { stagingDir: dir });
  assert.equal(summary.imported, 1);
  assert.deepEqual(await takesOf(b.history), await takesOf(a.history));
  assert.deepEqual(await takesOf(b.history), [
    { label: 'original', isDefault: false, effectsChain: null, source: null, playsOnGeneration: false },
    { label: 'radio voice', isDefault: true, effectsChain: RADIO, source: 'original', playsOnGeneration: true },
    { label: 'take-3', isDefault: false, effectsChain: null, source: null, playsOnGeneration: false },
  ]);
  const [profile] = await b.history.listProfiles();
  assert.deepEqual(profile?.effectsChain, LOUD);
  assert.deepEqual(
    (await b.history.listPresets()).map((p) => [p.name, p.description, p.effectsChain]),
    [
      ['Podcast mine', null, LOUD],
      ['telephone', null, LOUD],
    ],
  );
});

test('a manifest without presets or profile chains (written before effects existed) is still read', async (t) => {
  const a = await openTestHistory(t, 'a');
  const profile = await a.history.createProfile({ name: 'Plain' });
  const g = await a.history.create({ profileId: profile.id, text: 'Old archive.' }, wavAudio(0.1, 16000, 1, 4));
  const dir = tempDir(t);
  const target = join(dir, 'old.voicehistory.zip');
  await exportArchive(a.history, [g.id], target, { extensionVersion: '0.1.0' });
  // Rewrite the manifest as an older build wrote it: no "presets", no profile "effectsChain".
  const zip = await ZipArchive.open(target, importLimitsSchema.parse({}));
  const manifest = JSON.parse(await zip.readText(zip.get('manifest.json')!, 1 << 20));
  zip.close();
  delete manifest.presets;
  delete manifest.profiles[0].effectsChain;
  const { parseManifest } = await import('../../../src/archive/manifest');
  const parsed = parseManifest(JSON.stringify(manifest));
  assert.deepEqual(parsed.presets, []);
  assert.equal(parsed.profiles[0]!.effectsChain, null);
});

test("the Voicebox layout carries every version with its label, chain and default, and the voice's default chain; import keeps them", async (t) => {
  const a = await openTestHistory(t, 'a');
  const g = await seedTakes(a.history);
  const dir = tempDir(t);
  const target = join(dir, 'generation.voicebox.zip');
  await exportVoicebox(a.history, g.id, target);
  const zip = await ZipArchive.open(target, importLimitsSchema.parse({}));
  const manifest = JSON.parse(await zip.readText(zip.get('manifest.json')!, 1 << 20));
  zip.close();
  // Voicebox's own fields for the profile, plus its default chain under Voicebox's name for it.
  assert.deepEqual(Object.keys(manifest.profile).sort(), ['description', 'effects_chain', 'id', 'language', 'name']);
  assert.deepEqual(manifest.profile.effects_chain, LOUD);
  const b = await openTestHistory(t, 'b');
  const summary = await importFiles(b.history, [target], { stagingDir: dir });
  assert.equal(summary.imported, 1);
  const got = await takesOf(b.history);
  assert.deepEqual(
    got.map((v) => [v.label, v.isDefault, v.effectsChain, v.playsOnGeneration]).sort(),
    [
      ['original', false, null, false],
      ['radio voice', true, RADIO, true],
      ['take-3', false, null, false],
    ].sort(),
  );
  const [profile] = await b.history.listProfiles();
  assert.equal(profile?.name, 'Narrator');
  assert.deepEqual(profile?.effectsChain, LOUD);
});
