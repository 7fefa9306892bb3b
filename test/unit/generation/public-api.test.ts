import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createPublicApi } from '../../../src/api/public-api';
import { openHistory, type ChangeEvent, type HistoryService } from '../../../src/history';
import { wav } from './fake-engine';

async function setup(t: TestContext): Promise<{ history: HistoryService; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vh-api-'));
  const history = await openHistory({
    storageDir: join(dir, 'storage'),
    checkOnOpen: false,
    tuning: { pollIntervalMs: 0, compactOnClose: false },
  });
  t.after(async () => {
    await history.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { history, dir };
}

describe('public API (version 1)', () => {
  test('recordGeneration stores bytes or a file with its real format and duration; list, get and onDidChange see it', async (t) => {
    const { history, dir } = await setup(t);
    const api = createPublicApi(
      () => history,
      () => 'closed',
    );
    assert.equal(api.apiVersion, 1);
    const events: ChangeEvent[] = [];
    const disposables: { dispose(): void }[] = [];
    api.onDidChange((e) => void events.push(e), undefined, disposables);
    const id = await api.recordGeneration({
      text: 'From bytes',
      audio: wav(0.25),
      voice: 'nova',
      engine: 'my-tool',
      model: 'tts-9',
      seed: 3,
      settings: { speed: 1.2 },
    });
    const file = join(dir, 'take.wav');
    writeFileSync(file, wav(0.5));
    const fromFile = await api.recordGeneration({
      text: 'From a file URI',
      audio: pathToFileURL(file).href,
      profile: 'Narrator',
      createdAt: '2024-05-01T10:00:00Z',
      externalId: 'ext-1',
    });
    const g = await api.get(id);
    assert.deepEqual(
      [g?.text, g?.profileName, g?.engine, g?.model, g?.seed, g?.source, g?.status, g?.duration],
      ['From bytes', 'nova', 'my-tool', 'tts-9', 3, 'api', 'completed', 0.25],
    );
    assert.deepEqual(g?.settings, { speed: 1.2 });
    const f = await api.get(fromFile);
    assert.deepEqual(
      [f?.profileName, f?.engine, f?.createdAt, f?.externalId, f?.duration],
      ['Narrator', 'external', Date.parse('2024-05-01T10:00:00Z'), 'ext-1', 0.5],
    );
    assert.deepEqual(new Uint8Array(readFileSync(history.resolveAudioPath(f!))), wav(0.5));
    const page = await api.list({ source: 'api', pageSize: 10, offset: 0 });
    assert.deepEqual(
      page.items.map((x) => x.id),
      [id, fromFile],
    );
    assert.ok(events.some((e) => e.kind === 'entity' && e.entity === 'generation' && e.op === 'created' && e.ids.includes(id)));
    assert.equal(disposables.length, 1);
    disposables[0]!.dispose();
    const before = events.length;
    await api.recordGeneration({ text: 'failed one', voice: 'nova', status: 'failed', error: 'quota exceeded' });
    assert.equal(events.length, before, 'disposed listeners hear nothing');
  });

  test('bad input is refused with every problem named, and nothing is stored', async (t) => {
    const { history, dir } = await setup(t);
    const api = createPublicApi(
      () => history,
      () => 'closed',
    );
    const cases: Array<[unknown, RegExp]> = [
      [{ text: '', voice: 'x', audio: wav(0.1) }, /text: The text is empty/],
      [{ text: 'a', audio: wav(0.1) }, /profile: Name the voice/],
      [{ text: 'a', voice: 'x' }, /audio: A completed generation needs its audio/],
      [{ text: 'a', voice: 'x', status: 'failed' }, /error: A failed generation needs its error message/],
      [{ text: 'a', voice: 'x', status: 'failed', error: 'e', audio: wav(0.1) }, /A failed generation has no audio/],
      [{ text: 'a', voice: 'x', audio: 'relative/take.wav' }, /relative path/],
      [{ text: 'a', voice: 'x', audio: 'https://example.com/a.wav' }, /Only file: URIs/],
      [{ text: 'a', voice: 'x', audio: join(dir, 'missing.wav') }, /There is no file/],
      [{ text: 'a', voice: 'x', audio: new TextEncoder().encode('not audio at all') }, /not audio in a format/],
      [{ text: 'a', voice: 'x', audio: wav(0.1), colour: 'red' }, /Known fields: text, audio/],
      [{ text: 'a', voice: 'x', audio: wav(0.1), language: 'english please' }, /language code/],
    ];
    for (const [input, pattern] of cases) {
      await assert.rejects(api.recordGeneration(input as never), (e: Error) => {
        assert.match(e.message, /^recordGeneration: /);
        assert.match(e.message, pattern);
        return true;
      });
    }
    assert.equal((await api.list({ pageSize: 10, offset: 0 })).total, 0);
    assert.deepEqual(await history.listProfiles(), [], 'no profile was created for refused input');
  });

  test('the same external id is recorded once', async (t) => {
    const { history } = await setup(t);
    const api = createPublicApi(
      () => history,
      () => 'closed',
    );
    const id = await api.recordGeneration({ text: 'a', voice: 'x', audio: wav(0.1), externalId: 'job-7' });
    await assert.rejects(
      api.recordGeneration({ text: 'b', voice: 'x', audio: wav(0.1), externalId: 'job-7' }),
      new RegExp(`already recorded as generation ${id}`),
    );
    assert.equal((await api.list({ pageSize: 10, offset: 0 })).total, 1);
  });

  test('without a history every call says why', async () => {
    const api = createPublicApi(
      () => undefined,
      () => 'Voice History could not open its history: disk full.',
    );
    await assert.rejects(api.recordGeneration({ text: 'a', voice: 'x', audio: wav(0.1) }), /disk full/);
    await assert.rejects(api.list(), /disk full/);
    const sub = api.onDidChange(() => undefined);
    sub.dispose();
  });
});
