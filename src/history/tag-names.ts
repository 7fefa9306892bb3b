// Tag names as the user types them: the one key of a name (case and width folded, so "Intro" and
// "intro" are one tag) and a comma-separated list typed in a box, each name checked.
import { tagNameSchema } from './schemas';
import { nameKey } from './service-support';

/** The one key of a tag name, whatever its case or width. */
export const tagKey = nameKey;

/** Names typed in one box (comma-separated), each checked, one per key; the first problem when one is not valid. */
export function parseTypedTags(value: string): { names: string[]; problem?: string } {
  const names: string[] = [];
  for (const part of value.split(',')) {
    if (part.trim() === '') continue;
    const parsed = tagNameSchema.safeParse(part);
    if (!parsed.success) return { names, problem: parsed.error.issues[0]?.message ?? 'This is not a valid tag name.' };
    if (!names.some((n) => tagKey(n) === tagKey(parsed.data))) names.push(parsed.data);
  }
  return { names };
}
