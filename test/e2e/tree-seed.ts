// Seeds large histories for the History view's e2e test and benchmark with the real history
// service, in Node, before code-server starts (the extension opens the copy through
// VH_STORAGE_DIR in test mode).
//
// Creating 10k-100k generations one by one through the service is fsync-bound (~2-7 ms each on
// disk), so a seeded history is built once in tmpfs (/dev/shm) and kept in a cache keyed by the
// sources of the store, the service and this file; every run gets a fresh copy of it plus a few
// generations made "now" (so Today is never empty, and pending ones show spinners and the badge).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wavHeader } from '../../src/audio/wav';
import { openHistory, type HistoryService, type Profile } from '../../src/history';
import { root } from '../support/code-server.mjs';

const log = (m: string) => process.stderr.write(`[tree seed] ${m}\n`);

export const SEED_PROFILES = ['Alice', 'Bob', 'Narrator', 'Documentary', 'Podcast intro'] as const;
const ENGINES: Array<[string, string[]]> = [
  ['flite', ['slt', 'kal', 'awb', 'rms']],
  ['openai', ['tts-1', 'gpt-4o-mini-tts']],
  ['elevenlabs', ['eleven_multilingual_v2']],
];
const OPENERS = ['Welcome back to', 'In today\'s episode of', 'Chapter', 'Please remember', 'Thank you for listening to', 'Here is the summary of', 'Next up on', 'A quick note about'];
const TOPICS = ['the quarterly report', 'our garden podcast', 'the mountain railway', 'the history of tea', 'the science hour', 'the evening news', 'the product launch', 'the cooking show', 'the bedtime story', 'the museum tour'];
const ENDINGS = ['and the weather looks bright.', 'with three new guests.', 'before the break.', 'in under five minutes.', 'as promised last week.', 'for everyone in the studio.'];
/** Appears in exactly every 997th generation, so a search finds a handful. */
export const SEED_NEEDLE = 'lighthouse keeper';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tinyWav(seconds: number): Uint8Array {
  const rate = 8000;
  const frames = Math.round(seconds * rate);
  const out = new Uint8Array(44 + frames * 2);
  out.set(wavHeader({ sampleRate: rate, channels: 1, bitsPerSample: 16, dataLength: frames * 2 }), 0);
  const view = new DataView(out.buffer);
  for (let i = 0; i < frames; i++) view.setInt16(44 + i * 2, Math.round(6000 * Math.sin(i / 5)), true);
  return out;
}

export interface SeedOptions {
  count: number;
  /** The newest this many get audio and are completed; older ones are failed without audio (cheaper to seed). */
  withAudio: number;
  /** Minutes between consecutive generations (newest first, counted back from seeding time). */
  spacingMinutes: number;
}

/** What the seed's facts are, for the tests' assertions. */
export interface SeededHistory {
  storageDir: string;
  count: number;
  /** Made in this run: the newest generations (two of them pending). */
  freshTexts: string[];
  dispose(): void;
}

async function build(dir: string, o: SeedOptions): Promise<void> {
  const history = await openHistory({
    storageDir: dir,
    checkOnOpen: false,
    tuning: { compactAfterRecords: 1e9, compactAfterBytes: 1e12, pollIntervalMs: 0 },
  });
  try {
    const profiles: Profile[] = [];
    for (const name of SEED_PROFILES) profiles.push(await history.createProfile({ name, engine: 'flite' }));
    const rnd = prng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const start = Date.now();
    const audioCache = new Map<number, Uint8Array>();
    for (let i = 0; i < o.count; i++) {
      const [engine, models] = pick(ENGINES);
      const seconds = 1 + Math.floor(rnd() * 8);
      let text = `${pick(OPENERS)} ${pick(TOPICS)} ${pick(ENDINGS)}`;
      if (i % 997 === 500) text = `The ${SEED_NEEDLE} counts the ships (${i}).`;
      if (i % 5 === 0) text += `\nSecond paragraph number ${i} with more details for the listener.`;
      const withAudio = i < o.withAudio;
      // Tiny files: the tree never plays them, and 10k+ files must copy quickly.
      if (!audioCache.has(seconds)) audioCache.set(seconds, tinyWav(0.01 * seconds));
      await history.create(
        {
          profileId: pick(profiles).id,
          text,
          engine,
          model: pick(models),
          seed: Math.floor(rnd() * 100000),
          status: withAudio ? 'completed' : 'failed',
          error: withAudio ? null : 'Seeded without audio (test data).',
          isFavorited: i % 61 === 7,
          createdAt: start - (i + 1) * o.spacingMinutes * 60_000,
        },
        withAudio ? { data: audioCache.get(seconds)!, format: 'wav', duration: seconds, sampleRate: 8000, channels: 1 } : undefined,
      );
      if ((i + 1) % 5000 === 0) log(`${i + 1} of ${o.count}`);
    }
  } finally {
    await history.close();
  }
}

