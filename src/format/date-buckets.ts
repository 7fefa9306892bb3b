// The History's date groups (Today, Yesterday, This Week, This Month, then by month) as spans of
// creation times in the local calendar. Pure, so it is tested in plain Node.
import { startOfDay } from './time';

/** A span of creation times, local calendar: `after` inclusive, `before` exclusive (null: open). */
export interface DateBucket {
  /** Stable key: "today", "yesterday", "week", "month", or "YYYY-MM" for an older month. */
  key: string;
  label: string;
  after: number | null;
  before: number | null;
}

function addDays(dayStart: number, days: number): number {
  const d = new Date(dayStart);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days).getTime();
}

/** Monday 00:00 of the week holding `time` (ISO weeks). */
export function startOfWeek(time: number): number {
  const day = startOfDay(time);
  const weekday = (new Date(day).getDay() + 6) % 7;
  return addDays(day, -weekday);
}

export function startOfMonth(time: number): number {
  const d = new Date(time);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

function startOfNextMonth(time: number): number {
  const d = new Date(time);
  return new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
}

export function monthKey(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

export function monthLabel(time: number): string {
  return new Date(time).toLocaleDateString('en-US', { year: 'numeric', month: 'long' });
}

/**
 * The buckets before "older months": Today, Yesterday, This week, This month. Each ends where the
 * newer one starts, so a bucket that the calendar leaves empty (e.g. "This week" on a Tuesday)
 * is omitted. Returns them newest first, plus where older months begin (`olderBefore`).
 */
export function recentBuckets(now: number): { buckets: DateBucket[]; olderBefore: number } {
  const today = startOfDay(now);
  const yesterday = addDays(today, -1);
  const week = Math.min(startOfWeek(now), yesterday);
  const month = Math.min(startOfMonth(now), week);
  const buckets: DateBucket[] = [
    { key: 'today', label: 'Today', after: today, before: null },
    { key: 'yesterday', label: 'Yesterday', after: yesterday, before: today },
    { key: 'week', label: 'This Week', after: week, before: yesterday },
    { key: 'month', label: 'This Month', after: month, before: week },
  ];
  return { buckets: buckets.filter((b) => b.before === null || (b.after ?? -Infinity) < b.before), olderBefore: month };
}

/** The month bucket holding `time`, cut at `before` (where newer buckets begin). */
export function monthBucket(time: number, before: number): DateBucket {
  const start = startOfMonth(time);
  return { key: monthKey(time), label: monthLabel(time), after: start, before: Math.min(startOfNextMonth(time), before) };
}

/** Intersects a bucket's span with a filter's span; null when they do not overlap. */
export function intersectSpan(
  a: { after: number | null; before: number | null },
  b: { after?: number | null; before?: number | null },
): { after: number | null; before: number | null } | null {
  const after = maxOrNull(a.after, b.after ?? null);
  const before = minOrNull(a.before, b.before ?? null);
  if (after !== null && before !== null && after >= before) return null;
  return { after, before };
}

function maxOrNull(x: number | null, y: number | null): number | null {
  return x === null ? y : y === null ? x : Math.max(x, y);
}
function minOrNull(x: number | null, y: number | null): number | null {
  return x === null ? y : y === null ? x : Math.min(x, y);
}
