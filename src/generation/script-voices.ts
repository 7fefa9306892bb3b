// Which voice speaks a script cue: the speaker's mapping (front matter or workspace voices) read
// against the voice profiles and the default voice, so that the recorded voice key names the voice
// actually used (a changed default voice or profile re-renders the cues it speaks).
import type { Profile } from '../history';
import { voiceKey } from '../script/changes';
import type { SpeakerVoice } from '../script/types';

export interface DefaultVoice {
  engine: string;
  /** The voice an engine speaks with when a mapping names only the engine; undefined: none set. */
  voiceOf(engine: string): string | undefined;
}

export interface ResolvedVoice {
  engine: string;
  voice: string;
  language?: string;
  /** An effects preset named by the mapping (recorded in the key). */
  preset?: string;
  /** The profile named by the mapping, when there is one. */
  profileName?: string;
}

/** A mapping that names no usable voice: the message says which speaker and what to write. */
export class ScriptVoiceError extends Error {
  override readonly name = 'ScriptVoiceError';
}

export function resolveVoice(
  speaker: string | null,
  mapping: SpeakerVoice | undefined,
  defaults: DefaultVoice,
  profiles: readonly Profile[],
): ResolvedVoice {
  const who = speaker === null ? 'The default voice' : `Speaker ${speaker}`;
  let engine = mapping?.engine;
  let voice = mapping?.voice;
  let language = mapping?.language;
  if (mapping?.profile) {
    const wanted = mapping.profile.normalize('NFKC').toLowerCase().trim();
    const profile = profiles.find((p) => p.name.normalize('NFKC').toLowerCase().trim() === wanted);
    if (!profile?.engine || !profile.voiceId) {
      throw new ScriptVoiceError(
        `${who} is mapped to the profile "${mapping.profile}", which ${profile ? 'has no engine voice' : 'does not exist'}. Name an existing profile, or give engine and voice instead.`,
      );
    }
    engine ??= profile.engine;
    voice ??= profile.voiceId;
    language ??= profile.language;
  }
  engine ??= defaults.engine;
  voice ??= defaults.voiceOf(engine);
  if (!voice) {
    throw new ScriptVoiceError(
      `${who} has no voice for the engine "${engine}": add "voice: <id>" to ${speaker === null ? 'the script front matter' : `${speaker}'s mapping`}, or set the engine's default voice.`,
    );
  }
  return {
    engine,
    voice,
    ...(language ? { language } : {}),
    ...(mapping?.preset ? { preset: mapping.preset } : {}),
    ...(mapping?.profile ? { profileName: mapping.profile } : {}),
  };
}

/** The key recorded with each generation and compared on the next run. */
export function resolvedVoiceKey(v: ResolvedVoice): string {
  return voiceKey({ engine: v.engine, voice: v.voice, language: v.language, preset: v.preset });
}
