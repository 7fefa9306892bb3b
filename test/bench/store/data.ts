// Deterministic, realistic history for benchmarks: English-like sentences with a Zipf word
// distribution (common words plus a long tail of names and rare words), some non-Latin and
// punctuation-heavy texts, 20 voice profiles, a year of timestamps.

const COMMON =
  `the of and to a in is it you that he was for on are with as i his they be at one have this from or had by hot word but what some we can out other were all there when up use your how said an each she which do their time if will way about many then them write would like so these her long make thing see him two has look more day could go come did number sound no most people my over know water than call first who may down side been now find any new work part take get place made live where after back little only round man year came show every good me give our under name very through just form sentence great think say help low line differ turn cause much mean before move right boy old too same tell does set three want air well also play small end put home read hand port large spell add even land here must big high such follow act why ask men change went light kind off need house picture try us again animal point mother world near build self earth father head stand own page should country found answer school grow study still learn plant cover food sun four between state keep eye never last let thought city tree cross farm hard start might story saw far sea draw left late run while press close night real life few north open seem together next white children begin got walk example ease paper group always music those both mark often letter until mile river car feet care second book carry took science eat room friend began idea fish mountain stop once base hear horse cut sure watch color face wood main enough plain girl usual young ready above ever red list though feel talk bird soon body dog family direct pose leave song measure door product black short numeral class wind question happen complete ship area half rock order fire south problem piece told knew pass since top whole king space heard best hour better true during hundred five remember step early hold west ground interest reach fast verb sing listen six table travel less morning ten simple several vowel toward war lay against pattern slow center love person money serve appear road map rain rule govern pull cold notice voice unit power town fine certain fly fall lead cry dark machine note wait plan figure star box noun field rest correct able pound done beauty drive stood contain front teach week final gave green oh quick develop ocean warm free minute strong special mind behind clear tail produce fact street inch multiply nothing course stay wheel full force blue object decide surface deep moon island foot system busy test record boat common gold possible plane stead dry wonder laugh thousand ago ran check game shape equate miss brought heat snow tire bring yes distant fill east paint language among meeting deadline project customer release version feature chapter narrator welcome announcement platform departure delayed weather forecast`.split(
    /\s+/,
  );
const SYLLABLES = [
  'ka',
  'ren',
  'to',
  'mi',
  'sa',
  'lo',
  'ver',
  'an',
  'el',
  'tri',
  'qu',
  'on',
  'dor',
  'fel',
  'ix',
  'ta',
  'ne',
  'ro',
  'sh',
  'ul',
  'gra',
  'po',
  'li',
  'zen',
  'mar',
  'cus',
  'th',
  'ea',
  'bri',
  'ost',
];
const EXTRA = [
  'Grüße aus München!',
  'café crème brûlée',
  'Привет, как дела?',
  'こんにちは世界',
  '50% off today only',
  'snake_case_name',
  'it\'s "quoted"',
  'Ελληνικά κείμενο',
  'Version 2.3.1 (beta)',
];
export const ENGINES = ['flite', 'openai', 'elevenlabs', 'voicebox'];
export const PROFILE_COUNT = 20;
export const DATA_VERSION = 1;

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const rare: string[] = (() => {
  const r = rng(42);
  const out: string[] = [];
  for (let i = 0; i < 20000; i++) {
    let w = '';
    for (let j = 0, n = 2 + Math.floor(r() * 3); j < n; j++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
    out.push(w);
  }
  return out;
})();

function zipf(r: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(Math.pow(n + 1, r()) - 1));
}

export function makeText(r: () => number): string {
  const out: string[] = [];
  for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) {
    const w: string[] = [];
    for (let j = 0, len = 4 + Math.floor(r() * 16); j < len; j++)
      w.push(r() < 0.85 ? COMMON[zipf(r, COMMON.length)] : rare[zipf(r, rare.length)]);
    const s = w.join(' ');
    out.push(s[0].toUpperCase() + s.slice(1) + (r() < 0.2 ? '?' : '.'));
  }
  if (r() < 0.05) out.push(EXTRA[Math.floor(r() * EXTRA.length)]);
  return out.join(' ');
}

export interface BenchGeneration {
  id: string;
  profile: number;
  text: string;
  language: string;
  duration: number;
  bytes: number;
  engine: string;
  model: string;
  status: 'pending' | 'generating' | 'completed' | 'failed';
  favorite: boolean;
  instruct: string | null;
  settings: string | null;
  createdAt: number;
}

function uuidFrom(r: () => number): string {
  const h = () =>
    Math.floor(r() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
}

export function* generations(size: number, now: number): Generator<BenchGeneration> {
  const r = rng(size);
  const start = now - 365 * 86_400_000;
  for (let i = 0; i < size; i++) {
    const roll = r();
    const engine = ENGINES[Math.floor(r() * ENGINES.length)];
    yield {
      id: uuidFrom(r),
      profile: Math.floor(r() * PROFILE_COUNT),
      text: makeText(r),
      language: r() < 0.85 ? 'en' : ['de', 'fr', 'ru', 'ja'][Math.floor(r() * 4)],
      duration: 1 + r() * 20,
      bytes: 32_000 + Math.floor(r() * 600_000),
      engine,
      model: `${engine}-${r() < 0.5 ? 'small' : 'large'}`,
      status: roll < 0.9 ? 'completed' : roll < 0.95 ? 'failed' : roll < 0.98 ? 'pending' : 'generating',
      favorite: r() < 0.1,
      instruct: r() < 0.1 ? 'Speak slowly and clearly' : null,
      settings: r() < 0.5 ? JSON.stringify({ speed: 1, stability: 0.5 }) : null,
      // Mostly in order; imports bring a few older items late.
      createdAt: Math.floor(start + (i / size) * 365 * 86_400_000 - (r() < 0.02 ? r() * 30 * 86_400_000 : 0)),
    };
  }
}

/** Queries a user types: a word, a piece of a word, a phrase, non-Latin text, two common words. */
export const SEARCHES = ['meeting', 'orecas', 'weather forecast', 'привет', 'the river'];
/** Shown in the detail table only: short, very common queries (the worst case). */
export const HARD_SEARCHES = ['th', 'e'];

const TAGS = [
  'intro',
  'outro',
  'keeper',
  'final',
  'draft',
  'needs review',
  'chapter 1',
  'chapter 2',
  'chapter 3',
  'retake',
  'client A',
  'Ünïcode',
];

/**
 * Titles, notes and tags of the i-th generation, as a user who organises some of them would leave
 * them: a tenth titled, one in 50 noted, a fifth tagged (one to three tags). From its own random
 * stream, so the generations themselves are the same as without them.
 */
export function organised(i: number): { title: string | null; notes: string | null; tags: string[] } {
  const r = rng(1_000_003 + i);
  const title =
    r() < 0.1
      ? makeText(r)
          .split(' ')
          .slice(0, 2 + Math.floor(r() * 4))
          .join(' ')
      : null;
  const notes = r() < 0.02 ? `Notes: ${makeText(r)}` : null;
  const tags = r() < 0.2 ? [...new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => TAGS[zipf(r, TAGS.length)]))] : [];
  return { title, notes, tags };
}
