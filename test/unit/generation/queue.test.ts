import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { JobQueue, type JobEvent, type JobSpec, type JobState } from '../../../src/generation/queue';
import { engineRetryDelay } from '../../../src/generation/queue-retry';
import { EngineError } from '../../../src/engines/engine';
import { OpenAiEngine } from '../../../src/engines/openai';
import { makeWav, sendBytes, sendJson, startServer, type TestServer } from '../engines/http-fixtures';

/** A job that takes `ms`, recording when it ran and how many ran at once. */
class Probe {
  readonly started: string[] = [];
  readonly finished: string[] = [];
  active = 0;
  maxActive = 0;
  calls = 0;

  job(key: string, lane = 'flite', ms = 5, fail?: (call: number) => unknown): JobSpec<string> {
    return {
      key,
      lane,
      run: async ({ signal }) => {
        const call = ++this.calls;
        this.started.push(key);
        this.active++;
        this.maxActive = Math.max(this.maxActive, this.active);
        try {
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(resolve, ms);
            signal.addEventListener('abort', () => (clearTimeout(timer), reject(new Error('aborted'))), { once: true });
          });
          const error = fail?.(call);
          if (error) throw error;
          this.finished.push(key);
          return `audio of ${key}`;
        } finally {
          this.active--;
        }
      },
    };
  }
}

const keys = (n: number, prefix = 'cue'): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

function statesOf<T>(queue: JobQueue<T>): Map<string, JobState[]> {
  const seen = new Map<string, JobState[]>();
  queue.onEvent((e: JobEvent<T>) => seen.set(e.key, [...(seen.get(e.key) ?? []), e.state]));
  return seen;
}

describe('job queue', () => {
  test('runs jobs in the order added, one at a time on a lane of concurrency 1, each once', async () => {
    const probe = new Probe();
    const queue = new JobQueue<string>({ concurrency: () => 1 });
    const seen = statesOf(queue);
    queue.add(keys(12).map((k) => probe.job(k)));
    await queue.drained();
    assert.deepEqual(probe.started, keys(12));
    assert.equal(probe.maxActive, 1);
    assert.deepEqual(seen.get('cue-3'), ['queued', 'running', 'done']);
    assert.deepEqual(queue.counts(), { queued: 0, running: 0, waiting: 0, done: 12, failed: 0, cancelled: 0 });
  });

  test('concurrency is per lane: an HTTP lane runs 3 at once while Flite runs 1', async () => {
    const flite = new Probe();
    const http = new Probe();
    const queue = new JobQueue<string>({ concurrency: (lane) => (lane === 'openai' ? 3 : 1) });
    queue.add([...keys(6, 'f').map((k) => flite.job(k, 'flite', 10)), ...keys(9, 'h').map((k) => http.job(k, 'openai', 10))]);
    await queue.drained();
    assert.equal(flite.maxActive, 1);
    assert.equal(http.maxActive, 3);
    assert.deepEqual(http.started, keys(9, 'h'));
  });

  test('a key that is queued or running is not added twice; a finished one can be added again', async () => {
    const probe = new Probe();
    const queue = new JobQueue<string>({ concurrency: () => 1 });
    assert.deepEqual(queue.add([probe.job('a'), probe.job('b'), probe.job('a')]), ['a', 'b']);
    assert.deepEqual(queue.add([probe.job('a'), probe.job('b')]), []);
    await queue.drained();
    assert.deepEqual(probe.started, ['a', 'b']);
    assert.deepEqual(queue.add([probe.job('a')]), ['a']);
    await queue.drained();
    assert.deepEqual(probe.started, ['a', 'b', 'a']);
  });

  test('cancel: the running job is aborted, queued ones never start, and the queue drains', async () => {
    const probe = new Probe();
    const queue = new JobQueue<string>({ concurrency: () => 1 });
    const seen = statesOf(queue);
    queue.add(keys(5).map((k) => probe.job(k, 'flite', 200)));
    await new Promise((r) => setTimeout(r, 20));
    queue.cancel();
    await queue.drained();
    assert.deepEqual(probe.started, ['cue-1']);
    assert.deepEqual(probe.finished, []);
    assert.deepEqual(seen.get('cue-1'), ['queued', 'running', 'cancelled']);
    assert.deepEqual(seen.get('cue-4'), ['queued', 'cancelled']);
    assert.equal(queue.counts().cancelled, 5);
    // A cancelled job can be retried alone.
    assert.equal(queue.retry('cue-4'), true);
    await queue.drained();
    assert.equal(queue.state('cue-4'), 'done');
    assert.deepEqual(probe.started, ['cue-1', 'cue-4']);
  });

  test('cancel of one job leaves the others running', async () => {
    const probe = new Probe();
    const queue = new JobQueue<string>({ concurrency: () => 1 });
    queue.add(keys(4).map((k) => probe.job(k, 'flite', 15)));
    queue.cancel('cue-2');
    await queue.drained();
    assert.deepEqual(probe.started, ['cue-1', 'cue-3', 'cue-4']);
    assert.equal(queue.state('cue-2'), 'cancelled');
  });

  test('pause lets the running job finish and starts nothing; resume carries on in order', async () => {
    const probe = new Probe();
    const queue = new JobQueue<string>({ concurrency: () => 1 });
    queue.add(keys(6).map((k) => probe.job(k, 'flite', 20)));
    await new Promise((r) => setTimeout(r, 30));
    queue.pause();
    const startedAtPause = probe.started.length;
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(probe.started.length, startedAtPause, 'nothing started while paused');
    assert.deepEqual(probe.finished, probe.started, 'the job running at the pause finished');
    let drained = false;
    void queue.drained().then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(drained, false, 'a paused queue with work left is not drained');
    queue.resume();
    await queue.drained();
    assert.deepEqual(probe.started, keys(6));
  });

  test('an engine that fails every 5th call: those jobs fail, the others complete, and one retried alone succeeds', async () => {
    const probe = new Probe();
    const failing = (call: number): unknown => (call % 5 === 0 ? new EngineError('engine', 'Flite crashed', 'flite') : undefined);
    const queue = new JobQueue<string>({ concurrency: () => 1, retryDelay: engineRetryDelay() });
    const seen = statesOf(queue);
    queue.add(keys(20).map((k) => probe.job(k, 'flite', 1, failing)));
    await queue.drained();
    const failed = keys(20).filter((k) => queue.state(k) === 'failed');
    assert.deepEqual(failed, ['cue-5', 'cue-10', 'cue-15', 'cue-20']);
    assert.equal(queue.counts().done, 16);
    // Call 21 is not a 5th one: the retried job completes, and nothing else ran again.
    assert.equal(queue.retry('cue-10'), true);
    assert.equal(queue.retry('cue-11'), false, 'a done job is not retried');
    await queue.drained();
    assert.equal(queue.state('cue-10'), 'done');
    assert.equal(probe.started.length, 21);
    assert.deepEqual(seen.get('cue-10'), ['queued', 'running', 'failed', 'queued', 'running', 'done']);
  });

  test('a job that fails with a rate limit holds its lane for the Retry-After, then runs again first', async () => {
    const probe = new Probe();
    let limited = 2;
    const rateLimit = (): unknown =>
      limited-- > 0 ? new EngineError('rate-limit', '429', 'openai', { status: 429, retryAfterMs: 60 }) : undefined;
    const queue = new JobQueue<string>({ concurrency: () => 1, retryDelay: engineRetryDelay() });
    const events: JobEvent<string>[] = [];
    queue.onEvent((e) => events.push(e));
    const t0 = Date.now();
    queue.add([probe.job('a', 'openai', 1, rateLimit), probe.job('b', 'openai', 1)]);
    await queue.drained();
    assert.ok(Date.now() - t0 >= 115, 'waited twice for 60 ms');
    assert.deepEqual(probe.started, ['a', 'a', 'a', 'b'], 'b waited for the lane; a went first again');
    const waits = events.filter((e) => e.state === 'waiting');
    assert.equal(waits.length, 2);
    assert.ok(waits.every((w) => w.until !== undefined && w.until >= t0 + 60));
    assert.equal(queue.counts().done, 2);
  });
});

