// The packaged artifact, not the source tree: build the VSIX, install it into code-server with
// --install-extension, open the workbench and check that the extension activates from it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import type { Page } from 'playwright-core';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, `${pkg.name}-${pkg.version}.vsix`);
const extensionFolder = `${pkg.publisher}.${pkg.name}`;
let server: CodeServer;
let page: Page;
let close: () => Promise<void>;

before(async () => {
  execFileSync('npm', ['run', 'package', '--silent'], { cwd: root, stdio: 'inherit' });
  server = await startCodeServer();
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/code-server/out/node/entry.js'),
      '--extensions-dir',
      server.extensionsDir,
      '--user-data-dir',
      server.userDataDir,
      '--install-extension',
      vsix,
    ],
    { stdio: 'inherit' },
  );
});

after(async () => {
  await close?.();
  await server?.stop();
});

test('the VSIX is under 25 MB and ships only what runs', async () => {
  const mb = statSync(vsix).size / 1024 / 1024;
  console.log(`VSIX ${vsix}: ${mb.toFixed(2)} MB`);
  assert.ok(mb < 25, `VSIX is ${mb.toFixed(1)} MB`);
  const zip = await JSZip.loadAsync(readFileSync(vsix));
  const listing = Object.keys(zip.files).join('\n');
  assert.doesNotMatch(listing, /\.map$|\/src\/|\/test\/|node_modules|\.ts$/m);
  assert.match(listing, /extension\/dist\/extension\.js/);
  assert.match(listing, /extension\/dist\/sql-wasm\.wasm/);
  // The export encoders: the worker plus each encoder's wasm as a file of its own.
  for (const f of ['encode-worker.js', 'libflac.wasm.js', 'libflac.wasm.wasm', 'lame-mp3.wasm', 'vorbis-ogg.wasm']) {
    assert.ok(zip.file(`extension/dist/${f}`), `the VSIX holds dist/${f}`);
  }
  // The effects worker and the WebAssembly it loads from beside itself.
  for (const file of ['effects-worker.mjs', 'sonic.wasm', 'speex-resampler-nonsimd.wasm'])
    assert.ok(zip.file(`extension/dist/${file}`), `the VSIX holds dist/${file}`);
  // The LGPL MP3 and Ogg decoders: separate, replaceable files, marked with their licence, not in the worker.
  for (const [file, licence] of [
    ['mpg123.mjs', 'LGPL-2.1'],
    ['ogg-vorbis.mjs', 'LGPL-3.0-or-later'],
  ]) {
    const text = await zip.file(`extension/dist/decoders/${file}`)?.async('string');
    assert.ok(text, `the VSIX holds dist/decoders/${file}`);
    assert.match(text.split('\n')[0], new RegExp(`${licence}.*replace this file`), `dist/decoders/${file} names its licence`);
    // dynEncode: the loader of the wasm these decoders embed, so the check below looks for the right thing.
    assert.match(text, /dynEncode/, `dist/decoders/${file} holds its decoder`);
  }
  const worker = await zip.file('extension/dist/effects-worker.mjs')!.async('string');
  assert.doesNotMatch(worker, /dynEncode|mpg123-decoder: /, 'the effects worker bundle holds no decoder code');
});

test('no bundle carries an inline wasm: LAME (LGPL) stays the separate, replaceable dist/lame-mp3.wasm', async () => {
  const zip = await JSZip.loadAsync(readFileSync(vsix));
  const scripts = Object.keys(zip.files).filter((n) => /^extension\/dist\/.*\.js$/.test(n));
  assert.ok(scripts.length >= 4, scripts.join(', '));
  for (const name of scripts) {
    const text = await zip.file(name)!.async('string');
    // "AGFzbQ" is base64 of the wasm magic "\0asm": what wasm-media-encoders' inline builds embed.
    assert.doesNotMatch(text, /AGFzbQ/, `${name} embeds a base64 wasm`);
  }
  const lame = await zip.file('extension/dist/lame-mp3.wasm')!.async('uint8array');
  assert.equal(Buffer.from(lame.subarray(0, 4)).toString('latin1'), '\0asm');
});

test('the installed VSIX activates when its view is opened', async () => {
  const installed = readdirSync(server.extensionsDir).find((d) => d.startsWith(extensionFolder));
  assert.ok(installed, `installed into ${server.extensionsDir}`);
  ({ page, close } = await openWorkbench({ server, extensionDevelopmentPath: undefined }));
  const icon = page.locator('.activitybar a[aria-label="Voice History"]');
  await icon.waitFor({ timeout: 30000 });
  await icon.click();
  await page.getByText('No generations yet.').waitFor({ timeout: 15000 });
  // activate() creates the extension's storage folder: its existence proves activation ran.
  const storageRoot = join(server.userDataDir, 'User', 'workspaceStorage');
  const deadline = Date.now() + 20000;
  let found = false;
  while (!found && Date.now() < deadline) {
    found = existsSync(storageRoot) && readdirSync(storageRoot).some((h) => existsSync(join(storageRoot, h, extensionFolder)));
    if (!found) await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(found, 'the packaged extension activated and created its storage folder');
  mkdirSync(join(root, 'test-results'), { recursive: true });
  await page.screenshot({ path: join(root, 'test-results', 'package-installed-vsix.png') });
});
