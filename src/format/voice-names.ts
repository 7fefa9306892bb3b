// Friendly names of the voices we know ("slt — US English, female") instead of bare engine ids,
// wherever a voice is shown (tree tooltip, filter picker, player details). Flite's built-in voices
// are listed here, once: src/engines/flite.ts takes their descriptions from this table. Voices of
// other engines name themselves (ElevenLabs' voice list) or are shown by id.

/** Engine id -> voice id -> what the voice is, in the user's words. */
const KNOWN_VOICES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  flite: {
    slt: 'US English, female',
    rms: 'US English, male',
    awb: 'Scottish English, male',
    kal: 'US English, male (diphone, robotic)',
  },
};

/** What a known voice is ("US English, female"), or undefined for a voice we do not know. */
export function voiceDescription(engine: string | null | undefined, voiceId: string | null | undefined): string | undefined {
  if (!engine || !voiceId) return undefined;
  return KNOWN_VOICES[engine]?.[voiceId];
}

/** "slt — US English, female" for a known voice, the bare id otherwise ('' without one). */
export function friendlyVoiceName(engine: string | null | undefined, voiceId: string | null | undefined): string {
  if (!voiceId) return '';
  const description = voiceDescription(engine, voiceId);
  return description ? `${voiceId} — ${description}` : voiceId;
}

/**
 * A profile's voice in full: "slt — US English, female" when the profile is named after its voice,
 * "Alice (slt — US English, female)" when it has a name of its own, the name alone without a voice.
 */
export function describeVoice(profileName: string, engine: string | null | undefined, voiceId: string | null | undefined): string {
  const friendly = friendlyVoiceName(engine, voiceId);
  if (!friendly || friendly === profileName) return profileName;
  if (profileName === voiceId || !profileName) return friendly;
  return `${profileName} (${friendly})`;
}
