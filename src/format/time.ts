// How lengths and dates read everywhere (tree, status bar, search, statistics, player): one format
// each, so a generation never shows three different durations. Pure: shared by host and webview.

const DAY_MS = 24 * 60 * 60 * 1000;

/** A generation's length: 3.84 → "3.8 s" (tenths under a minute); 65.2 → "1:05"; 3725 → "1:02:05". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 59.95) return `${seconds.toFixed(1)} s`;
  return formatClock(seconds, Math.round);
}

/** A running position, as a clock shows it: whole seconds rounded down, 3.9 → "0:03". */
export function formatClock(seconds: number | null | undefined, round: (n: number) => number = Math.floor): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '0:00';
  const total = round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A place on a story's timeline, to the tenth of a second: 1240 ms → "0:01.2"; 3725000 → "1:02:05.0". */
export function formatPosition(ms: number): string {
  const tenths = Number.isFinite(ms) && ms > 0 ? Math.round(ms / 100) : 0;
  return `${formatClock(Math.floor(tenths / 10))}.${tenths % 10}`;
}

/** Long totals in words: 11520 → "3 h 12 min". */
export function formatLongDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '0 s';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const totalMin = Math.round(seconds / 60);
  const h = Math.floor(totalMin / 60);
  const m = totalMin % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

export function startOfDay(time: number): number {
  const d = new Date(time);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then a date. */
export function relativeTime(time: number, now: number): string {
  const diff = now - time;
  if (diff < 45_000) return 'just now';
  if (diff < 60 * 60_000) return `${Math.max(1, Math.round(diff / 60_000))} min ago`;
  if (diff < DAY_MS) return `${Math.round(diff / (60 * 60_000))} h ago`;
  const days = Math.floor((startOfDay(now) - startOfDay(time)) / DAY_MS);
  if (days <= 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  const d = new Date(time);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  return d.toLocaleDateString('en-US', sameYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' });
}

/** Local time, to the second: "2025-03-14 09:26:53" (the one absolute date format). */
export function formatDateTime(time: number): string {
  const d = new Date(time);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
