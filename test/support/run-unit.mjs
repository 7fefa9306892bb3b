// `npm run test:unit [filter…]`: every test/unit/**/*.test.ts, or those whose path contains a filter.
import { join } from 'node:path';
import { collect, root, runNodeTests } from './run-node-tests.mjs';
import { ensureAudioMeters } from './setup.mjs';

const filters = process.argv.slice(2);
const files = collect(join(root, 'test/unit'), '.test.ts').filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('No unit test files matched.');
  process.exit(1);
}
// The effects, export-format and story tests measure with ffmpeg, sox and flac; a fresh machine gets them here (once).
if (files.some((f) => /effects|transcoder|folder-export|story/.test(f))) ensureAudioMeters();
const { passed, failed } = await runNodeTests(files);
console.log(`unit: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
