// "Filter History…": one multi-select QuickPick with every facet (profile, engine, language,
// status, favorites, tag, date range). Several picks within a facet mean "any of them"; facets combine.
import * as vscode from 'vscode';
import { GENERATION_STATUSES, type GenerationStatus, type HistoryService } from '../history';
import { tagKey } from '../history/tag-names';
import { normalize, parseDateRange, type TreeFilter } from '../history/tree-filter';
import { formatDateTime, startOfDay } from '../format/time';
import { errorMessage } from '../format/errors';
import { formatCount } from '../format/text';
import { friendlyVoiceName } from '../format/voice-names';

type Facet =
  | { kind: 'profile'; value: string }
  | { kind: 'engine'; value: string }
  | { kind: 'language'; value: string }
  | { kind: 'status'; value: GenerationStatus }
  | { kind: 'favorites' }
  | { kind: 'tag'; value: string }
  | { kind: 'untagged' }
  | { kind: 'range'; after?: number; before?: number; custom?: boolean }
  | { kind: 'search'; value: string };

interface FacetItem extends vscode.QuickPickItem {
  facet?: Facet;
}

const DAY_MS = 86_400_000;

/** Asks for a filter, starting from the current one; undefined when cancelled. */
export async function pickFilter(
  history: Pick<HistoryService, 'listProfiles' | 'stats' | 'list' | 'listTags'>,
  current: TreeFilter,
  now = Date.now(),
): Promise<TreeFilter | undefined> {
  const qp = vscode.window.createQuickPick<FacetItem>();
  qp.title = 'Filter Voice History';
  qp.placeholder = 'Pick what to show (several in one section mean any of them); Enter applies, nothing picked shows all';
  qp.canSelectMany = true;
  qp.matchOnDescription = true;
  qp.busy = true;
  qp.show();
  try {
    // Counts from the running totals, and one index count for the favorites: no rows are read.
    const [profiles, stats, favorites, tags, untagged] = await Promise.all([
      history.listProfiles(),
      history.stats(),
      history.list({ favoritesOnly: true, pageSize: 1, withTotal: true }),
      history.listTags(),
      history.list({ untagged: true, pageSize: 1, withTotal: true }),
    ]);
    const profileCounts = new Map(stats.byProfile.map((p) => [p.profileId, p.count]));
    const engineCounts = new Map(stats.byEngine.map((e) => [e.engine, e.count]));
    const items: FacetItem[] = [];
    const section = (label: string) => items.push({ label, kind: vscode.QuickPickItemKind.Separator });
    const picked = (f: Facet): boolean => isPicked(current, f);
    const add = (label: string, facet: Facet, description?: string) => items.push({ label, description, facet, picked: picked(facet) });

    if (current.search) {
      section('Text');
      add(`Contains “${current.search}”`, { kind: 'search', value: current.search });
    }
    section('Voice profile');
    for (const p of [...profiles].sort((a, b) => a.name.localeCompare(b.name))) {
      add(
        `$(person) ${p.name} ${counted(profileCounts.get(p.id))}`,
        { kind: 'profile', value: p.id },
        [friendlyVoiceName(p.engine, p.voiceId), p.language, p.engine].filter(Boolean).join(' · '),
      );
    }
    const engines = stats.byEngine.map((e) => e.engine).filter((e): e is string => e !== null);
    for (const e of current.engine ?? []) if (!engines.includes(e)) engines.push(e);
    if (engines.length > 0) {
      section('Engine');
      for (const e of engines.sort()) add(`$(server-process) ${e} ${counted(engineCounts.get(e))}`, { kind: 'engine', value: e });
    }
    const languages = [...new Set([...profiles.map((p) => p.language), ...(current.language ?? [])])].sort();
    if (languages.length > 0) {
      section('Language');
      for (const l of languages) add(`$(globe) ${l}`, { kind: 'language', value: l });
    }
    section('Status');
    for (const s of GENERATION_STATUSES) add(`$(${statusIcon(s)}) ${s} ${counted(stats.byStatus[s]?.count)}`, { kind: 'status', value: s });
    section('Favorites');
    add(`$(star-full) Favorites only ${counted(favorites.total ?? undefined)}`, { kind: 'favorites' });
    section('Tag');
    const tagged = tags.map((t) => t.name);
    // A filtered tag nobody carries any more still shows, so it can be unpicked.
    for (const t of current.tag ?? []) if (!tagged.some((n) => tagKey(n) === tagKey(t))) tagged.push(t);
    const tagCount = new Map(tags.map((t) => [t.name, t.count]));
    for (const t of tagged) add(`$(tag) ${t} ${counted(tagCount.get(t))}`, { kind: 'tag', value: t });
    add(`$(circle-slash) Untagged ${counted(untagged.total ?? undefined)}`, { kind: 'untagged' });
    section('Created');
    const today = startOfDay(now);
    const ranges: Array<[string, Facet]> = [
      ['Today', { kind: 'range', after: today }],
      ['Last 7 days', { kind: 'range', after: startOfDay(today - 6 * DAY_MS) }],
      ['Last 30 days', { kind: 'range', after: startOfDay(today - 29 * DAY_MS) }],
      ['This year', { kind: 'range', after: new Date(new Date(now).getFullYear(), 0, 1).getTime() }],
    ];
    const currentRange = current.after !== undefined || current.before !== undefined;
    const known = ranges.some(([, f]) => picked(f));
    for (const [label, f] of ranges) add(`$(calendar) ${label}`, f);
    if (currentRange && !known) {
      add(`$(calendar) ${rangeWords(current)}`, { kind: 'range', after: current.after, before: current.before });
    }
    items.push({
      label: '$(calendar) Custom range…',
      description: 'type dates such as 2025-03-01..2025-03-31',
      facet: { kind: 'range', custom: true },
    });
    qp.items = items;
    qp.selectedItems = items.filter((i) => i.picked);
    qp.busy = false;

    const accepted = await new Promise<readonly FacetItem[] | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems));
      qp.onDidHide(() => resolve(undefined));
    });
    if (!accepted) return undefined;
    qp.hide();
    return await toFilter(accepted.map((i) => i.facet).filter((f): f is Facet => f !== undefined));
  } finally {
    qp.dispose();
  }
}

