// The app router end to end: the webview client link -> a real MessageChannel -> the host
// adapter -> the router -> a real HistoryService (sql.js, files) in a temp folder.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRPCClientError } from '@trpc/client';
import { openHistory, type Generation, type HistoryService, type Profile } from '../../../src/history';
import {
  serveAppRouter,
  type PlayerContext,
  type RpcContext,
  RPC_CHANNEL,
  hostMessageSchema,
  MAX_INLINE_AUDIO_BYTES,
} from '../../../src/rpc';
import { wavHeader } from '../../../src/audio/wav';
import { PEAK_BUCKET_COUNTS } from '../../../src/audio/peaks';
import { PEAK_BUCKETS } from '../../../webview-ui/player/state';
import { createWebviewClient, type WebviewErrorShape } from '../../../webview-ui/rpc/client';
import type { AppRouter } from '../../../src/rpc/router';
import { makeWav, sine } from '../audio/make-wav';
import { burstFromWorker, createPortPair, recordingLogger, until } from './ports';

const URI_PREFIX = 'https://file+.vscode-resource.vscode-cdn.net';

/** The player's side as the extension's views would implement it, in memory. */
class TestPlayer implements PlayerContext {
  list: string[] = [];
  current: string | undefined;
  opened: string[] = [];
  currentList(): readonly string[] {
    return this.list;
  }
  currentId(): string | undefined {
    return this.current;
  }
  open(id: string): void {
    this.current = id;
    this.opened.push(id);
  }
}

interface Fixture {
  dir: string;
  history: HistoryService;
  player: TestPlayer;
  profiles: Profile[];
  /** Newest first, as history.list returns them by default. */
  generations: Generation[];
  client: ReturnType<typeof createWebviewClient<AppRouter>>;
  close(): Promise<void>;
}

let fx: Fixture;

async function createFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'vh-rpc-router-'));
  const history = await openHistory({ storageDir: join(dir, 'storage'), checkOnOpen: false });
  const alice = await history.createProfile({ name: 'Alice', engine: 'flite', voiceId: 'slt' });
  const bob = await history.createProfile({ name: 'Bob', engine: 'flite', voiceId: 'awb' });
  const created: Generation[] = [];
  for (let i = 0; i < 30; i++) {
    const profile = i % 3 === 0 ? bob : alice;
    const withAudio = i % 10 !== 9;
    const g = await history.create(
      {
        profileId: profile.id,
        text: i === 4 ? 'A special sentence about ünïcödé 100% literal_text' : `Generation number ${i}`,
        engine: 'flite',
        status: withAudio ? 'completed' : 'failed',
        error: withAudio ? null : 'The engine crashed.',
        createdAt: Date.UTC(2025, 0, 1) + i * 60_000,
      },
      withAudio ? { data: makeWav({ frames: 1600 * (1 + (i % 4)), sample: sine(220 + i, 16000) }), format: 'wav' } : undefined,
    );
    created.push(g);
  }
  const player = new TestPlayer();
  const ports = createPortPair();
  const log = recordingLogger();
  const ctx: RpcContext = { history, player, log, toWebviewUri: (p) => `${URI_PREFIX}${p}` };
  const adapter = serveAppRouter(ports.host, () => ctx, log);
  const client = createWebviewClient<AppRouter>({ target: ports.view, source: ports.view });
  const generations = (await history.list({ pageSize: 1000 })).items;
  return {
    dir,
    history,
    player,
    profiles: [alice, bob],
    generations,
    client,
    async close() {
      adapter.dispose();
      ports.close();
      await history.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

before(async () => {
  fx = await createFixture();
});
after(async () => {
  await fx.close();
});

async function rpcFailure(p: Promise<unknown>): Promise<WebviewErrorShape['data'] & { message: string }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof TRPCClientError, `expected a TRPCClientError, got ${String(err)}`);
    return { ...(err.data as WebviewErrorShape['data']), message: err.message };
  }
  assert.fail('expected the call to fail');
}

const withAudio = () => fx.generations.filter((g) => g.status === 'completed');
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

