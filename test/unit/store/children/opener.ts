// Child for the migration crash test: opens the history (which upgrades its schema and writes the
// new snapshot), says so with how many generations it sees, and waits to be killed.
import { openHistory } from '../../../../src/history';

async function main(): Promise<void> {
  const [storageDir] = process.argv.slice(2);
  const h = await openHistory({ storageDir, checkOnOpen: false, tuning: { pollIntervalMs: 0, compactOnClose: false } });
  process.stdout.write(`opened ${(await h.stats()).totalGenerations}\n`);
  setInterval(() => undefined, 1000);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
