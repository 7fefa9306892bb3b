// A pronunciation lexicon (W3C PLS 1.0) as plain data: what each written form should sound like.

/** One way to say a lexeme: another spelling (any engine) or a phonetic transcription (engines that take one). */
export interface Pronunciation {
  kind: 'alias' | 'phoneme';
  text: string;
  /** The phonetic alphabet of a phoneme ("ipa", "x-cmu", ...): its own, else the lexicon's. */
  alphabet?: string;
  /** PLS `prefer="true"`: chosen over the others that the engine can use. */
  prefer: boolean;
}

export interface Lexeme {
  /** The written forms it applies to, matched whole-word and case-sensitively (as ElevenLabs does). */
  graphemes: string[];
  /** In document order; PLS picks the first preferred one, else the first. */
  pronunciations: Pronunciation[];
  /** 0-based line of the <lexeme> element. */
  line: number;
}

export interface Lexicon {
  /** sha-256 (hex) of the content (entries, alphabet, language), not of comments or layout. */
  hash: string;
  alphabet: string | null;
  language: string | null;
  lexemes: Lexeme[];
}

/** A stretch of the spoken text to say with a phoneme (an engine wraps it in SSML <phoneme>). */
export interface PhonemeSpan {
  /** Offsets in the returned text, end exclusive. */
  start: number;
  end: number;
  ph: string;
  alphabet: string;
}

export interface PronouncedText {
  text: string;
  phonemes: PhonemeSpan[];
}
