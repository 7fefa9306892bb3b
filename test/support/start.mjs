// `npm start`: build, then open the extension in a real VS Code (code-server) on 127.0.0.1
// with a small sample workspace. Prints the URL, stays up until Ctrl+C, then cleans up.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup } from './setup.mjs';
import { root, startCodeServer, workbenchUrl } from './code-server.mjs';

setup();
execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
const scratch = mkdtempSync(join(tmpdir(), 'vh-start-'));
const workspace = join(scratch, 'sample-workspace');
cpSync(join(root, 'test', 'fixtures', 'sample-workspace'), workspace, { recursive: true });
// VH_SAMPLE_DATA asks the extension to record a few real generations from the sample script on
// first start, so a newcomer sees a living history; a real install never sets it.
const server = await startCodeServer({ workspace, env: { VH_SAMPLE_DATA: '1' } });
const url = workbenchUrl(server, { extensionDevelopmentPath: root });

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping VS Code and removing temporary folders…');
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

console.log(`
Voice History is running in VS Code ${'(code-server 4.96.4, VS Code 1.96.4)'}.
Open this URL in a browser on this machine:

  ${url}

Click the Voice History icon in the activity bar. Run \`npm run watch\` in another terminal and
reload the window (F1 → "Developer: Reload Window") to pick up changes. Press Ctrl+C to stop.
`);
setInterval(() => {}, 1 << 30);
