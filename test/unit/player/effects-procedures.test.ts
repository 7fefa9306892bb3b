// The player's effects.* procedures end to end: the webview client link -> a real MessageChannel
// -> the host adapter -> playerRouter -> a real HistoryService and the Takes service, with the
// stand-in renderer (real WAV bytes) as the effects worker.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TRPCClientError } from '@trpc/client';
import { Takes } from '../../../src/generation/takes';
import { openHistory, type EffectPreset, type Generation, type HistoryService, type Version } from '../../../src/history';
import { attachRouterToWebview, type PlayerContext } from '../../../src/rpc';
import type { EffectsRpcContext } from '../../../src/player/effects-procedures';
import { playerRouter, type PlayerRouter } from '../../../src/player/router';
import { createWebviewClient } from '../../../webview-ui/rpc/client';
import { makeWav, sine } from '../audio/make-wav';
import { StandInRenderer } from '../generation/stand-in-renderer';
import { createPortPair, recordingLogger } from '../rpc/ports';

const player: PlayerContext = { currentList: () => [], currentId: () => undefined, open: () => undefined };
let dir: string;
let history: HistoryService;
let client: ReturnType<typeof createWebviewClient<PlayerRouter>>;
let bare: ReturnType<typeof createWebviewClient<PlayerRouter>>;
let g: Generation;
let confirmAnswer = false;
const confirmations: string[] = [];
const closers: Array<() => void> = [];

function serve(ctx: Omit<EffectsRpcContext, 'takes' | 'confirmDeleteVersion' | 'confirmDeletePreset'> & Partial<EffectsRpcContext>) {
  const ports = createPortPair();
  const adapter = attachRouterToWebview({ webview: ports.host, router: playerRouter, createContext: () => ctx, log: recordingLogger() });
  closers.push(() => {
    adapter.dispose();
    ports.close();
  });
  return createWebviewClient<PlayerRouter>({ target: ports.view, source: ports.view });
}

const audioFiles = () =>
  readdirSync(history.audioDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.\w+$/.test(f))
    .sort();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vh-effects-procedures-'));
  history = await openHistory({ storageDir: join(dir, 'storage'), checkOnOpen: false });
  const profile = await history.createProfile({ name: 'Alice' });
  g = await history.create(
    { profileId: profile.id, text: 'Effects here' },
    { data: makeWav({ frames: 8000, sample: sine(220, 16000) }), format: 'wav' },
  );
  const takes = new Takes({ history, renderer: () => new StandInRenderer() });
  const base = { history, player, log: recordingLogger(), toWebviewUri: (p: string) => `https://res.test${p}` };
  client = serve({
    ...base,
    takes,
    confirmDeleteVersion: async (v: Version) => {
      confirmations.push(v.label);
      return confirmAnswer;
    },
    confirmDeletePreset: async (p: EffectPreset) => {
      confirmations.push(`preset ${p.name}`);
      return confirmAnswer;
    },
  });
  bare = serve(base);
});

