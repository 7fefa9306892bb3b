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

/**
 * voiceKeyOf for planRender: each cue's speaker's voice from `speakers` (Script.speakers), else
 * `defaultVoice`; one key per speaker, worked out once.
 */
export function speakerVoiceKeys(speakers: Record<string, SpeakerVoice>, defaultVoice?: SpeakerVoice): (cue: Cue) => string {
  const fallback = voiceKey(defaultVoice);
  const keys = new Map<string | null, string>([[null, fallback]]);
  return (cue) => {
    let key = keys.get(cue.speaker);
    if (key === undefined) {
      const voice = Object.hasOwn(speakers, cue.speaker!) ? speakers[cue.speaker!] : undefined;
      key = voice ? voiceKey({ ...defaultVoice, ...voice }) : fallback;
      keys.set(cue.speaker, key);
    }
    return key;
  };
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
  // By text first (a map of short keys); the few voiced cues with the same words are compared field by field.
  const byText = new Map<string, { candidates: VoicedCue[]; from: number }>();
  for (const v of voiced) {
    const bucket = byText.get(v.textHash);
    if (bucket) bucket.candidates.push(v);
    else byText.set(v.textHash, { candidates: [v], from: 0 });
  }
  // Line order (a stable sort keeps `voiced` order between generations on one line).
  for (const bucket of byText.values()) if (bucket.candidates.length > 1) bucket.candidates.sort((a, b) => a.startLine - b.startLine);

  const used = new Set<VoicedCue>();
  const render: Cue[] = [];
  const reuse: { cue: Cue; generationId: string }[] = [];
  // Cues in document order take the first unused match in line order: repeats pair in order.
  for (const cue of cues) {
    const bucket = byText.get(cue.textHash);
    const match = bucket && firstMatch(bucket, cue, voiceKeyOf(cue), lexiconOf(cue), used);
    if (match) {
      used.add(match);
      reuse.push({ cue, generationId: match.generationId });
    } else {
      render.push(cue);
    }
  }
  return { render, reuse, unused: used.size === voiced.length ? [] : voiced.filter((v) => !used.has(v)) };
}

function firstMatch(
  bucket: { candidates: VoicedCue[]; from: number },
  cue: Cue,
  voice: string,
  lexicon: string | null,
  used: ReadonlySet<VoicedCue>,
): VoicedCue | undefined {
  const { candidates } = bucket;
  // Skip the used ones at the front once, so 10,000 repeats of one line stay linear.
  while (bucket.from < candidates.length && used.has(candidates[bucket.from]!)) bucket.from++;
  for (let i = bucket.from; i < candidates.length; i++) {
    const v = candidates[i]!;
    if (v.speaker === cue.speaker && v.voiceKey === voice && v.lexiconHash === lexicon && !used.has(v)) return v;
  }
  return undefined;
}
