// The Stories view and its commands inside a real VS Code: commands run as menus, the palette and
// other extensions run them (rows, ids, options; quick picks and input boxes answered with
// VS Code's own accept command), checked on the store, the tree and the exported file.
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Generation } from '../../src/history';
import type { StoriesNode, StoryItemNode, StoryNode } from '../../src/views/story-nodes';
import { cleanUp, eventually, makeGeneration, treeFixture, type TreeFixture } from './tree-helpers';

let f: TreeFixture;

const storiesProvider = () => f.api.storiesUi.view.provider;

function labelOf(n: StoriesNode): string {
  const label = storiesProvider().getTreeItem(n).label;
  return typeof label === 'string' ? label : (label?.label ?? '');
}

function descriptionOf(n: StoriesNode): string {
  return String(storiesProvider().getTreeItem(n).description ?? '');
}

async function storyRow(storyId: string): Promise<StoryNode | undefined> {
  const top = await storiesProvider().getChildren();
  return top.find((n): n is StoryNode => n.kind === 'story' && n.story.id === storyId);
}

async function itemRows(storyId: string): Promise<StoryItemNode[]> {
  const row = await storyRow(storyId);
  assert.ok(row, 'the story is in the tree');
  return (await storiesProvider().getChildren(row)) as StoryItemNode[];
}

