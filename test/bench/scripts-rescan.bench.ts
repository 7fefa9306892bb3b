// `npm run bench -- scripts` (with scripts.bench.ts, the Generate Script rows): change detection.
//   scripts.rescan_10000_lines_ms   change detection after an edit: parse a 10,000-line Markdown
//                                   script (front matter, speaker labels, emphasis and links), hash
//                                   each cue's lexicon entries, planRender against 10,000 voiced cues.
//   scripts.rescan_ref_split_hash_ms  the reference, same run, same text: the least any rescan does,
//                                   text.split('\n'), sha-256 of each line, a Map lookup per line.
//   scripts.rescan_vs_ref           ours / reference.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { planRender, speakerVoiceKeys, type VoicedCue } from '../../src/script/changes';
import { cueLexiconHash, parseLexicon, type Lexicon } from '../../src/script/lexicon';
import { sha256 } from '../../src/script/normalise';
import { parseScript } from '../../src/script/parse';
import { dialogue, sentence } from '../unit/script/fixtures';
import { median } from './stats';
import { printTable } from './table.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

interface Rows {
  figures: Record<string, number>;
  /** Table rows: name, ours, reference, ratio. */
  table: Array<Array<string | number>>;
}

/** 10,000 lines of dialogue, every fifth with Markdown emphasis and a link, every seventh with a lexicon word. */
function bigScript(cues: number): string {
  return dialogue(cues, (n) => {
    const words = n % 7 === 0 ? `${sentence(n)} Nginx serves it.` : sentence(n);
    return n % 5 === 0 ? `*${words}* See [the log](https://example.com/${n}).` : words;
  });
}

function rescan(text: string, voiced: VoicedCue[], lexicon: Lexicon) {
  const script = parseScript(text, { fileName: 'script.md' });
  return planRender(script.cues, voiced, speakerVoiceKeys(script.speakers), (cue) => cueLexiconHash(cue.text, lexicon));
}

async function rescanRows({ quick }: { quick: boolean }): Promise<Rows> {
  const reps = quick ? 3 : 21;
  const lexicon = parseLexicon(readFileSync(resolve(root, 'test/fixtures/scripts/lexicon.pls'), 'utf8'));
  const original = bigScript(10_000);
  const first = parseScript(original, { fileName: 'script.md' });
  const keyOf = speakerVoiceKeys(first.speakers);
  const voiced: VoicedCue[] = first.cues.map((c) => ({
    generationId: `g${c.index}`,
    textHash: c.textHash,
    speaker: c.speaker,
    voiceKey: keyOf(c),
    lexiconHash: cueLexiconHash(c.text, lexicon),
    startLine: c.startLine,
  }));
  // The edit a rescan follows: three lines changed.
  const lines = original.split('\n');
  for (const n of [100, 5_000, 9_000]) lines[n] = `${lines[n]} Edited.`;
  const edited = lines.join('\n');
  const check = rescan(edited, voiced, lexicon);
  if (check.render.length !== 3 || first.cues.length !== 10_000) {
    throw new Error(`rescan found ${check.render.length} changed cues of ${first.cues.length}; expected 3 of 10,000`);
  }

  // Reference: split, hash each line, look each up, over the same text.
  const known = new Map(edited.split('\n').map((l, i) => [sha256(l), i]));
  const reference = () => {
    let found = 0;
    for (const line of edited.split('\n')) if (known.has(sha256(line))) found++;
    return found;
  };
  const ours: number[] = [];
  const ref: number[] = [];
  rescan(edited, voiced, lexicon); // warm
  reference();
  for (let r = 0; r < reps; r++) {
    let t0 = performance.now();
    rescan(edited, voiced, lexicon);
    ours.push(performance.now() - t0);
    t0 = performance.now();
    reference();
    ref.push(performance.now() - t0);
  }
  const figures = {
    'scripts.rescan_10000_lines_ms': round(median(ours)),
    'scripts.rescan_ref_split_hash_ms': round(median(ref)),
    'scripts.rescan_vs_ref': round(median(ours) / median(ref), 2),
  };
  return {
    figures,
    table: [
      [
        'rescan 10,000 lines vs 10,000 voiced cues, ms (≤ 100)',
        figures['scripts.rescan_10000_lines_ms'],
        `${figures['scripts.rescan_ref_split_hash_ms']} (split + sha-256 + Map)`,
        figures['scripts.rescan_vs_ref'],
      ],
    ],
  };
}

export async function run({ quick = false }: { quick?: boolean } = {}): Promise<Record<string, number>> {
  const { figures, table } = await rescanRows({ quick });
  printTable(['row', 'ours', 'reference', 'ratio'], table);
  return figures;
}

// Runnable on its own: node --import tsx test/bench/scripts-rescan.bench.ts [--quick]
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  run({ quick: process.argv.includes('--quick') }).then((r) => console.log(JSON.stringify(r, null, 2)));
}
