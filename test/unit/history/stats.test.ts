// stats() from running totals equals the same figures computed from the rows themselves,
// through creates, updates, version changes and deletes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import type { HistoryService } from '../../../src/history/service';
import type { Generation, HistoryStats } from '../../../src/history/types';
import { GENERATION_STATUSES } from '../../../src/history/types';
import { fakeAudio, freshHistory } from '../store/helpers';

const DAY = 86_400_000;
const r3 = (n: number) => Math.round(n * 1000) / 1000;

async function reference(
  h: HistoryService,
  now: number,
): Promise<Omit<HistoryStats, 'byProfile' | 'byEngine'> & { byProfile: string[]; byEngine: string[] }> {
  const all: Generation[] = (await h.list({ pageSize: 1000 })).items;
  let bytes = 0;
  for (const g of all) for (const v of await h.listVersions(g.id)) bytes += fs.statSync(h.resolveAudioPath(v)).size;
  const group = (key: (g: Generation) => string) => {
    const m = new Map<string, { count: number; d: number }>();
    for (const g of all) {
      const e = m.get(key(g)) ?? { count: 0, d: 0 };
      e.count++;
      e.d += g.duration ?? 0;
      m.set(key(g), e);
    }
    return [...m].map(([k, v]) => `${k}:${v.count}:${r3(v.d)}`).sort();
  };
  const today = Math.floor(now / DAY);
  const perDay = [];
  for (let d = today - 29; d <= today; d++) {
    const on = all.filter((g) => Math.floor(g.createdAt / DAY) === d);
    perDay.push({
      day: new Date(d * DAY).toISOString().slice(0, 10),
      count: on.length,
      durationSeconds: r3(on.reduce((s, g) => s + (g.duration ?? 0), 0)),
    });
  }
  const byStatus = Object.fromEntries(
    GENERATION_STATUSES.map((s) => {
      const on = all.filter((g) => g.status === s);
      return [s, { count: on.length, durationSeconds: r3(on.reduce((a, g) => a + (g.duration ?? 0), 0)) }];
    }),
  ) as HistoryStats['byStatus'];
  return {
    totalGenerations: all.length,
    totalDurationSeconds: r3(all.reduce((s, g) => s + (g.duration ?? 0), 0)),
    bytesOnDisk: bytes,
    byProfile: group((g) => g.profileName),
    byEngine: group((g) => g.engine ?? '(none)'),
    byStatus,
    perDay,
  };
}

function flatten(s: HistoryStats) {
  return {
    ...s,
    byProfile: s.byProfile.map((p) => `${p.profileName}:${p.count}:${p.durationSeconds}`).sort(),
    byEngine: s.byEngine.map((e) => `${e.engine ?? '(none)'}:${e.count}:${e.durationSeconds}`).sort(),
  };
}

test('stats match the rows through every kind of change', async () => {
  const { h, cleanup } = await freshHistory();
  try {
    const now = Date.now();
    const empty = await h.stats();
    assert.equal(empty.totalGenerations, 0);
    assert.equal(empty.perDay.length, 30);
    assert.equal(empty.perDay[29].day, new Date(now).toISOString().slice(0, 10));

    const alice = (await h.createProfile({ name: 'Alice' })).id;
    const bob = (await h.createProfile({ name: 'Bob' })).id;
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const createdAt = now - (i % 35) * DAY - (i % 5) * 1000;
      const g = await h.create(
        {
          profileId: i % 3 ? alice : bob,
          text: `t${i}`,
          engine: ['flite', 'openai', null][i % 3],
          createdAt,
          status: i % 4 === 0 ? 'failed' : 'pending',
        },
        i % 4 === 0 ? undefined : { data: fakeAudio(i, 100 + i), duration: 0.25 * (i % 9) },
      );
      ids.push(g.id);
    }
    const check = async (when: string) => assert.deepEqual(flatten(await h.stats()), await reference(h, Date.now()), when);
    await check('after creates');
    await h.addVersion(ids[1], { label: 'x', isDefault: true }, { data: fakeAudio(99, 777), duration: 9.5 });
    await h.addVersion(ids[2], { label: 'y' }, { data: fakeAudio(98, 333), duration: 1 });
    await check('after versions');
    await h.update(ids[4], { status: 'pending' });
    await h.update(ids[8], { status: 'generating' });
    const vs = await h.listVersions(ids[1]);
    await h.setDefaultVersion(vs[0].id);
    await h.deleteVersion(vs[1].id);
    await check('after status and default changes');
    await h.delete(ids.slice(10, 15));
    await h.deleteFailed();
    await check('after deletes');
    await h.deleteProfile(bob);
    await check('after deleting a profile');
  } finally {
    await cleanup();
  }
});
