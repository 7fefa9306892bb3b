// Child process for the permission tests; runs as an unprivileged user when the tests run as root
// (root ignores file modes). Prints one JSON line with what happened.
import { isHistoryError, openHistory } from '../../../../src/history';

async function main(): Promise<void> {
  const [dir, scenario] = process.argv.slice(2);
  const out: Record<string, unknown> = { scenario, uid: process.getuid?.() };
  const h = await openHistory({ storageDir: dir, checkOnOpen: false, lockTimeoutMs: 2000, tuning: { pollIntervalMs: 0 } });
  const before = await h.list({ pageSize: 1000 });
  out.totalBefore = before.total;
  const profileId = before.items[0]?.profileId;
  const attempt = async (name: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      out[name] = { ok: true };
    } catch (e) {
      out[name] = isHistoryError(e) ? { ok: false, code: e.code, message: e.message } : { ok: false, message: String(e) };
    }
  };
  await attempt('createWithAudio', () => h.create({ profileId, text: 'new with audio' }, { data: new Uint8Array(100).fill(1) }));
  await attempt('createPending', () => h.create({ profileId, text: 'new without audio' }));
  out.totalAfter = (await h.list({ pageSize: 1 })).total;
  await h.close();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e) => {
  process.stdout.write(`${JSON.stringify({ crashed: String((e as Error).stack) })}\n`);
  process.exit(1);
});
