// The History tree's filter: what narrows every group, how it reaches the service's list query,
// and the short words shown in the view's description. No VS Code API here: a domain model the
// view, the commands and the export of a filtered list share.
import { z } from 'zod';
import { formatCount } from '../format/text';
import { formatDateTime } from '../format/time';
import {
  generationStatusSchema,
  idSchema,
  languageSchema,
  MAX_LISTED_IDS,
  MAX_SEARCH_LENGTH,
  tagNameSchema,
  type ListQueryInput,
} from './schemas';
import { tagKey } from './tag-names';
import type { GenerationStatus } from './types';
import { describeIssues } from '../format/issues';

const list = <T extends z.ZodType>(item: T) => z.array(item).max(100).optional();

/** Input of `voiceHistory.filter` when called with an argument (other layers, tests). */
export const treeFilterSchema = z
  .object({
    profileId: list(idSchema),
    engine: list(z.string().trim().min(1).max(64)),
    language: list(languageSchema),
    status: list(generationStatusSchema),
    favoritesOnly: z.boolean().optional(),
    /** Carrying any of these tags (names, any case). */
    tag: list(tagNameSchema),
    /** Carrying no tag at all. */
    untagged: z.boolean().optional(),
    /** Created at or after (UTC ms). */
    after: z.number().int().min(0).optional(),
    /** Created before (UTC ms). */
    before: z.number().int().min(0).optional(),
    /** Only these generations (what a purge would delete, shown before it is confirmed). */
    ids: z.array(idSchema).min(1).max(MAX_LISTED_IDS).optional(),
    /** What those generations are, in the user's words ("to purge"); shown in the view's description. */
    idsName: z.string().trim().min(1).max(60).optional(),
    /** Literal text the generation contains. */
    search: z.string().trim().max(MAX_SEARCH_LENGTH, `Search text is limited to ${MAX_SEARCH_LENGTH} characters.`).optional(),
  })
  .strict()
  .refine((f) => !(f.untagged && f.tag?.length), {
    message: 'Filter either by tags or for untagged generations, not both.',
    path: ['untagged'],
  })
  .refine((f) => f.after === undefined || f.before === undefined || f.after < f.before, {
    message: 'The start of the date range must be before its end.',
    path: ['after'],
  });

export type TreeFilter = z.output<typeof treeFilterSchema>;

/** Parses a filter given to a command; the error message lists what is wrong and how to fix it. */
export function parseTreeFilter(input: unknown): TreeFilter {
  const parsed = treeFilterSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const details = describeIssues(parsed.error.issues, { whole: 'filter' });
    // Words, not a code example: the message also reaches a notification.
    throw new Error(`The history filter is not valid (${details}). Its fields are ${Object.keys(treeFilterSchema.shape).join(', ')}.`);
  }
  return normalize(parsed.data);
}

/** Drops empty parts so "no filter" has exactly one shape. */
export function normalize(f: TreeFilter): TreeFilter {
  const out: TreeFilter = {};
  if (f.profileId?.length) out.profileId = [...new Set(f.profileId)];
  if (f.engine?.length) out.engine = [...new Set(f.engine)];
  if (f.language?.length) out.language = [...new Set(f.language)];
  if (f.status?.length) out.status = [...new Set(f.status)];
  if (f.favoritesOnly) out.favoritesOnly = true;
  if (f.tag?.length) out.tag = uniqueTags(f.tag);
  if (f.untagged) out.untagged = true;
  if (f.after !== undefined) out.after = f.after;
  if (f.before !== undefined) out.before = f.before;
  if (f.search) out.search = f.search;
  if (f.ids?.length) {
    out.ids = [...new Set(f.ids)];
    if (f.idsName) out.idsName = f.idsName;
  }
  return out;
}

/** One spelling per tag (tags are one whatever their case), in the order given. */
function uniqueTags(tags: readonly string[]): string[] {
  const byKey = new Map<string, string>();
  for (const t of tags) if (!byKey.has(tagKey(t))) byKey.set(tagKey(t), t);
  return [...byKey.values()];
}

