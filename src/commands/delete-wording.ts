// What the delete confirmations say: how many generations (a few named), which stories lose items
// with them, and for a story how many items it holds. Plain strings, so they are unit-tested
// without VS Code; the commands show them in a modal.

export interface DeletePrompt {
  message: string;
  detail: string;
  /** The button that confirms. */
  button: string;
}

export interface StoryUse {
  name: string;
  itemCount: number;
}

/** Stories named at most (then "and N more"). */
const STORIES_NAMED = 5;

function items(n: number): string {
  return `${n.toLocaleString('en-US')} item${n === 1 ? '' : 's'}`;
}

/** “Name” (2 items), “Other” (1 item) and 3 more stories. */
export function storyList(stories: readonly StoryUse[]): string {
  const named = stories.slice(0, STORIES_NAMED).map((s) => `“${s.name}” (${items(s.itemCount)})`);
  const rest = stories.length - named.length;
  if (rest > 0) named.push(`${rest.toLocaleString('en-US')} more stor${rest === 1 ? 'y' : 'ies'}`);
  return named.length <= 1 ? (named[0] ?? '') : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
}

/** Deleting `count` generations; `samples` are the first few, already quoted; `stories` use some of them. */
export function deleteGenerationsPrompt(count: number, samples: readonly string[], stories: readonly StoryUse[]): DeletePrompt {
  const one = count === 1;
  const more = count > samples.length ? `\n…and ${(count - samples.length).toLocaleString('en-US')} more` : '';
  const lines = [`${samples.join('\n')}${more}`];
  if (stories.length > 0) {
    const used = stories.reduce((n, s) => n + s.itemCount, 0);
    lines.push(
      `${one ? 'It is' : 'They are'} used in ${stories.length === 1 ? 'the story' : `${stories.length} stories`}: ${storyList(stories)}. ` +
        `${used === 1 ? 'That item is' : `Those ${items(used)} are`} removed from ${stories.length === 1 ? 'the story' : 'the stories'} too.`,
    );
  }
  lines.push('This cannot be undone.');
  return {
    message: one ? 'Delete this generation and its audio?' : `Delete ${count.toLocaleString('en-US')} generations and their audio?`,
    detail: lines.join('\n\n'),
    button: one ? 'Delete' : `Delete ${count.toLocaleString('en-US')}`,
  };
}

export function deleteStoryPrompt(story: StoryUse): DeletePrompt {
  const holds =
    story.itemCount === 0
      ? 'The story is empty.'
      : `Its ${items(story.itemCount)} ${story.itemCount === 1 ? 'goes' : 'go'} with it; the generations and their audio stay in the history.`;
  return {
    message: `Delete the story “${story.name}”?`,
    detail: `${holds}\n\nThis cannot be undone.`,
    button: 'Delete Story',
  };
}