/** Runs a command that asks questions, accepting what each quick pick or input box offers first. */
async function acceptingEverything<T>(run: Thenable<T>): Promise<T> {
  let done = false;
  const result = Promise.resolve(run).finally(() => (done = true));
  while (!done) {
    await new Promise((r) => setTimeout(r, 250));
    if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  return result;
}

/** A new story holding these generations (through Add to Story…, with its options). */
async function storyWith(generations: Generation[], name: string): Promise<string> {
  const r = await vscode.commands.executeCommand<{ storyId: string }>(
    'voiceHistory.story.addGenerations',
    generations.map((g) => g.id),
    { newStory: `${name} ${Date.now()}` },
  );
  return r.storyId;
}

async function secondProfile(): Promise<string> {
  return (await f.history.createProfile({ name: `Stories second ${Date.now()}-${Math.random().toString(36).slice(2, 6)}` })).id;
}

describe('Stories', function () {
  const made: string[] = [];

  beforeEach(async () => {
    f = await treeFixture('Stories');
    await vscode.commands.executeCommand('voiceHistory.stories.focus');
  });

  afterEach(async () => {
    for (const id of made.splice(0)) await f.history.deleteStory(id).catch(() => undefined);
    await cleanUp(f);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('New Story… asks for a name (a free one suggested) and shows the story; the welcome key follows', async () => {
    const id = await acceptingEverything(vscode.commands.executeCommand<string>('voiceHistory.story.new'));
    assert.ok(id);
    made.push(id);
    const story = await f.history.getStory(id);
    assert.match(story!.name, /^Story( \d+)?$/);
    const row = await eventually(() => storyRow(id), 'the story in the tree');
    assert.equal(labelOf(row), story!.name);
    assert.equal(descriptionOf(row), '0 items');
    // Named by the caller; the name is checked like the input box checks it.
    const named = await vscode.commands.executeCommand<string>('voiceHistory.story.new', '  Episode One  ');
    made.push(named);
    assert.equal((await f.history.getStory(named))!.name, 'Episode One');
    const before = (await f.history.listStories()).length;
    assert.equal(await vscode.commands.executeCommand('voiceHistory.story.new', 'episode one'), undefined, 'a taken name is refused');
    assert.equal(await vscode.commands.executeCommand('voiceHistory.story.new', ' '), undefined, 'an empty name is refused');
    assert.equal((await f.history.listStories()).length, before);
  });

  it('Add to Story… appends the selection in its order, one track per voice when asked, after the end of the story', async () => {
    const other = await secondProfile();
    const a = await makeGeneration(f, 'Alice speaks first');
    const b = await makeGeneration(f, 'Bob answers', { profileId: other });
    const c = await makeGeneration(f, 'Alice again');
    const pending = await makeGeneration(f, 'Not spoken yet', { status: 'pending' });
    try {
      // The picker path: "New Story…" (first), its suggested name, then "One track per voice profile" (first).
      const r = await acceptingEverything(
        vscode.commands.executeCommand<{ storyId: string; itemIds: string[] }>('voiceHistory.story.addGenerations', [
          b.id,
          a.id,
          pending.id,
        ]),
      );
      made.push(r.storyId);
      assert.equal(r.itemIds.length, 2, 'the pending generation is left out');
      const story = await f.history.getStory(r.storyId);
      assert.equal(story!.name, 'Bob answers', 'named after the first generation');
      const placed = (await f.history.getStoryOutline(r.storyId))!.clips.map((x) => [x.item.generationId, x.item.track, x.item.startMs]);
      assert.deepEqual(placed, [
        [b.id, 0, 0],
        [a.id, 1, 400],
      ]);
      // Appended to an existing story by id: Alice keeps her track; after the story's end.
      const more = await vscode.commands.executeCommand<{ itemIds: string[] }>('voiceHistory.story.addGenerations', [c.id], {
        storyId: r.storyId,
        trackPerVoice: true,
      });
      assert.equal(more.itemIds.length, 1);
      const last = (await f.history.getStoryOutline(r.storyId))!.clips.at(-1)!;
      assert.deepEqual([last.item.generationId, last.item.track, last.item.startMs], [c.id, 1, 800]);

      // The tree: items in time order, label from the text, track · start · length.
      const rows = await eventually(async () => {
        const items = await itemRows(r.storyId);
        return items.length === 3 ? items : undefined;
      }, 'three items in the tree');
      assert.deepEqual(rows.map(labelOf), ['Bob answers', 'Alice speaks first', 'Alice again']);
      assert.deepEqual(rows.map(descriptionOf), ['Track 1 · 0:00.0 · 0.2 s', 'Track 2 · 0:00.4 · 0.2 s', 'Track 2 · 0:00.8 · 0.2 s']);
      assert.equal(descriptionOf((await storyRow(r.storyId))!), '3 items · 1.0 s');

      // One track for everything (option), new story named by the caller.
      const flat = await vscode.commands.executeCommand<{ storyId: string }>('voiceHistory.story.addGenerations', [a.id, b.id], {
        newStory: 'Flat',
        trackPerVoice: false,
      });
      made.push(flat.storyId);
      assert.deepEqual(
        (await f.history.getStory(flat.storyId))!.items.map((i) => i.track),
        [0, 0],
      );
      // Nothing with audio: refused, nothing made.
      const stories = (await f.history.listStories()).length;
      assert.equal(
        await vscode.commands.executeCommand('voiceHistory.story.addGenerations', [pending.id], { newStory: 'Nope' }),
        undefined,
      );
      assert.equal((await f.history.listStories()).length, stories);
    } finally {
      await f.history.deleteProfile(other).catch(() => undefined);
    }
  });

  it('shows what is missing: an item whose audio file is gone is marked, and the tree follows changes live', async () => {
    const a = await makeGeneration(f, 'First line\nand more');
    const b = await makeGeneration(f, 'Its file vanished');
    const storyId = await storyWith([a, b], 'Missing');
    made.push(storyId);
    await fs.rm(f.history.resolveAudioPath(b));
    const rows = await itemRows(storyId);
    assert.deepEqual(rows.map(labelOf), ['First line', 'Its file vanished']);
    assert.match(descriptionOf(rows[1]!), /audio file missing$/);
    assert.match(String(storiesProvider().getTreeItem(rows[1]!).contextValue), /\bmissing\b/);
    const tooltip = storiesProvider().getTreeItem(rows[1]!).tooltip as vscode.MarkdownString;
    assert.match(tooltip.value, /\*\*Problem:\*\* audio file missing/);

    // A rename elsewhere (the service, another window) reaches the tree without a refresh.
    const fired = new Promise<void>((resolve) => {
      const sub = storiesProvider().onDidChangeTreeData(() => {
        sub.dispose();
        resolve();
      });
    });
    await f.history.updateStory(storyId, { name: 'Renamed elsewhere' });
    await fired;
    assert.equal(labelOf((await storyRow(storyId))!), 'Renamed elsewhere');
  });

  it('Rename, Duplicate, Remove from Story and Delete Story (rows, ids, the selection)', async () => {
    const a = await makeGeneration(f, 'One');
    const b = await makeGeneration(f, 'Two');
    const storyId = await storyWith([a, b], 'Editable');
    made.push(storyId);
    const row = (await storyRow(storyId))!;
    assert.equal(await vscode.commands.executeCommand('voiceHistory.story.rename', row, 'Chapter 1'), storyId);
    assert.equal((await f.history.getStory(storyId))!.name, 'Chapter 1');
    // The input box offers the current name; accepting it changes nothing.
    assert.equal(await acceptingEverything(vscode.commands.executeCommand('voiceHistory.story.rename', storyId)), storyId);
    assert.equal((await f.history.getStory(storyId))!.name, 'Chapter 1');

    const copyId = await vscode.commands.executeCommand<string>('voiceHistory.story.duplicate', storyId);
    made.push(copyId);
    const copy = await f.history.getStory(copyId);
    assert.equal(copy!.name, 'Chapter 1 (copy)');
    assert.deepEqual(
      copy!.items.map((i) => [i.generationId, i.startMs]),
      (await f.history.getStory(storyId))!.items.map((i) => [i.generationId, i.startMs]),
    );
    // A second duplicate gets a free name; renaming onto a taken one is refused.
    const again = await vscode.commands.executeCommand<string>('voiceHistory.story.duplicate', storyId);
    made.push(again);
    assert.equal((await f.history.getStory(again))!.name, 'Chapter 1 (copy) 2');
    assert.equal(await vscode.commands.executeCommand('voiceHistory.story.rename', again, 'chapter 1'), undefined);
    assert.equal((await f.history.getStory(again))!.name, 'Chapter 1 (copy) 2');

    // Remove from Story on item rows (the clicked one with the selection).
    const items = await itemRows(copyId);
    assert.equal(await vscode.commands.executeCommand('voiceHistory.story.removeItems', items[0], items), 2);
    assert.equal((await f.history.getStory(copyId))!.items.length, 0);
    assert.equal((await f.history.getStory(storyId))!.items.length, 2, 'the original keeps its items');

    // Delete Story: the selection in the Stories view counts; the generations stay.
    assert.ok(await f.api.storiesUi.view.reveal(copyId, { focus: true }));
    await eventually(() => f.api.storiesUi.view.selectedStoryIds()[0] === copyId, 'the copy selected');
    // A click on the selected story row opens its editor tab.
    const copyName = (await f.history.getStory(copyId))!.name;
    const editorTabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label === copyName);
    await vscode.commands.executeCommand('voiceHistory.stories.rowClicked');
    await eventually(() => editorTabs().length === 1, 'the story editor tab opened by the click');
    for (const t of editorTabs()) await vscode.window.tabGroups.close(t);
    assert.ok(await f.api.storiesUi.view.reveal(copyId, { focus: true }));
    await eventually(() => f.api.storiesUi.view.selectedStoryIds()[0] === copyId, 'the copy selected again');
    assert.equal(await vscode.commands.executeCommand('voiceHistory.story.delete', undefined, { confirmed: true }), true);
    assert.equal(await f.history.getStory(copyId), undefined);
    await eventually(async () => !(await storyRow(copyId)), 'the deleted story gone from the tree');
    assert.equal(await vscode.commands.executeCommand('voiceHistory.story.delete', row, { confirmed: true }), true);
    assert.equal((await f.history.getMany([a.id, b.id])).length, 2, 'its generations stay in the history');
  });

  it('deleting generations a story uses removes their items; the Stories view follows', async () => {
    const a = await makeGeneration(f, 'Kept');
    const b = await makeGeneration(f, 'Deleted with its items');
    const storyId = await storyWith([a, b], 'Uses');
    made.push(storyId);
    await vscode.commands.executeCommand('voiceHistory.story.addGenerations', [b.id], { storyId });
    assert.equal((await itemRows(storyId)).length, 3);
    assert.deepEqual(
      (await f.history.storiesUsing([b.id])).map((s) => [s.id, s.itemCount]),
      [[storyId, 2]],
    );
    assert.equal(await vscode.commands.executeCommand('voiceHistory.delete', [b.id], { confirmed: true }), 1);
    assert.deepEqual(
      (await f.history.getStory(storyId))!.items.map((i) => i.generationId),
      [a.id],
    );
    await eventually(
      async () => (await itemRows(storyId)).length === 1 && descriptionOf((await storyRow(storyId))!) === '1 item · 0.2 s',
      'the tree updated',
    );
  });

  it('Export Story… mixes the story into the chosen format (questions answered or passed), leaving no partial file', async () => {
    const a = await makeGeneration(f, 'Exported one');
    const b = await makeGeneration(f, 'Exported two');
    const storyId = await storyWith([a, b], 'Export');
    made.push(storyId);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vh-story-export-'));
    try {
      const wav = path.join(dir, 'mono.wav');
      const r = await vscode.commands.executeCommand<{ file: string; durationMs: number; channels: number; sampleRate: number }>(
        'voiceHistory.story.export',
        storyId,
        wav,
        { format: 'wav_16', channels: 1, level: 'limit' },
      );
      assert.equal(r.file, wav);
      assert.deepEqual([r.channels, r.sampleRate], [1, 8000]);
      assert.equal(Math.round(r.durationMs), 600, 'the last clip ends at 0.4 + 0.2 s');
      assert.equal((await fs.stat(wav)).size, 44 + 0.6 * 8000 * 2);

      // Every question asked and the first offer taken (the format last chosen, stereo, the limiter, no extras).
      const asked = path.join(dir, 'asked.wav');
      const r2 = await acceptingEverything(
        vscode.commands.executeCommand<{ channels: number }>('voiceHistory.story.export', storyId, vscode.Uri.file(asked)),
      );
      assert.equal(r2.channels, 2);
      assert.ok(existsSync(asked));

      const flac = path.join(dir, 'story.flac');
      await vscode.commands.executeCommand('voiceHistory.story.export', storyId, flac, { format: 'flac_24', channels: 2, level: -16 });
      assert.equal((await fs.readFile(flac)).subarray(0, 4).toString('latin1'), 'fLaC');

      // Captions beside the mix and a folder of stems, all in one export.
      const withExtras = path.join(dir, 'extras', 'episode.wav');
      await fs.mkdir(path.dirname(withExtras));
      const r3 = await vscode.commands.executeCommand<{ files: string[] }>('voiceHistory.story.export', storyId, withExtras, {
        format: 'wav_16',
        channels: 1,
        level: 'limit',
        captions: ['srt', 'vtt', 'labels'],
        stems: true,
      });
      const extras = path.join(dir, 'extras');
      assert.deepEqual((await fs.readdir(extras)).sort(), [
        'episode stems',
        'episode.labels.txt',
        'episode.srt',
        'episode.vtt',
        'episode.wav',
      ]);
      assert.equal((await fs.readdir(path.join(extras, 'episode stems'))).length, 1, 'one track, one stem');
      assert.equal(r3.files.length, 5);
      assert.match(await fs.readFile(path.join(extras, 'episode.srt'), 'utf8'), /^1\r?\n00:00:00,000 --> 00:00:00,200\r?\nExported one/);

      // An item without its audio file: refused naming it, nothing written.
      await fs.rm(f.history.resolveAudioPath(b));
      const broken = path.join(dir, 'broken.mp3');
      assert.equal(
        await vscode.commands.executeCommand('voiceHistory.story.export', storyId, broken, {
          format: 'mp3_128',
          channels: 2,
          level: 'peak',
        }),
        undefined,
      );
      assert.deepEqual((await fs.readdir(dir)).sort(), ['asked.wav', 'extras', 'mono.wav', 'story.flac'], 'no partial or broken file left');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('other extensions read stories through the public API (list, get)', async () => {
    const a: Generation = await makeGeneration(f, 'Via the API');
    const storyId = await storyWith([a], 'API');
    made.push(storyId);
    assert.equal(typeof f.api.listStories, 'function');
    const theirs = await vscode.commands.executeCommand<{
      list: Array<{ id: string; itemCount: number; durationMs: number }>;
      story: { id: string; items: Array<{ generationId: string; audioFile: string | null; lengthMs: number }> } | null;
    }>('voiceHistoryFixture.stories', storyId);
    const listed = theirs.list.find((s) => s.id === storyId);
    assert.deepEqual([listed?.itemCount, listed?.durationMs], [1, 200]);
    assert.deepEqual(
      theirs.story?.items.map((i) => [i.generationId, i.audioFile, i.lengthMs]),
      [[a.id, f.history.resolveAudioPath(a), 200]],
    );
    const none = await vscode.commands.executeCommand<{ story: unknown }>(
      'voiceHistoryFixture.stories',
      '00000000-0000-4000-8000-000000000000',
    );
    assert.equal(none.story, null);
  });
});
