// Applying effects to versions (real sql.js, real files, real WAV bytes). The renderer is the
// injected port; here a stand-in that writes a real WAV (or fails, or waits to be cancelled), so
// what is tested is the all-or-nothing storing around it. The real renderer has its own tests.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { EffectsError } from '../../../src/effects/render';
import { Takes } from '../../../src/generation/takes';
import { isHistoryError } from '../../../src/history';
import type { HistoryService } from '../../../src/history/service';
import { makeWav } from '../audio/make-wav';
import { StandInRenderer } from './stand-in-renderer';
import { devRenderer } from '../effects/meters';
import { freshHistory } from '../store/helpers';

const GAIN = [{ type: 'gain', params: { gain_db: 6 } }];

let h: HistoryService;
let cleanup: () => Promise<void>;
let renderer: StandInRenderer;
let takes: Takes;
let profileId: string;

beforeEach(async () => {
  ({ h, cleanup } = await freshHistory());
  renderer = new StandInRenderer();
  takes = new Takes({ history: h, renderer: () => renderer });
  profileId = (await h.createProfile({ name: 'Alice' })).id;
});
afterEach(() => cleanup());

function audioFiles(): string[] {
  return fs
    .readdirSync(h.audioDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.\w+$/.test(f))
    .sort();
}

async function completed(text = 'Hello there') {
  const wav = makeWav({ frames: 16000, sample: (f) => 0.1 * Math.sin(f / 10) });
  return h.create({ profileId, text }, { data: new Uint8Array(wav), format: 'wav', duration: 1, sampleRate: 16000, channels: 1 });
}

describe('applyEffects', () => {
  test('stores version-2 with its full chain, from the clean original, not the default unless asked', async () => {
    const g = await completed();
    const [original] = await h.listVersions(g.id);
    const v = await takes.applyEffects(g.id, { chain: GAIN });
    assert.equal(v.label, 'version-2');
    assert.deepEqual(v.effectsChain, [{ type: 'gain', enabled: true, params: { gain_db: 6 } }], 'defaults filled in');
    assert.equal(v.sourceVersionId, original!.id);
    assert.equal(v.isDefault, false);
    assert.equal(v.sampleRate, 22050);
    assert.equal(v.duration, 0.5);
    assert.equal(v.loudnessLufs, -18.5);
    assert.equal(
      renderer.renders[0]!.source && 'path' in renderer.renders[0]!.source && renderer.renders[0]!.source.path,
      h.resolveAudioPath(original!),
    );
    const stored = fs.readFileSync(h.resolveAudioPath(v));
    assert.equal(stored.subarray(0, 4).toString('latin1'), 'RIFF');
    assert.equal((await h.get(g.id))?.audioPath, g.audioPath, 'the generation still plays the original');
  });

  test('makeDefault: the generation (tree, player, exports, public API all read it) now shows the processed version', async () => {
    const g = await completed();
    const v = await takes.applyEffects(g.id, { chain: GAIN, makeDefault: true, label: 'louder' });
    const after = await h.get(g.id);
    assert.equal(v.label, 'louder');
    assert.equal(after?.audioPath, v.audioPath);
    assert.equal(after?.duration, 0.5);
    assert.equal(after?.sampleRate, 22050);
    assert.equal(after?.contentHash, v.contentHash);
    // A second chain from the processed version names it as its source.
    const v3 = await takes.applyEffects(g.id, { chain: GAIN, sourceVersionId: v.id });
    assert.equal(v3.sourceVersionId, v.id);
    assert.equal(v3.label, 'version-3');
  });

  test('a bad chain is refused with the effect and parameter named, before anything renders', async () => {
    const g = await completed();
    await assert.rejects(
      takes.applyEffects(g.id, { chain: [{ type: 'gain', params: { gain_db: 99 } }] }),
      (e) => isHistoryError(e, 'INVALID') && /Effect 1 of 1 \(gain\): "gain_db" must be between -40 and 40/.test(e.message),
    );
    await assert.rejects(
      takes.applyEffects(g.id, { chain: [{ type: 'flanger' }] }),
      (e) => isHistoryError(e, 'INVALID') && /unknown effect type/.test(e.message),
    );
    assert.equal(renderer.renders.length, 0);
  });

  test('a failed render writes no version and leaves no audio file', async () => {
    const g = await completed();
    const before = audioFiles();
    renderer.mode = 'fail';
    await assert.rejects(
      takes.applyEffects(g.id, { chain: GAIN, makeDefault: true }),
      (e) => e instanceof EffectsError && e.code === 'crashed',
    );
    assert.equal((await h.listVersions(g.id)).length, 1);
    assert.deepEqual(audioFiles(), before);
    assert.equal((await h.get(g.id))?.audioPath, g.audioPath);
  });

  test('a render cancelled mid-way writes no version and leaves no audio file', async () => {
    const g = await completed();
    const before = audioFiles();
    renderer.hold();
    const cancel = new AbortController();
    const applying = takes.applyEffects(g.id, { chain: GAIN }, cancel.signal);
    await renderer.started;
    cancel.abort();
    await assert.rejects(applying, (e) => e instanceof EffectsError && e.code === 'cancelled');
    assert.equal((await h.listVersions(g.id)).length, 1);
    assert.deepEqual(audioFiles(), before);
  });

  test('a generation without audio is refused with what to do', async () => {
    const failed = await h.create({ profileId, text: 'x', status: 'failed', error: 'engine down' });
    await assert.rejects(
      takes.applyEffects(failed.id, { chain: GAIN }),
      (e) => isHistoryError(e, 'INVALID') && /Retry it first/.test(e.message),
    );
  });
});

