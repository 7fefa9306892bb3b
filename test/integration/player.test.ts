import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { openHistory, type Generation } from '../../src/history';
import { PlayerHost, type PlayerShown } from '../../src/player/host';
import { makeWav, sine } from '../unit/audio/make-wav';
import { activated, extensionId } from './extension-api';

/** Resolves with the first event matching `ok`; fails after `ms`. */
function next(event: vscode.Event<PlayerShown>, ok: (e: PlayerShown) => boolean, what: string, ms = 30000): Promise<PlayerShown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const sub = event((e) => {
      if (!ok(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

const playerTab = (): vscode.Tab | undefined =>
  vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Voice History Player');

describe('The player webview in a real VS Code', () => {
  let generation: Generation;

  before(async () => {
    const api = await activated();
    assert.ok(api.history, 'the history is open');
    const profile = await api.history.findOrCreateProfile({ name: 'Player integration', engine: 'flite', voiceId: 'slt' });
    generation = await api.history.create(
      { profileId: profile.id, text: 'The player integration test speaks.', engine: 'flite', status: 'completed' },
      { data: makeWav({ frames: 32000, sample: sine(330, 16000) }), format: 'wav', duration: 2 },
    );
  });

  after(async () => {
    const tab = playerTab();
    if (tab) await vscode.window.tabGroups.close(tab);
  });

  it('contributes the Player as a webview view under Voice History, collapsed until used', async () => {
    const ext = vscode.extensions.getExtension(extensionId)!;
    const views: Array<{ id: string; type?: string }> = ext.packageJSON.contributes.views.voiceHistory;
    assert.deepEqual(
      views.find((v) => v.id === 'voiceHistory.player'),
      {
        type: 'webview',
        id: 'voiceHistory.player',
        name: 'Player',
        icon: 'media/voice-history.svg',
        contextualTitle: 'Voice History',
        visibility: 'collapsed',
      },
    );
    assert.ok((await vscode.commands.getCommands(true)).includes('voiceHistory.player.focus'));
  });

  it("plays a generation handed to the tree's player slot: the side bar view loads it over RPC", async () => {
    const api = await activated();
    const versions = await api.history!.listVersions(generation.id);
    const shown = next(api.player!.onDidShow, (e) => e.item?.generationId === generation.id, 'the player view to load the generation');
    // What the tree's Play does.
    await api.historyUi.player.open(generation.id, [generation.id]);
    const e = await shown;
    assert.equal(e.placement, 'view');
    assert.equal(e.item?.versionId, versions.find((v) => v.isDefault)?.id);
  });

  it('"Open Player" shows it in an editor tab and plays the selection there', async () => {
    const api = await activated();
    const shown = next(
      api.player!.onDidShow,
      (e) => e.placement === 'panel' && e.item?.generationId === generation.id,
      'the editor panel to load it',
    );
    await vscode.commands.executeCommand('voiceHistory.openPlayer', generation.id);
    await shown;
    assert.ok(playerTab(), 'an editor tab "Voice History Player" is open');
  });

  it('a deleted generation is no longer shown (live update through history.onChanged)', async () => {
    const api = await activated();
    // Deleted in this window, the player moves on to a neighbouring row, or to nothing.
    const cleared = next(
      api.player!.onDidShow,
      (e) => e.placement === 'panel' && e.item?.generationId !== generation.id,
      'the player to drop the deleted generation',
    );
    await api.history!.delete(generation.id);
    await cleared;
  });

  it('plays audio from a storage folder whose path goes through a symlink (webview roots vs realpath)', async () => {
    const real = mkdtempSync(join(tmpdir(), 'vh-symlinked-storage-'));
    const link = `${real}-link`;
    symlinkSync(real, link, 'dir');
    const ext = vscode.extensions.getExtension(extensionId)!;
    const wasmPath = join(ext.extensionPath, 'dist', 'sql-wasm.wasm');
    const history = await openHistory({ storageDir: join(link, 'storage'), wasmPath, checkOnOpen: false });
    const log = vscode.window.createOutputChannel('Voice History symlink test', { log: true });
    const host = new PlayerHost({
      extensionUri: ext.extensionUri,
      history,
      log,
      archive: { run: async () => undefined },
      goToSource: async () => undefined,
    });
    try {
      const profile = await history.createProfile({ name: 'Symlinked', engine: 'flite', voiceId: 'slt' });
      const g = await history.create(
        { profileId: profile.id, text: 'Audio behind a symlinked folder.', engine: 'flite', status: 'completed' },
        { data: makeWav({ frames: 16000, sample: sine(440, 16000) }), format: 'wav', duration: 1 },
      );
      const version = (await history.listVersions(g.id))[0];
      // The player reports a version only once the audio element has loaded the file.
      const shown = next(host.onDidShow, (e) => e.item?.generationId === g.id, 'the player to load or give up on the audio');
      await host.openPanel();
      await host.open(g.id, [g.id]);
      const e = await shown;
      assert.equal(e.item?.versionId, version.id, 'the audio loaded from a path under a symlink');
    } finally {
      host.dispose();
      log.dispose();
      await history.close();
      rmSync(link, { force: true });
      rmSync(real, { recursive: true, force: true });
    }
  });
});
