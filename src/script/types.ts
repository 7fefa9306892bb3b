// What a script document becomes: the cues to voice, who speaks them and what went unnoticed.
// Lines and columns are 0-based, like editor positions; messages name them 1-based, as people read them.

/** One thing to voice: a line or paragraph of prose, or one subtitle cue. */
export interface Cue {
  /** Order in the document, from 0. */
  index: number;
  /** The words to speak (markup stripped), before the pronunciation lexicon. */
  text: string;
  /** The speaker's normalised name (see normaliseSpeaker); null means the default voice. */
  speaker: string | null;
  /** First and last document line of the cue's words, inclusive. */
  startLine: number;
  endLine: number;
  /** The subtitle's time, for SRT and WebVTT cues. */
  slot?: { startMs: number; endMs: number };
  /** sha-256 (hex) of the normalised text: what change detection compares. */
  textHash: string;
}

/** How a speaker is voiced; every field optional, merged field by field (document over workspace). */
export interface SpeakerVoice {
  engine?: string;
  voice?: string;
  profile?: string;
  language?: string;
  preset?: string;
}

export interface ScriptWarning {
  line: number;
  column: number;
  message: string;
}

export type ScriptKind = 'text' | 'markdown' | 'srt' | 'vtt';
export type CueMode = 'line' | 'paragraph';

export interface Script {
  kind: ScriptKind;
  cues: Cue[];
  /** Normalised speaker name -> voice, the document's front matter merged over the workspace's. */
  speakers: Record<string, SpeakerVoice>;
  /** Speakers that have cues but no entry in `speakers` (they use the default voice), in order of appearance. */
  unmappedSpeakers: string[];
  warnings: ScriptWarning[];
}

export interface ParseOptions {
  /** Decides the kind by extension: .srt, .vtt, .md/.markdown/.mdx, anything else is plain text. */
  fileName: string;
  /** One cue per non-empty line, or per paragraph (the default). Front matter `cues:` overrides it. */
  cueMode?: CueMode;
  /** The workspace's speaker mapping; the document's front matter is merged over it. */
  workspaceVoices?: Record<string, SpeakerVoice>;
}
