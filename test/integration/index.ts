// Entry point that VS Code's extension host calls with the real `vscode` API loaded
// (code-server via the workbench payload, or desktop VS Code via @vscode/test-electron).
import Mocha from 'mocha';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';

interface Outcome {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; error: string }[];
  vscodeVersion: string;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, color: false, reporter: 'spec' });
  // Bundled suites register through mocha's globals, which exist only after pre-require.
  mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
  // The suites load after pre-require, so they cannot be static imports.
  /* eslint-disable @typescript-eslint/no-require-imports */
  require('./activation.test');
  require('./settings-scope.test');
  require('./tree.test');
  require('./commands.test');
  require('./organise.test');
  require('./rpc.test');
  require('./archive.test');
  require('./formats.test');
  require('./generate.test');
  require('./generate-elevenlabs-import.test');
  require('./api.test');
  require('./player.test');
  require('./effects.test');
  require('./stories.test');
  require('./story-editor.test');
  require('./scripts.test');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const only = process.env.VH_INTEGRATION_GREP;
  if (only) mocha.grep(only);

  return new Promise((resolve, reject) => {
    const outcome: Outcome = { passed: 0, failed: 0, pending: 0, failures: [], vscodeVersion: vscode.version };
    console.log(`[integration] running inside VS Code ${vscode.version} (${vscode.env.appName}), node ${process.version}`);
    const runner = mocha.run((failures) => {
      console.log(`[integration] ${outcome.passed} passed, ${outcome.failed} failed`);
      const file = process.env.VH_TEST_RESULTS;
      if (file) writeFileSync(file, JSON.stringify(outcome, null, 2));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
    runner.on('pass', () => outcome.passed++);
    runner.on('pending', () => outcome.pending++);
    runner.on('fail', (test, err: Error) => {
      outcome.failed++;
      outcome.failures.push({ title: test.fullTitle(), error: String(err?.stack ?? err) });
    });
  });
}
