// A script document -> its cues, speakers and warnings. Which reader runs follows the file name;
// every reader gives raw cues, normalised and hashed here the one way change detection expects.
import { ScriptError } from './errors';
import { readFrontMatter } from './front-matter';
import { documentLines, normaliseSpeaker, normaliseText, textHash } from './normalise';
import { parseProse, type RawCue } from './prose';
import { parseSrt, parseVtt, type TimedCue } from './subtitles';
import type { Cue, ParseOptions, Script, ScriptKind, ScriptWarning, SpeakerVoice } from './types';

/** Longer than any engine takes in one request: worth a warning, not a refusal. */
const LONG_CUE = 5000;

export function scriptKind(fileName: string): ScriptKind {
  const ext = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'srt') return 'srt';
  if (ext === 'vtt') return 'vtt';
  if (ext === 'md' || ext === 'markdown' || ext === 'mdx') return 'markdown';
  return 'text';
}

/** Reads a script; throws ScriptError (line, column, message) when it cannot be voiced as written. */
export function parseScript(text: string, options: ParseOptions): Script {
  const kind = scriptKind(options.fileName);
  const lines = documentLines(text);
  const warnings: ScriptWarning[] = [];
  const front = kind === 'text' || kind === 'markdown' ? readFrontMatter(lines) : { lineCount: 0, speakers: {}, warnings: [] };
  warnings.push(...front.warnings);
  const speakers = mergeVoices(options.workspaceVoices ?? {}, front.speakers);
  const known = new Set(Object.keys(speakers));
  const raw: Array<RawCue | TimedCue> =
    kind === 'srt'
      ? parseSrt(lines, known, warnings)
      : kind === 'vtt'
        ? parseVtt(lines, known, warnings)
        : parseProse(
            lines,
            { markdown: kind === 'markdown', cueMode: front.cueMode ?? options.cueMode ?? 'paragraph', firstLine: front.lineCount, known },
            warnings,
          );

  const cues: Cue[] = [];
  const unmapped = new Map<string, number>();
  for (const r of raw) {
    const normal = normaliseText(r.text);
    if (normal === '') continue;
    if (normal.length > LONG_CUE) {
      warnings.push({
        line: r.startLine,
        column: 0,
        message: `This cue is ${normal.length} characters long; engines may refuse it, split it into shorter ones.`,
      });
    }
    if (r.speaker !== null && !Object.hasOwn(speakers, r.speaker) && !unmapped.has(r.speaker)) unmapped.set(r.speaker, r.startLine);
    const cue: Cue = {
      index: cues.length,
      text: normal,
      speaker: r.speaker,
      startLine: r.startLine,
      endLine: r.endLine,
      textHash: textHash(normal),
    };
    if ('slot' in r) cue.slot = r.slot;
    cues.push(cue);
  }
  for (const [speaker, line] of unmapped) {
    warnings.push({
      line,
      column: 0,
      message: `Speaker ${speaker} has no voice in the front matter or the workspace voices; their cues use the default voice.`,
    });
  }
  return { kind, cues, speakers, unmappedSpeakers: [...unmapped.keys()], warnings };
}

/** The workspace's voices with the document's merged over them, field by field, names normalised. */
export function mergeVoices(workspace: Record<string, SpeakerVoice>, document: Record<string, SpeakerVoice>): Record<string, SpeakerVoice> {
  const out: Record<string, SpeakerVoice> = {};
  for (const [name, voice] of Object.entries(workspace)) {
    const key = normaliseSpeaker(name);
    out[key] = { ...out[key], ...voice };
  }
  for (const [name, voice] of Object.entries(document)) {
    const key = normaliseSpeaker(name);
    out[key] = { ...out[key], ...voice };
  }
  return out;
}

export { ScriptError };
