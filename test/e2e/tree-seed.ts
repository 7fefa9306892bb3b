// Seeds large histories for the History view's e2e test and benchmark with the real history
// service, in Node, before code-server starts (the extension opens the copy through
// VH_STORAGE_DIR in test mode).
//
// The seed is written with the service's importBatch, in tmpfs (/dev/shm) when there is one, and
// kept in a cache keyed by the store's schema and persistence sources and this file; every run
// gets a fresh copy. `addFresh` then adds a few generations made "now" while the extension runs
// (so Today is never empty, and pending ones show spinners and the badge).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wavHeader } from '../../src/audio/wav';
import { openHistory, type HistoryService, type ImportBatchInput } from '../../src/history';
import { root } from '../support/code-server.mjs';

const log = (m: string) => process.stderr.write(`[tree seed] ${m}\n`);
const TODAY_COUNT = 30;

export const SEED_PROFILES = ['Alice', 'Bob', 'Narrator', 'Documentary', 'Podcast intro'] as const;
const ENGINES: Array<[string, string[]]> = [
  ['flite', ['slt', 'kal', 'awb', 'rms']],
  ['openai', ['tts-1', 'gpt-4o-mini-tts']],
  ['elevenlabs', ['eleven_multilingual_v2']],
];
const OPENERS = [
  'Welcome back to',
  "In today's episode of",
  'Chapter',
  'Please remember',
  'Thank you for listening to',
  'Here is the summary of',
  'Next up on',
  'A quick note about',
];
const TOPICS = [
  'the quarterly report',
  'our garden podcast',
  'the mountain railway',
  'the history of tea',
  'the science hour',
  'the evening news',
  'the product launch',
  'the cooking show',
  'the bedtime story',
  'the museum tour',
];
const ENDINGS = [
  'and the weather looks bright.',
  'with three new guests.',
  'before the break.',
  'in under five minutes.',
  'as promised last week.',
  'for everyone in the studio.',
];
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
  /** Generations in the seed (before `addFresh`). */
  count: number;
  /** Texts of what `addFresh` makes, oldest first. */
  freshTexts: readonly string[];
  addFresh(): Promise<void>;
  dispose(): void;
}

const BATCH = 5_000;

/** Writes the history through the service's importBatch (one journal transaction per 5,000). */
async function build(dir: string, o: SeedOptions): Promise<void> {
  const history = await openHistory({
    storageDir: dir,
    checkOnOpen: false,
    tuning: { compactAfterRecords: 1e9, compactAfterBytes: 1e12, pollIntervalMs: 0 },
  });
  const wavDir = mkdtempSync(join(tmpdir(), 'vh-tree-seed-wav-'));
  try {
    const wavs = new Map<number, string>();
    const wavFor = (seconds: number): string => {
      let p = wavs.get(seconds);
      if (!p) {
        // Tiny files: the tree never plays them, and 10k+ of them must copy quickly.
        p = join(wavDir, `${seconds}.wav`);
        writeFileSync(p, tinyWav(0.01 * seconds));
        wavs.set(seconds, p);
      }
      return p;
    };
    const profiles = SEED_PROFILES.map((name) => ({ key: name, name, engine: 'flite' }));
    const rnd = prng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const start = Date.now();
    // The newest TODAY_COUNT are always from today, even just after midnight (the tests open on
    // "Today" and filter it), and older than what addFresh makes a minute before "now": squeezed
    // between midnight and two minutes ago when the day is young.
    const spacing = o.spacingMinutes * 60_000;
    const midnight = new Date(start).setHours(0, 0, 0, 0);
    const newest = Math.max(start - 120_000, midnight + TODAY_COUNT + 1);
    const todayStep = Math.max(1, Math.min(spacing, Math.floor((newest - midnight) / (TODAY_COUNT + 1))));
    const createdAt = (i: number) => (i < TODAY_COUNT ? newest - i * todayStep : start - (i + 1) * spacing);
    for (let from = 0; from < o.count; from += BATCH) {
      const generations: ImportBatchInput['generations'] = [];
      for (let i = from; i < Math.min(o.count, from + BATCH); i++) {
        const [engine, models] = pick(ENGINES);
        const seconds = 1 + Math.floor(rnd() * 8);
        let text = `${pick(OPENERS)} ${pick(TOPICS)} ${pick(ENDINGS)}`;
        if (i % 997 === 500) text = `The ${SEED_NEEDLE} counts the ships (${i}).`;
        if (i % 5 === 0) text += `\nSecond paragraph number ${i} with more details for the listener.`;
        const withAudio = i < o.withAudio;
        generations.push({
          key: String(i),
          profileKey: pick(SEED_PROFILES),
          text,
          engine,
          model: pick(models),
          seed: Math.floor(rnd() * 100000),
          status: withAudio ? 'completed' : 'failed',
          error: withAudio ? null : 'Seeded without audio (test data).',
          isFavorited: i % 61 === 7,
          createdAt: createdAt(i),
          versions: withAudio
            ? [
                {
                  key: 'original',
                  label: 'original',
                  isDefault: true,
                  filePath: wavFor(seconds),
                  format: 'wav',
                  duration: seconds,
                  sampleRate: 8000,
                  channels: 1,
                },
              ]
            : [],
        });
      }
      await history.importBatch({ profiles, generations });
      log(`${Math.min(o.count, from + BATCH)} of ${o.count}`);
    }
  } finally {
    await history.close();
    rmSync(wavDir, { recursive: true, force: true });
  }
}

