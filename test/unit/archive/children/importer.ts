// Child process for the import crash test: imports one archive into the storage folder, printing
// its progress (so the parent can kill it at a chosen phase) and "committed" once import returned.
import { importFiles } from '../../../../src/archive/import';
import { openHistory } from '../../../../src/history';

async function main(): Promise<void> {
  const [storageDir, archive, stagingDir] = process.argv.slice(2);
  const h = await openHistory({ storageDir, checkOnOpen: false, tuning: { pollIntervalMs: 0, compactOnClose: false } });
  process.stdout.write('opened\n');
  const summary = await importFiles(h, [archive], {
    stagingDir,
    onProgress: (p) => {
      if (p.phase === 'saving') process.stdout.write(`saving ${p.done} ${p.total}\n`);
    },
  });
  process.stdout.write(`committed ${summary.imported} ${summary.rejected.map((r) => r.reason).join('; ')}\n`);
  await h.close();
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