test('history.list: offset paging with total, cursor paging, filters and sort', async () => {
  const page1 = await fx.client.history.list.query({ pageSize: 10 });
  assert.equal(page1.items.length, 10);
  assert.equal(page1.total, 30);
  assert.equal(page1.hasMore, true);
  assert.deepEqual(
    page1.items.map((g) => g.id),
    fx.generations.slice(0, 10).map((g) => g.id),
  );
  const page2 = await fx.client.history.list.query({ pageSize: 10, offset: 10 });
  assert.deepEqual(
    page2.items.map((g) => g.id),
    fx.generations.slice(10, 20).map((g) => g.id),
  );
  const byCursor = await fx.client.history.list.query({ pageSize: 10, startAfterId: page1.lastId });
  assert.deepEqual(
    byCursor.items.map((g) => g.id),
    page2.items.map((g) => g.id),
  );

  const oldest = await fx.client.history.list.query({ sort: 'oldest', pageSize: 1 });
  assert.equal(oldest.items[0].id, fx.generations[29].id);
  const bob = await fx.client.history.list.query({ profileId: fx.profiles[1].id, pageSize: 100 });
  assert.equal(bob.total, 10);
  assert.ok(bob.items.every((g) => g.profileName === 'Bob'));
  const failed = await fx.client.history.list.query({ status: 'failed' });
  assert.equal(failed.total, 3);
  const found = await fx.client.history.list.query({ search: '100% literal_' });
  assert.deepEqual(
    found.items.map((g) => g.text),
    ['A special sentence about ünïcödé 100% literal_text'],
  );
  const everything = await fx.client.history.list.query();
  assert.equal(everything.items.length, 30);
});

test('hostile list inputs are refused with messages that say what to do', async () => {
  const big = await rpcFailure(fx.client.history.list.query({ pageSize: 1001 }));
  assert.equal(big.code, 'BAD_REQUEST');
  assert.deepEqual(
    big.issues?.map((i) => i.path.join('.')),
    ['pageSize'],
  );
  assert.match(big.message, /at most 1000/);
  const negative = await rpcFailure(fx.client.history.list.query({ offset: -1 }));
  assert.equal(negative.code, 'BAD_REQUEST');
  assert.deepEqual(
    negative.issues?.map((i) => i.path.join('.')),
    ['offset'],
  );
  const both = await rpcFailure(fx.client.history.list.query({ offset: 1, startAfterId: fx.generations[0].id }));
  assert.match(both.message, /either offset or startAfterId/);
  const extra = await rpcFailure(fx.client.history.list.query({ pageSize: 5, sql: 'DROP TABLE generations' } as never));
  assert.equal(extra.code, 'BAD_REQUEST');
});

test('ids with path separators or other non-ids are refused everywhere and nothing changes', async () => {
  const before = (await fx.history.list({ pageSize: 1000 })).items.map((g) => `${g.id}:${g.isFavorited}`);
  const hostileIds = ['../../etc/passwd', '..\\..\\windows\\system32', '/etc/shadow', `${fx.generations[0].id}/../x`, '', 'a'.repeat(5000)];
  for (const id of hostileIds) {
    for (const call of [
      () => fx.client.history.get.query({ id }),
      () => fx.client.history.delete.mutate({ ids: id }),
      () => fx.client.history.delete.mutate({ ids: [fx.generations[1].id, id] }),
      () => fx.client.history.setFavorite.mutate({ id, favorite: true }),
      () => fx.client.history.audio.query({ id }),
      () => fx.client.history.peaks.query({ id: fx.generations[0].id, versionId: id }),
      () => fx.client.versions.list.query({ generationId: id }),
      () => fx.client.versions.delete.mutate({ versionId: id }),
      () => fx.client.player.open.mutate({ id }),
    ]) {
      const failure = await rpcFailure(call());
      assert.equal(failure.code, 'BAD_REQUEST', `${id.slice(0, 30)}`);
    }
  }
  const after = (await fx.history.list({ pageSize: 1000 })).items.map((g) => `${g.id}:${g.isFavorited}`);
  assert.deepEqual(after, before);
  assert.deepEqual(fx.player.opened, []);
});

