// What the editor shows on a script's lines: for each cue, the generation that voices it (with
// its take count), or the one that voiced its lines before they were edited ("stale"). Pure, so
// it runs on every keystroke: the script is parsed again and matched by words, not by position,
// and recorded lines follow edits above them (shiftLines) until the next run records them.
import type { ScriptCueRecord } from '../history';
import type { Cue } from '../script/types';

export interface CueLens {
  cue: Cue;
  /** The generation voicing the cue, or (stale) the one made for its lines before the edit. */
  generationId: string;
  takes: number;
  /** The cue's words changed since this generation was made. */
  stale: boolean;
  /** Generations of these words on this document, newest first (the hover lists them). */
  generations: string[];
}

type Voiced = Pick<ScriptCueRecord, 'generationId' | 'textHash' | 'speaker' | 'startLine' | 'endLine' | 'takes' | 'status' | 'createdAt'>;

export function cueLenses(cues: readonly Cue[], records: readonly Voiced[]): CueLens[] {
  const completed = records.filter((r) => r.status === 'completed').sort((a, b) => b.createdAt - a.createdAt);
  const byWords = new Map<string, Voiced[]>();
  for (const r of completed) {
    const key = `${r.textHash}\u0000${r.speaker ?? ''}`;
    byWords.set(key, [...(byWords.get(key) ?? []), r]);
  }
  const used = new Set<string>();
  const lenses: CueLens[] = [];
  const unmatched: Cue[] = [];
  for (const cue of cues) {
    const group = byWords.get(`${cue.textHash}\u0000${cue.speaker ?? ''}`) ?? [];
    const match =
      group.find((r) => !used.has(r.generationId) && r.startLine === cue.startLine) ?? group.find((r) => !used.has(r.generationId));
    if (!match) {
      unmatched.push(cue);
      continue;
    }
    used.add(match.generationId);
    lenses.push({ cue, generationId: match.generationId, takes: match.takes, stale: false, generations: group.map((r) => r.generationId) });
  }
  // An edited cue: a generation made for lines it now covers, whose words no cue has any more.
  for (const cue of unmatched) {
    const old = completed.find((r) => !used.has(r.generationId) && r.startLine <= cue.endLine && r.endLine >= cue.startLine);
    if (!old) continue;
    used.add(old.generationId);
    lenses.push({ cue, generationId: old.generationId, takes: old.takes, stale: true, generations: [old.generationId] });
  }
  return lenses.sort((a, b) => a.cue.startLine - b.cue.startLine);
}

export interface LineChange {
  /** First and last replaced line (0-based, inclusive of the line the change ends on). */
  startLine: number;
  endLine: number;
  /** Where on endLine the change ends: at 0 the rest of that line is untouched and moves too. */
  endCharacter: number;
  /** Lines the replacement text spans (1 for text without a line break). */
  newLineCount: number;
}

/** Moves recorded lines below an edit by the lines it added or removed; lines inside it stay put. */
export function shiftLines<T extends { startLine: number; endLine: number }>(records: readonly T[], change: LineChange): T[] {
  const delta = change.newLineCount - (change.endLine - change.startLine + 1);
  if (delta === 0) return [...records];
  return records.map((r) => {
    const below = r.startLine > change.endLine || (r.startLine === change.endLine && change.endCharacter === 0);
    if (below) return { ...r, startLine: r.startLine + delta, endLine: r.endLine + delta };
    if (r.endLine > change.endLine) return { ...r, endLine: Math.max(r.startLine, r.endLine + delta) };
    return r;
  });
}
