// Which stories an export carries, and as what. A story goes into an archive only with every
// generation it places, so an import never gets half a story: Export Selected/Filtered carries
// the stories whose items all lie in the selection; a caller may instead name stories (their
// generations join the export) or ask for none.
import { HistoryError } from '../store/errors';
import type { StoryWithItems } from '../history/types';
import type { ArchiveHistory } from './history-port';
import { toIso, type ManifestStory } from './manifest';
import { clipPlacement, isDefaultTrack } from '../history/story-timeline';

/** `complete` (the default): every story all of whose items are exported; `none`; or exactly the named stories. */
export type StorySelection = 'complete' | 'none' | { ids: readonly string[] };

/** The named stories, refused by name when one is gone. */
export async function loadNamedStories(history: ArchiveHistory, ids: readonly string[]): Promise<StoryWithItems[]> {
  const out: StoryWithItems[] = [];
  for (const id of new Set(ids)) {
    const story = await history.getStory(id);
    if (!story) throw new HistoryError('NOT_FOUND', `The story ${id} no longer exists. Refresh the Stories view and export again.`);
    out.push(story);
  }
  return out;
}

async function completeStories(history: ArchiveHistory, generationIds: ReadonlySet<string>): Promise<StoryWithItems[]> {
  const out: StoryWithItems[] = [];
  for (const s of await history.listStories()) {
    const story = await history.getStory(s.id);
    if (story && story.items.length > 0 && story.items.every((i) => generationIds.has(i.generationId))) out.push(story);
  }
  return out;
}

/** The stories to write, oldest first; a pin on a version left out (its audio was missing) follows the default instead. */
export async function manifestStories(
  history: ArchiveHistory,
  selection: StorySelection,
  generationIds: ReadonlySet<string>,
  versionIds: ReadonlySet<string>,
): Promise<ManifestStory[]> {
  const stories =
    selection === 'none'
      ? []
      : selection === 'complete'
        ? await completeStories(history, generationIds)
        : await loadNamedStories(history, selection.ids);
  return stories
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
    .map((story) => ({
      id: story.id,
      name: story.name,
      description: story.description,
      createdAt: toIso(story.createdAt),
      updatedAt: toIso(story.updatedAt),
      tracks: story.tracks
        .filter((t) => !isDefaultTrack(t))
        .map((t) => ({ track: t.track, name: t.name, mute: t.mute, solo: t.solo, gain: t.gain })),
      items: story.items.map((i) => ({
        generationId: i.generationId,
        versionId: i.versionId !== null && versionIds.has(i.versionId) ? i.versionId : null,
        ...clipPlacement(i),
      })),
    }));
}
