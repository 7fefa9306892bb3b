// "Export Story as Archive": one story and exactly the generations it places (every version of
// each, so its pins travel), in our format. The Stories commands call this; it asks nothing.
import type { Story } from '../history/types';
import { ArchiveError } from './errors';
import { exportArchive, type ExportOptions, type ExportResult } from './export';
import { loadNamedStories } from './export-stories';
import type { ArchiveHistory } from './history-port';
import { storyArchiveName } from './names';

export async function exportStoryArchive(
  history: ArchiveHistory,
  storyId: string,
  target: string,
  options: Omit<ExportOptions, 'stories'>,
): Promise<ExportResult> {
  const [story] = await loadNamedStories(history, [storyId]);
  if (story!.items.length === 0) {
    throw new ArchiveError('not-exportable', `The story "${story!.name}" has no clips yet. Add generations to it, then export it.`);
  }
  return exportArchive(history, [], target, { ...options, stories: { ids: [storyId] } });
}

/** Suggested file name: `<story name>-story-<id>.voicehistory.zip`. */
export function suggestStoryArchiveName(story: Pick<Story, 'id' | 'name'>): string {
  return storyArchiveName(story.name, story.id);
}
