// The built-in offline engine: Flite compiled to WASI, run in a child process that starts on
// first use, stays warm for a while, and is killed to cancel. Jobs run one at a time.
import { fork, type ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { voiceDescription } from '../format/voice-names';
import { describeAudio } from './response-audio';
import { cancelledError, EngineError, type SpeechEngine, type SynthesisRequest, type SynthesisResult, type Voice } from './engine';
import { FINE_PIECE_SECONDS, FLITE_MAX_TEXT_LENGTH, NORMAL_PIECE_SECONDS, prepareFliteText, toFliteAscii } from './flite-text';
import { isFliteReply, type FliteJobMessage, type FliteReplyMessage } from './flite-protocol';

export const FLITE_ENGINE_ID = 'flite';
export const FLITE_MODEL = 'flite-2.3';

/** Our voice ids -> Flite's names. `kal` is the 16 kHz build of kal so every voice gives 16 kHz. */
const FLITE_VOICE_NAMES: Record<string, string> = { slt: 'slt', rms: 'rms', awb: 'awb', kal: 'kal16' };

const FLITE_VOICE_LANGUAGES: ReadonlyArray<[id: string, language: string]> = [
  ['slt', 'en-US'],
  ['rms', 'en-US'],
  ['awb', 'en-GB'],
  ['kal', 'en-US'],
];

/** What each voice is comes from the one table of friendly voice names (src/format/voice-names.ts). */
export const FLITE_VOICES: readonly Voice[] = FLITE_VOICE_LANGUAGES.map(([id, language]) => ({
  id,
  name: id,
  language,
  description: voiceDescription(FLITE_ENGINE_ID, id),
}));

export const fliteSettingsSchema = z.object({
  /** 1 is normal; 0.5 half as fast, 2 twice as fast. */
  speed: z.number().min(0.5, 'Flite speed is at least 0.5.').max(2, 'Flite speed is at most 2.').optional(),
});

export interface FliteEngineOptions {
  /** The child script: `dist/flite-worker.js` in the extension; the .ts source in tests. */
  workerPath: string;
  /** `flite.wasm` (the extension ships it as `dist/flite.wasm`). */
  wasmPath: string;
  /** Node flags for the child (tests: ['--require', 'tsx/cjs'] to run the .ts source). */
  workerExecArgv?: string[];
  /** Longest one synthesis may take (default 10 minutes: long texts are slow). */
  timeoutMs?: number;
  /** The child exits after this long without work (default 60 s); the next job starts a new one. */
  idleTimeoutMs?: number;
  /** Where the child's work folder is created (default the OS temp folder). */
  tempDir?: string;
}

interface Job {
  request: SynthesisRequest;
  signal: AbortSignal;
  resolve: (result: SynthesisResult) => void;
  reject: (error: unknown) => void;
  settled: boolean;
}

interface Worker {
  child: ChildProcess;
  workDir: string;
  stderrTail: string;
  /** Resolves when the child has exited (and its folder is removed). */
  exited: Promise<void>;
  pending?: { id: number; settle: (reply: FliteReplyMessage | WorkerExit) => void };
}

interface WorkerExit {
  type: 'exit';
  detail: string;
}

/** Flite failed on this input in a way a retry with shorter pieces may avoid. */
class FliteFailure extends Error {}

export class FliteEngine implements SpeechEngine {
  readonly id = FLITE_ENGINE_ID;
  readonly displayName = 'Flite (offline)';
  readonly languages = ['en'] as const;
  readonly capabilities = { seed: false, instruct: false, languages: false };

  private readonly queue: Job[] = [];
  private running: Job | undefined;
  private worker: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private disposed = false;
  /** Children started so far (for tests and diagnostics). */
  workersStarted = 0;

  constructor(private readonly options: FliteEngineOptions) {}

  async listVoices(): Promise<Voice[]> {
    return FLITE_VOICES.map((v) => ({ ...v }));
  }

  synthesize(request: SynthesisRequest, signal: AbortSignal): Promise<SynthesisResult> {
    if (this.disposed)
      return Promise.reject(new EngineError('engine', 'Flite has been shut down; reload the window to use it again.', this.id));
    try {
      this.validate(request);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal.aborted) return Promise.reject(cancelledError(this.id, 'Flite'));
    return new Promise<SynthesisResult>((resolve, reject) => {
      const job: Job = { request, signal, resolve, reject, settled: false };
      const onAbort = (): void => {
        if (job.settled) return;
        this.settle(job, cancelledError(this.id, 'Flite'));
        const index = this.queue.indexOf(job);
        if (index >= 0) this.queue.splice(index, 1);
        // Flite runs synchronously inside the child: the only way to stop it is to end the process.
        if (this.running === job) this.killWorker();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal.removeEventListener('abort', onAbort);
      job.resolve = (result) => {
        done();
        resolve(result);
      };
      job.reject = (error) => {
        done();
        reject(error);
      };
      this.queue.push(job);
      this.pump();
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const job of this.queue.splice(0))
      this.settle(job, new EngineError('cancelled', 'Flite was shut down before this generation started.', this.id));
    const worker = this.worker;
    this.killWorker();
    await worker?.exited;
  }

  private validate(request: SynthesisRequest): void {
    if (!FLITE_VOICE_NAMES[request.voice]) {
      throw new EngineError(
        'invalid-input',
        `Flite has no voice "${request.voice}". Pick one of: ${Object.keys(FLITE_VOICE_NAMES).join(', ')}.`,
        this.id,
      );
    }
    if (request.text.length > FLITE_MAX_TEXT_LENGTH) {
      throw new EngineError(
        'invalid-input',
        `The text is ${request.text.length.toLocaleString('en')} characters; Flite speaks at most ${FLITE_MAX_TEXT_LENGTH.toLocaleString('en')} at a time. Split it into parts.`,
        this.id,
      );
    }
    const settings = fliteSettingsSchema.safeParse(request.settings ?? {});
    if (!settings.success) throw new EngineError('invalid-input', settings.error.issues[0]?.message ?? 'Invalid Flite settings.', this.id);
    if (!/[A-Za-z0-9]/.test(toFliteAscii(request.text))) {
      throw new EngineError('invalid-input', 'There is nothing Flite can speak in this text: it needs English letters or digits.', this.id);
    }
  }

  private settle(job: Job, outcome: SynthesisResult | unknown, ok = false): void {
    if (job.settled) return;
    job.settled = true;
    if (ok) job.resolve(outcome as SynthesisResult);
    else job.reject(outcome);
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const job = this.queue.shift();
    if (!job) {
      this.armIdleTimer();
      return;
    }
    clearTimeout(this.idleTimer);
    this.running = job;
    this.run(job)
      .then(
        (result) => this.settle(job, result, true),
        (error: unknown) => this.settle(job, error),
      )
      .finally(() => {
        this.running = undefined;
        this.pump();
      });
  }

  private async run(job: Job): Promise<SynthesisResult> {
    const settings = fliteSettingsSchema.parse(job.request.settings ?? {});
    const speed = settings.speed ?? 1;
    const voice = FLITE_VOICE_NAMES[job.request.voice];
    const timeoutMs = this.options.timeoutMs ?? 10 * 60_000;
    const timer = setTimeout(() => {
      if (job.settled) return;
      this.settle(
        job,
        new EngineError('timeout', `Flite did not finish within ${Math.round(timeoutMs / 1000)} s. Try a shorter text.`, this.id),
      );
      this.killWorker();
    }, timeoutMs);
    try {
      let wav: Uint8Array;
      try {
        wav = await this.speak(job, voice, speed, NORMAL_PIECE_SECONDS);
      } catch (error) {
        if (!(error instanceof FliteFailure) || job.settled) throw error;
        // Shorter pieces avoid the one known way Flite breaks (over-long utterances).
        wav = await this.speak(job, voice, speed, FINE_PIECE_SECONDS);
      }
      const info = await describeAudio(wav);
      if (!info || info.format !== 'wav')
        throw new EngineError('bad-response', 'Flite produced no playable WAV for this text. Try rephrasing it.', this.id);
      return {
        audio: wav,
        format: 'wav',
        mimeType: info.mimeType,
        sampleRate: info.sampleRate,
        channels: info.channels,
        duration: info.duration,
        model: FLITE_MODEL,
        settings: { speed },
      };
    } catch (error) {
      if (error instanceof FliteFailure) {
        throw new EngineError('engine', `Flite failed on this text (${error.message}). Try shorter sentences.`, this.id, { cause: error });
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async speak(job: Job, voice: string, speed: number, maxSeconds: number): Promise<Uint8Array> {
    const prepared = prepareFliteText(job.request.text, { speed, maxSeconds });
    const worker = await this.ensureWorker();
    if (job.settled) throw cancelledError(this.id, 'Flite');
    const message: FliteJobMessage = {
      type: 'synthesize',
      id: this.nextId++,
      voice,
      floatFeatures: speed === 1 ? {} : { duration_stretch: 1 / speed },
      text: prepared.text,
    };
    const reply = await new Promise<FliteReplyMessage | WorkerExit>((resolve) => {
      worker.pending = { id: message.id, settle: resolve };
      worker.child.send(message, (error) => {
        if (error) resolve({ type: 'exit', detail: `could not reach the Flite process: ${error.message}` });
      });
    });
    worker.pending = undefined;
    if (job.settled) {
      if (reply.type === 'done') await fsp.rm(reply.wavPath, { force: true }).catch(() => undefined);
      throw cancelledError(this.id, 'Flite');
    }
    if (reply.type !== 'done') {
      // The child exits after a failure; do not hand the retry to a process on its way out.
      this.killWorker();
      if (reply.type === 'failed' && reply.stage === 'load') {
        throw new EngineError('engine', `Flite could not start: it ${reply.message}. Reinstall the Voice History extension.`, this.id);
      }
      throw new FliteFailure(reply.type === 'exit' ? reply.detail : reply.message);
    }
    try {
      return new Uint8Array(await fsp.readFile(reply.wavPath));
    } finally {
      await fsp.rm(reply.wavPath, { force: true }).catch(() => undefined);
    }
  }

  private async ensureWorker(): Promise<Worker> {
    if (this.worker) return this.worker;
    const workDir = await fsp.mkdtemp(join(this.options.tempDir ?? tmpdir(), 'voice-history-flite-'));
    const child = fork(this.options.workerPath, [this.options.wasmPath, workDir], {
      // --expose-gc: the worker frees each job's WebAssembly memory before the next job (see flite-worker.ts).
      execArgv: ['--expose-gc', ...(this.options.workerExecArgv ?? [])],
      // Inside VS Code process.execPath is Electron: this makes it behave as Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.workersStarted++;
    let resolveExited!: () => void;
    const worker: Worker = { child, workDir, stderrTail: '', exited: new Promise((r) => (resolveExited = r)) };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      worker.stderrTail = (worker.stderrTail + chunk).slice(-2000);
    });
    child.on('message', (message: unknown) => {
      if (isFliteReply(message) && worker.pending?.id === message.id) worker.pending.settle(message);
    });
    const onGone = (detail: string): void => {
      if (this.worker === worker) this.worker = undefined;
      worker.pending?.settle({ type: 'exit', detail });
      worker.pending = undefined;
      void fsp
        .rm(workDir, { recursive: true, force: true })
        .catch(() => undefined)
        .then(resolveExited);
    };
    child.once('error', (error) => onGone(`the Flite process could not start: ${error.message}`));
    child.once('exit', (code, signal) => {
      const tail = worker.stderrTail.trim().split('\n').slice(-3).join(' ').slice(-300);
      onGone(`the Flite process stopped (${signal ?? `exit code ${code}`})${tail ? `: ${tail}` : ''}`);
    });
    this.worker = worker;
    return worker;
  }

  private killWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    if (worker && worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    if (!this.worker) return;
    this.idleTimer = setTimeout(() => this.killWorker(), this.options.idleTimeoutMs ?? 60_000);
    this.idleTimer.unref();
  }
}
