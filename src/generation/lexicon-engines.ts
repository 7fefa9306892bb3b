// The pronunciation lexicon applied before synthesis, for every engine: each engine handed out
// speaks the text with the lexicon's aliases substituted (what is recorded stays the user's
// words, so Regenerate and Retry pronounce them the same way). Phonemes are not sent: no engine
// here takes SSML yet, so a lexeme with only a phoneme leaves its word as written.
import type { SpeechEngine } from '../engines/engine';
import { applyLexicon, type Lexicon } from '../script/lexicon';

export interface EngineSource {
  get(id: string): SpeechEngine;
}

/** `lexicon()` is read for each synthesis: a lexicon edited or fixed later applies at once. */
export function withLexicon(engines: EngineSource, lexicon: () => Lexicon | null): EngineSource {
  return { get: (id) => pronouncing(engines.get(id), lexicon) };
}

/** The engine with its synthesize wrapped; everything else is the engine's own. */
export function wrapSynthesize(engine: SpeechEngine, synthesize: SpeechEngine['synthesize']): SpeechEngine {
  return {
    id: engine.id,
    displayName: engine.displayName,
    languages: engine.languages,
    capabilities: engine.capabilities,
    listVoices: (signal) => engine.listVoices(signal),
    synthesize,
  };
}

function pronouncing(engine: SpeechEngine, lexicon: () => Lexicon | null): SpeechEngine {
  return wrapSynthesize(engine, (request, signal) => {
    const lx = lexicon();
    return engine.synthesize(lx ? { ...request, text: applyLexicon(request.text, lx) } : request, signal);
  });
}
