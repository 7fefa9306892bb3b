// Voicebox's generation export (`generation-<text>.voicebox.zip`): manifest.json with
// {version:"1.0", generation, profile, versions[]} and the audio under audio/. We write it for a
// single generation and read it leniently (older Voicebox builds wrote no versions). The profile
// also carries its default chain as `effects_chain`, the name Voicebox's own profile table gives
// it: Voicebox's importer ignores it, ours gives it back to the voice.
import { z } from 'zod';
import { MAX_PROFILE_NAME_LENGTH, MAX_TEXT_LENGTH } from '../history/schemas';

export const VOICEBOX_MANIFEST_VERSION = '1.0';

/** A text field of at most `max` characters; the message names the limit (the path names the field). */
const text = (max: number) => z.string().max(max, `At most ${max.toLocaleString('en')} characters are accepted`);

// Every field is bounded here, by the limits the history itself applies, so an oversized value is
// refused with its field and limit instead of failing later at the database write.
export const voiceboxManifestSchema = z.object({
  version: text(20).min(1),
  generation: z.object({
    id: text(200).nullish(),
    text: text(MAX_TEXT_LENGTH).min(1, 'The generation has no text.'),
    language: text(35).nullish(),
    /** Voicebox trusts this; we measure the audio instead. */
    duration: z.number().nullish(),
    seed: z.number().int().nullish(),
    instruct: text(10_000).nullish(),
    created_at: text(64).nullish(),
  }),
  profile: z
    .object({
      id: text(200).nullish(),
      // Empty falls back to the import's profile name; otherwise the profile-name limit.
      name: text(MAX_PROFILE_NAME_LENGTH).nullish(),
      description: text(2000).nullish(),
      language: text(35).nullish(),
      /** The voice's default chain (Voicebox's profile field of that name; its own exports leave it out). */
      effects_chain: z.array(z.json()).max(100, 'At most 100 effects are accepted').nullish(),
    })
    .nullish(),
  versions: z
    .array(
      z.object({
        id: text(200).nullish(),
        label: text(100).nullish(),
        is_default: z.boolean().nullish(),
        effects_chain: z.array(z.json()).max(100, 'At most 100 effects are accepted').nullish(),
        filename: text(255).min(1),
      }),
    )
    .max(1000, 'At most 1,000 versions are accepted')
    .nullish(),
});
export type VoiceboxManifest = z.output<typeof voiceboxManifestSchema>;

/** Manifest JSON that looks like a Voicebox generation export (checked loosely, before the schema). */
export function looksLikeVoicebox(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'version' in value && 'generation' in value;
}

/** Voicebox's voice-profile export has a profile and samples.json instead of a generation. */
export function looksLikeVoiceboxProfile(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'version' in value && 'profile' in value && !('generation' in value);
}

/**
 * Voicebox writes `created_at` with Python's isoformat(): UTC, often without a zone
 * (`2025-01-31T12:00:00.123456`). Returns UTC ms, or null when absent or unreadable.
 */
export function parseVoiceboxTime(value: string | null | undefined): number | null {
  if (!value) return null;
  const hasZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(value);
  // Keep milliseconds only: Date.parse rejects microseconds in some engines.
  const trimmed = value.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(hasZone ? trimmed : `${trimmed}Z`);
  return Number.isFinite(ms) ? ms : null;
}

export interface VoiceboxExportVersion {
  id: string;
  label: string;
  is_default: boolean;
  effects_chain: unknown[] | null;
  filename: string;
}

export function buildVoiceboxManifest(input: {
  generation: {
    id: string;
    text: string;
    language: string;
    duration: number | null;
    seed: number | null;
    instruct: string | null;
    createdAt: number;
  };
  profile: { id: string; name: string; description: string | null; language: string; effects_chain: unknown[] | null };
  versions: VoiceboxExportVersion[];
}): unknown {
  const g = input.generation;
  return {
    version: VOICEBOX_MANIFEST_VERSION,
    generation: {
      id: g.id,
      text: g.text,
      language: g.language,
      duration: g.duration,
      seed: g.seed,
      instruct: g.instruct,
      created_at: new Date(g.createdAt).toISOString(),
    },
    profile: input.profile,
    versions: input.versions,
  };
}
