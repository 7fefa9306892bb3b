import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError } from '../../../src/engines/engine';
import { describeAudio } from '../../../src/engines/response-audio';
import { parseRecordGeneration } from '../../../src/engines/api-schema';
import {
  ElevenLabsHistoryClient,
  toSyncedGeneration,
  type SyncCheckpoint,
  type SyncEvent,
  type WalkOptions,
} from '../../../src/sync/elevenlabs-history';
import { sendBytes, sendJson } from '../engines/http-fixtures';
import { FakeElevenLabs, GOOD_KEY, makeItems, type FakeItem } from './fake-elevenlabs';

const ids = (items: FakeItem[]): string[] => items.map((i) => i.history_item_id);
const newestFirst = (items: FakeItem[]): FakeItem[] => [...items].sort((a, b) => b.date_unix - a.date_unix);

describe('ElevenLabs history sync against a local server following the API contract', () => {
  let fake: FakeElevenLabs;
  let sleeps: number[];

  before(async () => {
    fake = await FakeElevenLabs.start([]);
  });
  after(() => fake.close());
  afterEach(() => {
    fake.faults = [];
    fake.audioOverrides.clear();
    fake.requests.length = 0;
    fake.audioRequests = 0;
  });

  function client(options: { key?: string; timeoutMs?: number; maxRetries?: number } = {}): ElevenLabsHistoryClient {
    sleeps = [];
    return new ElevenLabsHistoryClient({
      apiKey: options.key ?? GOOD_KEY,
      baseUrl: fake.baseUrl,
      timeoutMs: options.timeoutMs ?? 5000,
      retry: { random: () => 0, ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}) },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
  }

  async function collect(c: ElevenLabsHistoryClient, options: Partial<WalkOptions> = {}): Promise<SyncEvent[]> {
    const events: SyncEvent[] = [];
    for await (const event of c.walk({ isKnown: () => false, ...options })) events.push(event);
    return events;
  }

  const imported = (events: SyncEvent[]): string[] => events.flatMap((e) => (e.type === 'item' ? [e.generation.externalId] : []));

  test('walks every page, past short and empty filtered pages, until has_more is false', async () => {
    // Items 9-16 are all Rachel: a George-filtered scan window over them comes back empty.
    fake.items = makeItems(25, (i) => (i >= 9 && i <= 16 ? 'rachel' : i % 2 === 0 ? 'george' : 'rachel'));
    const events = await collect(client(), { pageSize: 4, filters: { voiceId: 'v-george' } });
    const george = newestFirst(fake.items).filter((i) => i.voice_id === 'v-george');
    assert.deepEqual(imported(events), ids(george));
    const pages = events.filter((e) => e.type === 'page');
    assert.equal(pages.length, 7);
    assert.ok(
      pages.some((p) => p.type === 'page' && p.items === 0 && p.hasMore),
      'an empty page with has_more did not stop the walk',
    );
    assert.ok(
      pages.some((p) => p.type === 'page' && p.items > 0 && p.items < 4 && p.hasMore),
      'a short page with has_more did not stop the walk',
    );
    const done = events.at(-1);
    assert.deepEqual(done, { type: 'done', summary: { imported: george.length, skipped: 0, failed: 0, pages: 7 } });
    const listings = fake.requests.filter((r) => r.path === '/v1/history');
    assert.equal(listings[0].query.get('start_after_history_item_id'), null);
    assert.equal(listings[1].query.get('start_after_history_item_id'), newestFirst(fake.items)[3].history_item_id);
    for (const r of listings) {
      assert.equal(r.query.get('page_size'), '4');
      assert.equal(r.query.get('voice_id'), 'v-george');
      assert.equal(r.headers['xi-api-key'], GOOD_KEY);
    }
  });

  test('every item arrives with its audio and the metadata the history keeps', async () => {
    fake.items = makeItems(3);
    const events = await collect(client());
    const items = events.flatMap((e) => (e.type === 'item' ? [e.generation] : []));
    assert.equal(items.length, 3);
    const newest = newestFirst(fake.items)[0];
    const g = items[0];
    assert.deepEqual(g.audio, fake.audioFor(newest));
    assert.deepEqual(g.audioInfo, await describeAudio(fake.audioFor(newest)));
    assert.equal(g.text, newest.text);
    assert.equal(g.profile, newest.voice_name);
    assert.equal(g.voice, newest.voice_id);
    assert.equal(g.model, newest.model_id);
    assert.equal(g.createdAt, newest.date_unix * 1000);
    assert.equal(g.characterCost, newest.character_count_change_to - newest.character_count_change_from);
    assert.deepEqual(g.settings, {
      ...newest.settings,
      character_cost: g.characterCost,
      output_format: 'mp3_44100_128',
      request_id: newest.request_id,
      voice_category: 'premade',
      source: newest.source,
    });
    assert.equal(g.source, 'sync');
    assert.equal(g.engine, 'elevenlabs');
    // The same shape the public API accepts.
    const { source: _source, characterCost: _cost, audioInfo: _info, ...record } = g;
    const parsed = parseRecordGeneration(record);
    assert.equal(parsed.profile, newest.voice_name);
    assert.equal(parsed.audio?.kind, 'bytes');
  });

  test('filters and sort go out under their documented names; the date range is [after, before)', async () => {
    fake.items = makeItems(20);
    const after = fake.items[4].date_unix; // inclusive: item 5 is in
    const before = fake.items[11].date_unix; // exclusive: item 12 is out
    const events = await collect(client(), {
      pageSize: 3,
      filters: {
        dateAfterUnix: after,
        dateBeforeUnix: before,
        sortDirection: 'asc',
        modelId: 'eleven_multilingual_v2',
        source: 'TTS',
        search: 'line',
      },
    });
    const q = fake.requests[0].query;
    assert.equal(q.get('date_after_unix'), String(after));
    assert.equal(q.get('date_before_unix'), String(before));
    assert.equal(q.get('sort_direction'), 'asc');
    assert.equal(q.get('model_id'), 'eleven_multilingual_v2');
    assert.equal(q.get('source'), 'TTS');
    assert.equal(q.get('search'), 'line');
    const expected = fake.items.filter(
      (i) => i.date_unix >= after && i.date_unix < before && i.model_id === 'eleven_multilingual_v2' && i.source === 'TTS',
    );
    assert.deepEqual(imported(events), ids(expected));
    assert.ok(imported(events).includes('h05'));
    assert.ok(!imported(events).includes('h12'));
  });

  test('bad filters and page sizes are refused before any request', async () => {
    const c = client();
    await assert.rejects(
      collect(c, { filters: { dateAfterUnix: 200, dateBeforeUnix: 100 } }),
      /"after" date must be earlier than the "before" date/,
    );
    await assert.rejects(collect(c, { filters: { source: 'Dubbing' as never } }), /filters are invalid \(source\)/);
    await assert.rejects(collect(c, { pageSize: 5000 }), /page size is a whole number from 1 to 1000/);
    assert.equal(fake.requests.length, 0);
  });

  test('429 is retried after the Retry-After the server asked for, then the walk goes on', async () => {
    fake.items = makeItems(5);
    fake.faults.push({
      match: (r) => r.path === '/v1/history',
      respond: (res) =>
        sendJson(
          res,
          429,
          { detail: { status: 'too_many_concurrent_requests', message: 'Too many concurrent requests' } },
          { 'retry-after': '3' },
        ),
    });
    const events = await collect(client());
    const retry = events.find((e) => e.type === 'retry');
    assert.ok(retry && retry.type === 'retry');
    assert.equal(retry.error.kind, 'rate-limit');
    assert.equal(retry.delayMs, 3000);
    assert.deepEqual(sleeps, [3000]);
    assert.equal(imported(events).length, 5);
  });

  test('5xx on an audio download is retried with exponential backoff', async () => {
    fake.items = makeItems(2);
    const target = newestFirst(fake.items)[1].history_item_id;
    for (let i = 0; i < 2; i++) {
      fake.faults.push({
        match: (r) => r.path === `/v1/history/${target}/audio`,
        respond: (res) => sendJson(res, 503, { detail: 'Service Unavailable' }),
      });
    }
    const events = await collect(client());
    assert.deepEqual(sleeps, [1000, 2000]);
    assert.deepEqual(imported(events), ids(newestFirst(fake.items)));
  });

  test('retries give up after the limit, and too long a Retry-After is not waited for', async () => {
    fake.items = makeItems(2);
    for (let i = 0; i < 3; i++)
      fake.faults.push({ match: (r) => r.path === '/v1/history', respond: (res) => sendJson(res, 500, { detail: 'boom' }) });
    await assert.rejects(
      collect(client({ maxRetries: 2 })),
      (error: unknown) => error instanceof EngineError && error.status === 500 && /server error \(500: boom\)/.test(error.message),
    );
    assert.deepEqual(sleeps, [1000, 2000]);
    fake.faults = [
      { match: (r) => r.path === '/v1/history', respond: (res) => sendJson(res, 429, { detail: 'slow down' }, { 'retry-after': '3600' }) },
    ];
    await assert.rejects(
      collect(client()),
      (error: unknown) => error instanceof EngineError && error.kind === 'rate-limit' && /Wait 3600 s/.test(error.message),
    );
    assert.deepEqual(sleeps, []);
  });

  test('401 stops the walk at once with what to do', async () => {
    fake.items = makeItems(2);
    await assert.rejects(collect(client({ key: 'wrong' })), (error: unknown) => {
      assert.ok(error instanceof EngineError);
      assert.equal(error.kind, 'auth');
      assert.equal(error.message, "ElevenLabs rejected the API key (401: Invalid API key). Run 'Voice History: Set API Key…'.");
      return true;
    });
    assert.deepEqual(sleeps, []);
    assert.equal(fake.requests.length, 1);
    assert.throws(() => new ElevenLabsHistoryClient({ apiKey: ' ' }), /No ElevenLabs API key is set/);
  });

  test('a page that times out is retried', async () => {
    fake.items = makeItems(3);
    fake.faults.push({ match: (r) => r.path === '/v1/history', respond: () => undefined }); // never answers
    const events = await collect(client({ timeoutMs: 300 }));
    const retry = events.find((e) => e.type === 'retry');
    assert.ok(retry && retry.type === 'retry' && retry.error.kind === 'timeout');
    assert.equal(imported(events).length, 3);
  });

  test('a malformed JSON page is a bad response and is not retried', async () => {
    fake.items = makeItems(3);
    fake.faults.push({
      match: (r) => r.path === '/v1/history',
      respond: (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"history": [{"history_item_id": "h01", "te');
      },
    });
    await assert.rejects(
      collect(client()),
      (error: unknown) =>
        error instanceof EngineError && error.kind === 'bad-response' && /a history page that is not valid JSON/.test(error.message),
    );
    assert.deepEqual(sleeps, []);
    fake.faults.push({
      match: (r) => r.path === '/v1/history',
      respond: (res) => sendJson(res, 200, { history: [{ text: 'no id' }], has_more: false }),
    });
    await assert.rejects(collect(client()), /a history page in an unexpected shape .* at "history\.0\.history_item_id"/);
  });

  test('an item whose audio is not audio, or gone, is reported and the import goes on', async () => {
    fake.items = makeItems(4);
    const [a, b, c, d] = ids(newestFirst(fake.items));
    fake.audioOverrides.set(b, (res) =>
      sendBytes(res, 200, new TextEncoder().encode('<html><body>Temporarily unavailable</body></html>'), 'audio/mpeg'),
    );
    fake.audioOverrides.set(c, (res) => sendJson(res, 404, { detail: { status: 'history_item_not_found', message: 'Gone' } }));
    const events = await collect(client());
    assert.deepEqual(imported(events), [a, d]);
    const failed = events.flatMap((e) => (e.type === 'failed' ? [e] : []));
    assert.deepEqual(
      failed.map((f) => f.externalId),
      [b, c],
    );
    assert.equal(failed[0].error.kind, 'bad-response');
    assert.match(failed[0].error.message, new RegExp(`not audio for history item ${b} .*Temporarily unavailable`));
    assert.equal(failed[1].error.status, 404);
    assert.deepEqual(events.at(-1), { type: 'done', summary: { imported: 2, skipped: 0, failed: 2, pages: 1 } });
  });

  test('a re-run only fetches what is new (dedupe by external id)', async () => {
    fake.items = makeItems(6);
    const store = new Set<string>();
    for await (const e of client().walk({ isKnown: (id) => store.has(id), pageSize: 4 }))
      if (e.type === 'item') store.add(e.generation.externalId);
    assert.equal(store.size, 6);
    assert.equal(fake.audioRequests, 6);
    fake.items.push(...makeItems(8).slice(6)); // two new generations on ElevenLabs
    fake.audioRequests = 0;
    const events: SyncEvent[] = [];
    for await (const e of client().walk({ isKnown: async (id) => store.has(id), pageSize: 4 })) events.push(e);
    assert.deepEqual(imported(events), ['h08', 'h07']);
    assert.equal(events.filter((e) => e.type === 'skipped' && e.reason === 'known').length, 6);
    assert.equal(fake.audioRequests, 2);
  });

  test('an interrupted import resumes from its last checkpoint without repeats or gaps', async () => {
    fake.items = makeItems(11);
    let saved = '';
    const first: string[] = [];
    for await (const e of client().walk({ isKnown: () => false, pageSize: 3 })) {
      if (e.type === 'item') {
        first.push(e.generation.externalId);
        saved = JSON.stringify(e.checkpoint); // persisted after the item is stored
        if (first.length === 5) break; // the window closed mid-import
      }
    }
    const checkpoint = JSON.parse(saved) as SyncCheckpoint;
    assert.equal(checkpoint.startAfter, first[4]);
    assert.equal(checkpoint.handled, 5);
    fake.requests.length = 0;
    const rest = imported(await collect(client(), { pageSize: 3, resumeFrom: checkpoint }));
    assert.equal(fake.requests[0].query.get('start_after_history_item_id'), first[4]);
    assert.deepEqual([...first, ...rest], ids(newestFirst(fake.items)));
    await assert.rejects(
      collect(client(), { pageSize: 3, resumeFrom: checkpoint, filters: { voiceId: 'v-george' } }),
      /belongs to an import with other filters/,
    );
    await assert.rejects(collect(client(), { resumeFrom: { ...checkpoint, version: 2 } as never }), /saved import position is damaged/);
  });

  test('cancelling stops the walk, also while waiting to retry', async () => {
    fake.items = makeItems(5);
    const controller = new AbortController();
    const got: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of client().walk({ isKnown: () => false, signal: controller.signal })) {
          if (e.type === 'item') {
            got.push(e.generation.externalId);
            controller.abort();
          }
        }
      })(),
      (error: unknown) => error instanceof EngineError && error.kind === 'cancelled',
    );
    assert.equal(got.length, 1);

    const waiting = new AbortController();
    fake.faults.push({ match: (r) => r.path === '/v1/history', respond: (res) => sendJson(res, 429, {}, { 'retry-after': '60' }) });
    const realSleep = new ElevenLabsHistoryClient({ apiKey: GOOD_KEY, baseUrl: fake.baseUrl });
    const walking = (async () => {
      for await (const e of realSleep.walk({ isKnown: () => false, signal: waiting.signal })) if (e.type === 'retry') waiting.abort();
    })();
    await assert.rejects(walking, (error: unknown) => error instanceof EngineError && error.kind === 'cancelled');
  });

  test('has_more without a position to continue from is an error, not an endless loop', async () => {
    fake.faults.push({
      match: (r) => r.path === '/v1/history',
      respond: (res) => sendJson(res, 200, { history: [], last_history_item_id: null, has_more: true }),
    });
    await assert.rejects(collect(client()), /said there is more history but gave no position/);
  });

  test('items still processing are skipped; deleteItem removes an item on the server', async () => {
    fake.items = makeItems(3);
    fake.items[0].state = 'processing';
    const events = await collect(client());
    assert.deepEqual(imported(events), ['h03', 'h02']);
    assert.ok(events.some((e) => e.type === 'skipped' && e.externalId === 'h01' && e.reason === 'not-ready'));
    fake.requests.length = 0;
    await client().deleteItem('h02');
    assert.equal(fake.requests[0].method, 'DELETE');
    assert.equal(fake.requests[0].path, '/v1/history/h02');
    assert.equal(fake.requests[0].headers['xi-api-key'], GOOD_KEY);
    assert.deepEqual(ids(fake.items), ['h01', 'h03']);
    await assert.rejects(client().deleteItem('h02'), (error: unknown) => error instanceof EngineError && error.status === 404);
  });
});

