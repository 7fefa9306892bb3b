// Child process for the crash test: writes generations as fast as it can and prints each change
// only after the call that made it returned (i.e. after it was reported committed).
import { openHistory } from '../../../../src/history';

async function main(): Promise<void> {
  const [dir, seedArg] = process.argv.slice(2);
  let seed = Number(seedArg) || 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const h = await openHistory({ storageDir: dir, checkOnOpen: false, tuning: { compactAfterRecords: 25, pollIntervalMs: 0 } });
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
      const { version } = await h.attachAudio(id, { data: new Uint8Array(1500).fill(7), format: 'wav' }, { label: `v${i}`, isDefault: true });
      process.stdout.write(`version ${id} ${version.id}\n`);
    }
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
