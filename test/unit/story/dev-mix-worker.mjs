// The story mix worker from its TypeScript source, for tests (started with execArgv ['--import', 'tsx']);
// see test/unit/effects/dev-worker.mjs for why tsx's ESM hooks are registered here as well.
import { register } from 'tsx/esm/api';

register();
await import('../../../src/story/mix-worker.ts');