describe('mapping ElevenLabs history items', () => {
  const audio = new Uint8Array([1]);
  const info = { format: 'mp3' as const, mimeType: 'audio/mpeg' };
  const base = { history_item_id: 'x1', date_unix: 1_700_000_000 };

  test('dialogue items take their text and voices from the dialogue', () => {
    const g = toSyncedGeneration(
      {
        ...base,
        text: '',
        voice_name: null,
        dialogue: [
          { text: 'Hi.', voice_id: 'a', voice_name: 'Ann' },
          { text: 'Hello.', voice_id: 'b', voice_name: 'Bob' },
          { text: 'Bye.', voice_id: 'a', voice_name: 'Ann' },
        ],
      },
      audio,
      info,
    );
    assert.equal(g.text, 'Ann: Hi.\nBob: Hello.\nAnn: Bye.');
    assert.equal(g.profile, 'Ann & Bob');
    assert.equal(g.voice, undefined);
  });

  test('the text is kept exactly as generated: leading and trailing spaces and dashes stay', () => {
    const g = toSyncedGeneration({ ...base, text: '  And into the night — ', voice_name: 'Ann' }, audio, info);
    assert.equal(g.text, '  And into the night — ');
    const spaces = toSyncedGeneration({ ...base, text: '   ', source: 'TTS' }, audio, info);
    assert.equal(spaces.text, '(TTS generation without text)', 'a text of only spaces still counts as missing');
  });

  test('missing text, voice name and counts fall back to something a person can read', () => {
    const g = toSyncedGeneration({ ...base, source: 'STS', voice_id: 'v9' }, audio, info);
    assert.equal(g.text, '(STS generation without text)');
    assert.equal(g.profile, 'v9');
    assert.equal(g.characterCost, undefined);
    assert.deepEqual(g.settings, { source: 'STS' });
    assert.equal(g.createdAt, 1_700_000_000_000);
  });
});
