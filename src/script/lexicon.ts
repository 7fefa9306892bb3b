// The pronunciation lexicon: read a W3C PLS file, apply it to a cue, hash what a cue uses.
export type { Lexeme, Lexicon, PhonemeSpan, PronouncedText, Pronunciation } from './lexicon-types';
export { parseLexicon } from './pls';
export { applyLexicon, cueLexiconHash } from './pronounce';
export { LexiconError } from './errors';