describe('job queue against an HTTP engine in a 429 storm (loopback server)', () => {
  let server: TestServer;
  const arrivals: number[] = [];
  const rejected: number[] = [];
  before(async () => {
    let served = 0;
    server = await startServer((_req, res) => {
      const at = Date.now();
      arrivals.push(at);
      served++;
      // The first 12 requests, and every 4th after, are refused with a short Retry-After.
      if (served <= 12 || served % 4 === 0) {
        rejected.push(at);
        sendJson(res, 429, { error: { message: 'Rate limit reached' } }, { 'retry-after': '0.05' });
        return;
      }
      sendBytes(res, 200, makeWav(0.05, 24_000), 'audio/wav');
    });
  });
  after(() => server.close());

  test('every job completes exactly once, no request arrives while the lane waits, the concurrency is kept', async () => {
    const engine = new OpenAiEngine({ config: { baseUrl: server.baseUrl, responseFormat: 'wav' }, getApiKey: () => 'sk-test' });
    const queue = new JobQueue<number>({
      concurrency: () => 3,
      retryDelay: engineRetryDelay({ maxRetries: 20, baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 1000, random: () => 0 }),
    });
    const completed = new Map<string, number>();
    let active = 0;
    let maxActive = 0;
    const specs = keys(30).map((key): JobSpec<number> => ({
      key,
      lane: 'openai',
      run: async ({ signal }) => {
        active++;
        maxActive = Math.max(maxActive, active);
        try {
          const result = await engine.synthesize({ text: key, voice: 'alloy' }, signal);
          completed.set(key, (completed.get(key) ?? 0) + 1);
          return result.audio.length;
        } finally {
          active--;
        }
      },
    }));
    queue.add(specs);
    await queue.drained();
    assert.equal(queue.counts().done, 30);
    assert.deepEqual([...completed.values()], new Array(30).fill(1), 'each cue synthesised once');
    assert.ok(rejected.length >= 12, `the storm happened (${rejected.length} refusals)`);
    assert.equal(arrivals.length, 30 + rejected.length, 'one successful request per job, no more');
    assert.ok(maxActive <= 3);
    // After each refusal the lane waits 50 ms: requests that start later were sent after the wait
    // (requests already in flight when the refusal came may still arrive, at most concurrency-1 of them).
    for (const r of rejected) {
      const soon = arrivals.filter((a) => a > r + 2 && a < r + 45).length;
      assert.ok(soon <= 2, `at most 2 requests (already in flight) within the wait after a 429, saw ${soon}`);
    }
  });
});
