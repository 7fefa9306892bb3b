// A cloned repository's .vscode/settings.json must not decide where the API keys go, how big an
// archive Import… accepts, whether deletes are confirmed, or what retention deletes. The runners
// copy such a file (test/fixtures/hostile-workspace/settings.json) into the test workspace; VS
// Code itself must ignore it for these settings (scope "machine"), in a trusted folder too.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

function workspaceSettings(): Record<string, unknown> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration tests run in a folder');
  return JSON.parse(readFileSync(path.join(folder.uri.fsPath, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
}

describe('Settings a workspace cannot set', () => {
  it('the workspace settings file is read (an ordinary setting in it applies)', () => {
    const hostile = workspaceSettings();
    assert.equal(vscode.workspace.getConfiguration('editor').get('tabSize'), hostile['editor.tabSize']);
  });

  it('base URLs, import limits, confirmDelete and retention from .vscode/settings.json are ignored', () => {
    const config = vscode.workspace.getConfiguration();
    const keys = Object.keys(workspaceSettings()).filter((k) => k.startsWith('voiceHistory.'));
    assert.equal(keys.length, 9);
    const taken = keys.filter((key) => config.get(key) !== config.inspect(key)?.defaultValue);
    assert.deepEqual(taken, [], 'these settings took the workspace value');
  });
});
