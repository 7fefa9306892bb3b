// A varied, deterministic history for list/search/stats tests, plus a plain-JS reference of what
// list() must return.
import type { HistoryService } from '../../../src/history/service';
import type { Generation, GenerationSource, GenerationStatus } from '../../../src/history/types';
import { normalizeForSearch } from '../../../src/store/search-text';

const WORDS = (
  'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were ' +
  'we when your can said there use each which she do how their if will up other about out many then them these so some her would ' +
  'meeting deadline project customer release version feature chapter narrator welcome announcement platform departure delayed ' +
  'weather forecast tomorrow remember important schedule morning station thunderstorm overcast breakfast keyboard wonderful'
).split(' ');
const SPECIAL = [
  'Grüße aus München',
  'café crème brûlée',
  'Привет, как дела?',
  'ПРИВЕТСТВИЕ всем',
  'こんにちは世界、元気ですか',
  'Καλημέρα κόσμε',
  '50% off today_only',
  'snake_case_name and 100% sure',
  'it\'s "quoted" text',
  'back\\slash and C:\\path',
  'OR AND NOT NEAR * - ( ) : ^ operators',
  'emoji 🎉 party 🎉',
  'tab\tseparated   spaces',
  'naïve coöperation',
];
export const PROFILE_NAMES = ['Alice', 'Bob the Narrator', 'Zoë', 'Дмитрий', 'Support 100%'];
const ENGINES = ['flite', 'openai', 'elevenlabs', null];
const STATUSES: GenerationStatus[] = ['completed', 'completed', 'completed', 'failed', 'pending', 'generating'];
const SOURCES: GenerationSource[] = ['engine', 'engine', 'import', 'api', 'sync'];

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function sentence(r: () => number): string {
  const parts: string[] = [];
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const len = 3 + Math.floor(r() * 10);
    const w: string[] = [];
    for (let j = 0; j < len; j++) w.push(WORDS[Math.floor(Math.pow(r(), 2) * WORDS.length)]);
    let s = w.join(' ');
    s = s[0].toUpperCase() + s.slice(1) + (r() < 0.3 ? '?' : '.');
    parts.push(s);
  }
  if (r() < 0.25) parts.push(SPECIAL[Math.floor(r() * SPECIAL.length)]);
  return parts.join(' ');
}

export interface Corpus {
  generations: Generation[];
  profiles: Map<string, string>;
  t0: number;
}

/** Creates `n` generations over the standard profiles; created_at has ties on purpose. */
export async function buildCorpus(h: HistoryService, n: number, seed = 7): Promise<Corpus> {
  const r = rng(seed);
  const profiles = new Map<string, string>();
  const ids: string[] = [];
  for (const name of PROFILE_NAMES) profiles.set((await h.createProfile({ name })).id, name);
  const profileIds = [...profiles.keys()];
  const t0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < n; i++) {
    const status = STATUSES[Math.floor(r() * STATUSES.length)];
    const engine = ENGINES[Math.floor(r() * ENGINES.length)];
    const g = await h.create(
      {
        profileId: profileIds[Math.floor(r() * profileIds.length)],
        text: sentence(r),
        language: r() < 0.8 ? 'en' : 'de',
        engine,
        model: engine ? `${engine}-${r() < 0.5 ? 'small' : 'large'}` : null,
        instruct: r() < 0.15 ? `speak ${WORDS[Math.floor(r() * WORDS.length)]} slowly` : null,
        status: status === 'completed' ? 'pending' : status,
        error: status === 'failed' ? 'engine crashed' : null,
        isFavorited: r() < 0.2,
        source: SOURCES[Math.floor(r() * SOURCES.length)],
        // Every third item shares its time with the previous one.
        createdAt: t0 + Math.floor(i - (i % 3 === 2 ? 1 : 0)) * 3_600_000,
      },
      status === 'completed' ? { data: new Uint8Array(10 + (i % 50)).fill(i & 0xff), duration: 0.5 + (i % 7) } : undefined,
    );
    ids.push(g.id);
  }
  return { generations: await h.getMany(ids), profiles, t0 };
}

/** What search must mean, written plainly. */
export function matchesSearch(g: Generation, query: string): boolean {
  const q = normalizeForSearch(query);
  if (!q) return true;
  return (
    normalizeForSearch(g.text).includes(q) ||
    (g.instruct != null && normalizeForSearch(g.instruct).includes(q)) ||
    (g.title != null && normalizeForSearch(g.title).includes(q)) ||
    (g.notes != null && normalizeForSearch(g.notes).includes(q)) ||
    g.tags.some((t) => normalizeForSearch(t).includes(q)) ||
    normalizeForSearch(g.profileName).includes(q)
  );
}

export const TAG_NAMES = [
  'Intro',
  'chapter 1',
  'Chapter 2',
  'keeper',
  'Ünïcode Tag',
  'needs review',
  'ПРОВЕРКА',
  '50% mix',
  'retake_later',
];
const TITLES = ['Opening line', 'Zebra crossing take', 'Grüße final', 'Café (alt)', '世界 version', 'Retake: louder'];
const NOTES = [
  '# Notes\n- *warmer* next time\n- [link](https://example.com)',
  'Client liked it. Use for the **trailer**.',
  'Too fast; try 0.9x speed and a softer start',
  'Ölmühle pronunciation checked',
  'mixed with music_bed_3',
];

/**
 * Gives some of the corpus titles, notes and tags (deterministic; tag lists of 0-3, some
 * generations with only one of the three), and returns the corpus as it now is.
 */
export async function organiseCorpus(h: HistoryService, corpus: Corpus, seed = 11): Promise<Corpus> {
  const r = rng(seed);
  const byTag = new Map<string, string[]>();
  for (const g of corpus.generations) {
    if (r() < 0.2) await h.setTitle(g.id, TITLES[Math.floor(r() * TITLES.length)]);
    if (r() < 0.1) await h.setNotes(g.id, NOTES[Math.floor(r() * NOTES.length)]);
    const n = r() < 0.4 ? 1 + Math.floor(r() * 3) : 0;
    for (let i = 0; i < n; i++) {
      const tag = TAG_NAMES[Math.floor(Math.pow(r(), 1.5) * TAG_NAMES.length)];
      byTag.set(tag, [...(byTag.get(tag) ?? []), g.id]);
    }
  }
  // One bulk edit per tag, as the tree's "Add Tags…" does.
  for (const [tag, ids] of byTag) await h.addTags({ generationIds: ids, tags: [tag] });
  return { ...corpus, generations: await h.getMany(corpus.generations.map((g) => g.id)) };
}

export function newestFirst(a: Generation, b: Generation, seqOf: Map<string, number>): number {
  return b.createdAt - a.createdAt || (seqOf.get(b.id) ?? 0) - (seqOf.get(a.id) ?? 0);
}
