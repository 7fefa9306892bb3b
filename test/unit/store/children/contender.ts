// Child process for the two-writers test: both children write to the same storage folder at
// once (with frequent compaction), through the same profile and story.
import { openHistory } from '../../../../src/history';

async function main(): Promise<void> {
  const [dir, name, countArg, storyId] = process.argv.slice(2);
  const count = Number(countArg);
  const h = await openHistory({
    storageDir: dir,
    checkOnOpen: false,
    tuning: { compactAfterRecords: 7, compactDelayMs: 0, pollIntervalMs: 0 },
  });
  // Both children ask for the same profile at about the same time: exactly one may be created.
  const profile = await h.findOrCreateProfile({ name: 'Shared voice', engine: 'test', voiceId: 'shared' });
  process.stdout.write(`profile ${profile.id}\n`);
  for (let i = 0; i < count; i++) {
    const g = await h.create({ profileId: profile.id, text: `${name} says number ${i}`, engine: 'test' });
    await h.addStoryItem(storyId, { generationId: g.id, startMs: i * 100, track: name === 'a' ? 0 : 1 });
    if (i % 10 === 0) await h.update(g.id, { isFavorited: true });
  }
  const page = await h.list({ pageSize: 1 });
  process.stdout.write(`done ${page.total}\n`);
  await h.close();
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
