// Loads the API fixture extension beside ours. code-server's workbench payload keeps a single
// extensionDevelopmentPath (ours, from the repo as is), so the fixture is installed as an
// ordinary, unpacked extension into the test's own extensions folder before code-server starts.
// (An earlier version linked both into one folder; webviews then could not load our bundle
// through the linked path.)
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Installs a built test extension (default: the API fixture) from its source folder, whose manifest names the built file. */
export function installFixtureExtension(root, extensionsDir, source = join(root, 'test', 'fixture-extension')) {
  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  const target = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  mkdirSync(target, { recursive: true });
  copyFileSync(join(source, manifest.main), join(target, 'extension.js'));
  writeFileSync(join(target, 'package.json'), JSON.stringify({ ...manifest, main: './extension.js' }, null, 2));
  return target;
}