async function toFilter(facets: Facet[]): Promise<TreeFilter | undefined> {
  const f: TreeFilter = {};
  const push = <K extends 'profileId' | 'engine' | 'language' | 'status' | 'tag'>(key: K, value: NonNullable<TreeFilter[K]>[number]) => {
    const list = (f[key] ?? []) as Array<typeof value>;
    list.push(value);
    (f as Record<string, unknown>)[key] = list;
  };
  const spans: Array<{ after?: number; before?: number }> = [];
  for (const facet of facets) {
    switch (facet.kind) {
      case 'profile':
        push('profileId', facet.value);
        break;
      case 'engine':
        push('engine', facet.value);
        break;
      case 'language':
        push('language', facet.value);
        break;
      case 'status':
        push('status', facet.value);
        break;
      case 'favorites':
        f.favoritesOnly = true;
        break;
      case 'tag':
        push('tag', facet.value);
        break;
      case 'untagged':
        f.untagged = true;
        break;
      case 'search':
        f.search = facet.value;
        break;
      case 'range':
        if (facet.custom) {
          const text = await vscode.window.showInputBox({
            title: 'Filter Voice History: date range',
            prompt: 'From..to as YYYY-MM-DD (both days included; leave a side empty for an open range)',
            placeHolder: '2025-03-01..2025-03-31',
            validateInput: (v) => {
              try {
                parseDateRange(v);
                return undefined;
              } catch (e) {
                return errorMessage(e);
              }
            },
          });
          if (text === undefined) return undefined;
          spans.push(parseDateRange(text));
        } else spans.push({ after: facet.after, before: facet.before });
        break;
    }
  }
  if (f.untagged && f.tag?.length) throw new Error('Pick some tags or "Untagged", not both: a generation cannot be both.');
  if (spans.length > 0) {
    // Several ranges picked: the span covering all of them.
    const afters = spans.map((s) => s.after);
    const befores = spans.map((s) => s.before);
    if (afters.every((a) => a !== undefined)) f.after = Math.min(...(afters as number[]));
    if (befores.every((b) => b !== undefined)) f.before = Math.max(...(befores as number[]));
  }
  return normalize(f);
}

function isPicked(current: TreeFilter, f: Facet): boolean {
  switch (f.kind) {
    case 'profile':
      return current.profileId?.includes(f.value) ?? false;
    case 'engine':
      return current.engine?.includes(f.value) ?? false;
    case 'language':
      return current.language?.includes(f.value) ?? false;
    case 'status':
      return current.status?.includes(f.value) ?? false;
    case 'favorites':
      return current.favoritesOnly === true;
    case 'tag':
      return current.tag?.some((t) => tagKey(t) === tagKey(f.value)) ?? false;
    case 'untagged':
      return current.untagged === true;
    case 'search':
      return current.search === f.value;
    case 'range':
      return !f.custom && current.after === f.after && current.before === f.before && (f.after !== undefined || f.before !== undefined);
  }
}

function rangeWords(f: TreeFilter): string {
  const day = (t: number) => formatDateTime(t).slice(0, 10);
  if (f.after !== undefined && f.before !== undefined) return `${day(f.after)} to ${day(f.before - 1)}`;
  if (f.after !== undefined) return `Since ${day(f.after)}`;
  return `Before ${day(f.before!)}`;
}

/** "(1,234)" after a choice: how many generations it holds in the whole history. */
function counted(n: number | undefined): string {
  return `(${formatCount(n ?? 0)})`;
}

function statusIcon(s: GenerationStatus): string {
  return s === 'completed' ? 'pass' : s === 'failed' ? 'error' : s === 'generating' ? 'sync' : 'clock';
}
