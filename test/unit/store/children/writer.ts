// Child process for the crash test. On start it checks that everything the previous (killed)
// writers reported is there, then writes as fast as it can, printing each change only after the
// call that made it returned (i.e. after it was reported committed).
import * as fs from 'node:fs';
import { openHistory } from '../../../../src/history';
import type { HistoryService } from '../../../../src/history/service';

export interface Expectations {
  alive: string[];
  deleted: string[];
  favorited: string[];
  versions: Array<[generationId: string, versionId: string]>;
}

async function verify(h: HistoryService, e: Expectations): Promise<string[]> {
  const problems: string[] = [];
  const found = await h.getMany(e.alive);
  const foundIds = new Set(found.map((g) => g.id));
  for (const id of e.alive) if (!foundIds.has(id)) problems.push(`missing ${id}`);
  for (const id of e.deleted) if (await h.get(id)) problems.push(`resurrected ${id}`);
  const byId = new Map(found.map((g) => [g.id, g]));
  for (const id of e.favorited) if (byId.has(id) && !byId.get(id)?.isFavorited) problems.push(`favourite lost ${id}`);
  for (const [gid, vid] of e.versions) {
    if (!byId.has(gid)) continue;
    const vs = await h.listVersions(gid);
    if (!vs.some((v) => v.id === vid)) problems.push(`version lost ${vid}`);
    if (vs.filter((v) => v.isDefault).length !== 1) problems.push(`not exactly one default version ${gid}`);
  }
  return problems;
}

async function main(): Promise<void> {
  const [dir, seedArg, expectFile] = process.argv.slice(2);
  let seed = Number(seedArg) || 1;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const h = await openHistory({
    storageDir: dir,
    checkOnOpen: false,
    tuning: { compactAfterRecords: 25, compactDelayMs: 0, pollIntervalMs: 0 },
  });
  if (expectFile) {
    const problems = await verify(h, JSON.parse(fs.readFileSync(expectFile, 'utf8')) as Expectations);
    for (const p of problems) process.stdout.write(`problem ${p}\n`);
    process.stdout.write(`verified ${problems.length}\n`);
  }
  const profile = await h.findOrCreateProfile({ name: 'Crash test', engine: 'test', voiceId: 'v1' });
  process.stdout.write(`ready ${profile.id}\n`);
  const mine: string[] = [];
  for (let i = 0; ; i++) {
    const r = random();
    if (r < 0.6 || mine.length < 3) {
      const withAudio = random() < 0.4;
      const g = await h.create(
        { profileId: profile.id, text: `crash ${seed} item ${i} ${'é'.repeat(i % 5)}`, engine: 'test' },
        withAudio ? { data: new Uint8Array(2000 + (i % 7) * 500).fill(i & 0xff), format: 'wav', duration: 0.5 } : undefined,
      );
      mine.push(g.id);
      process.stdout.write(`created ${g.id}\n`);
    } else if (r < 0.8) {
      const id = mine[Math.floor(random() * mine.length)];
      await h.update(id, { isFavorited: true });
      process.stdout.write(`favorited ${id}\n`);
    } else if (r < 0.9) {
      const id = mine.splice(Math.floor(random() * mine.length), 1)[0];
      // Announced first: if the kill lands after the commit but before "deleted", the row may be gone.
      process.stdout.write(`deleting ${id}\n`);
      await h.delete(id);
      process.stdout.write(`deleted ${id}\n`);
    } else {
      const id = mine[Math.floor(random() * mine.length)];
      const { version } = await h.attachAudio(
        id,
        { data: new Uint8Array(1500).fill(7), format: 'wav' },
        { label: `v${i}`, isDefault: true },
      );
      process.stdout.write(`version ${id} ${version.id}\n`);
    }
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