function cacheKey(o: SeedOptions): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(o));
  for (const dir of ['src/store', 'src/history']) {
    for (const f of readdirSync(join(root, dir)).sort()) h.update(f).update(readFileSync(join(root, dir, f)));
  }
  h.update(readFileSync(join(root, 'test', 'e2e', 'tree-seed.ts')));
  return h.digest('hex').slice(0, 16);
}

/** The cached seeded folder for these options (built on first use). */
export async function cachedSeed(o: SeedOptions): Promise<string> {
  const cacheRoot = join(root, 'node_modules', '.cache', 'voice-history-seeds');
  const key = `${o.count}-${cacheKey(o)}`;
  const cached = join(cacheRoot, key);
  if (existsSync(join(cached, '.complete'))) return cached;
  mkdirSync(cacheRoot, { recursive: true });
  // Old seeds of the same size are outdated (the sources changed).
  for (const old of readdirSync(cacheRoot)) if (old.startsWith(`${o.count}-`) && old !== key) rmSync(join(cacheRoot, old), { recursive: true, force: true });
  const fast = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const work = mkdtempSync(join(fast, 'vh-tree-seed-'));
  const t0 = Date.now();
  log(`seeding ${o.count} generations (${o.withAudio} with audio) with the history service; cached for later runs`);
  try {
    await build(work, o);
    const staging = `${cached}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(work, staging, { recursive: true });
    writeFileSync(join(staging, '.complete'), new Date().toISOString());
    renameSync(staging, cached);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return cached;
}

/** `cp -a` where it exists (several times faster than Node's cpSync for thousands of small files). */
function copyTree(from: string, to: string): void {
  try {
    execFileSync('cp', ['-a', from, to], { stdio: 'ignore' });
  } catch {
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true });
  }
}

/** A fresh copy of the seeded history, topped up with a few generations made now. */
export async function seededHistory(o: SeedOptions): Promise<SeededHistory> {
  const cached = await cachedSeed(o);
  const scratch = mkdtempSync(join(tmpdir(), 'vh-tree-storage-'));
  const storageDir = join(scratch, 'storage');
  copyTree(cached, storageDir);
  rmSync(join(storageDir, '.complete'), { force: true });
  const freshTexts = [
    'Good morning! Here are today\'s headlines.',
    'Rendering the trailer voice-over…',
    'Queued: the closing credits.',
  ];
  const history: HistoryService = await openHistory({ storageDir, checkOnOpen: false });
  try {
    const [alice] = await history.listProfiles().then((ps) => ps.filter((p) => p.name === 'Alice'));
    const now = Date.now();
    await history.create(
      { profileId: alice!.id, text: freshTexts[0]!, engine: 'flite', model: 'slt', status: 'completed', isFavorited: true, createdAt: now - 60_000 },
      { data: tinyWav(0.3), format: 'wav', duration: 3, sampleRate: 8000, channels: 1 },
    );
    await history.create({ profileId: alice!.id, text: freshTexts[1]!, engine: 'openai', model: 'tts-1', status: 'generating', createdAt: now - 30_000 });
    await history.create({ profileId: alice!.id, text: freshTexts[2]!, engine: 'openai', model: 'tts-1', status: 'pending', createdAt: now - 10_000 });
  } finally {
    await history.close();
  }
  return {
    storageDir,
    count: o.count + freshTexts.length,
    freshTexts,
    dispose: () => rmSync(scratch, { recursive: true, force: true }),
  };
}
