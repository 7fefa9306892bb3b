// archive.* procedures of the app router, against a real HistoryService: what a webview may pass
// (ids, a layout, a purge rule; never a path or a skipped confirmation), what reaches the host's
// command port, and what comes back. The port here records calls instead of opening dialogs;
// the commands behind it are tested inside VS Code (test/integration/archive.test.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRPCError } from '@trpc/server';
import { openHistory, type Generation, type HistoryService } from '../../../src/history';
import { appRouter } from '../../../src/rpc/router';
import type { ArchiveActions, ArchiveCommand, ArchiveRpcContext } from '../../../src/rpc/archive-procedures';
import type { RpcContext } from '../../../src/rpc/context';
import { makeWav } from '../audio/make-wav';

let dir: string;
let history: HistoryService;
let kept: Generation;
let failed: Generation;

class RecordingPort implements ArchiveActions {
  calls: Array<{ command: ArchiveCommand; args: readonly unknown[] }> = [];
  constructor(private readonly answer: (command: ArchiveCommand, args: readonly unknown[]) => unknown = () => undefined) {}
  async run(command: ArchiveCommand, args: readonly unknown[]): Promise<unknown> {
    this.calls.push({ command, args });
    return this.answer(command, args);
  }
}

function context(archive?: ArchiveActions): RpcContext | ArchiveRpcContext {
  const base: RpcContext = {
    history,
    toWebviewUri: (p) => `https://webview/${p}`,
    player: { currentList: () => [], currentId: () => undefined, open: () => undefined },
    log: { warn: () => undefined, error: () => undefined, debug: () => undefined },
  };
  return archive ? { ...base, archive } : base;
}

async function rejects(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof TRPCError, `a TRPCError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vh-rpc-archive-'));
  history = await openHistory({
    storageDir: join(dir, 'storage'),
    checkOnOpen: false,
    tuning: { pollIntervalMs: 0, compactOnClose: false },
  });
  const profile = await history.createProfile({ name: 'Alice' });
  kept = await history.create(
    { profileId: profile.id, text: 'Keep me', status: 'completed', isFavorited: true },
    { data: makeWav({ frames: 1600, sample: (f) => Math.sin(f / 5) / 2 }), format: 'wav' },
  );
  failed = await history.create({ profileId: profile.id, text: 'Broken', status: 'failed', error: 'engine crashed' });
});

after(async () => {
  await history.close();
  rmSync(dir, { recursive: true, force: true });
});

test('exportGeneration runs the command with the id and layout and returns only the file name', async () => {
  const port = new RecordingPort(() => ({
    path: '/home/me/exports/keep-me.voicebox.zip',
    generations: 1,
    versions: 1,
    bytes: 1234,
    skippedAudio: [],
    changedAudio: 0,
  }));
  const caller = appRouter.createCaller(context(port));
  const out = await caller.archive.exportGeneration({ id: kept.id, layout: 'voicebox' });
  assert.deepEqual(out, { exported: true, fileName: 'keep-me.voicebox.zip', generations: 1, bytes: 1234 });
  assert.deepEqual(port.calls, [{ command: 'exportGeneration', args: [kept.id, { layout: 'voicebox' }] }]);
  // Without a layout the command asks for it (no options argument).
  await caller.archive.exportGeneration({ id: kept.id });
  assert.deepEqual(port.calls[1], { command: 'exportGeneration', args: [kept.id] });
});

test('a cancelled or failed command reads as "not exported"', async () => {
  const caller = appRouter.createCaller(context(new RecordingPort(() => undefined)));
  assert.deepEqual(await caller.archive.exportAudio({ id: kept.id }), { exported: false, fileName: null, generations: 0, bytes: 0 });
  assert.deepEqual(await caller.archive.import(), { done: false, imported: 0, skipped: 0, rejected: [], cancelled: false });
  assert.deepEqual(await caller.archive.reconcile(), { done: false, deletedGenerations: 0, removedVersions: 0, removedFiles: 0 });
});

test('a webview cannot name a file, skip a confirmation, or pass a bad id', async () => {
  const port = new RecordingPort();
  const caller = appRouter.createCaller(context(port));
  const callAny = caller.archive as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  await rejects(callAny.exportGeneration!({ id: kept.id, destination: '/etc/cron.d/evil' }), 'BAD_REQUEST');
  await rejects(callAny.exportAudio!({ id: '../../etc/passwd' }), 'BAD_REQUEST', /Expected an id/);
  await rejects(callAny.exportGeneration!({ id: kept.id, layout: 'tar' }), 'BAD_REQUEST');
  await rejects(callAny.purge!({ rule: { kind: 'everything' }, confirmed: true }), 'BAD_REQUEST');
  await rejects(callAny.purge!({ rule: { kind: 'olderThan', days: -3 } }), 'BAD_REQUEST');
  await rejects(callAny.exportSelected!({ ids: [] }), 'BAD_REQUEST');
  assert.equal(port.calls.length, 0, 'nothing reached the host commands');
});

test('exporting a generation that no longer exists is NOT_FOUND and runs nothing', async () => {
  const port = new RecordingPort();
  const caller = appRouter.createCaller(context(port));
  await rejects(caller.archive.exportGeneration({ id: '00000000-0000-4000-8000-000000000000' }), 'NOT_FOUND', /no longer exists/);
  assert.equal(port.calls.length, 0);
});

test('exportSelected passes each id once; purge passes the parsed rule; import reports rejections', async () => {
  const port = new RecordingPort((command) => {
    if (command === 'purge') return { rule: {}, preview: {}, result: { deleted: 2, bytes: 10 } };
    if (command === 'import')
      return {
        imported: 1,
        skipped: 2,
        rejected: [{ name: 'bad.zip', reason: 'not a ZIP', problem: 'not-a-zip' }],
        generationIds: [],
        cancelled: false,
      };
    return undefined;
  });
  const caller = appRouter.createCaller(context(port));
  await caller.archive.exportSelected({ ids: [kept.id, failed.id, kept.id] });
  assert.deepEqual(port.calls[0], { command: 'exportSelected', args: [[kept.id, failed.id]] });
  assert.deepEqual(await caller.archive.purge({ rule: { kind: 'failed' } }), { done: true, deleted: 2, bytes: 10 });
  assert.deepEqual(port.calls[1], { command: 'purge', args: [{ kind: 'failed', keepFavorites: true }] });
  assert.deepEqual(await caller.archive.import(), {
    done: true,
    imported: 1,
    skipped: 2,
    rejected: [{ name: 'bad.zip', reason: 'not a ZIP' }],
    cancelled: false,
  });
});

test('previewPurge counts on the real history and deletes nothing', async () => {
  const caller = appRouter.createCaller(context());
  assert.deepEqual(await caller.archive.previewPurge({ rule: { kind: 'failed' } }), { count: 1, bytes: 0, favorites: 0 });
  const everything = await caller.archive.previewPurge({ rule: { kind: 'everything' } });
  assert.equal(everything.count, 2);
  assert.equal(everything.favorites, 1);
  assert.ok(everything.bytes > 0);
  assert.ok(await history.get(failed.id), 'still there');
});

test('a view without the archive port is told to use the commands', async () => {
  const caller = appRouter.createCaller(context());
  await rejects(caller.archive.exportGeneration({ id: kept.id }), 'NOT_IMPLEMENTED', /Command Palette/);
});
