// The effects worker from its TypeScript source, for tests: a worker thread does not get the
// test runner's `--import tsx` hooks before its first module loads, so this file registers them.
import { register } from 'tsx/esm/api';

register();
await import('../../../src/effects/worker.ts');
