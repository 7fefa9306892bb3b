import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../../../src/engines/engine';
import { FliteEngine } from '../../../src/engines/flite';
import { EngineCatalog } from '../../../src/generation/engines';
import { originOf, sourceLabel } from '../../../src/generation/origin';
import { GenerationRequestError } from '../../../src/generation/request';
import { GenerationRunner } from '../../../src/generation/runner';
import { openHistory, type ChangeEvent, type GenerationStatus, type HistoryService } from '../../../src/history';
import { fliteDevOptions, readWavHeader } from '../engines/flite-dev';
import { FakeEngine, wav } from './fake-engine';

interface Setup {
  history: HistoryService;
  runner: GenerationRunner;
  engine: FakeEngine;
  seeded: FakeEngine;
  dir: string;
  /** Statuses of each generation in the order change events reported them. */
  statuses: Map<string, GenerationStatus[]>;
}

async function setup(t: TestContext): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'vh-generation-'));
  const history = await openHistory({
    storageDir: join(dir, 'storage'),
    checkOnOpen: false,
    tuning: { pollIntervalMs: 0, compactOnClose: false },
  });
  t.after(async () => {
    await history.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const engine = new FakeEngine('fake');
  const seeded = new FakeEngine('seeded', {
    capabilities: { seed: true, languages: true, instruct: true },
    languages: ['en', 'de'],
    displayName: 'Seeded engine',
  });
  const engines = new EngineCatalog([
    { id: 'fake', displayName: 'Fake engine', create: () => engine, keep: true },
    { id: 'seeded', displayName: 'Seeded engine', create: () => seeded, keep: true },
  ]);
  let nextSeed = 1000;
  const runner = new GenerationRunner({ history, engines, randomSeed: () => nextSeed++ });
  const statuses = new Map<string, GenerationStatus[]>();
  const sub = history.onDidChange((e: ChangeEvent) => {
    if (e.kind !== 'entity' || e.entity !== 'generation' || e.op === 'deleted') return;
    for (const id of e.ids) {
      void history.get(id).then((g) => {
        if (!g) return;
        const list = statuses.get(id) ?? [];
        if (list.at(-1) !== g.status) list.push(g.status);
        statuses.set(id, list);
      });
    }
  });
  t.after(() => sub.dispose());
  return { history, runner, engine, seeded, dir, statuses };
}

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof GenerationRequestError, `expected GenerationRequestError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('GenerationRunner', () => {
  test('records a pending row before the engine answers, then completes it with the audio', async (t) => {
    const s = await setup(t);
    const entered = s.engine.hold();
    const started = await s.runner.start({ engine: 'fake', voice: 'v1', text: 'Hello there.' });
    assert.equal(started.pending.status, 'pending');
    assert.equal(started.pending.audioPath, null);
    await entered;
    const during = await s.history.get(started.pending.id);
    assert.equal(during?.status, 'generating', 'generating while the engine works');
    s.engine.release();
    const done = await started.done;
    assert.equal(done.id, started.pending.id);
    assert.equal(done.status, 'completed');
    assert.equal(done.text, 'Hello there.');
    assert.equal(done.engine, 'fake');
    assert.equal(done.model, 'fake-model-1');
    assert.equal(done.source, 'engine');
    assert.equal(done.duration, 0.5);
    assert.equal(done.language, 'en-GB', "the voice's language");
    assert.deepEqual(done.settings, { speed: 1 });
    assert.equal(done.profileName, 'Voice One');
    const bytes = readFileSync(s.history.resolveAudioPath(done));
    assert.deepEqual(new Uint8Array(bytes), wav(0.5));
    const profile = await s.history.getProfile(done.profileId);
    assert.deepEqual([profile?.engine, profile?.voiceId, profile?.description], ['fake', 'v1', 'test voice']);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(s.statuses.get(done.id), ['pending', 'generating', 'completed']);
  });

  test("an engine error leaves the row failed with the engine's own message and no audio", async (t) => {
    const s = await setup(t);
    const message = 'The OpenAI-compatible server rejected the API key (401: bad key). Run "Voice History: Set API Key…".';
    s.engine.outcomes = [{ error: new EngineError('auth', message, 'fake', { status: 401 }) }];
    const g = await s.runner.generate({ engine: 'fake', voice: 'v1', text: 'Will fail.' });
    assert.equal(g.status, 'failed');
    assert.equal(g.error, message);
    assert.equal(g.audioPath, null);
    assert.equal((await s.history.get(g.id))?.status, 'failed', 'stored, not only returned');
  });

  test('an unexpected exception is recorded too, saying which engine broke', async (t) => {
    const s = await setup(t);
    s.engine.outcomes = [{ error: new TypeError('boom') }];
    const g = await s.runner.generate({ engine: 'fake', voice: 'v1', text: 'x' });
    assert.equal(g.status, 'failed');
    assert.equal(g.error, 'Fake engine failed unexpectedly: boom');
  });

  test('cancel aborts the engine and keeps the attempt as failed (ready to retry)', async (t) => {
    const s = await setup(t);
    const abort = new AbortController();
    const entered = s.engine.hold();
    const started = await s.runner.start({ engine: 'fake', voice: 'v1', text: 'Long text' }, abort.signal);
    await entered;
    abort.abort();
    const g = await started.done;
    assert.ok(s.engine.signals[0]?.aborted, 'the engine saw the abort');
    assert.equal(g.status, 'failed');
    assert.equal(g.error, 'Fake engine generation was cancelled.');
    s.engine.release();
  });

  test('input that cannot be recorded is refused with a clear message and nothing is stored', async (t) => {
    const s = await setup(t);
    await rejects(s.runner.start({ engine: 'fake', voice: 'v1', text: '   ' }), /text is empty/);
    await rejects(s.runner.start({ engine: 'fake', voice: '', text: 'hi' }), /voice/);
    await rejects(s.runner.start({ engine: 'fake', voice: 'v1', text: 'hi', colour: 'red' } as never), /colour|Known fields/);
    await rejects(s.runner.start({ engine: 'fake', voice: 'v1', text: 'hi', instruct: 'slowly' }), /Fake engine takes no instructions/);
    await rejects(s.runner.start({ engine: 'fake', voice: 'v1', text: 'hi', seed: 4 }), /Fake engine takes no seed/);
    await rejects(s.runner.start({ engine: 'fake', voice: 'v1', text: 'hi', seed: -1 }), /seed/);
    await assert.rejects(s.runner.start({ engine: 'nope', voice: 'v1', text: 'hi' }), /no speech engine "nope".*fake, seeded/);
    const page = await s.history.list({ pageSize: 10, offset: 0 });
    assert.equal(page.total, 0);
    assert.deepEqual(s.engine.requests, []);
  });

  test('the same voice reuses its profile; a voice list that fails names the profile after the voice id', async (t) => {
    const s = await setup(t);
    const a = await s.runner.generate({ engine: 'fake', voice: 'v1', text: 'one' });
    const b = await s.runner.generate({ engine: 'fake', voice: 'v1', text: 'two' });
    assert.equal(a.profileId, b.profileId);
    s.engine.voicesFail = true;
    const c = await s.runner.generate({ engine: 'fake', voice: 'v9', text: 'three' });
    assert.equal(c.status, 'completed');
    assert.equal(c.profileName, 'v9');
    const d = await s.runner.generate({ engine: 'fake', voice: 'v8', profileName: 'Named by caller', text: 'four' });
    assert.equal(d.profileName, 'Named by caller');
  });

  test('passes language, seed, instruct and model to an engine that takes them, and records them', async (t) => {
    const s = await setup(t);
    const g = await s.runner.generate({
      engine: 'seeded',
      voice: 'v1',
      text: 'Guten Tag',
      language: 'de',
      seed: 42,
      instruct: 'warmly',
      model: 'm2',
      settings: { speed: 1.1 },
    });
    assert.deepEqual(s.seeded.requests[0], {
      text: 'Guten Tag',
      voice: 'v1',
      language: 'de',
      seed: 42,
      instruct: 'warmly',
      model: 'm2',
      settings: { speed: 1.1 },
    });
    assert.deepEqual([g.language, g.seed, g.instruct, g.model], ['de', 42, 'warmly', 'm2']);
    assert.equal(originOf(g)?.seed, 'fixed');
    // An engine without language choice is not sent one (but the row keeps it).
    const f = await s.runner.generate({ engine: 'fake', voice: 'v1', text: 'Hi', language: 'en-US' });
    assert.equal(s.engine.requests[0]?.language, undefined);
    assert.equal(f.language, 'en-US');
  });

  test('records the external id the engine reports (ElevenLabs history-item-id)', async (t) => {
    const s = await setup(t);
    s.engine.outcomes = [{ audio: wav(0.2), externalId: 'hist-123' }];
    const g = await s.runner.generate({ engine: 'fake', voice: 'v1', text: 'x' });
    assert.equal(g.externalId, 'hist-123');
    assert.equal((await s.history.findByExternalId('hist-123'))?.id, g.id);
  });

  test('records the source document and range; regenerate keeps them', async (t) => {
    const s = await setup(t);
    const document = { uri: 'file:///work/script%20one.md', startLine: 6, startCharacter: 0, endLine: 6, endCharacter: 42 };
    const g = await s.runner.generate({ engine: 'fake', voice: 'v1', text: 'A line', document });
    assert.deepEqual(originOf(g)?.document, document);
    assert.equal(sourceLabel(originOf(g)!.document!), 'script one.md:7');
    const again = await (await s.runner.regenerate(g.id)).done;
    assert.deepEqual(originOf(again)?.document, document);
    assert.equal(originOf(again)?.regeneratedFrom, g.id);
  });

  test('regenerate: a new take with the same text and settings and a new random seed', async (t) => {
    const s = await setup(t);
    const first = await s.runner.generate({
      engine: 'seeded',
      voice: 'v1',
      text: 'Take me again',
      language: 'de',
      instruct: 'softly',
      settings: { speed: 0.9 },
    });
    assert.equal(first.seed, 1000, 'a random seed is chosen and recorded');
    assert.equal(originOf(first)?.seed, 'random');
    const started = await s.runner.regenerate(first.id);
    assert.notEqual(started.pending.id, first.id, 'a new row');
    const take = await started.done;
    assert.equal(take.status, 'completed');
    assert.equal(take.seed, 1001, 'new seed');
    assert.deepEqual([take.text, take.language, take.instruct, take.profileId], [first.text, 'de', 'softly', first.profileId]);
    assert.deepEqual(s.seeded.requests[1], {
      text: 'Take me again',
      voice: 'v1',
      language: 'de',
      seed: 1001,
      instruct: 'softly',
      model: 'fake-model-1',
      settings: { speed: 0.9 },
    });
    assert.equal((await s.history.get(first.id))?.status, 'completed', 'the original is untouched');
  });

  test('regenerate keeps a seed the user fixed', async (t) => {
    const s = await setup(t);
    const first = await s.runner.generate({ engine: 'seeded', voice: 'v1', text: 'Same seed', seed: 7 });
    const take = await (await s.runner.regenerate(first.id)).done;
    assert.equal(take.seed, 7);
    assert.equal(originOf(take)?.seed, 'fixed');
  });

  test('regenerate refuses a generation with no engine voice (imported or recorded by another tool)', async (t) => {
    const s = await setup(t);
    const profile = await s.history.createProfile({ name: 'Imported voice' });
    const g = await s.history.create(
      { profileId: profile.id, text: 'from a zip', status: 'failed', error: 'x', source: 'import' },
      undefined,
    );
    await rejects(s.runner.regenerate(g.id), /Cannot regenerate this generation: it was imported without an engine voice.*Generate Speech/);
    await rejects(s.runner.retry(g.id), /Cannot retry/);
  });

  test('retry runs a failed generation again in place and completes it', async (t) => {
    const s = await setup(t);
    s.engine.outcomes = [{ error: new EngineError('network', 'Could not reach the server.', 'fake') }, { audio: wav(0.3) }];
    const failed = await s.runner.generate({ engine: 'fake', voice: 'v1', text: 'Second time lucky', settings: { speed: 1.5 } });
    assert.equal(failed.status, 'failed');
    const started = await s.runner.retry(failed.id);
    assert.equal(started.pending.id, failed.id);
    assert.equal(started.pending.status, 'pending');
    assert.equal(started.pending.error, null);
    const done = await started.done;
    assert.equal(done.id, failed.id);
    assert.equal(done.status, 'completed');
    assert.equal(done.duration, 0.3);
    assert.deepEqual(s.engine.requests[1]?.settings, { speed: 1.5 }, 'same settings');
    const page = await s.history.list({ pageSize: 10, offset: 0 });
    assert.equal(page.total, 1, 'no extra row');
    await rejects(s.runner.retry(failed.id), /completed; use Regenerate/);
  });

  test('retry refuses a generation that is still running, and takes one left pending by a closed window', async (t) => {
    const s = await setup(t);
    const entered = s.engine.hold();
    const started = await s.runner.start({ engine: 'fake', voice: 'v1', text: 'busy' });
    await entered;
    await rejects(s.runner.retry(started.pending.id), /still generating/);
    s.engine.release();
    await started.done;
    // A row some earlier session left generating: nothing here works on it.
    const profile = (await s.history.listProfiles())[0]!;
    const stale = await s.history.create({ profileId: profile.id, text: 'left behind', engine: 'fake', status: 'generating' });
    const done = await (await s.runner.retry(stale.id)).done;
    assert.equal(done.status, 'completed');
  });

  test('a row deleted while generating: done rejects and no audio file is left behind', async (t) => {
    const s = await setup(t);
    const entered = s.engine.hold();
    const started = await s.runner.start({ engine: 'fake', voice: 'v1', text: 'gone' });
    await entered;
    await s.history.delete(started.pending.id);
    s.engine.release();
    await assert.rejects(started.done, /does not exist|deleted/);
    const files = readdirSync(join(s.dir, 'storage', 'audio'), { recursive: true }).filter((f) => String(f).endsWith('.wav'));
    assert.deepEqual(files, []);
  });
});

describe('GenerationRunner with the real Flite engine', () => {
  test('speaks a sentence into a completed generation with a playable 16 kHz WAV of plausible length', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vh-generation-flite-'));
    const history = await openHistory({
      storageDir: join(dir, 'storage'),
      checkOnOpen: false,
      tuning: { pollIntervalMs: 0, compactOnClose: false },
    });
    const flite = new FliteEngine(fliteDevOptions({ tempDir: dir }));
    t.after(async () => {
      await flite.dispose();
      await history.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const runner = new GenerationRunner({
      history,
      engines: new EngineCatalog([{ id: 'flite', displayName: 'Flite', create: () => flite, keep: true }]),
    });
    const text = 'Every evening, the keeper climbed the hundred and twelve steps to light the lamp.';
    const g = await runner.generate({ engine: 'flite', voice: 'awb', text });
    assert.equal(g.status, 'completed', g.error ?? '');
    assert.deepEqual([g.engine, g.model, g.profileName, g.language], ['flite', 'flite-2.3', 'awb', 'en-GB']);
    const header = readWavHeader(new Uint8Array(readFileSync(history.resolveAudioPath(g))));
    assert.deepEqual([header.format, header.sampleRate, header.channels, header.bits], [1, 16_000, 1, 16]);
    assert.ok(header.seconds > text.length / 30 && header.seconds < text.length / 5, `${header.seconds} s for ${text.length} characters`);
    assert.ok(Math.abs((g.duration ?? 0) - header.seconds) < 0.01);
  });
});