test('history.get and NOT_FOUND with a reason', async () => {
  const g = fx.generations[0];
  assert.deepEqual(await fx.client.history.get.query({ id: g.id }), g);
  const missing = await rpcFailure(fx.client.history.get.query({ id: UNKNOWN_ID }));
  assert.equal(missing.code, 'NOT_FOUND');
  assert.equal(missing.reason, 'GENERATION_NOT_FOUND');
});

test('history.stats and profiles.list', async () => {
  const stats = await fx.client.history.stats.query();
  assert.equal(stats.totalGenerations, 30);
  assert.equal(stats.byStatus.failed.count, 3);
  const profiles = await fx.client.profiles.list.query();
  assert.deepEqual(profiles.map((p) => p.name).sort(), ['Alice', 'Bob']);
});

test('history.audio: a webview URI and the WAV format; bytes on request, identical to the file', async () => {
  const g = withAudio()[0];
  const audio = await fx.client.history.audio.query({ id: g.id });
  const path = fx.history.resolveAudioPath(g);
  assert.ok(audio.uri.startsWith(URI_PREFIX));
  assert.ok(audio.uri.endsWith('.wav'));
  assert.equal(audio.bytes, null);
  assert.equal(audio.format.container, 'wav');
  assert.equal(audio.format.mimeType, 'audio/wav');
  assert.equal(audio.format.playable, true);
  assert.equal(audio.format.sampleRate, 16000);
  assert.equal(audio.format.channels, 1);
  assert.equal(audio.format.bitsPerSample, 16);
  assert.equal(audio.format.bytes, readFileSync(path).length);
  assert.ok(audio.format.durationSeconds !== null && audio.format.durationSeconds > 0);

  const withBytes = await fx.client.history.audio.query({ id: g.id, as: 'bytes' });
  assert.ok(withBytes.bytes instanceof Uint8Array);
  assert.deepEqual(Buffer.from(withBytes.bytes), readFileSync(path));
});

