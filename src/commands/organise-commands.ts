// Commands that organise generations: Rename… (a title of the user's own, F2 in the History view)
// and Add Tags… / Remove Tags… on the selected rows. Each also takes its value as a second argument
// (other code, tests): rename(id, title | null), addTags(ids, names), removeTags(ids, names).
import * as vscode from 'vscode';
import { formatCount, firstLine } from '../format/text';
import { titleSchema, type HistoryService } from '../history';
import type { HistoryView } from '../views/history-view';
import { commandTable } from './registry';
import { pickTags } from './tag-picker';
import { nothingSelected, requireHistory, resolveTargets } from './targets';

export interface OrganiseCommandDeps {
  history: HistoryService | undefined;
  openError: string | undefined;
  view: HistoryView;
}

/** A value passed by code rather than a tree row list VS Code passes second. */
const givenNames = (x: unknown): string[] | undefined =>
  Array.isArray(x) && x.length > 0 && x.every((n) => typeof n === 'string') ? (x as string[]) : undefined;

const generations = (n: number) => (n === 1 ? 'a generation' : `${formatCount(n)} generations`);

export function organiseCommandHandlers(deps: OrganiseCommandDeps) {
  const { view } = deps;
  const history = () => requireHistory(deps.history, deps.openError);

  async function rename(args: unknown[]): Promise<string | null | undefined> {
    const given = args.length > 1 && (typeof args[1] === 'string' || args[1] === null);
    const targets = resolveTargets(view, given ? [args[0]] : args);
    // F2 on a multi-selection renames the focused row.
    const id = targets.node?.generation.id ?? targets.ids[0];
    if (!id) return nothingSelected('rename');
    const g = await history().get(id);
    if (!g) throw new Error('This generation no longer exists; the view will refresh.');
    const title = given
      ? (args[1] as string | null)
      : await vscode.window.showInputBox({
          title: 'Rename Generation',
          prompt: 'A title of your own, shown in the History view instead of the first line. Leave it empty to show the first line again.',
          value: g.title ?? '',
          placeHolder: firstLine(g.text, 80),
          validateInput: (v) => {
            const parsed = titleSchema.safeParse(v);
            return parsed.success ? undefined : parsed.error.issues[0]?.message;
          },
        });
    if (title === undefined) return undefined;
    return (await history().setTitle(id, title)).title;
  }

  async function addTags(args: unknown[]): Promise<number | undefined> {
    const names = givenNames(args[1]);
    const { ids } = resolveTargets(view, names ? [args[0]] : args);
    if (ids.length === 0) return nothingSelected('tag');
    const h = history();
    const tags =
      names ??
      (await pickTags({
        title: `Add Tags to ${generations(ids.length)}`,
        placeholder: 'Check tags, or type new ones (several separated by commas) and press Enter',
        choices: (await h.listTags()).map((t) => ({ name: t.name, description: generations(t.count) })),
        allowNew: true,
      }));
    if (!tags) return undefined;
    const result = await h.addTags({ generationIds: ids, tags });
    vscode.window.setStatusBarMessage(`$(tag) Tagged ${generations(result.generationIds.length)} with ${tags.join(', ')}`, 3000);
    return result.changed;
  }

  async function removeTags(args: unknown[]): Promise<number | undefined> {
    const names = givenNames(args[1]);
    const { ids } = resolveTargets(view, names ? [args[0]] : args);
    if (ids.length === 0) return nothingSelected('untag');
    const h = history();
    let tags = names;
    if (!tags) {
      // Only the tags the selection carries, and on how many of it.
      const counts = new Map<string, number>();
      for (const g of await h.getMany(ids)) for (const t of g.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
      if (counts.size === 0) {
        void vscode.window.showInformationMessage(
          `Voice History: ${ids.length === 1 ? 'this generation has' : 'the selected generations have'} no tags.`,
        );
        return 0;
      }
      tags = await pickTags({
        title: `Remove Tags from ${generations(ids.length)}`,
        placeholder: 'Check the tags to remove',
        choices: [...counts]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, n]) => ({
            name,
            description: ids.length === 1 ? '' : `on ${formatCount(n)} of ${formatCount(ids.length)} selected`,
          })),
        allowNew: false,
      });
    }
    if (!tags) return undefined;
    const result = await h.removeTags({ generationIds: ids, tags });
    vscode.window.setStatusBarMessage(`$(tag) Removed ${tags.join(', ')} from ${generations(result.generationIds.length)}`, 3000);
    return result.changed;
  }

  return commandTable({
    'voiceHistory.rename': (...args) => rename(args),
    'voiceHistory.addTags': (...args) => addTags(args),
    'voiceHistory.removeTags': (...args) => removeTags(args),
  });
}
