// Child for the interrupted-generations test: leaves a pending and a generating row, says so, and
// waits to be killed (a VS Code window closed in the middle of generating).
import { openHistory } from '../../../../src/history';

async function main(): Promise<void> {
  const [storageDir] = process.argv.slice(2);
  const h = await openHistory({ storageDir, checkOnOpen: false, tuning: { pollIntervalMs: 0 } });
  const p = await h.findOrCreateProfile({ name: 'Child voice', engine: 'test', voiceId: 'c' });
  const a = await h.create({ profileId: p.id, text: 'pending in the child' });
  const b = await h.create({ profileId: p.id, text: 'generating in the child' });
  await h.update(b.id, { status: 'generating' });
  process.stdout.write(`rows ${a.id} ${b.id}\n`);
  setInterval(() => undefined, 1000);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
