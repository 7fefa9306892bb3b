// Chains from a Voicebox export, through our importer and history, rendered by our engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importFiles } from '../../../src/archive/import';
import { describeChain, parseChain } from '../../../src/effects/chain';
import { craftZip } from '../../fixtures/archives/craft-zip';
import { allGenerations, openTestHistory } from '../archive/helpers';
import { devRenderer, durationSeconds, ebur128, read, scratch, synth, writeTemp } from './meters';

// Verbatim from jamiepine/voicebox backend/utils/effects.py BUILTIN_PRESETS (as its database and
// exports store them: JSON, with Python's floats).
const RADIO = JSON.parse(`[
  {"type": "highpass", "enabled": true, "params": {"cutoff_frequency_hz": 300.0}},
  {"type": "lowpass", "enabled": true, "params": {"cutoff_frequency_hz": 3500.0}},
  {"type": "compressor", "enabled": true, "params": {"threshold_db": -15.0, "ratio": 6.0, "attack_ms": 5.0, "release_ms": 50.0}},
  {"type": "gain", "enabled": true, "params": {"gain_db": 6.0}}
]`) as unknown[];
const ROBOTIC = JSON.parse(
  `[{"type": "chorus", "enabled": true, "params": {"rate_hz": 0.2, "depth": 1.0, "feedback": 0.35, "centre_delay_ms": 7.0, "mix": 0.5}}]`,
) as unknown[];
const DEEP_VOICE_AND_ECHO = JSON.parse(`[
  {"type": "pitch_shift", "enabled": true, "params": {"semitones": -3.0}},
  {"type": "lowpass", "enabled": true, "params": {"cutoff_frequency_hz": 6000.0}},
  {"type": "reverb", "enabled": true, "params": {"room_size": 0.85, "damping": 0.3, "wet_level": 0.45, "dry_level": 0.55, "width": 1.0}},
  {"type": "delay", "enabled": false, "params": {"delay_seconds": 0.25, "feedback": 0.3, "mix": 0.2}}
]`) as unknown[];

test('the chains of a Voicebox ZIP import and render: Voicebox preset chains on 24 kHz mono audio', async (t) => {
  const dir = scratch(t);
  const h = await openTestHistory(t);
  const original = read(synth(dir, 'original.wav', 24000, 1, ['synth', '2', 'pinknoise', 'tremolo', '4', '80', 'gain', '-18']));
  const zip = join(dir, 'generation-Radio-test.voicebox.zip');
  const version = (id: string, label: string, chain: unknown[] | null, isDefault = false) => ({
    id,
    label,
    is_default: isDefault,
    effects_chain: chain,
    filename: 'original.wav',
  });
  writeFileSync(
    zip,
    craftZip([
      {
        name: 'manifest.json',
        method: 8,
        data: Buffer.from(
          JSON.stringify({
            version: '1.0',
            generation: { id: 'vb-fx', text: 'Testing effects', language: 'en', duration: 2, created_at: '2025-03-01T10:00:00' },
            profile: { id: 'p-1', name: 'Narrator', language: 'en' },
            versions: [
              version('v-1', 'original', null, true),
              version('v-2', 'radio', RADIO),
              version('v-3', 'robotic', ROBOTIC),
              version('v-4', 'deep', DEEP_VOICE_AND_ECHO),
            ],
          }),
        ),
      },
      { name: 'audio/original.wav', data: Buffer.from(original), method: 8 },
    ]),
  );
  const summary = await importFiles(h.history, [zip]);
  assert.deepEqual([summary.imported, summary.rejected], [1, []]);
  const [g] = await allGenerations(h.history);
  const versions = await h.history.listVersions(g!.id);
  const source = versions.find((v) => v.label === 'original')!;
  const renderer = devRenderer(t);
  const rendered: Record<string, string> = {};
  for (const v of versions.filter((x) => x.effectsChain)) {
    const chain = parseChain(v.effectsChain);
    const out = await renderer.render({ path: h.history.resolveAudioPath(source) }, chain);
    const path = writeTemp(dir, `${v.label}.wav`, out.wav);
    const seconds = durationSeconds(path);
    // ffmpeg reads what we wrote; the sound is there (not silence, not clipped to nothing).
    const { integrated } = ebur128(path);
    assert.ok(integrated > -40 && integrated < 0, `${v.label}: ${integrated} LUFS`);
    rendered[v.label] = `${describeChain(chain)} | ${seconds >= 2 - 0.05 ? 'full length' : `${seconds} s`}`;
  }
  assert.deepEqual(rendered, {
    radio: 'highpass 300 Hz → lowpass 3.5 kHz → compressor 6:1 → gain +6 dB | full length',
    robotic: 'chorus | full length',
    deep: 'pitch −3 st → lowpass 6 kHz → reverb | full length',
  });
});
