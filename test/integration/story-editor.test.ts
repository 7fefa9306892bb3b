// The story editor in a real VS Code extension host: Open Story Editor opens a tab whose page
// loads the story over the real postMessage and draws every clip; one tab per story; and its
// router, called inside the extension host with the extension's own history, refuses bad payloads
// through zod and reaches only its tab's story.
import * as assert from 'node:assert/strict';
import { TRPCError } from '@trpc/server';
import * as vscode from 'vscode';
import type { Story } from '../../src/history';
import type { StoryEditorDrawn } from '../../src/story-editor/host';
import type { StoryEditorRpcContext } from '../../src/story-editor/procedures';
import { storyEditorRouter } from '../../src/story-editor/router';
import { makeWav, sine } from '../unit/audio/make-wav';
import { activated } from './extension-api';

function nextDrawn(event: vscode.Event<StoryEditorDrawn>, storyId: string, ms = 30000): Promise<StoryEditorDrawn> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error('timed out waiting for the story editor to draw its clips'));
    }, ms);
    const sub = event((e) => {
      if (e.storyId !== storyId) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

const editorTabs = (label: string): vscode.Tab[] =>
  vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.label === label);

describe('The story editor in a real VS Code', () => {
  let story: Story;
  let other: Story;
  let itemIds: string[];

  before(async () => {
    const api = await activated();
    const history = api.history!;
    const profile = await history.findOrCreateProfile({ name: 'Story integration', engine: 'flite', voiceId: 'slt' });
    const wav = (seconds: number) => ({
      data: makeWav({ frames: seconds * 16000, sample: sine(330, 16000) }),
      format: 'wav',
      duration: seconds,
    });
    const a = await history.create(
      { profileId: profile.id, text: 'First line of the story.', engine: 'flite', status: 'completed' },
      wav(1),
    );
    const b = await history.create({ profileId: profile.id, text: 'Second line.', engine: 'flite', status: 'completed' }, wav(2));
    story = await history.createStory({ name: 'Integration story' });
    other = await history.createStory({ name: 'Another story' });
    itemIds = (
      await history.editStory(story.id, {
        type: 'add',
        items: [{ generationId: a.id }, { generationId: b.id, track: 1 }, { generationId: a.id }],
      })
    ).itemIds;
    await history.editStory(other.id, { type: 'add', items: [{ generationId: b.id }] });
  });

  after(async () => {
    for (const t of [...editorTabs('Integration story'), ...editorTabs('Another story')]) await vscode.window.tabGroups.close(t);
  });

  it('contributes Open Story Editor and restores its tabs after a reload (activation on the panel type)', async () => {
    const ext = vscode.extensions.getExtension('voice-history.voice-history')!;
    assert.ok((ext.packageJSON.contributes.commands as Array<{ command: string }>).some((c) => c.command === 'voiceHistory.story.open'));
    assert.ok((ext.packageJSON.activationEvents as string[]).includes('onWebviewPanel:voiceHistory.storyEditor'));
  });

  it('opens the story in a tab named after it; the page draws every clip over the real postMessage', async () => {
    const api = await activated();
    const drawn = nextDrawn(api.storyEditor!.onDidDraw, story.id);
    await vscode.commands.executeCommand('voiceHistory.story.open', story.id);
    const report = await drawn;
    assert.equal(report.clips, 3);
    assert.ok(report.sinceStartMs > 0 && report.sinceStartMs < 30000, `drawn ${report.sinceStartMs} ms after the page started`);
    assert.equal(editorTabs('Integration story').length, 1);
    // Again, and with a row-like argument: the same tab comes forward, no second one.
    await vscode.commands.executeCommand('voiceHistory.story.open', { storyId: story.id });
    assert.equal(editorTabs('Integration story').length, 1);
    assert.deepEqual(api.storyEditor!.openStories(), [story.id]);
  });

  it('the router inside the extension host: bad payloads refused by zod, other stories out of reach, edits through the service', async () => {
    const api = await activated();
    const ctx: StoryEditorRpcContext = {
      history: api.history!,
      log: { debug: () => undefined, warn: () => undefined, error: () => undefined },
      toWebviewUri: (p) => p,
      player: { currentList: () => [], currentId: () => undefined, open: () => undefined },
      storyEditor: { storyId: story.id, reportDrawn: () => undefined, setTitle: () => undefined },
    };
    const c = storyEditorRouter.createCaller(ctx);
    const refused = async (p: Promise<unknown>, code: string) =>
      assert.rejects(p, (e: unknown) => e instanceof TRPCError && e.code === code);
    for (const input of [
      { op: { type: 'move', itemId: itemIds[0], startMs: -1 } },
      { op: { type: 'volume', itemId: itemIds[0], volume: 99 } },
      { op: { type: 'nope' } },
      { op: { type: 'move', itemId: itemIds[0], startMs: 0 }, storyId: other.id },
      null,
    ]) {
      await refused(c.story.edit(input as never), 'BAD_REQUEST');
    }
    await refused(c.story.peaks({ itemId: itemIds[0]!, buckets: 7 }), 'BAD_REQUEST');
    const theirs = (await api.history!.getStory(other.id))!.items[0]!.id;
    await refused(c.story.audio({ itemId: theirs }), 'NOT_FOUND');
    // The service's refusal: its HistoryError comes from the extension's bundle, this router from the
    // test bundle, so the error's class (and with it the mapped code) is not recognised here: the message is.
    await assert.rejects(c.story.edit({ op: { type: 'remove', itemIds: [theirs] } }), /is not in this story/);
    const moved = await c.story.edit({ op: { type: 'move', itemId: itemIds[0]!, startMs: 700 } });
    assert.equal(moved.story.clips.find((x) => x.itemId === itemIds[0])!.startMs, 700);
    assert.equal((await api.history!.getStory(story.id))!.items.find((i) => i.id === itemIds[0])!.startMs, 700, 'stored');
    const undone = await c.story.undo();
    assert.equal(undone.story!.clips.find((x) => x.itemId === itemIds[0])!.startMs, 0);
  });

  it('an unknown story is refused with a message, and no tab opens', async () => {
    const api = await activated();
    const before = api.storyEditor!.openStories().length;
    await assert.rejects(api.storyEditor!.open('00000000-0000-4000-8000-000000000000'), /no longer exists/);
    assert.equal(api.storyEditor!.openStories().length, before);
  });
});
