// Which cues need a new generation. A cue is already voiced when a generation exists for the same
// words, speaker, voice and lexicon: where it sits in the document does not matter, so moved
// lines are reused, not re-rendered. Repeated lines ("Yes.") pair with their generations in
// document order, so an edit elsewhere never swaps which take each repeat gets.
import type { Cue, SpeakerVoice } from './types';

/** What a generation recorded about the cue it voiced. */
export interface VoicedCue {
  generationId: string;
  textHash: string;
  speaker: string | null;
  voiceKey: string;
  lexiconHash: string | null;
  startLine: number;
}

export interface RenderPlan {
  /** Cues with no matching generation, in document order. */
  render: Cue[];
  /** Cues a generation already voices, in document order. */
  reuse: { cue: Cue; generationId: string }[];
  /** Generations no cue matches any more (their lines were edited or deleted). */
  unused: VoicedCue[];
}

/**
 * The lexicon's part of the match: one hash for every cue (a changed lexicon re-renders all), or
 * per cue (cueLexiconHash: only the cues whose matched entries changed).
 */
export type LexiconHashOf = string | null | ((cue: Cue) => string | null);

/** A stable key for a voice: the same settings in any order give the same key. */
export function voiceKey(voice: SpeakerVoice | null | undefined): string {
  if (!voice) return '';
  return (['engine', 'voice', 'profile', 'language', 'preset'] as const)
    .filter((f) => voice[f] !== undefined && voice[f] !== '')
    .map((f) => `${f}=${voice[f]}`)
    .join(';');
}

function matchKey(textHash: string, speaker: string | null, voice: string, lexicon: string | null): string {
  return `${textHash}\u0000${speaker ?? '\u0001'}\u0000${voice}\u0000${lexicon ?? '\u0001'}`;
}

/**
 * Splits `cues` into those to render and those a voiced cue already covers. When two voiced cues
 * tie (same key and line), the one earlier in `voiced` is reused: pass the newest first.
 */
export function planRender(
  cues: readonly Cue[],
  voiced: readonly VoicedCue[],
  voiceKeyOf: (cue: Cue) => string,
  lexiconHash: LexiconHashOf,
): RenderPlan {
  const lexiconOf = typeof lexiconHash === 'function' ? lexiconHash : () => lexiconHash;
  const buckets = new Map<string, VoicedCue[]>();
  for (const v of voiced) {
    const key = matchKey(v.textHash, v.speaker, v.voiceKey, v.lexiconHash);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(v);
    else buckets.set(key, [v]);
  }
  const wanted = new Map<string, Cue[]>();
  for (const cue of cues) {
    const key = matchKey(cue.textHash, cue.speaker, voiceKeyOf(cue), lexiconOf(cue));
    const group = wanted.get(key);
    if (group) group.push(cue);
    else wanted.set(key, [cue]);
  }

  const reused = new Map<Cue, string>();
  const used = new Set<VoicedCue>();
  for (const [key, group] of wanted) {
    const bucket = buckets.get(key);
    if (!bucket) continue;
    pairRepeats(group, bucket, reused, used);
  }

  const render: Cue[] = [];
  const reuse: { cue: Cue; generationId: string }[] = [];
  for (const cue of cues) {
    const id = reused.get(cue);
    if (id === undefined) render.push(cue);
    else reuse.push({ cue, generationId: id });
  }
  return { render, reuse, unused: voiced.filter((v) => !used.has(v)) };
}

/** Repeats of one key pair in order: the first "Yes." in the document with the first voiced one (by line), and so on. */
function pairRepeats(group: Cue[], bucket: VoicedCue[], reused: Map<Cue, string>, used: Set<VoicedCue>): void {
  // A stable sort keeps `voiced` order between generations on one line.
  const byLine = [...bucket].sort((a, b) => a.startLine - b.startLine);
  for (let i = 0; i < group.length && i < byLine.length; i++) {
    reused.set(group[i]!, byLine[i]!.generationId);
    used.add(byLine[i]!);
  }
}