test('history.audio sends bytes only up to its cap; larger files play from their URI', async () => {
  const frames = Math.ceil((MAX_INLINE_AUDIO_BYTES + 1) / 2);
  const big = await fx.history.create(
    { profileId: fx.profiles[0].id, text: 'a long take', status: 'completed' },
    {
      data: Buffer.concat([
        Buffer.from(wavHeader({ sampleRate: 16000, channels: 1, bitsPerSample: 16, dataLength: frames * 2 })),
        Buffer.alloc(frames * 2),
      ]),
      format: 'wav',
    },
  );
  try {
    const tooBig = await rpcFailure(fx.client.history.audio.query({ id: big.id, as: 'bytes' }));
    assert.equal(tooBig.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(tooBig.reason, 'AUDIO_TOO_LARGE');
    assert.match(tooBig.message, /Play it from its URI/);
    const viaUri = await fx.client.history.audio.query({ id: big.id });
    assert.equal(viaUri.format.durationSeconds, frames / 16000);
  } finally {
    await fx.history.delete(big.id);
  }
});

test('history.audio explains generations without audio', async () => {
  const failed = fx.generations.find((g) => g.status === 'failed');
  assert.ok(failed);
  const r = await rpcFailure(fx.client.history.audio.query({ id: failed.id }));
  assert.equal(r.code, 'NOT_FOUND');
  assert.equal(r.reason, 'NO_AUDIO');
  assert.match(r.message, /no audio yet: it failed/);
});

test("versions: list, a specific version's audio, set default, delete (not the last one)", async () => {
  const g = withAudio()[1];
  const [original] = await fx.client.versions.list.query({ generationId: g.id });
  assert.equal(original.isDefault, true);
  const take2 = await fx.history.addVersion(
    g.id,
    { label: 'Louder' },
    { data: makeWav({ frames: 3200, channels: 2, sampleRate: 22050, sample: sine(440, 22050, 0.9) }), format: 'wav' },
  );
  const versions = await fx.client.versions.list.query({ generationId: g.id });
  assert.equal(versions.length, 2);
  const second = await fx.client.history.audio.query({ id: g.id, versionId: take2.id });
  assert.equal(second.versionId, take2.id);
  assert.equal(second.format.channels, 2);
  assert.equal(second.format.sampleRate, 22050);
  assert.equal((await fx.client.history.audio.query({ id: g.id })).versionId, original.id, 'default is still the original');

  const updated = await fx.client.versions.setDefault.mutate({ versionId: take2.id });
  assert.equal(updated.isDefault, true);
  assert.equal((await fx.client.history.audio.query({ id: g.id })).versionId, take2.id);

  const otherGeneration = withAudio()[2];
  const wrongOwner = await rpcFailure(fx.client.history.audio.query({ id: otherGeneration.id, versionId: take2.id }));
  assert.equal(wrongOwner.reason, 'VERSION_NOT_FOUND');

  assert.deepEqual(await fx.client.versions.delete.mutate({ versionId: take2.id }), { deleted: 1 });
  const last = await rpcFailure(fx.client.versions.delete.mutate({ versionId: original.id }));
  assert.notEqual(last.code, 'INTERNAL_SERVER_ERROR');
  assert.ok(last.reason, 'the history error code travels as the reason');
  assert.equal((await fx.client.versions.list.query({ generationId: g.id })).length, 1);
  const unknown = await rpcFailure(fx.client.versions.setDefault.mutate({ versionId: UNKNOWN_ID }));
  assert.equal(unknown.code, 'NOT_FOUND');
});

test('history.peaks: computed once, cached beside the audio folder, null with a reason for undrawable audio', async () => {
  const g = withAudio()[3];
  const r = await fx.client.history.peaks.query({ id: g.id, buckets: 100 });
  assert.ok(r.peaks);
  assert.equal(r.peaks.buckets, 100);
  assert.equal(r.peaks.channels, 1);
  assert.ok(Math.max(...r.peaks.max[0]) > 0.4);
  const cacheDir = join(fx.history.storageDir, 'peaks');
  const files = readdirSync(cacheDir).filter((f) => f.startsWith(g.id));
  assert.equal(files.length, 1);
  assert.deepEqual(await fx.client.history.peaks.query({ id: g.id, buckets: 100 }), r);
  const tooMany = await rpcFailure(fx.client.history.peaks.query({ id: g.id, buckets: 1_000_000 }));
  assert.equal(tooMany.code, 'BAD_REQUEST');

  // Not a WAV: stored as MP3 bytes (the history keeps what it is given).
  const mp3 = await fx.history.create(
    { profileId: fx.profiles[0].id, text: 'mp3 take', status: 'completed' },
    {
      data: Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), Buffer.alloc(512)]),
      format: 'mp3',
      duration: 1,
      sampleRate: 44100,
      channels: 2,
    },
  );
  const p = await fx.client.history.peaks.query({ id: mp3.id });
  assert.equal(p.peaks, null);
  assert.match(p.reason ?? '', /MP3/);
  const a = await fx.client.history.audio.query({ id: mp3.id });
  assert.equal(a.format.container, 'mp3');
  assert.equal(a.format.mimeType, 'audio/mpeg');
  assert.equal(a.format.sampleRate, 44100);
  assert.equal(a.format.bitsPerSample, null);
  await fx.client.history.delete.mutate({ ids: mp3.id });

  // Deleting the generation removes its cached peaks.
  await fx.client.history.delete.mutate({ ids: g.id });
  await until(() => readdirSync(cacheDir).every((f) => !f.startsWith(g.id)), 'the cache file to go');
  fx.generations = fx.generations.filter((x) => x.id !== g.id);
});

