// The effects worker from its TypeScript source, for tests (started with execArgv ['--import', 'tsx']).
// A worker's first module must be JavaScript (Node checks its extension before loader hooks run),
// and in a worker the hooks of `--import tsx` cover CommonJS but not import(): registering tsx's
// ESM hooks here as well lets this file load the .ts source.
import { register } from 'tsx/esm/api';

register();
await import('../../../src/effects/worker.ts');
