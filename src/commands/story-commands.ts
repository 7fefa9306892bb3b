// New Story…, Rename Story…, Duplicate Story, Delete Story… and Remove from Story. Each takes what
// targetStory accepts (a Stories row, a story id, nothing for the selection) and options that skip
// its question, so other extensions and tests can run it without dialogs:
//   story.new(name?)                      → the new story's id
//   story.rename(story?, name?)           → the story's id
//   story.duplicate(story?, name?)        → the copy's id
//   story.delete(story?, { confirmed? })  → true when deleted
//   story.removeItems(item?, items?)      → how many items were removed
import * as vscode from 'vscode';
import type { HistoryService } from '../history';
import { isStoryItemNode, type StoryItemNode } from '../views/story-nodes';
import type { StoriesView } from '../views/stories-view';
import { deleteStoryPrompt } from './delete-wording';
import { commandTable } from './registry';
import { askStoryName, freeStoryName, storyNameProblem, targetStory } from './story-prompts';
import { requireHistory } from './targets';

export interface StoryCommandDeps {
  history: HistoryService | undefined;
  openError: string | undefined;
  stories: StoriesView;
}

function nameArgument(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'object' && x !== null && typeof (x as { name?: unknown }).name === 'string') return (x as { name: string }).name;
  return undefined;
}

/** A name given by a caller: the same checks as the input box, as an error. */
function checkedName(name: string, others: readonly string[]): string {
  const problem = storyNameProblem(name, others);
  if (problem) throw new Error(`Voice History: ${problem}`);
  return name.trim();
}

export function storyCommandHandlers(deps: StoryCommandDeps) {
  const { stories } = deps;
  const history = () => requireHistory(deps.history, deps.openError);
  const names = async (except?: string) => (await history().listStorySummaries()).filter((s) => s.id !== except).map((s) => s.name);

  async function show(storyId: string): Promise<void> {
    await stories.reveal(storyId, { focus: false }).catch(() => false);
  }

  async function newStory(args: unknown[]): Promise<string | undefined> {
    const taken = await names();
    const given = nameArgument(args[0]);
    const name =
      given !== undefined
        ? checkedName(given, taken)
        : await askStoryName({ title: 'New Story', value: freeStoryName('Story', taken), others: taken });
    if (!name) return undefined;
    const story = await history().createStory({ name });
    await show(story.id);
    return story.id;
  }

  async function rename(args: unknown[]): Promise<string | undefined> {
    const h = history();
    const story = await targetStory(h, stories, args[0], 'rename');
    if (!story) return undefined;
    const taken = await names(story.id);
    const given = nameArgument(args[1]);
    const name =
      given !== undefined ? checkedName(given, taken) : await askStoryName({ title: 'Rename Story', value: story.name, others: taken });
    if (!name || name === story.name) return story.id;
    await h.updateStory(story.id, { name });
    return story.id;
  }

  async function duplicate(args: unknown[]): Promise<string | undefined> {
    const h = history();
    const story = await targetStory(h, stories, args[0], 'duplicate');
    if (!story) return undefined;
    const taken = await names();
    const given = nameArgument(args[1]);
    const name = given !== undefined ? checkedName(given, taken) : freeStoryName(`${story.name} (copy)`, taken);
    const copy = await h.duplicateStory(story.id, name);
    await show(copy.id);
    return copy.id;
  }

  async function remove(args: unknown[]): Promise<boolean | undefined> {
    const h = history();
    const story = await targetStory(h, stories, args[0], 'delete');
    if (!story) return undefined;
    const confirmed = args.slice(1).some((a) => typeof a === 'object' && a !== null && (a as { confirmed?: unknown }).confirmed === true);
    if (!confirmed) {
      const prompt = deleteStoryPrompt(story);
      const answer = await vscode.window.showWarningMessage(prompt.message, { modal: true, detail: prompt.detail }, prompt.button);
      if (!answer) return undefined;
    }
    await h.deleteStory(story.id);
    return true;
  }

  /** Item rows (the clicked one with the selection, as VS Code passes them), else the view's selected items. */
  async function removeItems(args: unknown[]): Promise<number | undefined> {
    const [first, second] = args;
    let nodes: StoryItemNode[];
    if (isStoryItemNode(first)) {
      const many = Array.isArray(second) ? second.filter(isStoryItemNode) : [];
      nodes = many.some((n) => n.id === first.id) ? many : [first];
    } else nodes = stories.selectedItems();
    if (nodes.length === 0) {
      void vscode.window.showInformationMessage('Voice History: select one or more items of a story in the Stories view to remove them.');
      return undefined;
    }
    const byStory = new Map<string, string[]>();
    for (const n of nodes) byStory.set(n.storyId, [...(byStory.get(n.storyId) ?? []), n.clip.item.id]);
    const h = history();
    let removed = 0;
    // One operation per story: each is one undo step in its editor.
    for (const [storyId, itemIds] of byStory) {
      await h.editStory(storyId, { type: 'remove', itemIds: [...new Set(itemIds)] });
      removed += new Set(itemIds).size;
    }
    return removed;
  }

  return commandTable({
    'voiceHistory.story.new': (...args) => newStory(args),
    'voiceHistory.story.rename': (...args) => rename(args),
    'voiceHistory.story.duplicate': (...args) => duplicate(args),
    'voiceHistory.story.delete': (...args) => remove(args),
    'voiceHistory.story.removeItems': (...args) => removeItems(args),
  });
}
