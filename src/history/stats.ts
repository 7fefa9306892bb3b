// Statistics from the running totals the schema's triggers keep (no scan of generations).
import type { Reader } from '../store/database';
import { GENERATION_STATUSES, type CountAndDuration, type GenerationStatus, type HistoryStats } from './types';

const DAY_MS = 86_400_000;
const round = (n: number) => Math.round(n * 1000) / 1000;

export function statsOf(r: Reader, now: number): HistoryStats {
  const groups = r.all(
    'SELECT sg.profile_id, p.name AS profile_name, sg.engine, sg.status, sg.count, sg.duration FROM stat_groups sg LEFT JOIN profiles p ON p.id = sg.profile_id',
  );
  const byProfile = new Map<string, CountAndDuration & { profileId: string; profileName: string }>();
  const byEngine = new Map<string, CountAndDuration & { engine: string | null }>();
  const byStatus = Object.fromEntries(GENERATION_STATUSES.map((s) => [s, { count: 0, durationSeconds: 0 }])) as Record<
    GenerationStatus,
    CountAndDuration
  >;
  let total = 0;
  let duration = 0;
  for (const g of groups) {
    const count = Number(g.count);
    const d = Number(g.duration);
    total += count;
    duration += d;
    const pid = String(g.profile_id);
    const p = byProfile.get(pid) ?? { profileId: pid, profileName: String(g.profile_name ?? ''), count: 0, durationSeconds: 0 };
    p.count += count;
    p.durationSeconds += d;
    byProfile.set(pid, p);
    const engine = String(g.engine);
    const e = byEngine.get(engine) ?? { engine: engine === '' ? null : engine, count: 0, durationSeconds: 0 };
    e.count += count;
    e.durationSeconds += d;
    byEngine.set(engine, e);
    const s = byStatus[String(g.status) as GenerationStatus];
    if (s) {
      s.count += count;
      s.durationSeconds += d;
    }
  }
  const today = Math.floor(now / DAY_MS);
  const days = new Map(r.all('SELECT day, count, duration FROM stat_days WHERE day > ?', [today - 30]).map((d) => [Number(d.day), d]));
  const perDay: HistoryStats['perDay'] = [];
  for (let day = today - 29; day <= today; day++) {
    const d = days.get(day);
    perDay.push({
      day: new Date(day * DAY_MS).toISOString().slice(0, 10),
      count: Number(d?.count ?? 0),
      durationSeconds: round(Number(d?.duration ?? 0)),
    });
  }
  const fix = <T extends CountAndDuration>(x: T): T => ({ ...x, durationSeconds: round(x.durationSeconds) });
  for (const s of GENERATION_STATUSES) byStatus[s] = fix(byStatus[s]);
  return {
    totalGenerations: total,
    totalDurationSeconds: round(duration),
    bytesOnDisk: Number(r.value("SELECT value FROM stat_totals WHERE name = 'audio_bytes'") ?? 0),
    byProfile: [...byProfile.values()].map(fix).sort((a, b) => b.count - a.count || a.profileName.localeCompare(b.profileName)),
    byEngine: [...byEngine.values()].map(fix).sort((a, b) => b.count - a.count),
    byStatus,
    perDay,
  };
}
