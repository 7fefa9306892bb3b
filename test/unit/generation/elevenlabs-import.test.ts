import { after, afterEach, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeImport, importElevenLabsHistory, type ElevenLabsImportOptions } from '../../../src/generation/elevenlabs-import';
import { openHistory, type HistoryService } from '../../../src/history';
import { ElevenLabsHistoryClient, type SyncCheckpoint } from '../../../src/sync/elevenlabs-history';
import { sendJson } from '../engines/http-fixtures';
import { FakeElevenLabs, GOOD_KEY, makeItems } from '../sync/fake-elevenlabs';

async function tempHistory(t: TestContext): Promise<HistoryService> {
  const dir = mkdtempSync(join(tmpdir(), 'vh-el-import-'));
  const history = await openHistory({
    storageDir: join(dir, 'storage'),
    checkOnOpen: false,
    tuning: { pollIntervalMs: 0, compactOnClose: false },
  });
  t.after(async () => {
    await history.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return history;
}

describe('Importing the ElevenLabs history into a real history', () => {
  let fake: FakeElevenLabs;
  before(async () => {
    fake = await FakeElevenLabs.start([]);
  });
  after(() => fake.close());
  afterEach(() => {
    fake.faults = [];
    fake.requests.length = 0;
    fake.audioRequests = 0;
  });

  const client = (key = GOOD_KEY, maxRetries = 2): ElevenLabsHistoryClient =>
    new ElevenLabsHistoryClient({
      apiKey: key,
      baseUrl: fake.baseUrl,
      timeoutMs: 5000,
      retry: { maxRetries, random: () => 0 },
      sleep: async () => undefined,
    });

  const run = (history: HistoryService, options: Partial<ElevenLabsImportOptions> = {}) =>
    importElevenLabsHistory({ history, client: client(), pageSize: 4, ...options });

  test('stores each item with voice as profile, model, settings, date, character cost, external id and audio', async (t) => {
    const history = await tempHistory(t);
    fake.items = makeItems(9);
    const result = await run(history);
    assert.equal(result.stoppedBy, undefined);
    assert.deepEqual([result.imported, result.skipped, result.failed, result.pages], [9, 0, 0, 3]);
    const item = fake.items.find((i) => i.history_item_id === 'h03')!;
    const g = await history.findByExternalId('h03');
    assert.ok(g);
    assert.deepEqual(
      [g.text, g.profileName, g.engine, g.model, g.source, g.status, g.createdAt],
      [item.text, 'Rachel', 'elevenlabs', 'eleven_flash_v2_5', 'sync', 'completed', item.date_unix * 1000],
    );
    assert.equal(g.settings?.character_cost, 23);
    assert.equal(g.settings?.stability, 0.5);
    assert.deepEqual(new Uint8Array(readFileSync(history.resolveAudioPath(g))), fake.audioFor(item));
    const profile = await history.getProfile(g.profileId);
    assert.deepEqual([profile?.engine, profile?.voiceId], ['elevenlabs', 'v-rachel']);
    assert.equal((await history.listProfiles()).length, 2, 'one profile per voice');
    assert.equal(result.generationIds.length, 9);
  });

  test('the history keeps the text exactly as ElevenLabs has it (no trimming)', async (t) => {
    const history = await tempHistory(t);
    fake.items = makeItems(1);
    fake.items[0]!.text = ' …and into the night — ';
    await run(history);
    const g = await history.findByExternalId('h01');
    assert.equal(g?.text, ' …and into the night — ');
  });

  test('a second run downloads nothing already imported and adds only what is new', async (t) => {
    const history = await tempHistory(t);
    fake.items = makeItems(6);
    await run(history);
    fake.audioRequests = 0;
    fake.items.push(...makeItems(8).slice(6));
    const second = await run(history);
    assert.deepEqual([second.imported, second.skipped], [2, 6]);
    assert.equal(fake.audioRequests, 2, 'only the new items were downloaded');
    assert.equal((await history.list({ pageSize: 100, offset: 0 })).total, 8);
  });

  test('stops on a lost key with what it got so far; resuming from the saved checkpoint finishes the rest', async (t) => {
    const history = await tempHistory(t);
    fake.items = makeItems(10);
    const saved: SyncCheckpoint[] = [];
    // The third listing page is refused as if the key were revoked mid-way.
    let listings = 0;
    fake.faults.push({
      match: (r) => r.path === '/v1/history' && ++listings === 3,
      respond: (res) => sendJson(res, 401, { detail: { status: 'invalid_api_key', message: 'Invalid API key' } }),
    });
    const first = await run(history, { saveCheckpoint: (c) => void saved.push(c) });
    assert.equal(first.stoppedBy?.kind, 'auth');
    assert.match(first.stoppedBy!.message, /API key/);
    assert.equal(first.imported, 8);
    assert.equal(saved.length, 8);
    assert.deepEqual(first.checkpoint, saved.at(-1));
    fake.requests.length = 0;
    const second = await run(history, { resumeFrom: saved.at(-1) });
    assert.equal(second.stoppedBy, undefined);
    assert.equal(second.imported, 2);
    assert.equal(
      fake.requests.filter((r) => r.path === '/v1/history')[0]?.query.get('start_after_history_item_id'),
      saved.at(-1)!.startAfter,
    );
    assert.equal((await history.list({ pageSize: 100, offset: 0 })).total, 10);
  });

  test('429 then success is retried without losing an item', async (t) => {
    const history = await tempHistory(t);
    fake.items = makeItems(3);
    fake.faults.push({
      match: (r) => r.path === '/v1/history',
      respond: (res) =>
        sendJson(res, 429, { detail: { status: 'too_many_concurrent_requests', message: 'slow down' } }, { 'retry-after': '1' }),
    });
    const progress: number[] = [];
    const result = await run(history, { onProgress: (p) => p.retryingInMs !== undefined && progress.push(p.retryingInMs) });
    assert.equal(result.imported, 3);
    assert.deepEqual(progress, [1000], 'the wait was reported');
  });

  test('an item whose audio is not audio is reported and the import goes on', async (t) => {
    const history = await tempHistory(t);
    fake.items = makeItems(3);
    fake.audioOverrides.set('h02', (res) => sendJson(res, 200, { oops: true }));
    const result = await run(history);
    assert.deepEqual([result.imported, result.failed], [2, 1]);
    assert.equal(result.problems[0]?.externalId, 'h02');
    assert.match(result.problems[0]!.message, /not audio/);
    assert.equal(await history.findByExternalId('h02'), undefined);
    fake.audioOverrides.clear();
  });

  test('cancel stops between items; nothing half-stored; resume continues', async (t) => {
    const history = await tempHistory(t);
    fake.items = makeItems(6);
    const abort = new AbortController();
    const saved: SyncCheckpoint[] = [];
    const first = await run(history, {
      signal: abort.signal,
      saveCheckpoint: (c) => {
        saved.push(c);
        if (saved.length === 2) abort.abort();
      },
    });
    assert.equal(first.stoppedBy?.kind, 'cancelled');
    assert.equal(first.imported, 2);
    const rows = await history.list({ pageSize: 100, offset: 0 });
    assert.equal(rows.total, 2);
    assert.ok(rows.items.every((g) => g.status === 'completed' && g.audioPath));
    const second = await run(history, { resumeFrom: saved.at(-1) });
    assert.equal(second.imported, 4);
  });

  test('delete after import removes exactly the imported items on ElevenLabs, after storing them', async (t) => {
    const history = await tempHistory(t);
    fake.items = makeItems(5);
    // One item is already in the history: it is skipped and left alone on ElevenLabs.
    await run(history, { filters: { search: 'Line number 1' } });
    assert.ok(await history.findByExternalId('h01'));
    const result = await run(history, { deleteAfterImport: true });
    assert.equal(result.stoppedBy, undefined);
    assert.equal(result.imported, 4);
    assert.equal(result.deleted, 4);
    assert.deepEqual(
      fake.items.map((i) => i.history_item_id),
      ['h01'],
    );
    const deletes = fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
    assert.equal(deletes.length, 4);
    for (const id of ['h02', 'h03', 'h04', 'h05']) assert.ok(await history.findByExternalId(id), `${id} stored`);
    assert.equal(describeImport(result), 'Imported 4, skipped 1 already in the history, deleted 4 on ElevenLabs.');
  });

  test('a cancelled import deletes nothing on ElevenLabs', async (t) => {
    const history = await tempHistory(t);
    fake.items = makeItems(4);
    const abort = new AbortController();
    const result = await run(history, { deleteAfterImport: true, signal: abort.signal, saveCheckpoint: () => abort.abort() });
    assert.equal(result.stoppedBy?.kind, 'cancelled');
    assert.equal(result.imported, 1);
    assert.equal(result.deleted, 0);
    assert.equal(fake.items.length, 4);
    assert.equal(fake.requests.filter((r) => r.method === 'DELETE').length, 0);
  });
});
