// RPC figures measured through a real VS Code webview (code-server): the integration suite's RPC
// probe times 200 `history.list` round trips and fetches of a 10 s and a 10 min WAV.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export async function run({ root }: { root: string }): Promise<Record<string, number>> {
  execFileSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: root, stdio: 'ignore' });
  const scratch = mkdtempSync(join(tmpdir(), 'vh-bench-rpc-'));
  const out = join(scratch, 'rpc.json');
  try {
    const { runIntegration } = (await import(
      pathToFileURL(join(root, 'test/support/run-integration.mjs')).href
    )) as typeof import('../support/run-integration.mjs');
    const outcome = await runIntegration({ env: { VH_INTEGRATION_GREP: 'RPC over the real webview', VH_BENCH_RESULTS: out } });
    if (outcome.failed > 0) throw new Error(`the RPC probe failed: ${JSON.stringify(outcome.failures)}`);
    return JSON.parse(readFileSync(out, 'utf8')) as Record<string, number>;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