export function isFiltered(f: TreeFilter): boolean {
  return Object.keys(normalize(f)).length > 0;
}

/** The list query that applies the filter (groups add their own narrowing on top). */
export function filterQuery(f: TreeFilter): ListQueryInput {
  const q: ListQueryInput = {};
  if (f.profileId?.length) q.profileId = f.profileId;
  if (f.engine?.length) q.engine = f.engine;
  if (f.language?.length) q.language = f.language;
  if (f.status?.length) q.status = f.status;
  if (f.favoritesOnly) q.favoritesOnly = true;
  if (f.tag?.length) q.tag = f.tag;
  if (f.untagged) q.untagged = true;
  if (f.after !== undefined) q.after = f.after;
  if (f.before !== undefined) q.before = f.before;
  if (f.search) q.search = f.search;
  if (f.ids?.length) q.ids = f.ids;
  return q;
}

/** Short words for the view's description: `"Alice", failed, favorites, #intro, since 2025-03-01`. */
export function describeFilter(f: TreeFilter, profileName: (id: string) => string | undefined): string {
  const parts: string[] = [];
  if (f.ids?.length)
    parts.push(`${formatCount(f.ids.length)} ${f.idsName ?? (f.ids.length === 1 ? 'listed generation' : 'listed generations')}`);
  if (f.search) parts.push(`"${f.search}"`);
  if (f.profileId?.length) parts.push(f.profileId.map((id) => profileName(id) ?? 'deleted profile').join(' or '));
  if (f.engine?.length) parts.push(f.engine.join(' or '));
  if (f.language?.length) parts.push(f.language.join(' or '));
  if (f.status?.length) parts.push(f.status.map(statusWord).join(' or '));
  if (f.favoritesOnly) parts.push('favorites');
  if (f.tag?.length) parts.push(f.tag.map((t) => `#${t}`).join(' or '));
  if (f.untagged) parts.push('untagged');
  if (f.after !== undefined && f.before !== undefined) parts.push(`${day(f.after)} to ${day(f.before - 1)}`);
  else if (f.after !== undefined) parts.push(`since ${day(f.after)}`);
  else if (f.before !== undefined) parts.push(`before ${day(f.before)}`);
  return parts.join(', ');
}

function statusWord(s: GenerationStatus): string {
  return s;
}

function day(time: number): string {
  return formatDateTime(time).slice(0, 10);
}

/** Parses "2025-03-01..2025-03-31" (either side may be empty) into a local-time span; end day inclusive. */
export function parseDateRange(text: string): { after?: number; before?: number } {
  const m = /^\s*(\d{4}-\d{2}-\d{2})?\s*(?:\.\.|to|–|—)\s*(\d{4}-\d{2}-\d{2})?\s*$/.exec(text) ?? /^\s*(\d{4}-\d{2}-\d{2})\s*$/.exec(text);
  if (!m || (!m[1] && !m[2])) {
    throw new Error('Type a date range such as 2025-03-01..2025-03-31 (either side may be left out).');
  }
  const single = m.length === 2;
  const from = m[1] ? localDay(m[1]) : undefined;
  const toDay = single ? m[1] : m[2];
  const to = toDay ? localDay(toDay) : undefined;
  const range: { after?: number; before?: number } = {};
  if (from !== undefined) range.after = from;
  if (to !== undefined) {
    const d = new Date(to);
    range.before = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  }
  if (range.after !== undefined && range.before !== undefined && range.after >= range.before) {
    throw new Error('The range ends before it starts; put the earlier date first.');
  }
  return range;
}

function localDay(text: string): number {
  const [y, mo, d] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(y, mo - 1, d);
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) {
    throw new Error(`${text} is not a date in the calendar; use YYYY-MM-DD.`);
  }
  return date.getTime();
}