test('previewEffects renders and stores nothing', async () => {
  const g = await completed();
  const before = audioFiles();
  const preview = await takes.previewEffects(g.id, { chain: GAIN });
  assert.equal(Buffer.from(preview.wav.subarray(0, 4)).toString('latin1'), 'RIFF');
  assert.equal((await h.listVersions(g.id)).length, 1);
  assert.deepEqual(audioFiles(), before);
  assert.equal((await h.get(g.id))?.audioPath, g.audioPath);
});

test('applyToMany: each generation all or nothing; a failing one does not stop the rest; cancel stops between them', async () => {
  const a = await completed('a');
  const failed = await h.create({ profileId, text: 'b', status: 'failed', error: 'x' });
  const c = await completed('c');
  const outcomes = await takes.applyToMany([a.id, failed.id, c.id], { chain: GAIN, makeDefault: true });
  assert.deepEqual(
    outcomes.map((o) => ('version' in o ? o.version.label : 'error')),
    ['version-2', 'error', 'version-2'],
  );
  assert.equal((await h.get(a.id))?.audioPath, (outcomes[0] as { version: { audioPath: string } }).version.audioPath);

  const cancel = new AbortController();
  const seen: string[] = [];
  const second = await takes.applyToMany(
    [a.id, c.id],
    { chain: GAIN },
    {
      signal: cancel.signal,
      onDone: (o) => {
        seen.push(o.generationId);
        cancel.abort();
      },
    },
  );
  assert.equal(second.length, 1, 'stopped after the first');
  assert.equal((await h.listVersions(c.id)).length, 2, 'the second generation was not touched');
});

test('loudnessOf measures once and keeps the value on the version', async () => {
  const g = await completed();
  const [v] = await h.listVersions(g.id);
  assert.equal(await takes.loudnessOf(v!), -21);
  assert.equal((await h.getVersion(v!.id))?.loudnessLufs, -21);
  assert.ok(path.isAbsolute(h.audioDir));
});

test('with the real renderer (its worker): gain +6 dB doubles the level of the stored version; a cancel stores nothing', async (t) => {
  const real = new Takes({ history: h, renderer: () => devRenderer(t) });
  const g = await completed('real render');
  const [original] = await h.listVersions(g.id);
  const v = await real.applyEffects(g.id, { chain: [{ type: 'gain', params: { gain_db: 6 } }], makeDefault: true });
  const rms = (file: string) => {
    const pcm = new Int16Array(new Uint8Array(fs.readFileSync(file)).slice(44).buffer);
    let sum = 0;
    for (const x of pcm) sum += x * x;
    return Math.sqrt(sum / pcm.length);
  };
  const ratio = rms(h.resolveAudioPath(v)) / rms(h.resolveAudioPath(original!));
  assert.ok(Math.abs(ratio - 2) < 0.05, `RMS ratio ${ratio}`);
  assert.equal((await h.get(g.id))?.audioPath, v.audioPath);
  assert.ok(v.loudnessLufs !== null, 'the render measured its loudness');

  const before = audioFiles();
  const cancel = new AbortController();
  const applying = real.applyEffects(g.id, { chain: [{ type: 'reverb' }] }, cancel.signal);
  cancel.abort();
  await assert.rejects(applying, (e) => e instanceof EffectsError && e.code === 'cancelled');
  assert.deepEqual(audioFiles(), before);
  assert.equal((await h.listVersions(g.id)).length, 2);
});
