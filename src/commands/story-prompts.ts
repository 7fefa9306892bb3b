// Which story a story command acts on, and the questions story commands ask. A command takes a
// Stories row (a story, or an item standing for its story), a story id or `{ id }`; with nothing,
// the Stories view's selection; with no selection, a quick pick of the stories.
import * as vscode from 'vscode';
import { firstLine } from '../format/text';
import { formatDuration } from '../format/time';
import { idSchema, type HistoryService, type StorySummary } from '../history';
import { isStoryItemNode, isStoryNode } from '../views/story-nodes';
import type { StoriesView } from '../views/stories-view';

export const STORY_NAME_MAX = 200;

/** The story an argument names, or undefined when it names none (then the selection counts). */
export function storyIdOf(x: unknown): string | undefined {
  if (isStoryNode(x)) return x.story.id;
  if (isStoryItemNode(x)) return x.storyId;
  const candidate = typeof x === 'string' ? x : typeof x === 'object' && x !== null && 'id' in x ? (x as { id: unknown }).id : undefined;
  return idSchema.safeParse(candidate).success ? (candidate as string) : undefined;
}

export function describeSummary(s: StorySummary): string {
  const items = `${s.itemCount} item${s.itemCount === 1 ? '' : 's'}`;
  return s.itemCount > 0 ? `${items} · ${formatDuration(s.durationMs / 1000)}` : items;
}

/**
 * The story a command acts on, read fresh. `first` is the command's first argument. Undefined
 * when the user dismissed the pick or there is no story (then they were told how to make one).
 */
export async function targetStory(
  history: HistoryService,
  view: StoriesView,
  first: unknown,
  action: string,
): Promise<StorySummary | undefined> {
  const stories = await history.listStorySummaries();
  const named = storyIdOf(first);
  if (first !== undefined && first !== null && !named) {
    throw new Error(`Voice History: to ${action}, pass a story id (UUID), { id }, or a row of the Stories view.`);
  }
  const id = named ?? view.selectedStoryIds()[0];
  if (id) {
    const found = stories.find((s) => s.id === id);
    if (!found) throw new Error('That story does not exist any more; the Stories view will refresh.');
    return found;
  }
  if (stories.length === 0) {
    void vscode.window.showInformationMessage('Voice History: there are no stories yet. Run "New Story…" first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    stories.map((s) => ({ label: s.name, description: describeSummary(s), story: s })),
    { title: `Which story to ${action}?`, placeHolder: 'Story' },
  );
  return picked?.story;
}

/** Why a story name cannot be used, or undefined when it can. `others` are the names of the other stories. */
export function storyNameProblem(value: string, others: readonly string[]): string | undefined {
  const name = value.trim();
  if (!name) return 'Name the story.';
  if (name.length > STORY_NAME_MAX) return `The name is ${name.length} characters long; at most ${STORY_NAME_MAX}.`;
  const key = name.toLocaleLowerCase();
  if (others.some((o) => o.trim().toLocaleLowerCase() === key)) return `There is a story named “${name}” already; choose another name.`;
  return undefined;
}

/** A name like `base` that no story has: "Base", "Base 2", … (`base` trimmed to fit). */
export function freeStoryName(base: string, taken: readonly string[]): string {
  const root = firstLine(base, STORY_NAME_MAX - 4) || 'Story';
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? root : `${root} ${n}`;
    if (!storyNameProblem(candidate, taken)) return candidate;
  }
}

/** Asks for a story name (checked as it is typed); undefined when dismissed. */
export async function askStoryName(options: { title: string; value: string; others: readonly string[] }): Promise<string | undefined> {
  const name = await vscode.window.showInputBox({
    title: options.title,
    value: options.value,
    prompt: 'The story’s name (you can rename it later).',
    validateInput: (v) => storyNameProblem(v, options.others),
  });
  return name?.trim();
}
