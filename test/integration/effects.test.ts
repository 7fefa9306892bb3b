// Apply Effects…, Apply Preset to Selected… and Normalize Loudness of Selected… inside a real VS
// Code with the real effects renderer (its worker from dist/): what each stores, what plays after.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BulkOutcome } from '../../src/generation/takes';
import type { Generation, Version } from '../../src/history';
import { wavHeader } from '../../src/audio/wav';
import { cleanUp, setConfig, treeFixture, type TreeFixture } from './tree-helpers';

/** One second of a 220 Hz tone at about -20 dBFS, 16 kHz mono 16-bit. */
function tone(seconds = 1, sampleRate = 16000): Uint8Array {
  const frames = Math.round(seconds * sampleRate);
  const pcm = new Int16Array(frames);
  for (let i = 0; i < frames; i++) pcm[i] = Math.round(3277 * Math.sin((2 * Math.PI * 220 * i) / sampleRate));
  const header = wavHeader({ sampleRate, channels: 1, bitsPerSample: 16, dataLength: pcm.byteLength });
  const out = new Uint8Array(header.length + pcm.byteLength);
  out.set(header, 0);
  out.set(new Uint8Array(pcm.buffer), header.length);
  return out;
}

// Bundled into out/, three levels below the repository.
const audioFixtures = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'archives', 'audio');

/** A WAV's sample rate and channel count, read from its fmt chunk (canonical 44-byte header as the renderer writes). */
function wavFormat(bytes: Uint8Array): { sampleRate: number; channels: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { channels: view.getUint16(22, true), sampleRate: view.getUint32(24, true) };
}

async function spoken(f: TreeFixture, text: string): Promise<Generation> {
  return f.history.create({ profileId: f.profile.id, text }, { data: tone(), format: 'wav', duration: 1, sampleRate: 16000, channels: 1 });
}

describe('Effects commands', function () {
  this.timeout(60_000);
  let f: TreeFixture;

  before(async () => {
    await setConfig('tree.groupBy', 'date');
  });
  beforeEach(async () => {
    f = await treeFixture('Effects');
  });
  afterEach(async () => {
    await cleanUp(f);
  });
  after(async () => {
    await setConfig('tree.groupBy', undefined);
  });

  it('Apply Preset to Selected: each generation gets a rendered version-2 that becomes its default; a failed one is left as it was', async () => {
    const a = await spoken(f, 'Radio one');
    const b = await spoken(f, 'Radio two');
    const failed = await f.history.create({ profileId: f.profile.id, text: 'No audio', status: 'failed', error: 'engine down' });
    const outcomes = await vscode.commands.executeCommand<BulkOutcome[]>('voiceHistory.applyPresetToSelected', [a.id, failed.id, b.id], {
      preset: 'radio',
      makeDefault: true,
    });
    assert.deepEqual(
      outcomes.map((o) => ('version' in o ? o.version.label : 'error')),
      ['version-2', 'error', 'version-2'],
    );
    for (const g of [a, b]) {
      const versions = await f.history.listVersions(g.id);
      assert.deepEqual(
        versions.map((v) => [v.label, v.isDefault]),
        [
          ['original', false],
          ['version-2', true],
        ],
      );
      const processed = versions[1]!;
      assert.deepEqual(
        (processed.effectsChain as Array<{ type: string }>).map((e) => e.type),
        ['highpass', 'lowpass', 'compressor', 'gain'],
      );
      assert.equal(processed.sourceVersionId, versions[0]!.id);
      const bytes = await fs.readFile(f.history.resolveAudioPath(processed));
      assert.equal(bytes.subarray(0, 4).toString('latin1'), 'RIFF');
      assert.notEqual(processed.contentHash, versions[0]!.contentHash, 'the audio was processed');
      assert.equal((await f.history.get(g.id))?.audioPath, processed.audioPath, 'the generation plays the processed version');
      const api = await f.api.get(g.id);
      assert.equal(api?.audioPath, processed.audioPath, 'the public API sees the new default');
    }
    assert.equal((await f.history.listVersions(failed.id)).length, 0);
  });

  it('Normalize Loudness of Selected: the Podcast target measures -16 LUFS and becomes the default', async () => {
    const g = await spoken(f, 'Loudness');
    const [outcome] = await vscode.commands.executeCommand<BulkOutcome[]>('voiceHistory.normalizeLoudness', [g.id], { preset: 'podcast' });
    assert.ok(outcome && 'version' in outcome, JSON.stringify(outcome));
    const v: Version = outcome.version;
    assert.equal(v.isDefault, true);
    assert.ok(v.loudnessLufs !== null && Math.abs(v.loudnessLufs + 16) <= 0.5, `measured ${v.loudnessLufs} LUFS`);
  });

  it('Apply Effects on an MP3 and an Ogg/Vorbis generation: the shipped worker decodes them (its LGPL decoders) into a WAV version', async () => {
    for (const [file, format, sampleRate, channels] of [
      ['tone.mp3', 'mp3', 22050, 1],
      ['tone.ogg', 'ogg', 44100, 2],
    ] as const) {
      const g = await f.history.create(
        { profileId: f.profile.id, text: `Encoded as ${format}` },
        { data: await fs.readFile(path.join(audioFixtures, file)), format },
      );
      const outcome = await vscode.commands.executeCommand<BulkOutcome>('voiceHistory.applyEffects', g.id, {
        chain: [{ type: 'gain', params: { gain_db: 3 } }],
      });
      assert.ok('version' in outcome, `${format}: ${JSON.stringify(outcome)}`);
      const bytes = await fs.readFile(f.history.resolveAudioPath(outcome.version));
      assert.equal(bytes.subarray(0, 4).toString('latin1'), 'RIFF', `${format}: the version is a WAV`);
      assert.deepEqual(wavFormat(bytes), { sampleRate, channels }, `${format}: at the source's rate and channels`);
      assert.ok(outcome.version.duration !== null && outcome.version.duration > 0.2, `${format}: ${outcome.version.duration} s`);
    }
  });

  it('Apply Effects with a chain: a version that is not the default unless asked, labelled as given', async () => {
    const g = await spoken(f, 'Louder');
    const outcome = await vscode.commands.executeCommand<BulkOutcome>('voiceHistory.applyEffects', g.id, {
      chain: [{ type: 'gain', params: { gain_db: 6 } }],
      label: 'louder',
    });
    assert.ok('version' in outcome, JSON.stringify(outcome));
    assert.equal(outcome.version.label, 'louder');
    assert.equal(outcome.version.isDefault, false);
    assert.equal((await f.history.get(g.id))?.audioPath, g.audioPath);
  });
});
