// What the renderer does with input it must refuse, and when it is cancelled or dies: a clear
// EffectsError, a rejected promise (so the caller stores nothing) and no file left anywhere by it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, readdirSync, ftruncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { wavHeader } from '../../../src/audio/wav';
import { parseChain, type EffectsChain } from '../../../src/effects/chain';
import { EffectsError, type EffectsErrorCode } from '../../../src/effects/render';
import { devRenderer, read, scratch, synth } from './meters';

async function rejection(promise: Promise<unknown>, code: EffectsErrorCode, message: RegExp): Promise<EffectsError> {
  const error = await promise.then(
    () => assert.fail('expected the render to fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EffectsError, `expected an EffectsError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  assert.match(error.message, message);
  return error;
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    assert.ok(Date.now() < deadline, what);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const FIXTURES = join(import.meta.dirname, 'fixtures');

test('an unknown effect or a NaN/huge parameter sent straight to the renderer is refused, naming it', async (t) => {
  const dir = scratch(t);
  const renderer = devRenderer(t);
  const input = synth(dir, 'in.wav', 24000, 1, ['synth', '0.5', 'sine', '440']);
  // The renderer checks the chain again in the worker: a caller that skipped parseChain is caught too.
  const unchecked = (chain: unknown): EffectsChain => chain as EffectsChain;
  await rejection(
    renderer.render({ path: input }, unchecked([{ type: 'wobble' }])),
    'invalid-chain',
    /Effect 1 of 1: unknown effect type "wobble"/,
  );
  await rejection(
    renderer.render({ path: input }, unchecked([{ type: 'gain', params: { gain_db: Number.NaN } }])),
    'invalid-chain',
    /Effect 1 of 1 \(gain\): "gain_db" must be a number \(got NaN\)/,
  );
  await rejection(
    renderer.render({ path: input }, unchecked([{ type: 'reverb' }, { type: 'delay', params: { delay_seconds: 1e9 } }])),
    'invalid-chain',
    /Effect 2 of 2 \(delay\): "delay_seconds" must be between 0.01 and 2 s/,
  );
  assert.deepEqual(readdirSync(dir), ['in.wav'], 'nothing written');
});

test('a 2-hour WAV is refused from its header, before it is read', async (t) => {
  const dir = scratch(t);
  const path = join(dir, 'two-hours.wav');
  // A real 2-hour 24 kHz 16-bit file of silence, made sparse: 345 MB that take no disk and no time.
  const dataLength = 2 * 3600 * 24000 * 2;
  const fd = openSync(path, 'w');
  writeSync(fd, wavHeader({ sampleRate: 24000, channels: 1, bitsPerSample: 16, dataLength }));
  ftruncateSync(fd, 44 + dataLength);
  closeSync(fd);
  const renderer = devRenderer(t);
  const started = Date.now();
  await rejection(
    renderer.render({ path }, parseChain([{ type: 'gain' }])),
    'too-long',
    /2 h 0 min long; effects are applied to at most 1 h 0 min/,
  );
  await rejection(renderer.analyze({ path }), 'too-long', /Split it into shorter parts/);
  assert.ok(Date.now() - started < 10_000, 'refused without reading 345 MB');
  assert.deepEqual(readdirSync(dir), ['two-hours.wav']);
});

test('a corrupt MP3, a damaged WAV and a file that is not audio: clear errors', async (t) => {
  const renderer = devRenderer(t);
  const chain = parseChain([{ type: 'gain' }]);
  const corruptMp3 = new Uint8Array([
    ...Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00'),
    ...Array.from({ length: 2000 }, (_, i) => (i * 37) & 0xff),
  ]);
  await rejection(renderer.render({ bytes: corruptMp3 }, chain), 'corrupt-input', /MP3 file .*damaged|MP3 file could not be decoded/);
  const damagedWav = wavHeader({ sampleRate: 24000, channels: 1, bitsPerSample: 16, dataLength: 100 }).slice(0, 30);
  await rejection(renderer.render({ bytes: damagedWav }, chain), 'corrupt-input', /WAV/);
  await rejection(
    renderer.render({ bytes: new TextEncoder().encode('just some text, not audio') }, chain),
    'corrupt-input',
    /not WAV, MP3, FLAC or OGG/,
  );
  const aLaw = wavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 8, dataLength: 8 });
  new DataView(aLaw.buffer).setUint16(20, 6, true);
  await rejection(renderer.render({ bytes: new Uint8Array([...aLaw, 1, 2, 3, 4, 5, 6, 7, 8]) }, chain), 'unsupported-input', /8-bit alaw/);
});

test('a cancelled render stops at once and rejects; nothing is written', async (t) => {
  const dir = scratch(t);
  // 10 minutes: far longer to render than the test waits.
  const input = synth(dir, 'long.wav', 24000, 1, ['synth', '600', 'pinknoise', 'gain', '-20']);
  const renderer = devRenderer(t);
  const controller = new AbortController();
  const chain = parseChain([{ type: 'reverb' }, { type: 'tempo', params: { rate: 0.8 } }, { type: 'normalize' }]);
  const render = renderer.render({ path: input }, chain, { signal: controller.signal });
  setTimeout(() => controller.abort(), 300);
  const started = Date.now();
  await rejection(render, 'cancelled', /cancelled; nothing was saved/);
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms to stop`);
  // The worker is gone, not just ignored.
  await until(() => renderer.running === 0, 2000, "the cancelled render's worker is still running");
  assert.deepEqual(readdirSync(dir), ['long.wav']);
  // Already aborted: refused without starting.
  await rejection(renderer.render({ path: input }, chain, { signal: AbortSignal.abort() }), 'cancelled', /cancelled/);
});

test('a renderer that dies mid-way or throws is a clear "crashed" error', async (t) => {
  const dir = scratch(t);
  const input = read(synth(dir, 'in.wav', 24000, 1, ['synth', '1', 'sine', '440']));
  const chain = parseChain([{ type: 'gain' }]);
  await rejection(
    devRenderer(t, join(FIXTURES, 'exiting-worker.mjs')).render({ bytes: input }, chain),
    'crashed',
    /stopped unexpectedly \(exit code 3\)\. Try again; nothing was saved/,
  );
  await rejection(
    devRenderer(t, join(FIXTURES, 'throwing-worker.mjs')).render({ bytes: input }, chain),
    'crashed',
    /crashed \(simulated crash in the renderer\)\. Try again; nothing was saved/,
  );
  assert.deepEqual(readdirSync(dir), ['in.wav']);
});

test('dispose() ends running renders as cancelled', async (t) => {
  const dir = scratch(t);
  const input = synth(dir, 'long.wav', 24000, 1, ['synth', '300', 'pinknoise', 'gain', '-20']);
  const renderer = devRenderer(t);
  const render = renderer.render({ path: input }, parseChain([{ type: 'reverb' }, { type: 'reverb' }]));
  setTimeout(() => renderer.dispose(), 300);
  await rejection(render, 'cancelled', /shut down/);
  await until(() => renderer.running === 0, 2000, 'dispose() left a worker running');
  await rejection(renderer.render({ path: input }, []), 'cancelled', /shut down/);
});

test('one warm worker serves render after render, survives a refused job, and is replaced after a cancel', async (t) => {
  const dir = scratch(t);
  const input = synth(dir, 'in.wav', 24000, 1, ['synth', '1', 'sine', '440']);
  const renderer = devRenderer(t);
  const gain = parseChain([{ type: 'gain', params: { gain_db: -3 } }]);
  await renderer.render({ path: input }, gain);
  assert.equal(renderer.running, 1, 'kept warm');
  await rejection(renderer.render({ path: input }, [{ type: 'nope' }] as unknown as EffectsChain), 'invalid-chain', /nope/);
  const again = await renderer.render({ path: input }, gain);
  assert.equal(renderer.running, 1, 'the same worker, not a second one');
  assert.ok(again.durationMs === 1000);
  const controller = new AbortController();
  const long = synth(dir, 'long.wav', 24000, 1, ['synth', '300', 'pinknoise']);
  const cancelledRender = renderer.render({ path: long }, parseChain([{ type: 'reverb' }, { type: 'reverb' }]), {
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(), 200);
  await rejection(cancelledRender, 'cancelled', /cancelled/);
  await until(() => renderer.running === 0, 2000, 'the cancelled worker is still there');
  assert.equal((await renderer.render({ path: input }, gain)).durationMs, 1000, 'a new worker renders after a cancel');
});