test('history.peaks accepts only the fixed slice counts, so the disk cache holds a bounded number of files per version', async () => {
  const g = withAudio()[4];
  for (const buckets of PEAK_BUCKET_COUNTS) assert.ok((await fx.client.history.peaks.query({ id: g.id, buckets })).peaks);
  // Any other count (a view asking for 1..20,000 one by one) is refused before anything is computed or cached.
  for (const buckets of [1, 99, 101, 1234, 19_999]) {
    const refused = await rpcFailure(fx.client.history.peaks.query({ id: g.id, buckets }));
    assert.equal(refused.code, 'BAD_REQUEST', `buckets ${buckets}`);
    assert.match(refused.message, /slices/);
  }
  const files = readdirSync(join(fx.history.storageDir, 'peaks')).filter((f) => f.startsWith(g.id));
  assert.equal(files.length, PEAK_BUCKET_COUNTS.length);
  // The player asks for one of them.
  assert.ok(PEAK_BUCKET_COUNTS.includes(PEAK_BUCKETS));
});

test('history.audio refuses a missing file with AUDIO_MISSING (offer reconcile)', async () => {
  const g = await fx.history.create(
    { profileId: fx.profiles[0].id, text: 'will lose its file', status: 'completed' },
    { data: makeWav({ frames: 160, sample: () => 0.1 }), format: 'wav' },
  );
  rmSync(fx.history.resolveAudioPath(g));
  const r = await rpcFailure(fx.client.history.audio.query({ id: g.id }));
  assert.equal(r.code, 'NOT_FOUND');
  assert.equal(r.reason, 'AUDIO_MISSING');
  assert.match(r.message, /Reconcile/);
  await fx.history.delete(g.id);
});

test('history.onChanged delivers what changed, and stops when the view stops it', async () => {
  const events: unknown[] = [];
  let started = false;
  const sub = fx.client.history.onChanged.subscribe(undefined, { onStarted: () => (started = true), onData: (e) => events.push(e) });
  await until(() => started, 'the subscription to start');
  const g = fx.generations[5];
  await fx.client.history.setFavorite.mutate({ id: g.id, favorite: true });
  await until(() => events.length >= 1, 'a change event');
  assert.deepEqual(events[0], { kind: 'entity', entity: 'generation', op: 'updated', ids: [g.id], generationIds: [g.id] });
  sub.unsubscribe();
  // The stop travels to the host before the next change; no event may follow.
  await fx.client.history.get.query({ id: g.id });
  await fx.history.update(g.id, { isFavorited: false });
  await fx.client.history.get.query({ id: g.id });
  assert.equal(events.length, 1);
});

test('history.setFavorite, delete one and many, deleteFailed', async () => {
  const g = fx.generations[6];
  const fav = await fx.client.history.setFavorite.mutate({ id: g.id, favorite: true });
  assert.equal(fav.isFavorited, true);
  assert.ok((await fx.client.history.list.query({ favoritesOnly: true })).items.some((x) => x.id === g.id));

  const one = fx.generations[7];
  const audioPath = fx.history.resolveAudioPath(one);
  assert.deepEqual(await fx.client.history.delete.mutate({ ids: one.id }), { deleted: 1 });
  assert.equal(existsSync(audioPath), false, 'its audio is gone too');
  const many = [fx.generations[8].id, fx.generations[10].id, UNKNOWN_ID];
  assert.deepEqual(await fx.client.history.delete.mutate({ ids: many }), { deleted: 2 });
  const failedBefore = (await fx.history.list({ status: 'failed' })).total;
  assert.deepEqual(await fx.client.history.deleteFailed.mutate(), { deleted: failedBefore });
  assert.equal((await fx.history.list({ status: 'failed' })).total, 0);
  fx.generations = (await fx.history.list({ pageSize: 1000 })).items;
});

