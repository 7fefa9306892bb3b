// Loads our extension and the API fixture extension together as development extensions.
// code-server's workbench payload keeps a single extensionDevelopmentPath, but VS Code loads
// every extension in a folder that has no package.json of its own: this builds such a folder.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Returns the folder to pass as extensionDevelopmentPath; it lives (and is removed) under `scratch`. */
export function developmentExtensions(root, scratch) {
  const dir = join(scratch, 'development-extensions');
  mkdirSync(dir, { recursive: true });
  // Our extension as is (a link: it reads dist/, media/ and README.md from its own folder).
  symlinkSync(root, join(dir, 'voice-history'), 'dir');
  // The fixture's manifest, with `main` pointing back at its bundle from the new place.
  const source = join(root, 'test', 'fixture-extension');
  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  const fixture = join(dir, 'voice-history-fixture');
  mkdirSync(fixture);
  writeFileSync(join(fixture, 'package.json'), JSON.stringify({ ...manifest, main: relative(fixture, join(source, manifest.main)) }, null, 2));
  return dir;
}
