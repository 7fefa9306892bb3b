// Puts the History view's pieces together (tree view, drag and drop, search, statistics, status
// bar, player hook) and returns the command handlers they serve; `activate` registers them.
// A feature module: it wires commands to views, so views never import commands.
import * as vscode from 'vscode';
import { generationCommandHandlers } from '../commands/generation-commands';
import { organiseCommandHandlers } from '../commands/organise-commands';
import { HistorySearch } from '../commands/search';
import { registerLoadMore, viewCommandHandlers } from '../commands/view-commands';
import type { HistoryService } from '../history';
import { followSelection } from './follow-selection';
import { HistoryView } from '../views/history-view';
import { OpenAudioFilePlayer, PlayerSlot } from '../player/port';
import { StatisticsPanel } from '../views/statistics';
import { HistoryStatusBar } from '../views/status-bar';
import { HistoryDragAndDrop } from '../views/tree-dnd';
import { disposeAll } from '../dispose';

export interface HistoryUi extends vscode.Disposable {
  readonly view: HistoryView;
  /** The player plugs in here (`player.use(port)`); until then audio opens in an editor. */
  readonly player: PlayerSlot;
  readonly dragAndDrop: HistoryDragAndDrop;
  readonly search: HistorySearch | undefined;
  readonly statistics: StatisticsPanel | undefined;
  readonly statusBar: HistoryStatusBar | undefined;
  /** Handlers for the History view's commands, by id; registerCommands guards them. */
  readonly handlers: ReturnType<typeof viewCommandHandlers> &
    ReturnType<typeof generationCommandHandlers> &
    ReturnType<typeof organiseCommandHandlers>;
}

export function createHistoryUi(options: {
  history: HistoryService | undefined;
  /** Why the history could not be opened, with what to do. */
  openError: string | undefined;
  log: vscode.LogOutputChannel;
  /** The extension's folder (icons of the statistics tab). */
  extensionUri: vscode.Uri;
}): HistoryUi {
  const { history, openError, log } = options;
  const disposables: vscode.Disposable[] = [];
  let view: HistoryView | undefined;
  const dragAndDrop = new HistoryDragAndDrop(history, log, (created) => {
    if (created[0]) void view?.reveal(created[0].id, { focus: false });
  });
  view = new HistoryView(history, log, { dragAndDropController: dragAndDrop, openError });
  const player = new PlayerSlot(
    history ? new OpenAudioFilePlayer(history) : { open: () => Promise.reject(new Error(openError ?? 'The history is not open.')) },
  );
  const search = history ? new HistorySearch(history, view, (id) => player.open(id, view!.provider.currentList()), log) : undefined;
  const statistics = history ? new StatisticsPanel(history, options.extensionUri) : undefined;
  const statusBar = history ? new HistoryStatusBar(history, log) : undefined;
  disposables.push(view, registerLoadMore(view), followSelection(view, player));
  for (const d of [search, statistics, statusBar]) if (d) disposables.push(d);

  const handlers = {
    ...viewCommandHandlers({ history, openError, view, search, statistics }),
    ...generationCommandHandlers({ history, openError, view, player }),
    ...organiseCommandHandlers({ history, openError, view }),
  };

  return {
    view,
    player,
    dragAndDrop,
    search,
    statistics,
    statusBar,
    handlers,
    dispose() {
      disposeAll(disposables.reverse());
    },
  };
}
