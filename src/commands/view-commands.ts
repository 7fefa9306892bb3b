// Commands about what the History view shows: search, filter, grouping, refresh, paging, statistics.
import * as vscode from 'vscode';
import type { HistoryService } from '../history';
import { GROUP_BY_VALUES, isLoadMoreNode, type GroupBy } from '../views/tree-nodes';
import { GROUP_BY_LABELS, readGroupBy, type HistoryView } from '../views/history-view';
import type { StatisticsPanel } from '../views/statistics';
import { parseTreeFilter, type TreeFilter } from '../history/tree-filter';
import { pickFilter } from './filter-picker';
import { commandTable } from './registry';
import type { HistorySearch } from './search';
import { requireHistory } from './targets';

export interface ViewCommandDeps {
  history: HistoryService | undefined;
  openError: string | undefined;
  view: HistoryView;
  search: HistorySearch | undefined;
  statistics: StatisticsPanel | undefined;
}

export function viewCommandHandlers(deps: ViewCommandDeps) {
  const { view } = deps;
  const history = () => requireHistory(deps.history, deps.openError);

  return commandTable({
    /** (text?) → the chosen generation id, revealed in the tree. */
    'voiceHistory.search': async (initial?: unknown) => {
      history();
      if (initial !== undefined && typeof initial !== 'string') throw new Error('Search takes the text to search for as its argument.');
      return deps.search!.run(initial ?? '');
    },

    /** (filter?) → the filter applied. Without an argument, asks. */
    'voiceHistory.filter': async (arg?: unknown) => {
      let filter: TreeFilter | undefined;
      if (arg !== undefined && arg !== null) filter = parseTreeFilter(arg);
      else filter = await pickFilter(history(), view.filter);
      if (!filter) return undefined;
      view.setFilter(filter);
      return view.filter;
    },

    'voiceHistory.clearFilters': () => {
      view.setFilter({});
      return view.filter;
    },

    'voiceHistory.refresh': async () => {
      const h = history();
      await vscode.window.withProgress({ location: { viewId: 'voiceHistory.history' } }, async () => {
        // Re-reads what other windows wrote, then reloads the rows shown.
        await h.refresh();
        view.provider.refresh();
      });
    },

    /** (grouping?) with grouping one of date, profile, engine, flat. Without an argument, asks. */
    'voiceHistory.groupBy': async (arg?: unknown) => {
      let groupBy: GroupBy | undefined;
      if (arg !== undefined) {
        if (!(GROUP_BY_VALUES as readonly unknown[]).includes(arg)) {
          // Named, not printed: the argument may be anything (a row, an object) and this reaches a toast.
          const given =
            typeof arg === 'string'
              ? `"${arg.slice(0, 40)}"`
              : Array.isArray(arg)
                ? 'a list'
                : arg === null
                  ? 'nothing'
                  : typeof arg === 'object'
                    ? 'an object'
                    : `a ${typeof arg}`;
          throw new Error(`Cannot group by ${given}; use one of ${GROUP_BY_VALUES.join(', ')}.`);
        }
        groupBy = arg as GroupBy;
      } else {
        const current = readGroupBy();
        const items = GROUP_BY_VALUES.map((g) => ({
          label: GROUP_BY_LABELS[g],
          description: g === current ? 'current' : undefined,
          value: g,
        }));
        const qp = vscode.window.createQuickPick<(typeof items)[number]>();
        qp.title = 'Group Voice History By';
        qp.items = items;
        qp.activeItems = items.filter((i) => i.value === current);
        const picked = await new Promise<GroupBy | undefined>((resolve) => {
          qp.onDidAccept(() => resolve(qp.activeItems[0]?.value));
          qp.onDidHide(() => resolve(undefined));
          qp.show();
        });
        qp.dispose();
        groupBy = picked;
      }
      if (!groupBy) return undefined;
      await view.setGroupBy(groupBy);
      return groupBy;
    },

    'voiceHistory.showStatistics': async () => {
      history();
      await deps.statistics!.show();
    },
  });
}

/** Internal command behind the "Load more…" rows (not contributed, so not in the palette). */
export function registerLoadMore(view: HistoryView): vscode.Disposable {
  return vscode.commands.registerCommand('voiceHistory.loadMore', async (node?: unknown) => {
    if (isLoadMoreNode(node)) await view.provider.loadMore(node);
  });
}