after(async () => {
  for (const close of closers) close();
  await history?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('catalog: every effect with its parameter ranges, the built-in presets and the user presets', async () => {
  await history.createPreset({ name: 'Mine', effectsChain: [{ type: 'gain', enabled: true, params: { gain_db: 2 } }] });
  const c = await client.effects.catalog.query();
  assert.ok(c.types.includes('normalize') && c.types.includes('pitch_shift'));
  assert.deepEqual({ min: c.definitions.gain.params.gain_db.min, max: c.definitions.gain.params.gain_db.max }, { min: -40, max: 40 });
  assert.deepEqual(c.builtIn.map((p) => p.id).slice(0, 4), ['robotic', 'radio', 'echo_chamber', 'deep_voice']);
  assert.deepEqual(
    c.presets.map((p) => p.name),
    ['Mine'],
  );
});

test('preview returns WAV bytes and stores nothing; a bad chain names the effect and parameter', async () => {
  const before = audioFiles();
  const r = await client.effects.preview.mutate({ generationId: g.id, chain: [{ type: 'gain', params: { gain_db: 6 } }] });
  const bytes = r.wav as unknown as Uint8Array;
  assert.equal(Buffer.from(bytes.subarray(0, 4)).toString('latin1'), 'RIFF');
  assert.equal(r.durationMs, 500);
  assert.deepEqual(audioFiles(), before);
  assert.equal((await history.listVersions(g.id)).length, 1);
  await assert.rejects(
    client.effects.preview.mutate({ generationId: g.id, chain: [{ type: 'gain', params: { gain_db: 400 } }] }),
    (e) => e instanceof TRPCClientError && /gain_db/.test(e.message),
  );
});

test('saveVersion, takes with summaries, loudness, rename, and delete only after confirmation (never the last one)', async () => {
  const v = await client.effects.saveVersion.mutate({
    generationId: g.id,
    chain: [{ type: 'highpass', params: { cutoff_frequency_hz: 80 } }],
    makeDefault: true,
  });
  assert.equal(v.label, 'version-2');
  assert.equal((await history.get(g.id))?.audioPath, v.audioPath);
  const rows = await client.effects.takes.query({ generationId: g.id });
  assert.deepEqual(
    rows.map((r) => [r.label, r.summary, r.isDefault]),
    [
      ['original', 'no effects', false],
      ['version-2', 'highpass 80 Hz', true],
    ],
  );
  assert.deepEqual(await client.effects.loudness.query({ versionId: rows[0]!.id }), { lufs: -21 });
  assert.equal((await history.getVersion(rows[0]!.id))?.loudnessLufs, -21, 'kept on the version');
  assert.equal((await client.effects.renameVersion.mutate({ versionId: v.id, label: 'bright' })).label, 'bright');

  confirmAnswer = false;
  assert.deepEqual(await client.effects.deleteVersion.mutate({ versionId: v.id }), { deleted: false });
  assert.equal((await history.listVersions(g.id)).length, 2, 'nothing deleted without a yes');
  confirmAnswer = true;
  assert.deepEqual(await client.effects.deleteVersion.mutate({ versionId: v.id }), { deleted: true });
  assert.deepEqual(confirmations, ['bright', 'bright']);
  const [last] = await history.listVersions(g.id);
  await assert.rejects(
    client.effects.deleteVersion.mutate({ versionId: last!.id }),
    (e) => e instanceof TRPCClientError && /only version/.test(e.message),
  );
});

test('presets from the panel: save from the chain, rename, delete', async () => {
  const p = await client.effects.savePreset.mutate({ name: 'Warm', chain: [{ type: 'lowpass', params: { cutoff_frequency_hz: 6000 } }] });
  assert.deepEqual(p.effectsChain, [{ type: 'lowpass', enabled: true, params: { cutoff_frequency_hz: 6000 } }]);
  assert.equal((await client.effects.renamePreset.mutate({ id: p.id, name: 'Warmer' })).name, 'Warmer');
  // Deleting asks first, naming the preset; a "no" keeps it.
  const asked = confirmations.length;
  confirmAnswer = false;
  assert.deepEqual(await client.effects.deletePreset.mutate({ id: p.id }), { deleted: false });
  assert.deepEqual(confirmations.slice(asked), ['preset Warmer']);
  assert.ok((await history.listPresets()).some((x) => x.id === p.id));
  confirmAnswer = true;
  assert.deepEqual(await client.effects.deletePreset.mutate({ id: p.id }), { deleted: true });
  assert.equal(
    (await history.listPresets()).some((x) => x.id === p.id),
    false,
  );
  await assert.rejects(
    client.effects.deletePreset.mutate({ id: p.id }),
    (e) => e instanceof TRPCClientError && /no longer exists/.test(e.message),
  );
  await assert.rejects(
    client.effects.savePreset.mutate({ name: 'Empty', chain: [] }),
    (e) => e instanceof TRPCClientError && /at least one effect/.test(e.message),
  );
});

test("Set as Voice Default: the generation's voice gets the chain; an empty chain removes it", async () => {
  const r = await client.effects.setVoiceChain.mutate({ generationId: g.id, chain: [{ type: 'gain', params: { gain_db: 1 } }] });
  assert.equal(r.profileName, 'Alice');
  assert.deepEqual((await history.getProfile(g.profileId))?.effectsChain, [{ type: 'gain', enabled: true, params: { gain_db: 1 } }]);
  await client.effects.setVoiceChain.mutate({ generationId: g.id, chain: [] });
  assert.equal((await history.getProfile(g.profileId))?.effectsChain, null);
});

test('a webview without the effects service is told so', async () => {
  await assert.rejects(bare.effects.catalog.query(), (e) => e instanceof TRPCClientError && /not available/.test(e.message));
});
