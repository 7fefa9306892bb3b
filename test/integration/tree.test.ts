// The History tree inside a real VS Code: grouping, rows, paging, live updates, search → reveal,
// filters, badge and drag-and-drop import, observed through the tree provider VS Code reads and
// the TreeView it renders.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Generation } from '../../src/history';
import { monthLabel } from '../../src/format/date-buckets';
import type { GroupNode, HistoryNode } from '../../src/views/tree-nodes';
import {
  cleanUp,
  eventually,
  idsIn,
  labelsOf,
  makeGeneration,
  provider,
  roots,
  setConfig,
  showOnly,
  silence,
  treeFixture,
  type TreeFixture,
} from './tree-helpers';

const DAY = 86_400_000;

function itemOf(f: TreeFixture, n: HistoryNode): vscode.TreeItem {
  return provider(f).getTreeItem(n);
}

function group(nodes: HistoryNode[], label: string, f: TreeFixture): GroupNode {
  const g = nodes.find((n) => n.kind === 'group' && itemOf(f, n).label === label);
  assert.ok(g && g.kind === 'group', `a group "${label}" exists among ${nodes.map((n) => itemOf(f, n).label).join(', ')}`);
  return g;
}

describe('History tree', function () {
  let f: TreeFixture;

  before(async () => {
    await setConfig('tree.groupBy', 'date');
    await setConfig('tree.pageSize', 10);
    await vscode.commands.executeCommand('voiceHistory.history.focus');
  });

  // Each test works in a fresh profile (deleted afterwards with all its generations).
  beforeEach(async () => {
    f = await treeFixture('Tree');
  });

  afterEach(async () => {
    await cleanUp(f);
  });

  after(async () => {
    await setConfig('tree.groupBy', undefined);
    await setConfig('tree.pageSize', undefined);
  });

  it('groups by date, newest bucket first and expanded, favorites on top', async () => {
    const now = Date.now();
    const today = await makeGeneration(f, 'Made today', { createdAt: now });
    const yesterday = await makeGeneration(f, 'Made yesterday', { createdAt: now - DAY });
    const old = await makeGeneration(f, 'Made long ago', { createdAt: now - 400 * DAY, favorite: true });
    await showOnly(f);

    const top = await roots(f);
    const labels = await labelsOf(f, top);
    assert.equal(labels[0], 'Favorites', 'favorites group on top');
    const todayGroup = group(top, 'Today', f);
    const yesterdayGroup = group(top, 'Yesterday', f);
    const oldGroup = group(top, monthLabel(now - 400 * DAY), f);
    assert.ok(
      labels.indexOf('Today') < labels.indexOf('Yesterday') && labels.indexOf('Yesterday') < labels.indexOf(monthLabel(now - 400 * DAY)),
    );
    assert.deepEqual(await idsIn(f, todayGroup), [today.id]);
    assert.deepEqual(await idsIn(f, yesterdayGroup), [yesterday.id]);
    assert.deepEqual(await idsIn(f, oldGroup), [old.id]);
    assert.deepEqual(await idsIn(f, group(top, 'Favorites', f)), [old.id]);
    assert.equal(itemOf(f, todayGroup).collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.equal(itemOf(f, oldGroup).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    // The same generation in two groups has two distinct, stable ids.
    const ids = provider(f)
      .nodesOf(old.id)
      .map((n) => n.id)
      .sort();
    assert.equal(ids.length, 2);
    assert.notEqual(ids[0], ids[1]);
    await f.history.delete([today.id, yesterday.id, old.id]);
  });

  it('groups by profile, by engine, or not at all, as the groupBy command switches', async () => {
    const other = await f.history.createProfile({ name: `Tree other ${Date.now()}` });
    try {
      const a = await makeGeneration(f, 'Alpha by flite', { engine: 'flite', createdAt: Date.now() - 3000 });
      const b = await makeGeneration(f, 'Beta by openai', { engine: 'openai', profileId: other.id, createdAt: Date.now() - 2000 });
      const imported = await makeGeneration(f, 'Gamma, imported audio', { engine: null, createdAt: Date.now() - 4000 });
      await showOnly(f, {}, [f.profile.id, other.id]);

      assert.equal(await vscode.commands.executeCommand('voiceHistory.groupBy', 'profile'), 'profile');
      assert.equal(vscode.workspace.getConfiguration('voiceHistory').get('tree.groupBy'), 'profile');
      let top = await eventually(async () => {
        const r = await roots(f);
        return (await labelsOf(f, r)).includes(other.name) ? r : undefined;
      }, 'profile groups');
      assert.deepEqual(await idsIn(f, group(top, f.profile.name, f)), [a.id, imported.id]);
      assert.deepEqual(await idsIn(f, group(top, other.name, f)), [b.id]);

      await vscode.commands.executeCommand('voiceHistory.groupBy', 'engine');
      top = await eventually(async () => {
        const r = await roots(f);
        return (await labelsOf(f, r)).includes('openai') ? r : undefined;
      }, 'engine groups');
      assert.deepEqual(await idsIn(f, group(top, 'flite', f)), [a.id]);
      assert.deepEqual(await idsIn(f, group(top, 'openai', f)), [b.id]);
      // A generation without an engine is not hidden by this grouping: it has a group of its own, last.
      const none = group(top, 'No engine (imported)', f);
      assert.deepEqual(await idsIn(f, none), [imported.id]);
      assert.equal(top.at(-1), none);

      await vscode.commands.executeCommand('voiceHistory.groupBy', 'flat');
      const flat = await eventually(async () => {
        const r = await roots(f);
        return r.every((n) => n.kind === 'generation') && r.length === 3 ? r : undefined;
      }, 'a flat list');
      assert.deepEqual(
        flat.map((n) => (n.kind === 'generation' ? n.generation.id : n.id)),
        [b.id, a.id, imported.id],
        'newest first',
      );
      assert.equal(provider(f).getParent(flat[0]!), undefined, 'flat rows sit at the top level');

      assert.equal(await vscode.commands.executeCommand('voiceHistory.groupBy', 'sideways'), undefined, 'an unknown grouping is refused');
      assert.equal(vscode.workspace.getConfiguration('voiceHistory').get('tree.groupBy'), 'flat');
    } finally {
      await vscode.commands.executeCommand('voiceHistory.groupBy', 'date');
      await f.history.deleteProfile(other.id);
    }
  });

  it('renders rows: first line, profile · duration · time, status icon, escaped Markdown tooltip, spoken labels', async () => {
    const text = 'First **line** <b>here</b>\nsecond line [link](http://x)';
    const done = await makeGeneration(f, text, { createdAt: Date.now() - 1000 });
    const pending = await makeGeneration(f, 'Still pending', { status: 'pending', createdAt: Date.now() - 500 });
    const failed = await makeGeneration(f, 'It failed', { status: 'failed', createdAt: Date.now() - 200 });
    await showOnly(f);
    const top = await roots(f);
    const today = group(top, 'Today', f);
    const rows = await provider(f).getChildren(today);
    const row = (g: Generation) => {
      const n = rows.find((r) => r.kind === 'generation' && r.generation.id === g.id);
      assert.ok(n);
      return { node: n, item: itemOf(f, n) };
    };
    const r = row(done);
    // Details first, then the text (a narrow side bar cuts the end of the row).
    assert.equal(r.item.description, 'First **line** <b>here</b>');
    assert.match(String(r.item.label), new RegExp(`^${escapeRe(f.profile.name)} · \\d+\\.\\d s · (just now|\\d+ min ago)$`));
    assert.equal((r.item.iconPath as vscode.ThemeIcon).id, 'unmute');
    assert.match(String(r.item.contextValue), /\bgeneration\b.*\bcompleted\b.*\bnotFavorite\b/);
    assert.equal((row(pending).item.iconPath as vscode.ThemeIcon).id, 'loading~spin');
    assert.equal((row(failed).item.iconPath as vscode.ThemeIcon).id, 'error');

    const resolved = provider(f).resolveTreeItem(r.item, r.node);
    const tooltip = resolved.tooltip as vscode.MarkdownString;
    assert.ok(tooltip instanceof vscode.MarkdownString);
    // Markdown in the text is escaped, so the tooltip shows it as written.
    assert.ok(tooltip.value.includes('\\*\\*line\\*\\*'), tooltip.value);
    assert.ok(!tooltip.value.includes('<b>here</b>'), tooltip.value);
    assert.ok(tooltip.value.includes('\\[link\\]\\(http\\:\\/\\/x\\)'), tooltip.value);
    assert.match(tooltip.value, /second/);
    assert.match(tooltip.value, /\*\*Engine:\*\* flite/);
    assert.match(tooltip.value, /\*\*Model:\*\* slt/);
    assert.match(tooltip.value, /\*\*File size:\*\* /);
    const failedTip = provider(f).resolveTreeItem(row(failed).item, row(failed).node).tooltip as vscode.MarkdownString;
    assert.match(failedTip.value, /\*\*Status:\*\* failed\\: The engine said no \\\(test\\\)/);

    for (const n of [...top, ...rows]) {
      const a11y = itemOf(f, n).accessibilityInformation;
      assert.ok(a11y && a11y.label.length > 3, `row ${n.id} has a screen reader label`);
    }
    assert.match(itemOf(f, row(pending).node).accessibilityInformation!.label, /pending/);
    await f.history.delete([done.id, pending.id, failed.id]);
  });

  it('tooltips are text: no theme icons from a generation text; "Generated from" links only to file, untitled and vscode-remote documents', async () => {
    const range = { startLine: 2, startCharacter: 0, endLine: 2, endCharacter: 5 };
    const make = (text: string, uri: string) =>
      f.history.create({
        profileId: f.profile.id,
        text,
        status: 'failed',
        error: 'test',
        settings: { origin: { document: { uri, ...range } } },
      });
    const icon = await make('$(pass-filled) Verified', 'file:///home/a/script.md');
    const hostile = await make('Imported take', 'command:workbench.action.closeWindow');
    const remote = await make('Remote take', 'vscode-remote://ssh-remote+box/home/a/script.md');
    await showOnly(f);
    const rows = await provider(f).getChildren(group(await roots(f), 'Today', f));
    const tip = (id: string) => {
      const node = rows.find((r) => r.kind === 'generation' && r.generation.id === id)!;
      return provider(f).resolveTreeItem(itemOf(f, node), node).tooltip as vscode.MarkdownString;
    };
    assert.equal(tip(icon.id).supportThemeIcons, false, 'a "$(name)" in the text stays text');
    assert.ok(tip(icon.id).value.includes('**Generated from:** [script\\.md\\:3](file:///home/a/script.md#L3)'), tip(icon.id).value);
    assert.doesNotMatch(tip(hostile.id).value, /Generated from|command:/, 'no link to a command: URI');
    assert.match(tip(remote.id).value, /Generated from.*vscode-remote:/);
  });

  it('pages with "Load more…" rows (pageSize setting) and never loads everything', async () => {
    const base = Date.now() - 60_000;
    const made: Generation[] = [];
    for (let i = 0; i < 25; i++) made.push(await makeGeneration(f, `Paged ${i}`, { status: 'pending', createdAt: base + i }));
    await showOnly(f);
    const top = await roots(f);
    const today = group(top, 'Today', f);
    let children = await provider(f).getChildren(today);
    assert.equal(children.filter((c) => c.kind === 'generation').length, 10);
    const more = children[children.length - 1]!;
    assert.equal(more.kind, 'more');
    assert.equal(itemOf(f, more).label, 'Load more…');
    assert.equal(itemOf(f, more).command?.command, 'voiceHistory.loadMore');
    assert.match(itemOf(f, more).accessibilityInformation!.label, /Load more generations in Today/);
    assert.equal(provider(f).getParent(more), today);

    await vscode.commands.executeCommand('voiceHistory.loadMore', more);
    children = await provider(f).getChildren(today);
    assert.equal(children.filter((c) => c.kind === 'generation').length, 20);
    await vscode.commands.executeCommand('voiceHistory.loadMore', children[children.length - 1]);
    children = await provider(f).getChildren(today);
    assert.equal(children.filter((c) => c.kind === 'generation').length, 25);
    assert.ok(
      children.every((c) => c.kind === 'generation'),
      'no "Load more…" after the last page',
    );
    assert.deepEqual(
      children.map((c) => (c.kind === 'generation' ? c.generation.id : '')),
      [...made].reverse().map((g) => g.id),
      'newest first, no duplicates across pages',
    );
    await f.history.delete(made.map((g) => g.id));
  });

  it('updates live: a new generation appears, a deleted one vanishes, selection and expansion stay', async () => {
    const first = await makeGeneration(f, 'Live one', { createdAt: Date.now() - 2000 });
    await showOnly(f);
    const view = f.api.historyUi.view;
    assert.ok(await view.reveal(first.id), 'revealed');
    const selectedId = await eventually(() => view.treeView.selection[0]?.id, 'the revealed row selected');
    assert.equal(selectedId.endsWith(first.id), true);

    const second = await makeGeneration(f, 'Live two');
    const today = await eventually(async () => {
      const top = await roots(f);
      const g = top.find((n) => n.kind === 'group' && n.id === 'date:today');
      return g && (await idsIn(f, g))[0] === second.id ? g : undefined;
    }, 'the new generation at the top of Today');
    // VS Code reports the selection back from the renderer after it has drawn the refreshed rows.
    await eventually(() => view.treeView.selection[0]?.id === selectedId, 'selection kept after the refresh');
    assert.ok(view.treeView.visible);

    await f.history.delete(second.id);
    await eventually(async () => !(await idsIn(f, today)).includes(second.id), 'the deleted generation gone');
    await eventually(() => view.treeView.selection[0]?.id === selectedId, 'selection kept after the delete');

    // A favorite toggle moves it into the Favorites group without a manual refresh.
    await f.history.update(first.id, { isFavorited: true });
    await eventually(async () => (await labelsOf(f, await roots(f)))[0] === 'Favorites', 'the Favorites group');
    await f.history.delete(first.id);
  });

  it('shows the final state of a generation that went pending → generating → completed in quick succession', async () => {
    const view = f.api.historyUi.view;
    await showOnly(f);
    await vscode.commands.executeCommand('voiceHistory.history.focus');
    await eventually(() => view.treeView.visible, 'the History view open');
    /** What the rows VS Code was given say about the generation's status. */
    const shownState = (id: string): string => {
      const states = new Set(
        provider(f)
          .nodesOf(id)
          .map((n) => String(provider(f).getTreeItem(n).contextValue).split(' ')[1]),
      );
      return [...states].join('+') || 'not shown';
    };
    for (let round = 0; round < 20; round++) {
      assert.ok(view.treeView.visible, 'the view is open, so VS Code reads the tree itself');
      // As Speak Selection does: create pending, reveal it, then the runner's steps; the engine's
      // time between "generating" and "completed" varies from nothing to a few refresh periods.
      const g = await makeGeneration(f, `Quick steps ${round}`, { status: 'pending' });
      const revealed = view.reveal(g.id, { focus: false });
      const generating = f.history.update(g.id, { status: 'generating' });
      if (round % 2 === 0) await sleep((round * 29) % 160);
      // Or an engine that takes long enough for the row to show its spinner first.
      else
        await eventually(() => shownState(g.id) === 'generating', `round ${round}: the row shown generating (shows ${shownState(g.id)})`);
      await generating;
      await f.history.attachAudio(g.id, { data: silence(), format: 'wav', duration: 0.2, sampleRate: 8000, channels: 1 });
      // A stale row stays stale for good, so the default wait tells it apart even on a loaded machine
      // (1 s was too short there: the debounced reload and VS Code's round trips took longer).
      await eventually(() => shownState(g.id) === 'completed', `round ${round}: the row shown completed (shows ${shownState(g.id)})`);
      await revealed;
      // VS Code re-reads a group's children whenever it re-renders it (expand, reveal, view shown again).
      const owner = provider(f)
        .nodesOf(g.id)
        .find((n) => n.group && !n.group.favorites)?.group;
      assert.ok(owner, `round ${round}: the row has its group`);
      await provider(f).getChildren(owner);
      assert.equal(shownState(g.id), 'completed', `round ${round}: still completed after the group was read again`);
      await f.history.delete(g.id);
      await eventually(() => provider(f).nodesOf(g.id).length === 0, `round ${round}: the deleted row gone`, 2000);
    }
  });

  it('search: live results in a QuickPick; choosing one reveals it, even beyond the loaded page', async () => {
    const base = Date.now() - 120_000;
    const made: Generation[] = [];
    for (let i = 0; i < 24; i++)
      made.push(await makeGeneration(f, `Searchable filler ${i}`, { status: 'pending', createdAt: base + 10 + i }));
    const needle = await makeGeneration(f, 'The lighthouse keeper sings', { status: 'pending', createdAt: base });
    await showOnly(f);
    const today = group(await roots(f), 'Today', f);
    assert.ok(!(await idsIn(f, today)).includes(needle.id), 'the oldest one is beyond the first page');

    const search = f.api.historyUi.search!;
    const chosen = vscode.commands.executeCommand<string | undefined>('voiceHistory.search', 'lighthouse keep');
    await search.whenResultsShown();
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    assert.equal(await chosen, needle.id);
    const view = f.api.historyUi.view;
    await eventually(
      () => view.treeView.selection.some((n) => n.kind === 'generation' && n.generation.id === needle.id),
      'the match selected',
    );
    const shown = await idsIn(f, today);
    assert.ok(shown.includes(needle.id), 'its page is loaded');
    assert.ok(shown.length < 25, 'only the head page and the page holding the match');

    // Text the tree is filtered by (the search's title button does the same).
    await vscode.commands.executeCommand('voiceHistory.filter', { profileId: [f.profile.id], search: 'filler 2' });
    const filtered = await idsIn(f, group(await roots(f), 'Today', f));
    assert.deepEqual(new Set(filtered), new Set(made.filter((g) => /filler 2\d?$/.test(g.text)).map((g) => g.id)));
    assert.match(String(view.treeView.description), /"filler 2"/);
    await f.history.delete([...made, needle].map((g) => g.id));
  });

  it('filters by status, favorites and date range, shows it, and clears with one command', async () => {
    const ok = await makeGeneration(f, 'Fine one', { createdAt: Date.now() - 3000 });
    const bad = await makeGeneration(f, 'Broken one', { status: 'failed', createdAt: Date.now() - 2000 });
    const fav = await makeGeneration(f, 'Loved one', { favorite: true, createdAt: Date.now() - 1000 });
    const view = f.api.historyUi.view;

    const applied = await vscode.commands.executeCommand('voiceHistory.filter', { profileId: [f.profile.id], status: ['failed'] });
    assert.deepEqual(applied, { profileId: [f.profile.id], status: ['failed'] });
    const today = group(await roots(f), 'Today', f);
    assert.deepEqual(await idsIn(f, today), [bad.id]);
    assert.match(String(view.treeView.description), /^Filtered: .*failed/);
    // The header's description is squeezed by the title-bar buttons; the message line says it in full, with the count.
    await eventually(
      () => /^1 of [\d,]+ generations match the filter: .*failed\.$/.test(String(view.treeView.message)),
      `the filter message (${String(view.treeView.message)})`,
    );

    await vscode.commands.executeCommand('voiceHistory.filter', { profileId: [f.profile.id], favoritesOnly: true });
    const top = await roots(f);
    assert.ok(!(await labelsOf(f, top)).includes('Favorites'), 'no separate Favorites group when only favorites show');
    assert.deepEqual(await idsIn(f, group(top, 'Today', f)), [fav.id]);

    await vscode.commands.executeCommand('voiceHistory.filter', { profileId: [f.profile.id], before: Date.now() - 2500 });
    assert.deepEqual(await idsIn(f, group(await roots(f), 'Today', f)), [ok.id]);

    // A filter that matches nothing says so: the description names the filter and the view shows
    // its "no matches" welcome with Clear Filters (VS Code shows a welcome only without a message).
    await vscode.commands.executeCommand('voiceHistory.filter', { profileId: [f.profile.id], status: ['generating'] });
    assert.deepEqual(await roots(f), []);
    await eventually(() => view.noMatches, 'the no-match state');
    assert.match(String(view.treeView.description), /^Filtered: .*generating/);
    assert.equal(view.treeView.message, undefined, 'no message, so the Clear Filters welcome shows');

    const before = view.filter;
    assert.equal(
      await vscode.commands.executeCommand('voiceHistory.filter', { status: ['sleeping'] }),
      undefined,
      'a bad filter is refused',
    );
    assert.deepEqual(view.filter, before, 'and the active one stays');

    await vscode.commands.executeCommand('voiceHistory.clearFilters');
    assert.equal(view.treeView.description, undefined);
    assert.equal(view.treeView.message, undefined);
    const all = await roots(f);
    const ids = all.length ? await idsIn(f, group(all, 'Today', f)) : [];
    for (const g of [ok, bad, fav]) assert.ok(ids.includes(g.id));
    await f.history.delete([ok.id, bad.id, fav.id]);
  });

  it('shows the number of pending generations as the view badge', async () => {
    const view = f.api.historyUi.view;
    const count = async () => (await f.history.list({ status: ['pending', 'generating'], pageSize: 1, offset: 0 })).total ?? 0;
    const p1 = await makeGeneration(f, 'Waiting 1', { status: 'pending' });
    const p2 = await makeGeneration(f, 'Waiting 2', { status: 'pending' });
    const expected = await count();
    await eventually(() => view.treeView.badge?.value === expected, `badge ${expected}`);
    assert.match(view.treeView.badge!.tooltip, /pending/);
    await f.history.delete([p1.id, p2.id]);
    const after = await count();
    await eventually(() => (view.treeView.badge?.value ?? 0) === after, `badge ${after}`);
  });

  it('imports audio files dropped on the tree, asking for the text (default: the file name)', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vh-drop-'));
    try {
      const wav = path.join(dir, 'Morning greeting.wav');
      const notAudio = path.join(dir, 'notes.txt');
      await fs.writeFile(wav, silence(0.5));
      await fs.writeFile(notAudio, 'just text');
      const data = new vscode.DataTransfer();
      data.set('text/uri-list', new vscode.DataTransferItem(`${vscode.Uri.file(wav)}\r\n${vscode.Uri.file(notAudio)}`));
      const existing = await makeGeneration(f, 'Already here');
      await showOnly(f);
      await vscode.commands.executeCommand('voiceHistory.groupBy', 'profile');
      const profileGroup = await eventually(
        async () => (await roots(f)).find((n) => n.id === `profile:${f.profile.id}`),
        'the profile group',
      );

      const dnd = f.api.historyUi.dragAndDrop;
      let done = false;
      const dropping = dnd.handleDrop(profileGroup, data, new vscode.CancellationTokenSource().token).finally(() => (done = true));
      // The text question is an input box; accept its default (the file name) once it shows.
      while (!done) {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await new Promise((r) => setTimeout(r, 100));
      }
      await dropping;
      const page = await f.history.list({ profileId: f.profile.id, search: 'Morning greeting' });
      assert.equal(page.items.length, 1, 'the WAV became a generation in the profile it was dropped on');
      const g = page.items[0]!;
      assert.equal(g.text, 'Morning greeting');
      assert.equal(g.status, 'completed');
      assert.equal(g.source, 'import');
      assert.ok(Math.abs((g.duration ?? 0) - 0.5) < 0.01, `duration measured from the audio: ${g.duration}`);
      assert.equal((await fs.stat(f.history.resolveAudioPath(g))).size, (await fs.stat(wav)).size);
      assert.equal((await f.history.list({ profileId: f.profile.id, search: 'notes' })).items.length, 0, 'the text file was skipped');
      await f.history.delete([g.id, existing.id]);
    } finally {
      await vscode.commands.executeCommand('voiceHistory.groupBy', 'date');
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
