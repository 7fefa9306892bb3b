// The Stories tree's rows as VS Code hands them back to commands: a story, and one of its items
// (a clip: a generation placed on a track at a time). Ids are stable (`story:<id>`,
// `story:<id>/<item id>`) so VS Code keeps expansion and selection across refreshes.
import type { HistoryService, StoryClip, StorySummary } from '../history';

/** What the Stories tree reads from the history service. */
export type StoriesHistory = Pick<HistoryService, 'listStorySummaries' | 'getStoryOutline' | 'resolveAudioPath' | 'onDidChange'>;

export interface StoryNode {
  readonly kind: 'story';
  readonly id: string;
  story: StorySummary;
}

export interface StoryItemNode {
  readonly kind: 'storyItem';
  readonly id: string;
  readonly storyId: string;
  clip: StoryClip;
  /** The track's own name, when it has one. */
  trackName: string | null;
  /** The clip's audio file is not on disk (deleted outside Voice History). */
  audioMissing: boolean;
}

export type StoriesNode = StoryNode | StoryItemNode;

export function storyNodeId(storyId: string): string {
  return `story:${storyId}`;
}

export function isStoryNode(x: unknown): x is StoryNode {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'story' && 'story' in x;
}

export function isStoryItemNode(x: unknown): x is StoryItemNode {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'storyItem' && 'clip' in x;
}
