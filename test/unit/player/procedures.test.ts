// The player's router end to end: the webview client link -> a real MessageChannel -> the host
// adapter -> playerRouter (src/player/router.ts) -> a real HistoryService in a temp folder,
// with a recording PlayerActions standing in for the VS Code side (clipboard, dialogs, commands).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRPCClientError } from '@trpc/client';
import { openHistory, type Generation, type HistoryService } from '../../../src/history';
import { attachRouterToWebview, type PlayerContext, type RpcContext } from '../../../src/rpc';
import { takesOfText, type OpenRequest, type PlayerActions, type PlayerRpcContext, type ShownItem } from '../../../src/player/procedures';
import { playerRouter, type PlayerRouter } from '../../../src/player/router';
import { createWebviewClient } from '../../../webview-ui/rpc/client';
import { failureOf, problemOf } from '../../../webview-ui/player/state';
import { makeWav, sine } from '../audio/make-wav';
import { createPortPair, recordingLogger, until } from '../rpc/ports';

class RecordingActions implements PlayerActions {
  pending: OpenRequest | null = null;
  listeners = new Set<(r: OpenRequest) => void>();
  copied: string[] = [];
  confirmAnswer = false;
  confirmations: string[] = [];
  revealed: string[] = [];
  shown: Array<ShownItem | null> = [];
  sources: string[] = [];
  async goToSource(generationId: string): Promise<void> {
    this.sources.push(generationId);
  }
  reportShown(item: ShownItem | null): void {
    this.shown.push(item);
  }
  takeOpenRequest(): OpenRequest | null {
    const r = this.pending;
    this.pending = null;
    return r;
  }
  onOpenRequest(listener: (r: OpenRequest) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
  async copyText(text: string): Promise<void> {
    this.copied.push(text);
  }
  async confirmDelete(g: Generation): Promise<boolean> {
    this.confirmations.push(g.id);
    return this.confirmAnswer;
  }
  async revealInTree(id: string): Promise<boolean> {
    this.revealed.push(id);
    return true;
  }
}

const player: PlayerContext = { currentList: () => [], currentId: () => undefined, open: () => undefined };

let dir: string;
let history: HistoryService;
let actions: RecordingActions;
let client: ReturnType<typeof createWebviewClient<PlayerRouter>>;
let bare: ReturnType<typeof createWebviewClient<PlayerRouter>>;
const closers: Array<() => void> = [];
const g: Record<string, Generation> = {};

function serve(ctx: RpcContext | PlayerRpcContext) {
  const ports = createPortPair();
  const log = recordingLogger();
  const adapter = attachRouterToWebview({ webview: ports.host, router: playerRouter, createContext: () => ctx, log });
  closers.push(() => {
    adapter.dispose();
    ports.close();
  });
  return createWebviewClient<PlayerRouter>({ target: ports.view, source: ports.view });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vh-player-procedures-'));
  history = await openHistory({ storageDir: join(dir, 'storage'), checkOnOpen: false });
  const alice = await history.createProfile({ name: 'Alice', engine: 'flite', voiceId: 'slt' });
  const bob = await history.createProfile({ name: 'Bob', engine: 'flite', voiceId: 'awb' });
  const wav = (hz: number) => ({ data: makeWav({ frames: 8000, sample: sine(hz, 16000) }), format: 'wav' });
  const make = async (key: string, text: string, profileId: string, minute: number) => {
    g[key] = await history.create(
      { profileId, text, engine: 'flite', status: 'completed', createdAt: Date.UTC(2025, 0, 1, 0, minute) },
      wav(200 + minute),
    );
  };
  await make('take1', 'Hello world', alice.id, 1);
  await make('prefix', 'Hello world!', alice.id, 2);
  await make('take2', 'Hello world', bob.id, 3);
  await make('upper', 'HELLO WORLD', alice.id, 4);
  await make('take3', 'Hello world', alice.id, 5);
  await make('other', 'Something else entirely', bob.id, 6);
  await make('victim', 'Delete me later', bob.id, 7);
  await make('missing', 'My audio file vanished', bob.id, 8);
  actions = new RecordingActions();
  client = serve({ history, player, log: recordingLogger(), toWebviewUri: (p) => `https://res.test${p}`, playerActions: actions });
  bare = serve({ history, player, log: recordingLogger(), toWebviewUri: (p) => `https://res.test${p}` });
});

