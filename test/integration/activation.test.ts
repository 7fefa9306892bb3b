import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activated, extensionId } from './extension-api';

describe('Voice History in a real VS Code', () => {
  it('runs inside VS Code 1.96 with our extension loaded, not yet active before use', () => {
    console.log(`[integration] vscode.version = ${vscode.version}`);
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    if (process.env.VH_EXPECT_VSCODE) assert.ok(vscode.version.startsWith(process.env.VH_EXPECT_VSCODE), vscode.version);
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, 'extension is installed');
    assert.ok(!ext.packageJSON.activationEvents?.includes('*'), 'activation must be lazy');
  });

  it('activates and returns its versioned API', async () => {
    const api = await activated();
    assert.equal(api.apiVersion, 1);
    assert.ok(vscode.extensions.getExtension(extensionId)?.isActive);
  });

  it('registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension(extensionId)!;
    const contributed: string[] = ext.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    assert.ok(contributed.length >= 20, `expected the full command set, got ${contributed.length}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
  });

  it('registers the History view (its focus command opens it)', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(registered.has('voiceHistory.history.focus'), 'view focus command exists');
    await vscode.commands.executeCommand('voiceHistory.history.focus');
  });

  it('has writable storage in the workspace storage folder', async () => {
    const api = await activated();
    assert.ok(path.isAbsolute(api.storageDir));
    assert.match(api.storageDir, /workspaceStorage/, 'a folder is open, so workspace storage is used');
    const probe = path.join(api.storageDir, `probe-${process.pid}.txt`);
    await fs.writeFile(probe, 'ok');
    assert.equal(await fs.readFile(probe, 'utf8'), 'ok');
    await fs.rm(probe);
  });

  it('loads sql.js with the wasm shipped in the bundle', async () => {
    const api = await activated();
    const d = await api.diagnostics();
    const ext = vscode.extensions.getExtension(extensionId)!;
    assert.equal(d.wasmPath, path.join(ext.extensionPath, 'dist', 'sql-wasm.wasm'));
    assert.match(d.sqliteVersion, /^3\.\d+/);
    console.log(`[integration] sql.js runs SQLite ${d.sqliteVersion} from ${d.wasmPath}`);
  });
});
