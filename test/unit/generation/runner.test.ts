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
import { Takes } from '../../../src/generation/takes';
import { StandInRenderer } from './stand-in-renderer';

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
    // A take is a version of the same generation, so its source is the generation's.
    const again = await (await s.runner.regenerate(g.id)).done;
    assert.equal(again.id, g.id);
    assert.deepEqual(originOf(again)?.document, document);
    // Without audio (failed), Regenerate makes a new row that links back and keeps the document.
    s.engine.outcomes = [{ error: new EngineError('network', 'down', 'fake') }];
    const failed = await s.runner.generate({ engine: 'fake', voice: 'v1', text: 'Another line', document });
    const row = await (await s.runner.regenerate(failed.id)).done;
    assert.notEqual(row.id, failed.id);
    assert.deepEqual(originOf(row)?.document, document);
    assert.equal(originOf(row)?.regeneratedFrom, failed.id);
  });

  test('records the script cue it voices (lines of the range, hashes, speaker, voice key); a cue without a document is refused', async (t) => {
    const s = await setup(t);
    const document = { uri: 'file:///work/play.md', startLine: 3, startCharacter: 0, endLine: 5, endCharacter: 0 };
    const cue = { textHash: 'abc', speaker: 'ALICE', voiceKey: 'engine=fake;voice=v1', lexiconHash: 'lex' };
    const g = await s.runner.generate({ engine: 'fake', voice: 'v1', text: 'Two lines\nof Alice', document, cue });
    const [row] = await s.history.listScriptCues(document.uri);
    assert.deepEqual(
      { ...row, createdAt: 0 },
      { generationId: g.id, documentUri: document.uri, startLine: 3, endLine: 4, ...cue, status: 'completed', takes: 1, createdAt: 0 },
    );
    await assert.rejects(s.runner.generate({ engine: 'fake', voice: 'v1', text: 'x', cue }), /script cue needs the document/);
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
    assert.equal(started.pending.id, first.id, 'a take of the same generation (Voicebox: a version take-N)');
    const after = await started.done;
    assert.equal(after.status, 'completed');
    const versions = await s.history.listVersions(first.id);
    assert.deepEqual(
      versions.map((v) => [v.label, v.isDefault, v.seed]),
      [
        ['original', false, null],
        ['take-2', true, 1001],
      ],
      'the new take, with its new seed, is the default',
    );
    assert.equal(after.audioPath, versions[1]!.audioPath, 'the generation plays the new take');
    assert.deepEqual([after.text, after.language, after.instruct, after.profileId], [first.text, 'de', 'softly', first.profileId]);
    assert.deepEqual(s.seeded.requests[1], {
      text: 'Take me again',
      voice: 'v1',
      language: 'de',
      seed: 1001,
      instruct: 'softly',
      model: 'fake-model-1',
      settings: { speed: 0.9 },
    });
    assert.equal((await s.history.list({ pageSize: 10, offset: 0 })).total, 1, 'no new row');
    assert.equal(versions[0]!.audioPath, first.audioPath, 'the original take is kept');
  });

  test('a take the engine cannot make is reported and leaves the generation as it was', async (t) => {
    const s = await setup(t);
    const first = await s.runner.generate({ engine: 'fake', voice: 'v1', text: 'Keep me' });
    s.engine.outcomes = [{ error: new EngineError('network', 'Could not reach the server.', 'fake') }];
    await rejects((await s.runner.regenerate(first.id)).done, /No new take: Could not reach the server/);
    const after = await s.history.get(first.id);
    assert.equal(after?.status, 'completed');
    assert.equal(after?.audioPath, first.audioPath);
    assert.equal((await s.history.listVersions(first.id)).length, 1);
  });

  test("a voice's default chain: a new generation keeps the clean original and gets a processed default version", async (t) => {
    const s = await setup(t);
    const renderer = new StandInRenderer();
    const runner = new GenerationRunner({
      history: s.history,
      engines: new EngineCatalog([{ id: 'fake', displayName: 'Fake engine', create: () => s.engine, keep: true }]),
      effects: new Takes({ history: s.history, renderer: () => renderer }),
    });
    const plain = await runner.generate({ engine: 'fake', voice: 'v1', text: 'No chain yet' });
    assert.equal((await s.history.listVersions(plain.id)).length, 1, 'no chain, no processed version');
    await s.history.updateProfile(plain.profileId, { effectsChain: [{ type: 'gain', params: { gain_db: 3 } }] });
    const g = await runner.generate({ engine: 'fake', voice: 'v1', text: 'With the voice chain' });
    const versions = await s.history.listVersions(g.id);
    assert.deepEqual(
      versions.map((v) => [v.label, v.isDefault, v.effectsChain]),
      [
        ['original', false, null],
        ['version-2', true, [{ type: 'gain', enabled: true, params: { gain_db: 3 } }]],
      ],
    );
    assert.equal(versions[1]!.sourceVersionId, versions[0]!.id);
    assert.equal(g.audioPath, versions[1]!.audioPath, 'the processed version is what plays');
    // A render that fails keeps the clean original as the generation's audio.
    renderer.mode = 'fail';
    const kept = await runner.generate({ engine: 'fake', voice: 'v1', text: 'Renderer down' });
    assert.equal(kept.status, 'completed');
    assert.deepEqual(
      (await s.history.listVersions(kept.id)).map((v) => v.label),
      ['original'],
    );
  });

  test('regenerate keeps a seed the user fixed', async (t) => {
    const s = await setup(t);
    const first = await s.runner.generate({ engine: 'seeded', voice: 'v1', text: 'Same seed', seed: 7 });
    await (
      await s.runner.regenerate(first.id)
    ).done;
    const take = (await s.history.listVersions(first.id)).at(-1)!;
    assert.equal(take.label, 'take-2');
    assert.equal(take.seed, 7);
    assert.equal(s.seeded.requests[1]?.seed, 7);
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
    assert.deepEqual(
      (await s.history.listVersions(failed.id)).map((v) => v.label),
      ['original'],
      'a retry makes no extra version',
    );
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