function cacheKey(o: SeedOptions): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(o));
  // Times count back from seeding: a seed from another day has no "Today" (local time, as the tree groups).
  h.update(new Date().toDateString());
  // What decides the files on disk: the schema and the persistence format (not the service's query code).
  for (const f of ['src/store/schema.ts', 'src/store/database.ts', 'src/store/journal.ts', 'src/store/audio.ts']) {
    if (existsSync(join(root, f))) h.update(f).update(readFileSync(join(root, f)));
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
  for (const old of readdirSync(cacheRoot))
    if (old.startsWith(`${o.count}-`) && old !== key) rmSync(join(cacheRoot, old), { recursive: true, force: true });
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

/** A fresh copy of the seeded history. */
export async function seededHistory(o: SeedOptions): Promise<SeededHistory> {
  const cached = await cachedSeed(o);
  const scratch = mkdtempSync(join(tmpdir(), 'vh-tree-storage-'));
  const storageDir = join(scratch, 'storage');
  copyTree(cached, storageDir);
  rmSync(join(storageDir, '.complete'), { force: true });
  return {
    storageDir,
    count: o.count,
    freshTexts: FRESH_TEXTS,
    addFresh: () => addFresh(storageDir),
    dispose: () => rmSync(scratch, { recursive: true, force: true }),
  };
}

export const FRESH_TEXTS = [
  "Good morning! Here are today's headlines.",
  'Rendering the trailer voice-over…',
  'Queued: the closing credits.',
] as const;

/**
 * Adds three generations made "now" (one completed favorite, one generating, one pending) from
 * this process while the extension has the history open: like another window or the engine
 * writing. (Pending rows that exist when a window opens the history are marked interrupted.)
 */
async function addFresh(storageDir: string): Promise<void> {
  const history: HistoryService = await openHistory({ storageDir, checkOnOpen: false });
  try {
    const alice = (await history.listProfiles()).find((p) => p.name === 'Alice')!;
    const now = Date.now();
    await history.create(
      {
        profileId: alice.id,
        text: FRESH_TEXTS[0],
        engine: 'flite',
        model: 'slt',
        status: 'completed',
        isFavorited: true,
        createdAt: now - 60_000,
      },
      { data: tinyWav(0.3), format: 'wav', duration: 3, sampleRate: 8000, channels: 1 },
    );
    await history.create({
      profileId: alice.id,
      text: FRESH_TEXTS[1],
      engine: 'openai',
      model: 'tts-1',
      status: 'generating',
      createdAt: now - 30_000,
    });
    await history.create({
      profileId: alice.id,
      text: FRESH_TEXTS[2],
      engine: 'openai',
      model: 'tts-1',
      status: 'pending',
      createdAt: now - 10_000,
    });
  } finally {
    await history.close();
  }
}
