// The Stories tree's data: stories (most recently changed first) and, under each, its items in time
// order. It follows the history's change events with one short debounced reload, since a story
// changes with its generations too (deleted, retitled, a new default version).
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { errorMessage } from '../format/errors';
import type { ChangeEvent } from '../history';
import { storyClipItem, storyItem } from './story-items';
import { storyNodeId, type StoriesHistory, type StoriesNode, type StoryItemNode, type StoryNode } from './story-nodes';

const REFRESH_DELAY_MS = 80;

/** Whether a change can alter what the Stories view shows. */
export function affectsStories(e: ChangeEvent): boolean {
  if (e.kind === 'reload') return true;
  if (e.entity === 'preset' || e.entity === 'tag') return false;
  // A new generation is in no story yet.
  return !(e.entity === 'generation' && e.op === 'created');
}

export class StoriesTreeProvider implements vscode.TreeDataProvider<StoriesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StoriesNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loaded = new vscode.EventEmitter<number>();
  /** Fires with the number of stories after the top level was read. */
  readonly onDidLoad = this.loaded.event;
  private readonly stories = new Map<string, StoryNode>();
  private readonly subscription: { dispose(): void } | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Why the last read failed, until one succeeds. */
  error: string | undefined;

  constructor(
    private readonly history: StoriesHistory | undefined,
    private readonly log: vscode.LogOutputChannel,
    private readonly options: { clickable: () => boolean } = { clickable: () => false },
  ) {
    this.subscription = history?.onDidChange((e) => {
      if (affectsStories(e)) this.refresh();
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription?.dispose();
    this.changed.dispose();
    this.loaded.dispose();
  }

  /** Reloads the whole tree soon (several changes in a row are one reload). */
  refresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire(undefined);
    }, REFRESH_DELAY_MS);
  }

  /**
   * Runs a reload that is waiting and resolves once VS Code has read the top level again (at most
   * `ms`: a hidden view reads nothing). reveal() needs the tree VS Code holds to be current.
   */
  async settle(ms = 1500): Promise<void> {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(limit);
        sub.dispose();
        resolve();
      };
      const sub = this.onDidLoad(done);
      const limit = setTimeout(done, ms);
      this.changed.fire(undefined);
    });
  }

  /** The loaded row of a story, if the top level was read. */
  storyNode(storyId: string): StoryNode | undefined {
    return this.stories.get(storyId);
  }

  getTreeItem(node: StoriesNode): vscode.TreeItem {
    return node.kind === 'story' ? storyItem(node, { clickable: this.options.clickable() }) : storyClipItem(node);
  }

  getParent(node: StoriesNode): StoriesNode | undefined {
    return node.kind === 'storyItem' ? this.stories.get(node.storyId) : undefined;
  }

  async getChildren(node?: StoriesNode): Promise<StoriesNode[]> {
    if (!this.history) return [];
    try {
      const children = node ? (node.kind === 'story' ? await this.itemsOf(node) : []) : await this.topLevel();
      this.error = undefined;
      return children;
    } catch (e) {
      this.error = errorMessage(e);
      this.log.warn(`Stories view: could not read the stories: ${this.error}`);
      if (!node) this.loaded.fire(-1);
      return [];
    }
  }

  private async topLevel(): Promise<StoryNode[]> {
    const summaries = await this.history!.listStorySummaries();
    const seen = new Set<string>();
    const nodes = summaries.map((story) => {
      seen.add(story.id);
      // The same object for the same story: VS Code and reveal() keep working on it.
      const known = this.stories.get(story.id);
      if (known) {
        known.story = story;
        return known;
      }
      const fresh: StoryNode = { kind: 'story', id: storyNodeId(story.id), story };
      this.stories.set(story.id, fresh);
      return fresh;
    });
    for (const id of [...this.stories.keys()]) if (!seen.has(id)) this.stories.delete(id);
    this.loaded.fire(nodes.length);
    return nodes;
  }

  private async itemsOf(node: StoryNode): Promise<StoryItemNode[]> {
    const outline = await this.history!.getStoryOutline(node.story.id);
    if (!outline) return [];
    const names = new Map(outline.tracks.map((t) => [t.track, t.name]));
    return Promise.all(
      outline.clips.map(async (clip): Promise<StoryItemNode> => {
        const audioMissing = clip.version ? !(await exists(this.history!.resolveAudioPath(clip.version))) : false;
        return {
          kind: 'storyItem',
          id: `${node.id}/${clip.item.id}`,
          storyId: node.story.id,
          clip,
          trackName: names.get(clip.item.track) ?? null,
          audioMissing,
        };
      }),
    );
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
