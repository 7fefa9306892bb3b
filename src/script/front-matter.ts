// The YAML front matter of a prose script: which voice each speaker gets, and the cue mode.
//   ---
//   cues: line            # or paragraph
//   speakers:
//     Narrator: slt       # a bare string is the voice
//     Alice: { engine: openai, voice: nova, preset: Radio }
//   ---
// Other keys (title, author, ...) are the document's own and left alone. YAML is parsed by `yaml`,
// whose alias limit stops "billion laughs" documents before they expand.
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { ScriptError, where } from './errors';
import { normaliseSpeaker } from './normalise';
import type { CueMode, ScriptWarning, SpeakerVoice } from './types';

export interface FrontMatter {
  /** Lines the front matter takes, delimiters included (0 when there is none). */
  lineCount: number;
  cueMode?: CueMode;
  speakers: Record<string, SpeakerVoice>;
  warnings: ScriptWarning[];
}

const VOICE_FIELDS = ['engine', 'voice', 'profile', 'language', 'preset'] as const;
/** Far more aliases than a real speaker table uses, far fewer than a YAML bomb needs. */
const MAX_ALIASES = 50;

const setting = z.union([z.string(), z.number()]).transform(String);
const voiceSchema = z.union([
  setting.transform((voice): SpeakerVoice => ({ voice })),
  z.strictObject(
    Object.fromEntries(VOICE_FIELDS.map((f) => [f, setting.optional()])) as Record<
      (typeof VOICE_FIELDS)[number],
      z.ZodOptional<typeof setting>
    >,
  ),
]);
const frontMatterSchema = z.looseObject({
  cues: z.enum(['line', 'paragraph']).optional(),
  speakers: z.record(z.string(), voiceSchema).optional(),
});

/** Reads the front matter at the top of `lines` (a `---` line, YAML, a `---` or `...` line), if there is one. */
export function readFrontMatter(lines: string[]): FrontMatter {
  if (lines[0]?.trimEnd() !== '---') return { lineCount: 0, speakers: {}, warnings: [] };
  let close = 1;
  while (close < lines.length && !/^(---|\.\.\.)\s*$/.test(lines[close]!)) close++;
  if (close >= lines.length) {
    throw new ScriptError(0, 0, 'The front matter that opens on line 1 (---) is never closed: end it with a line holding only ---.');
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(lines.slice(1, close).join('\n'), { lineCounter, prettyErrors: false, uniqueKeys: true });
  // Front matter line n is document line n + 1 (the opening --- is line 0).
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col - 1 };
  };
  const first = doc.errors[0];
  if (first) {
    const p = at(first.pos[0]);
    throw new ScriptError(p.line, p.column, `Front matter YAML error at ${where(p.line, p.column)}: ${firstLine(first.message)}`);
  }
  const warnings = doc.warnings.map((w) => ({ ...at(w.pos[0]), message: `Front matter: ${firstLine(w.message)}` }));
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    throw new ScriptError(
      1,
      0,
      `The front matter expands YAML aliases too often (${e instanceof Error ? e.message : e}); write the voices out.`,
    );
  }
  if (value === null || value === undefined) return { lineCount: close + 1, speakers: {}, warnings };
  const parsed = frontMatterSchema.safeParse(value);
  if (!parsed.success) throw schemaError(doc, parsed.error.issues[0]!, at);
  const speakers: Record<string, SpeakerVoice> = {};
  for (const [name, voice] of Object.entries(parsed.data.speakers ?? {})) {
    speakers[normaliseSpeaker(name)] = withoutEmpty(voice);
  }
  return { lineCount: close + 1, cueMode: parsed.data.cues, speakers, warnings };
}

function schemaError(doc: Document, issue: z.core.$ZodIssue, at: (offset: number) => { line: number; column: number }): ScriptError {
  // Point at the deepest node of the path that exists.
  let path = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
  let node: unknown = undefined;
  while (path.length > 0 && !isNode((node = doc.getIn(path, true)))) path = path.slice(0, -1);
  const offset = isNode(node) && node.range ? node.range[0] : 0;
  const p = at(offset);
  const name = issue.path.join('.') || 'the front matter';
  const what =
    issue.code === 'unrecognized_keys'
      ? `${issue.keys.join(', ')} is not a voice setting; use ${VOICE_FIELDS.join(', ')}`
      : issue.path[0] === 'cues'
        ? 'cues must be line or paragraph'
        : issue.path[0] === 'speakers'
          ? 'a speaker maps to a voice name or to { engine, voice, profile, language, preset }'
          : issue.message;
  return new ScriptError(p.line, p.column, `Front matter ${where(p.line, p.column)}, ${name}: ${what}.`);
}

function withoutEmpty(voice: SpeakerVoice): SpeakerVoice {
  return Object.fromEntries(Object.entries(voice).filter(([, v]) => v !== undefined && v !== '')) as SpeakerVoice;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