after(async () => {
  for (const close of closers) close();
  await history?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('takes: every generation with exactly the same text, oldest first', async () => {
  const takes = await client.player.takes.query({ id: g.take2.id });
  assert.deepEqual(
    takes.map((t) => t.id),
    [g.take1.id, g.take2.id, g.take3.id],
  );
  const alone = await client.player.takes.query({ id: g.other.id });
  assert.deepEqual(
    alone.map((t) => t.id),
    [g.other.id],
  );
});

test("the player names a generation's voice by its friendly name", async () => {
  const slt = await history.createProfile({ name: 'slt', engine: 'flite', voiceId: 'slt' });
  const alice = await history.createProfile({ name: 'Scots reader', engine: 'flite', voiceId: 'awb' });
  const plain = await history.createProfile({ name: 'Imported voice' });
  const made = async (profileId: string) => (await history.create({ profileId, text: 'Voice test', status: 'failed', error: 'x' })).id;
  assert.equal(await client.player.voice.query({ id: await made(slt.id) }), 'slt — US English, female');
  assert.equal(await client.player.voice.query({ id: await made(alice.id) }), 'Scots reader (awb — Scottish English, male)');
  assert.equal(await client.player.voice.query({ id: await made(plain.id) }), 'Imported voice');
});

test('takesOfText finds exact matches beyond the first search page', async () => {
  const text = 'Repeated line for paging';
  const profile = await history.createProfile({ name: 'Pager' });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await history.create({ profileId: profile.id, text, status: 'failed', error: 'x' })).id);
  // Near misses that the substring search also returns, enough to fill a page.
  for (let i = 0; i < 520; i++) await history.create({ profileId: profile.id, text: `${text} #${i}`, status: 'failed', error: 'x' });
  ids.push((await history.create({ profileId: profile.id, text, status: 'failed', error: 'x' })).id);
  const found = await takesOfText(history, text);
  assert.deepEqual(
    found.map((t) => t.id),
    ids,
  );
});

test('boot hands over the waiting open request once; the subscription delivers later ones', async () => {
  actions.pending = { generationId: g.take1.id, autoplay: true, seq: 1 };
  assert.deepEqual((await client.player.boot.query()).openRequest, { generationId: g.take1.id, autoplay: true, seq: 1 });
  assert.equal((await client.player.boot.query()).openRequest, null);

  const received: OpenRequest[] = [];
  const sub = client.player.onOpenRequest.subscribe(undefined, { onData: (r) => received.push(r) });
  await until(() => actions.listeners.size === 1, 'the subscription to start');
  for (const l of actions.listeners) l({ generationId: g.take2.id, autoplay: true, seq: 2 });
  await until(() => received.length === 1, 'the open request');
  assert.equal(received[0].generationId, g.take2.id);
  sub.unsubscribe();
  await until(() => actions.listeners.size === 0, 'the host to drop the listener');
});

test('copyText copies the text as stored on the host', async () => {
  const result = await client.player.copyText.mutate({ id: g.upper.id });
  assert.deepEqual(actions.copied, ['HELLO WORLD']);
  assert.equal(result.copied, 'HELLO WORLD'.length);
});

