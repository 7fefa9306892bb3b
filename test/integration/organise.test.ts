// Titles, notes and tags in the History view of a real VS Code: Rename (the row leads with the
// title, in place of the first line; blank clears), notes in the tooltip as text that runs nothing, Add
// and Remove Tags on several rows, filter and group by tag, and the rows following each change.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
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
  todayRow,
  treeFixture,
  type TreeFixture,
} from './tree-helpers';

const description = (f: TreeFixture, n: HistoryNode) => String(provider(f).getTreeItem(n).description ?? '');
const label = (f: TreeFixture, n: HistoryNode) => String(provider(f).getTreeItem(n).label ?? '');

describe('Titles, notes and tags in the History view', function () {
  let f: TreeFixture;

  before(async () => {
    await setConfig('tree.groupBy', 'date');
    await vscode.commands.executeCommand('voiceHistory.history.focus');
  });
  beforeEach(async () => {
    f = await treeFixture('Organise');
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('voiceHistory.groupBy', 'date');
    await cleanUp(f);
  });
  after(async () => {
    await setConfig('tree.groupBy', undefined);
  });

  it('Rename shows the title instead of the first line, the row follows at once, and a blank title brings the first line back', async () => {
    const g = await makeGeneration(f, 'The first line of the text\nand a second one');
    await showOnly(f);
    assert.equal(description(f, await todayRow(f, g)), 'The first line of the text');

    assert.equal(await vscode.commands.executeCommand('voiceHistory.rename', g.id, '  Opening   take  '), 'Opening take');
    // The title leads the row; the details follow it (and the text's first line is no longer shown).
    await eventually(async () => label(f, await todayRow(f, g)) === 'Opening take', 'the row showing the title');
    assert.match(description(f, await todayRow(f, g)), new RegExp(`^${f.profile.name} · `));
    const item = provider(f).getTreeItem(await todayRow(f, g));
    assert.match(String(item.accessibilityInformation?.label), /^Opening take, voice /);

    // From the row, as the context menu and F2 pass it.
    assert.equal(await vscode.commands.executeCommand('voiceHistory.rename', await todayRow(f, g), 'Second name'), 'Second name');
    await eventually(async () => label(f, await todayRow(f, g)) === 'Second name', 'the row showing the new title');

    assert.equal(await vscode.commands.executeCommand('voiceHistory.rename', g.id, '   '), null);
    await eventually(async () => description(f, await todayRow(f, g)) === 'The first line of the text', 'the first line again');
    assert.match(label(f, await todayRow(f, g)), new RegExp(`^${f.profile.name} · `), 'and the details lead again');
    assert.equal((await f.history.get(g.id))?.title, null);
  });

  it('notes and tags show in the tooltip as plain text: hostile Markdown runs nothing and links nowhere', async () => {
    const g = await makeGeneration(f, 'Tooltip text');
    const hostile = '# Heading\n[click me](command:workbench.action.quit) <img src=x onerror=alert(1)> $(zap) **bold**';
    await f.history.setNotes(g.id, hostile);
    await f.history.setTitle(g.id, 'Named [x](command:evil)');
    await f.history.addTags({ generationIds: [g.id], tags: ['keeper', 'needs *review*'] });
    await showOnly(f);
    const row = await eventually(async () => {
      const r = await todayRow(f, g);
      return r.generation.notes ? r : undefined;
    }, 'the row with its notes');
    const item = provider(f).resolveTreeItem(provider(f).getTreeItem(row), row);
    const md = item.tooltip as vscode.MarkdownString;
    assert.ok(md instanceof vscode.MarkdownString);
    assert.equal(md.isTrusted, false);
    assert.equal(md.supportHtml, false);
    assert.equal(md.supportThemeIcons, false);
    // Every Markdown character escaped: no link, no heading, no emphasis, no icon survives.
    assert.ok(md.value.includes('\\[click me\\]\\(command\\:workbench\\.action\\.quit\\)'), md.value);
    assert.ok(md.value.includes('\\# Heading'));
    assert.ok(md.value.includes('\\<img src\\=x onerror\\=alert\\(1\\)\\>'));
    assert.ok(md.value.includes('Named \\[x\\]\\(command\\:evil\\)'));
    assert.doesNotMatch(md.value, /[^\\]\]\(command:/);
    assert.ok(md.value.includes('**Tags:** keeper\\, needs \\*review\\*'), 'tags shown, escaped');
  });

  it('Add Tags and Remove Tags act on every selected row; filter by tag and untagged narrow the tree', async () => {
    const a = await makeGeneration(f, 'Tag A', { createdAt: Date.now() - 3000 });
    const b = await makeGeneration(f, 'Tag B', { createdAt: Date.now() - 2000 });
    const c = await makeGeneration(f, 'Tag C', { createdAt: Date.now() - 1000 });
    await showOnly(f);
    // Rows of the tree (a selection), with the names the picker would return.
    const rows = [await todayRow(f, a), await todayRow(f, b)];
    assert.equal(await vscode.commands.executeCommand('voiceHistory.addTags', rows, ['Intro', 'keeper']), 4);
    assert.equal(await vscode.commands.executeCommand('voiceHistory.addTags', [c.id], ['INTRO']), 1);
    assert.deepEqual((await f.history.get(c.id))?.tags, ['Intro'], 'one tag whatever its case');

    await showOnly(f, { tag: ['intro'] });
    assert.deepEqual(
      await idsIn(
        f,
        (await roots(f)).find((n) => n.id === 'date:today'),
      ),
      [c.id, b.id, a.id],
    );
    assert.match(f.api.historyUi.view.treeView.description ?? '', /#intro/);
    await showOnly(f, { tag: ['keeper'] });
    assert.deepEqual(
      await idsIn(
        f,
        (await roots(f)).find((n) => n.id === 'date:today'),
      ),
      [b.id, a.id],
    );

    assert.equal(await vscode.commands.executeCommand('voiceHistory.removeTags', [a.id, c.id], ['intro', 'keeper']), 3);
    await showOnly(f, { untagged: true });
    const untagged = await eventually(async () => {
      const ids = await idsIn(
        f,
        (await roots(f)).find((n) => n.id === 'date:today'),
      );
      return ids.length === 2 ? ids : undefined;
    }, 'the untagged rows');
    assert.deepEqual(untagged, [c.id, a.id]);
    const before = f.api.historyUi.view.filter;
    assert.equal(await vscode.commands.executeCommand('voiceHistory.filter', { tag: ['x'], untagged: true }), undefined, 'refused');
    assert.deepEqual(f.api.historyUi.view.filter, before, 'and the active filter stays');
  });

  it('groups by tag: a generation with two tags under both, untagged ones last; tagging moves rows live', async () => {
    const both = await makeGeneration(f, 'Both tags', { createdAt: Date.now() - 3000 });
    const one = await makeGeneration(f, 'Only chapter', { createdAt: Date.now() - 2000 });
    const none = await makeGeneration(f, 'No tags', { createdAt: Date.now() - 1000 });
    const tag = (x: string) => `${x} ${f.profile.id.slice(0, 6)}`;
    await f.history.addTags({ generationIds: [both.id, one.id], tags: [tag('Chapter')] });
    await f.history.addTags({ generationIds: [both.id], tags: [tag('Keeper')] });
    await showOnly(f, { tag: [tag('chapter'), tag('keeper')] });
    await vscode.commands.executeCommand('voiceHistory.groupBy', 'tag');
    const groupOf = async (label: string) => {
      const top = await roots(f);
      const labels = await labelsOf(f, top);
      return top[labels.indexOf(label)] as GroupNode | undefined;
    };
    const chapter = await eventually(() => groupOf(tag('Chapter')), 'the Chapter group');
    assert.deepEqual(await idsIn(f, chapter), [one.id, both.id]);
    assert.deepEqual(await idsIn(f, await groupOf(tag('Keeper'))), [both.id]);
    assert.equal(await groupOf('Untagged'), undefined, 'a tag filter shows only its tags');

    await showOnly(f);
    await eventually(async () => (await labelsOf(f, await roots(f))).at(-1) === 'Untagged', 'Untagged last');
    assert.deepEqual(await idsIn(f, await groupOf('Untagged')), [none.id]);
    assert.equal(provider(f).getTreeItem((await groupOf(tag('Keeper')))!).iconPath instanceof vscode.ThemeIcon, true);

    // Tagging the untagged one moves it into the group, live.
    await vscode.commands.executeCommand('voiceHistory.addTags', [none.id], [tag('Keeper')]);
    await eventually(async () => {
      const keeper = await groupOf(tag('Keeper'));
      return keeper && (await idsIn(f, keeper)).includes(none.id) && !(await groupOf('Untagged'));
    }, 'the row in Keeper and no Untagged group left');
    // locate() finds a tagged generation in its first tag's group.
    const node = await provider(f).locate(one.id);
    assert.equal(node?.group?.label, tag('Chapter'));
  });
});
