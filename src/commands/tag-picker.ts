// The quick pick behind "Add Tags…" and "Remove Tags…": tags with their counts to check, and (for
// adding) new names typed in the box, several separated by commas, checked as they are typed.
import * as vscode from 'vscode';
import { parseTypedTags, tagKey } from '../history/tag-names';

export interface TagChoice {
  name: string;
  /** Shown beside the name ("12 generations", "on 3 of 5 selected"). */
  description: string;
}

interface TagItem extends vscode.QuickPickItem {
  /** The tag this item adds or removes; none for a message. */
  tag?: string;
}

/**
 * Asks which tags to apply; undefined when cancelled. With `allowNew`, what is typed adds new tags:
 * on its own (Enter with nothing checked), or checked like the others.
 */
export async function pickTags(options: {
  title: string;
  placeholder: string;
  choices: TagChoice[];
  allowNew: boolean;
}): Promise<string[] | undefined> {
  const qp = vscode.window.createQuickPick<TagItem>();
  qp.title = options.title;
  qp.placeholder = options.placeholder;
  qp.canSelectMany = true;
  qp.matchOnDescription = false;
  const existing: TagItem[] = options.choices.map((c) => ({ label: `$(tag) ${c.name}`, description: c.description, tag: c.name }));
  const keys = new Set(options.choices.map((c) => tagKey(c.name)));
  let typed: TagItem[] = [];
  let problem: string | undefined;
  const update = () => {
    const chosen = new Set(qp.selectedItems);
    const parsed = options.allowNew ? parseTypedTags(qp.value) : { names: [] };
    problem = parsed.problem;
    typed = parsed.names
      .filter((n) => !keys.has(tagKey(n)))
      .map((n) => ({ label: `$(add) New tag “${n}”`, tag: n, alwaysShow: true, description: 'Enter adds it' }));
    const message: TagItem[] = problem ? [{ label: `$(warning) ${problem}`, alwaysShow: true }] : [];
    qp.items = [...message, ...typed, ...existing];
    qp.selectedItems = [...qp.items].filter((i) => chosen.has(i) || (i.tag !== undefined && [...chosen].some((c) => c.tag === i.tag)));
  };
  update();
  if (options.allowNew) qp.onDidChangeValue(update);
  try {
    return await new Promise<string[] | undefined>((resolve) => {
      qp.onDidAccept(() => {
        if (problem) return; // the warning item says what to fix; the box stays open
        const checked = qp.selectedItems.filter((i) => i.tag !== undefined).map((i) => i.tag as string);
        // Nothing checked: Enter means "the names I typed" (existing ones by their spelling).
        const names = checked.length
          ? checked
          : parseTypedTags(qp.value).names.map((n) => options.choices.find((c) => tagKey(c.name) === tagKey(n))?.name ?? n);
        if (names.length === 0) return;
        resolve(names);
        qp.hide();
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
  } finally {
    qp.dispose();
  }
}