test('delete asks first and deletes only when confirmed', async () => {
  actions.confirmAnswer = false;
  assert.deepEqual(await client.player.delete.mutate({ id: g.victim.id }), { deleted: false });
  assert.ok(await history.get(g.victim.id), 'kept after the user said no');
  actions.confirmAnswer = true;
  assert.deepEqual(await client.player.delete.mutate({ id: g.victim.id }), { deleted: true });
  assert.equal(await history.get(g.victim.id), undefined);
  assert.deepEqual(actions.confirmations, [g.victim.id, g.victim.id]);
  // Gone now: the player is told so (and shows "deleted").
  const err = await client.player.delete.mutate({ id: g.victim.id }).catch((e: unknown) => e);
  assert.ok(err instanceof TRPCClientError);
  assert.equal(problemOf(failureOf(err)).kind, 'gone');
});

test('the player is served the archive procedures; its ids are checked before any command runs', async () => {
  const ran: Array<[string, readonly unknown[]]> = [];
  const archive = {
    run: async (command: string, args: readonly unknown[]) => {
      ran.push([command, args]);
      return { path: '/somewhere/hello.voicehistory.zip', generations: 1, bytes: 1234 };
    },
  };
  const withArchive = serve({
    history,
    player,
    log: recordingLogger(),
    toWebviewUri: (p) => p,
    playerActions: actions,
    archive,
  } as PlayerRpcContext);
  assert.deepEqual(await withArchive.archive.exportGeneration.mutate({ id: g.take1.id }), {
    exported: true,
    fileName: 'hello.voicehistory.zip',
    generations: 1,
    bytes: 1234,
  });
  assert.deepEqual(ran, [['exportGeneration', [g.take1.id]]]);
  const sneaky = await withArchive.player.revealInTree.mutate({ id: '../../etc/passwd' }).catch((e: unknown) => e);
  assert.ok(sneaky instanceof TRPCClientError);
  assert.equal(failureOf(sneaky).code, 'BAD_REQUEST');
  assert.deepEqual(actions.revealed, []);
  assert.deepEqual(await withArchive.player.revealInTree.mutate({ id: g.take3.id }), { revealed: true });
  assert.deepEqual(actions.revealed, [g.take3.id]);
});

test('reportShown tells the host what the view shows', async () => {
  const version = (await history.listVersions(g.take1.id))[0];
  await client.player.reportShown.mutate({ id: g.take1.id, versionId: version.id });
  await client.player.reportShown.mutate(null);
  assert.deepEqual(actions.shown, [{ generationId: g.take1.id, versionId: version.id }, null]);
  const bad = await client.player.reportShown.mutate({ id: 'not-an-id', versionId: null }).catch((e: unknown) => e);
  assert.equal(failureOf(bad).code, 'BAD_REQUEST');
});

test('setNotes keeps the Markdown as typed, blank clears; too long or an unknown id is refused and changes nothing', async () => {
  const notes = '# Take notes\n- **warmer** next time\n[link](command:workbench.action.quit)';
  assert.equal((await client.player.setNotes.mutate({ id: g.other.id, notes })).notes, notes);
  assert.equal((await history.get(g.other.id))?.notes, notes);
  const tooLong = await client.player.setNotes.mutate({ id: g.other.id, notes: 'x'.repeat(100_001) }).catch((e: unknown) => e);
  assert.equal(failureOf(tooLong).code, 'BAD_REQUEST');
  assert.match(failureOf(tooLong).message, /at most 100,000 characters/);
  const gone = await client.player.setNotes.mutate({ id: '3f0c5d8e-1b2a-4c3d-8e9f-0a1b2c3d4e5f', notes: 'x' }).catch((e: unknown) => e);
  assert.equal(failureOf(gone).code, 'NOT_FOUND');
  assert.equal((await history.get(g.other.id))?.notes, notes, 'unchanged');
  assert.equal((await client.player.setNotes.mutate({ id: g.other.id, notes: '  \n ' })).notes, null);
});

