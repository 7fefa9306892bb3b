// "Add to Story…" on generations: appends them, in the order given (the selection's order), to a
// story picked from a list (or a new one), on one track or one track per voice profile.
//   story.addGenerations(targets?, rows?, { storyId?, newStory?, trackPerVoice? })
// `targets` as resolveTargets takes them; `storyId` or `newStory` (a name) skips the story pick,
// `trackPerVoice` the track question. Resolves to { storyId, itemIds }, or undefined when dismissed.
import * as vscode from 'vscode';
import { z } from 'zod';
import { firstLine } from '../format/text';
import { idSchema, type Generation, type HistoryService, type StorySummary } from '../history';
import { appendPlacements } from '../history/story-append';
import type { HistoryView } from '../views/history-view';
import type { StoriesView } from '../views/stories-view';
import { optionsArgument, parseOptions } from './archive-shared';
import { commandTable } from './registry';
import { askStoryName, describeSummary, freeStoryName, storyNameProblem } from './story-prompts';
import { nothingSelected, requireHistory, resolveTargets } from './targets';

const addOptionsSchema = z
  .object({
    storyId: idSchema.optional(),
    newStory: z.string().optional(),
    trackPerVoice: z.boolean().optional(),
  })
  .strict();

/** The add operation takes at most this many items at once. */
const ADD_SLICE = 1000;

export interface AddToStoryDeps {
  history: HistoryService | undefined;
  openError: string | undefined;
  view: HistoryView;
  stories: StoriesView;
}

type Destination = { story: StorySummary } | { newName: string };

async function pickDestination(h: HistoryService, first: Generation): Promise<Destination | undefined> {
  const stories = await h.listStorySummaries();
  const taken = stories.map((s) => s.name);
  type Item = vscode.QuickPickItem & { story?: StorySummary };
  const items: Item[] = [
    { label: '$(add) New Story…', detail: 'Start a story with these generations' },
    ...(stories.length > 0 ? [{ label: 'Stories', kind: vscode.QuickPickItemKind.Separator }] : []),
    ...stories.map((s) => ({ label: s.name, description: describeSummary(s), story: s })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Add to Story', placeHolder: 'Which story? (added at its end)' });
  if (!picked) return undefined;
  if (picked.story) return { story: picked.story };
  const newName = await askStoryName({
    title: 'Add to Story: New Story',
    value: freeStoryName(first.title ?? firstLine(first.text, 60), taken),
    others: taken,
  });
  return newName ? { newName } : undefined;
}

async function askTrackPerVoice(voices: number): Promise<boolean | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'One track per voice profile', detail: `${voices} voices on ${voices} tracks, one after another`, perVoice: true },
      { label: 'All on one track', detail: 'Every generation on the first track', perVoice: false },
    ],
    { title: 'Add to Story: tracks', placeHolder: 'How to lay out the voices?' },
  );
  return picked?.perVoice;
}

export function addToStoryHandlers(deps: AddToStoryDeps) {
  const history = () => requireHistory(deps.history, deps.openError);

  async function addGenerations(args: unknown[]): Promise<{ storyId: string; itemIds: string[] } | undefined> {
    const { ids } = resolveTargets(deps.view, args);
    if (ids.length === 0) return nothingSelected('add them to a story');
    const options = parseOptions(addOptionsSchema, optionsArgument(args, 1), 'Add to Story');
    const h = history();
    const found = await h.getMany(ids);
    if (found.length === 0) throw new Error('The selected generations no longer exist; the view will refresh.');
    // A clip needs audio: pending and failed generations are left out (and named as such).
    const playable = found.filter((g) => g.audioPath);
    const leftOut = found.length - playable.length;
    if (playable.length === 0) {
      throw new Error(
        `None of the selected generations has audio (${found.length === 1 ? 'it is' : 'they are'} pending or failed); a story needs generations you can hear.`,
      );
    }

    let destination: Destination | undefined;
    if (options.storyId) {
      const story = (await h.listStorySummaries()).find((s) => s.id === options.storyId);
      if (!story) throw new Error(`The story ${options.storyId} does not exist (any more).`);
      destination = { story };
    } else if (options.newStory !== undefined) {
      const problem = storyNameProblem(
        options.newStory,
        (await h.listStorySummaries()).map((s) => s.name),
      );
      if (problem) throw new Error(`Voice History: ${problem}`);
      destination = { newName: options.newStory.trim() };
    } else destination = await pickDestination(h, playable[0]!);
    if (!destination) return undefined;

    const voices = new Set(playable.map((g) => g.profileId)).size;
    const trackPerVoice = options.trackPerVoice ?? (voices > 1 ? await askTrackPerVoice(voices) : false);
    if (trackPerVoice === undefined) return undefined;

    const storyId = 'story' in destination ? destination.story.id : (await h.createStory({ name: destination.newName })).id;
    const outline = await h.getStoryOutline(storyId);
    if (!outline) throw new Error('The story was deleted meanwhile; nothing was added.');
    const placements = appendPlacements(outline, playable, { trackPerVoice });
    const itemIds: string[] = [];
    for (let i = 0; i < placements.length; i += ADD_SLICE) {
      const r = await h.editStory(storyId, { type: 'add', items: placements.slice(i, i + ADD_SLICE) });
      itemIds.push(...r.itemIds);
    }
    await deps.stories.reveal(storyId, { focus: false, expand: true }).catch(() => false);
    const name = 'story' in destination ? destination.story.name : destination.newName;
    const added = `Added ${itemIds.length} generation${itemIds.length === 1 ? '' : 's'} to “${name}”`;
    if (leftOut > 0) {
      void vscode.window.showWarningMessage(
        `Voice History: ${added}; ${leftOut} without audio (pending or failed) ${leftOut === 1 ? 'was' : 'were'} left out.`,
      );
    } else vscode.window.setStatusBarMessage(`$(book) ${added}`, 4000);
    return { storyId, itemIds };
  }

  return commandTable({
    'voiceHistory.story.addGenerations': (...args) => addGenerations(args),
  });
}
