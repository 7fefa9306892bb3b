// Opening a story in its editor tab: `voiceHistory.story.open` with a story id (the Stories tree
// passes one, or its row), or from the palette with nothing, then a quick pick of the stories.
import * as vscode from 'vscode';
import { formatDateTime } from '../format/time';
import type { HistoryService } from '../history';
import type { StoryEditorHost } from '../story-editor/host';
import { commandTable } from './registry';

/** The story id in what a caller passed: an id, or an object carrying one (a tree row: `{ storyId }`, `{ story: { id } }`, `{ id }`). */
export function storyIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg.length > 0 ? arg : undefined;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const o = arg as { storyId?: unknown; story?: { id?: unknown }; id?: unknown };
  for (const v of [o.storyId, o.story?.id, o.id]) if (typeof v === 'string' && v.length > 0) return v;
  return undefined;
}

async function pickStory(history: HistoryService): Promise<string | undefined> {
  const stories = await history.listStories();
  if (stories.length === 0) {
    void vscode.window.showInformationMessage('Voice History: there are no stories yet. Create one in the Stories view first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    stories.map((s) => ({
      label: s.name,
      description: s.description ?? undefined,
      detail: `Changed ${formatDateTime(s.updatedAt)}`,
      id: s.id,
    })),
    { title: 'Open Story Editor', placeHolder: 'Which story?', matchOnDescription: true },
  );
  return picked?.id;
}

export function storyEditorCommandHandlers(opts: {
  history: HistoryService | undefined;
  openError: string | undefined;
  editor: StoryEditorHost | undefined;
}) {
  return commandTable({
    'voiceHistory.story.open': async (arg?: unknown) => {
      const { history, editor } = opts;
      if (!history || !editor) throw new Error(opts.openError ?? 'Voice History: the history is not open.');
      const id = arg === undefined || arg === null ? await pickStory(history) : storyIdOf(arg);
      if (arg !== undefined && arg !== null && !id)
        throw new Error('Voice History: that is not a story. Pass a story id or a row of the Stories view.');
      if (id) await editor.open(id);
    },
  });
}