test('a webview served without player actions is refused with a clear reason', async () => {
  const err = await bare.player.copyText.mutate({ id: g.take1.id }).catch((e: unknown) => e);
  assert.ok(err instanceof TRPCClientError);
  assert.equal(failureOf(err).code, 'NOT_IMPLEMENTED');
  assert.equal(failureOf(err).reason, 'NOT_A_PLAYER');
  // The history procedures the player uses still work.
  assert.equal((await bare.history.get.query({ id: g.take1.id })).text, 'Hello world');
});

test('a missing audio file reaches the player as "offer reconcile"', async () => {
  rmSync(history.resolveAudioPath(g.missing));
  const err = await client.history.audio.query({ id: g.missing.id }).catch((e: unknown) => e);
  const problem = problemOf(failureOf(err));
  assert.equal(problem.kind, 'audio-missing');
  assert.match(problem.message, /Reconcile Storage/);
});

test('the player router holds exactly what the player uses: no bulk or unconfirmed deletes from a webview', async () => {
  const paths = Object.keys(playerRouter._def.procedures).sort();
  assert.deepEqual(paths, [
    'archive.exportAudio',
    'archive.exportGeneration',
    'archive.reconcile',
    // The effects panel and the takes list; deleteVersion asks the user first (effects-procedures.test.ts).
    'effects.catalog',
    'effects.deletePreset',
    'effects.deleteVersion',
    'effects.loudness',
    'effects.preview',
    'effects.renamePreset',
    'effects.renameVersion',
    'effects.savePreset',
    'effects.saveVersion',
    'effects.setVoiceChain',
    'effects.takes',
    'history.audio',
    'history.get',
    'history.onChanged',
    'history.peaks',
    'history.setFavorite',
    'player.boot',
    'player.copyText',
    'player.current',
    'player.delete',
    'player.goToSource',
    'player.next',
    'player.onOpenRequest',
    'player.open',
    'player.previous',
    'player.reportShown',
    'player.revealInTree',
    'player.setNotes',
    'player.source',
    'player.takes',
    'player.voice',
    'versions.list',
    'versions.setDefault',
  ]);
  // A page that tries anyway (a compromised or buggy view) reaches nothing and deletes nothing.
  type Loose = Record<string, Record<string, { mutate(input?: unknown): Promise<unknown> }>>;
  const loose = client as unknown as Loose;
  const version = (await history.listVersions(g.other.id))[0];
  for (const attempt of [
    () => loose.history.delete.mutate({ ids: [g.other.id] }),
    () => loose.history.deleteFailed.mutate(),
    () => loose.versions.delete.mutate({ versionId: version.id }),
    () => loose.archive.purge.mutate(),
    () => loose.playerActions.delete.mutate({ id: g.other.id }),
  ]) {
    const err = await attempt().catch((e: unknown) => e);
    assert.equal(failureOf(err).code, 'NOT_FOUND');
  }
  assert.ok(await history.get(g.other.id), 'still there');
  assert.equal((await history.listVersions(g.other.id)).length, 1);
});

test('source names where the text was spoken from; goToSource asks the host to open it, only when there is one', async () => {
  const spoken = await history.create(
    {
      profileId: g.take1.profileId,
      text: 'Spoken from notes',
      engine: 'flite',
      status: 'completed',
      settings: { origin: { document: { uri: 'file:///work/notes.md', startLine: 2, startCharacter: 4, endLine: 3, endCharacter: 9 } } },
    },
    { data: makeWav({ frames: 800, sample: sine(300, 16000) }), format: 'wav' },
  );
  assert.deepEqual(await client.player.source.query({ id: spoken.id }), { label: 'notes.md:3-4' });
  assert.equal(await client.player.goToSource.mutate({ id: spoken.id }), null);
  assert.deepEqual(actions.sources, [spoken.id]);
  assert.equal(await client.player.source.query({ id: g.take1.id }), null);
  const none = await client.player.goToSource.mutate({ id: g.take1.id }).catch((e: unknown) => e);
  assert.equal(failureOf(none).reason, 'NO_SOURCE');
  assert.deepEqual(actions.sources, [spoken.id]);
});