test('player: open, current, next and previous over the current list', async () => {
  const ids = fx.generations.slice(0, 4).map((g) => g.id);
  fx.player.list = [...ids];
  fx.player.current = undefined;
  assert.deepEqual(await fx.client.player.current.query(), { generation: null, missingId: null, index: null, count: 4 });
  assert.equal((await fx.client.player.next.mutate())?.id, ids[0], 'next with nothing open starts at the top');
  assert.equal((await fx.client.player.next.mutate())?.id, ids[1]);
  assert.equal((await fx.client.player.previous.mutate())?.id, ids[0]);
  assert.equal(await fx.client.player.previous.mutate(), null, 'no wrap at the start');
  assert.equal((await fx.client.player.previous.mutate({ wrap: true }))?.id, ids[3]);
  assert.equal(await fx.client.player.next.mutate(), null);
  const opened = await fx.client.player.open.mutate({ id: ids[2] });
  assert.equal(opened.id, ids[2]);
  const current = await fx.client.player.current.query();
  assert.equal(current.generation?.id, ids[2]);
  assert.equal(current.index, 2);

  // A generation deleted elsewhere is skipped by next and shown as missing by current.
  await fx.history.delete(ids[3]);
  assert.equal(await fx.client.player.next.mutate(), null);
  assert.equal((await fx.client.player.next.mutate({ wrap: true }))?.id, ids[0]);
  fx.player.current = ids[3];
  assert.equal((await fx.client.player.current.query()).missingId, ids[3]);
  const gone = await rpcFailure(fx.client.player.open.mutate({ id: ids[3] }));
  assert.equal(gone.code, 'NOT_FOUND');
  fx.generations = (await fx.history.list({ pageSize: 1000 })).items;
});

test('10,000 hostile messages against the real router: each rejected or served, nothing written', async () => {
  const log = recordingLogger();
  const ctx: RpcContext = { history: fx.history, player: fx.player, log, toWebviewUri: (p) => p };
  let adapter: ReturnType<typeof serveAppRouter> | undefined;
  try {
    const before = (await fx.history.list({ pageSize: 1000 })).items;
    const filesBefore = readdirSync(fx.history.audioDir, { recursive: true }).sort();
    const real = before[0].id;
    const req = (i: number, type: string, path: string, input?: unknown) => ({
      channel: RPC_CHANNEL,
      kind: 'request',
      id: `b${i}`,
      op: { type, path, input },
    });
    const hostile: Array<(i: number) => unknown> = [
      (i) => req(i, 'mutation', 'history.delete', { ids: ['../../etc/passwd'] }),
      (i) => req(i, 'mutation', 'history.delete', { ids: `${real}/..` }),
      (i) => req(i, 'query', 'history.list', { pageSize: 5000 }),
      (i) => req(i, 'query', 'history.list', { offset: -5 }),
      (i) => req(i, 'mutation', 'history.setFavorite', { id: '..\\x', favorite: true }),
      (i) => req(i, 'mutation', 'history.deleteEverything', {}),
      (i) => req(i, 'query', 'history.delete', { ids: real }), // a mutation called as a query
      (i) => req(i, 'query', 'history.list', { pageSize: 50 }),
      () => ({ channel: RPC_CHANNEL, kind: 'request', op: 'x' }),
      () => [1, 2, 3],
    ];
    const messages = Array.from({ length: 10_000 }, (_, i) => hostile[i % hostile.length](i));
    const expected = messages.filter((m) => typeof (m as { id?: unknown }).id === 'string').length;

    const { received, delay } = await burstFromWorker((webview) => (adapter = serveAppRouter(webview, () => ctx, log)), messages, expected);

    const replies = received.map((m) => hostMessageSchema.parse(m));
    assert.equal(replies.length, expected);
    assert.equal(new Set(replies.map((r) => r.id)).size, expected, 'one reply per request');
    const byCode: Record<string, number> = {};
    for (const r of replies) {
      const key = r.kind === 'error' ? r.error.code : r.kind;
      byCode[key] = (byCode[key] ?? 0) + 1;
    }
    assert.equal(byCode.INTERNAL_SERVER_ERROR, undefined);
    const after = (await fx.history.list({ pageSize: 1000 })).items;
    assert.deepEqual(after, before, 'nothing written');
    assert.deepEqual(readdirSync(fx.history.audioDir, { recursive: true }).sort(), filesBefore);
    assert.equal(adapter!.openOperations, 0);
    console.log(
      `[router burst] 10,000 messages -> ${replies.length} replies ${JSON.stringify(byCode)}; ` +
        `host's longest event-loop delay ${(delay.max / 1e6).toFixed(1)} ms (p99 ${(delay.p99 / 1e6).toFixed(1)} ms)`,
    );
  } finally {
    adapter?.dispose();
  }
});
