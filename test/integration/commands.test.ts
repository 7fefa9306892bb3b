// The everyday commands inside a real VS Code, called as menus and keybindings call them (tree
// rows with the selection, ids, or nothing for the tree's selection); effects checked on the store,
// the tree, the clipboard and the editors.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Generation } from '../../src/history';
import type { PlayerPort } from '../../src/player/port';
import { STATISTICS_VIEW_TYPE } from '../../src/views/statistics';
import {
  cleanUp,
  eventually,
  idsIn,
  makeGeneration,
  provider,
  roots,
  setConfig,
  showOnly,
  todayRow as rowOf,
  treeFixture,
  type TreeFixture,
} from './tree-helpers';

function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
}

describe('History commands', function () {
  let f: TreeFixture;

  before(async () => {
    await setConfig('confirmDelete', false);
    await setConfig('tree.groupBy', 'date');
    await vscode.commands.executeCommand('voiceHistory.history.focus');
  });

  beforeEach(async () => {
    f = await treeFixture('Commands');
  });

  afterEach(async () => {
    await cleanUp(f);
  });

  after(async () => {
    await setConfig('confirmDelete', undefined);
    await setConfig('tree.groupBy', undefined);
    await setConfig('statusBar.enabled', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('play hands the generation and the list in display order to the player', async () => {
    const older = await makeGeneration(f, 'Older take', { createdAt: Date.now() - 2000 });
    const newer = await makeGeneration(f, 'Newer take', { createdAt: Date.now() - 1000 });
    await showOnly(f);
    const calls: Array<{ id: string; list: string[] }> = [];
    const recorder: PlayerPort = { open: async (id, list) => void calls.push({ id, list }) };
    const plugged = f.api.historyUi.player.use(recorder);
    try {
      // A row from the tree (as the inline action and Enter pass it).
      const row = await rowOf(f, older);
      assert.equal(await vscode.commands.executeCommand('voiceHistory.play', row), older.id);
      assert.deepEqual(calls.at(-1), { id: older.id, list: [newer.id, older.id] });
      // An id from elsewhere (search, other layers).
      await vscode.commands.executeCommand('voiceHistory.play', newer.id);
      assert.deepEqual(calls.at(-1), { id: newer.id, list: [newer.id, older.id] });
      // A multi-selection plays the clicked one with the selection as the list.
      const both = [await rowOf(f, newer), row];
      await vscode.commands.executeCommand('voiceHistory.play', row, both);
      assert.deepEqual(calls.at(-1), { id: older.id, list: [newer.id, older.id] });
      // Nothing to play: pending generations do not reach the player.
      const pending = await makeGeneration(f, 'Not yet', { status: 'pending' });
      const before = calls.length;
      assert.equal(await vscode.commands.executeCommand('voiceHistory.play', pending.id), undefined);
      assert.equal(calls.length, before);
      // openPlayer with an id plays it too.
      await vscode.commands.executeCommand('voiceHistory.openPlayer', older.id);
      assert.equal(calls.at(-1)?.id, older.id);
    } finally {
      plugged.dispose();
    }
  });

  // (Play goes to the player webview, registered whenever the history opens: see player.test.)
  it('"open audio in editor" opens the audio file in an editor; reveal names it', async () => {
    const g = await makeGeneration(f, 'Hear me');
    await showOnly(f);
    const file = f.history.resolveAudioPath(g);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(await vscode.commands.executeCommand('voiceHistory.openAudioInEditor', g.id), file);
    await eventually(() => activeTabUri()?.fsPath === file, 'the audio open in an editor');
    assert.equal(await vscode.commands.executeCommand('voiceHistory.revealAudioFile', g.id), file);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('favorite, unfavorite and toggle on one or many; the Favorites group follows', async () => {
    const a = await makeGeneration(f, 'Star A', { createdAt: Date.now() - 2000 });
    const b = await makeGeneration(f, 'Star B', { createdAt: Date.now() - 1000 });
    await showOnly(f);
    assert.equal(await vscode.commands.executeCommand('voiceHistory.toggleFavorite', a.id), 1);
    assert.equal((await f.history.get(a.id))?.isFavorited, true);
    const favorites = await eventually(async () => (await roots(f)).find((n) => n.id === 'favorites'), 'the Favorites group');
    assert.deepEqual(await idsIn(f, favorites), [a.id]);
    assert.match(String(provider(f).getTreeItem(await rowOf(f, a)).contextValue), /\bfavorite\b/);

    // Toggle on a mixed selection favorites all; again unfavorites all.
    const rows = [await rowOf(f, b), await rowOf(f, a)];
    await vscode.commands.executeCommand('voiceHistory.toggleFavorite', rows[0], rows);
    assert.deepEqual(
      (await f.history.getMany([a.id, b.id])).map((g) => g.isFavorited),
      [true, true],
    );
    await vscode.commands.executeCommand('voiceHistory.toggleFavorite', rows[0], rows);
    assert.deepEqual(
      (await f.history.getMany([a.id, b.id])).map((g) => g.isFavorited),
      [false, false],
    );
    await eventually(async () => !(await roots(f)).some((n) => n.id === 'favorites'), 'no Favorites group');

    await vscode.commands.executeCommand('voiceHistory.favorite', [a.id, b.id]);
    assert.deepEqual(
      (await f.history.getMany([a.id, b.id])).map((g) => g.isFavorited),
      [true, true],
    );
    await vscode.commands.executeCommand('voiceHistory.unfavorite', [a.id]);
    assert.deepEqual(
      (await f.history.getMany([a.id, b.id])).map((g) => g.isFavorited),
      [false, true],
    );
  });

  it('go to source opens the document the text was spoken from with the original range selected; other schemes are not opened', async () => {
    const file = path.join(os.tmpdir(), `vh-source-${Date.now()}.md`);
    await fs.writeFile(file, 'Title\n\nThe first sentence. The second sentence is spoken.\nAnd more.\n');
    try {
      const document = { uri: vscode.Uri.file(file).toString(), startLine: 2, startCharacter: 20, endLine: 2, endCharacter: 50 };
      const spoken = await f.history.create({
        profileId: f.profile.id,
        text: 'The second sentence is spoken.',
        status: 'failed',
        error: 'test',
        settings: { origin: { document } },
      });
      const imported = await f.history.create({
        profileId: f.profile.id,
        text: 'Imported with a hostile source',
        status: 'failed',
        error: 'test',
        settings: { origin: { document: { ...document, uri: 'command:workbench.action.closeWindow' } } },
      });
      await showOnly(f);
      const row = await rowOf(f, spoken);
      assert.match(String(provider(f).getTreeItem(row).contextValue), /\bhasSource\b/, 'the row offers Go to Source');
      assert.doesNotMatch(
        String(provider(f).getTreeItem(await rowOf(f, imported)).contextValue),
        /\bhasSource\b/,
        'not for a command: URI',
      );
      const opened = await vscode.commands.executeCommand('voiceHistory.goToSource', row, [row]);
      assert.equal(opened, vscode.Uri.file(file).toString());
      const editor = vscode.window.activeTextEditor;
      assert.equal(editor?.document.uri.fsPath, file);
      assert.deepEqual(
        [editor!.selection.start.line, editor!.selection.start.character, editor!.selection.end.line, editor!.selection.end.character],
        [2, 20, 2, 50],
        'the original range, not column 1',
      );
      assert.equal(editor!.document.getText(editor!.selection), 'The second sentence is spoken.');
      assert.equal(
        await vscode.commands.executeCommand('voiceHistory.goToSource', imported.id),
        undefined,
        'a command: URI is never opened',
      );
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await fs.rm(file, { force: true });
    }
  });

  it('commands on rows accept a group header or "Load more…" row as "use the selection"; view commands ignore rows', async () => {
    const g = await makeGeneration(f, 'Selected take');
    await showOnly(f);
    const today = (await roots(f)).find((n) => n.id === 'date:today')!;
    const row = await rowOf(f, g);
    await f.api.historyUi.view.reveal(g.id);
    await eventually(() => f.api.historyUi.view.selectedGenerations().some((n) => n.generation.id === g.id), 'the row selected');
    // A keybinding on a focused group passes the group: the selection counts, no "not a generation" error.
    const text = await vscode.commands.executeCommand('voiceHistory.copyText', today);
    assert.equal(text, 'Selected take');
    // Clear Filters from the title bar after a row was clicked gets that row: it still clears.
    assert.deepEqual(await vscode.commands.executeCommand('voiceHistory.clearFilters', row, [row]), {});
    await showOnly(f);
    // Group By with a row (title bar) asks like the palette does; accepting the current choice answers it.
    const asked = vscode.commands.executeCommand('voiceHistory.groupBy', row, [row]);
    await new Promise((r) => setTimeout(r, 500));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    assert.equal(await asked, 'date');
    // Programmatic use with a documented value still works.
    assert.equal(await vscode.commands.executeCommand('voiceHistory.groupBy', 'date'), 'date');
  });

  it('delete removes one or many (rows with the selection, ids, or the selection itself) from store and tree', async () => {
    const made: Generation[] = [];
    for (let i = 0; i < 5; i++) made.push(await makeGeneration(f, `Doomed ${i}`, { createdAt: Date.now() - 5000 + i }));
    await showOnly(f);
    const [g0, g1, g2, g3, g4] = made as [Generation, Generation, Generation, Generation, Generation];
    const file = f.history.resolveAudioPath(g0);

    assert.equal(await vscode.commands.executeCommand('voiceHistory.delete', g0.id), 1);
    assert.equal(await f.history.get(g0.id), undefined);
    await assert.rejects(fs.stat(file), /ENOENT/, 'its audio file is gone');

    const r1 = await rowOf(f, g1);
    const r2 = await rowOf(f, g2);
    assert.equal(await vscode.commands.executeCommand('voiceHistory.delete', r1, [r1, r2]), 2);
    assert.deepEqual(await f.history.getMany([g1.id, g2.id]), []);

    // The Delete key passes nothing: the tree's selection is deleted.
    const view = f.api.historyUi.view;
    assert.ok(await view.reveal(g3.id));
    await eventually(() => view.selectedGenerations()[0]?.generation.id === g3.id, 'g3 selected');
    assert.equal(await vscode.commands.executeCommand('voiceHistory.delete'), 1);
    assert.equal(await f.history.get(g3.id), undefined);

    await eventually(async () => {
      const today = (await roots(f)).find((n) => n.id === 'date:today');
      return today && (await idsIn(f, today)).join() === g4.id;
    }, 'only the survivor left in the tree');

    assert.equal(await vscode.commands.executeCommand('voiceHistory.delete', 'not-an-id'), undefined, 'a bad id is refused');
    assert.ok(await f.history.get(g4.id), 'and nothing else is touched');
  });

  it('delete in slices under progress when many are selected', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 620; i++)
      ids.push((await makeGeneration(f, `Bulk ${i}`, { status: 'pending', createdAt: Date.now() - 10_000 + i })).id);
    assert.equal(await vscode.commands.executeCommand('voiceHistory.delete', ids), 620);
    assert.equal((await f.history.list({ profileId: f.profile.id, pageSize: 1, offset: 0 })).total, 0);
  });

  it('delete failed generations removes exactly those', async () => {
    const ok = await makeGeneration(f, 'Survivor');
    await makeGeneration(f, 'Failed one', { status: 'failed' });
    await makeGeneration(f, 'Failed two', { status: 'failed' });
    const deleted = await vscode.commands.executeCommand<number>('voiceHistory.deleteFailed');
    assert.ok(deleted >= 2, `deleted ${deleted}`);
    assert.equal((await f.history.list({ status: 'failed', pageSize: 1, offset: 0 })).total, 0);
    assert.ok(await f.history.get(ok.id));
    assert.equal(await vscode.commands.executeCommand('voiceHistory.deleteFailed'), 0, 'nothing left to delete');
  });

  it('copy text and copy as JSON put the generations on the clipboard', async () => {
    const a = await makeGeneration(f, 'Copy me first', { createdAt: Date.now() - 2000 });
    const b = await makeGeneration(f, 'Then me', { createdAt: Date.now() - 1000 });
    await vscode.commands.executeCommand('voiceHistory.copyText', [a.id, b.id]);
    assert.equal(await vscode.env.clipboard.readText(), 'Copy me first\n\nThen me');
    await vscode.commands.executeCommand('voiceHistory.copyAsJson', a.id);
    const one = JSON.parse(await vscode.env.clipboard.readText());
    assert.equal(one.id, a.id);
    assert.equal(one.text, 'Copy me first');
    assert.equal(one.profileName, f.profile.name);
    assert.equal(one.audioFile, f.history.resolveAudioPath(a));
    await vscode.commands.executeCommand('voiceHistory.copyAsJson', [a.id, b.id]);
    const many = JSON.parse(await vscode.env.clipboard.readText());
    assert.deepEqual(
      many.map((g: { id: string }) => g.id),
      [a.id, b.id],
    );
  });

  it('statistics open in a tab of their own built from history.stats(), reused and refreshed as the history changes', async () => {
    await makeGeneration(f, 'Counted');
    await vscode.commands.executeCommand('voiceHistory.showStatistics');
    const statistics = f.api.historyUi.statistics!;
    const tabs = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(STATISTICS_VIEW_TYPE));
    await eventually(() => tabs().length === 1 || undefined, 'the statistics tab');
    const stats = await f.history.stats();
    const text = statistics.html;
    assert.match(text, /<h1>Voice History statistics<\/h1>/);
    assert.match(text, new RegExp(`<th scope="row">Generations</th><td>${stats.totalGenerations.toLocaleString('en-US')}</td>`));
    assert.match(text, /<h2>By voice profile<\/h2>/);
    assert.ok(text.includes(f.profile.name), 'our profile is listed');
    assert.match(text, /<h2>Last 30 days<\/h2>/);
    assert.doesNotMatch(text, /<script/, 'a page without scripts');
    // A new generation shows up in the open tab; showing it again reuses the tab.
    await makeGeneration(f, 'Counted later');
    const more = (stats.totalGenerations + 1).toLocaleString('en-US');
    await eventually(() => statistics.html.includes(`<td>${more}</td>`) || undefined, 'the refreshed count', 5000);
    await vscode.commands.executeCommand('voiceHistory.showStatistics');
    assert.equal(tabs().length, 1, 'one statistics tab');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await eventually(() => statistics.webviewPanel === undefined || undefined, 'the panel is gone once its tab is closed');
  });

  it('the status bar item is off by default and shows count and disk usage when enabled', async () => {
    const bar = f.api.historyUi.statusBar!;
    assert.equal(bar.enabled, false);
    await makeGeneration(f, 'Counted too');
    await setConfig('statusBar.enabled', true);
    await bar.apply();
    const stats = await f.history.stats();
    assert.match(bar.text, new RegExp(`^\\$\\(history\\) ${stats.totalGenerations.toLocaleString('en-US')} · \\d`));
    await setConfig('statusBar.enabled', false);
  });

  it('refresh re-reads the history and keeps the tree', async () => {
    const g = await makeGeneration(f, 'Still here');
    await showOnly(f);
    await vscode.commands.executeCommand('voiceHistory.refresh');
    await rowOf(f, g);
  });
});
