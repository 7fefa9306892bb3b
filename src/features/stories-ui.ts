// Puts the Stories view together with its commands (New, Rename, Duplicate, Delete, Remove from
// Story, Export Story…) and "Add to Story…" on the History view's generations; `activate`
// registers the handlers. A feature module: views never import commands.
import * as vscode from 'vscode';
import { addToStoryHandlers } from '../commands/story-add';
import { storyCommandHandlers } from '../commands/story-commands';
import { storyExportHandlers } from '../commands/story-export';
import type { HistoryService } from '../history';
import type { HistoryView } from '../views/history-view';
import { StoriesView } from '../views/stories-view';
import { STORY_CLICK_COMMAND } from '../views/story-items';
import { isStoryNode } from '../views/story-nodes';

export interface StoriesUi extends vscode.Disposable {
  readonly view: StoriesView;
  readonly handlers: ReturnType<typeof storyCommandHandlers> &
    ReturnType<typeof addToStoryHandlers> &
    ReturnType<typeof storyExportHandlers>;
}

export function createStoriesUi(options: {
  context: vscode.ExtensionContext;
  history: HistoryService | undefined;
  openError: string | undefined;
  log: vscode.LogOutputChannel;
  historyView: HistoryView;
}): StoriesUi {
  const { context, history, openError, log } = options;
  const view = new StoriesView(history, log, { openError, clickable: () => true });
  // A story row's click opens its editor. The row's command carries no arguments (VS Code drops a
  // re-rendered row's cached ones), so the clicked row is read from the selection.
  const onClick = vscode.commands.registerCommand(STORY_CLICK_COMMAND, () => {
    const [node] = view.treeView.selection;
    if (view.treeView.selection.length !== 1 || !isStoryNode(node)) return undefined;
    return vscode.commands.executeCommand('voiceHistory.story.open', node.story.id);
  });
  const deps = { history, openError, stories: view };
  const handlers = {
    ...storyCommandHandlers(deps),
    ...addToStoryHandlers({ ...deps, view: options.historyView }),
    ...storyExportHandlers({
      ...deps,
      log,
      state: context.globalState,
      mixer: {
        workerPath: context.asAbsolutePath('dist/mix-worker.mjs'),
        files: {
          flacDir: context.asAbsolutePath('dist'),
          mp3Wasm: context.asAbsolutePath('dist/lame-mp3.wasm'),
          oggWasm: context.asAbsolutePath('dist/vorbis-ogg.wasm'),
        },
      },
    }),
  };
  return {
    view,
    handlers,
    dispose() {
      onClick.dispose();
      view.dispose();
    },
  };
}
