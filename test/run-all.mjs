// `npm test`: every layer in order, then one summary line covering all of them.
//   1. unit tests (plain Node, real sql.js/files/ZIPs)
//   2. integration suite inside the extension host of a real VS Code (code-server 4.96.4)
//   3. Playwright UI tests over the same workbench
//   4. packaging check: the VSIX installs into code-server and activates
// Machine setup (chromium, ripgrep, code-server's offline install) runs first and is idempotent.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setup } from './support/setup.mjs';
import { collect, root, runNodeTests } from './support/run-node-tests.mjs';
import { runIntegration } from './support/run-integration.mjs';

const started = Date.now();
const layers = [];
function record(name, outcome) {
  layers.push({ name, ...outcome });
  console.log(`\n== ${name}: ${outcome.passed} passed, ${outcome.failed} failed\n`);
}
function step(title, fn) {
  console.log(`\n== ${title}`);
  return fn();
}

step('setup', () => setup());
step('type-check (npm run lint)', () => {
  try {
    execFileSync('npm', ['run', 'lint', '--silent'], { cwd: root, stdio: 'inherit' });
    record('type-check', { passed: 1, failed: 0 });
  } catch {
    record('type-check', { passed: 0, failed: 1 });
  }
});
step('build', () => execFileSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: root, stdio: 'inherit' }));

record('unit', await runNodeTests(collect(join(root, 'test/unit'), '.test.ts')));

console.log('\n== integration (inside VS Code)');
let integration;
try {
  integration = await runIntegration();
} catch (err) {
  integration = { passed: 0, failed: 1, failures: [{ title: 'integration harness', error: String(err?.stack ?? err) }] };
}
for (const f of integration.failures ?? []) console.log(`  FAILED ${f.title}\n${f.error}`);
record('integration', integration);

record('e2e (Playwright)', await runNodeTests(collect(join(root, 'test/e2e'), '.e2e.ts'), { concurrency: 1 }));
record('package (VSIX)', await runNodeTests(collect(join(root, 'test/package'), '.test.ts'), { concurrency: 1 }));

const passed = layers.reduce((n, l) => n + l.passed, 0);
const failed = layers.reduce((n, l) => n + l.failed, 0);
console.log('\n== summary');
for (const l of layers) console.log(`  ${l.name.padEnd(20)} ${l.passed} passed, ${l.failed} failed`);
console.log(`  took ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
