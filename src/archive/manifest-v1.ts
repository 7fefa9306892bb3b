// Format version 1 of a Voice History archive's `manifest.json`, frozen as it was written: the
// reader of older archives (manifest.ts upgrades what it reads to the current version) and the
// parts that version 2 extends. Change nothing here that an existing v1 archive relies on.
import { z } from 'zod';
import { PLAYABLE_FORMATS } from '../audio/format';
import { GENERATION_SOURCES, GENERATION_STATUSES } from '../history/types';
import { languageSchema, MAX_TEXT_LENGTH, profileNameSchema } from '../history/schemas';

export const FORMAT_NAME = 'voice-history';
export const MANIFEST_NAME = 'manifest.json';
export const AUDIO_FOLDER = 'audio/';
/** How a problem with no path names what it is about. */
export const WHOLE_MANIFEST = '(the whole manifest)';
/** An archive carries what the player plays (src/audio/format), under its format's extension. */
export const AUDIO_FORMATS = PLAYABLE_FORMATS;

export const uuid = z.uuid();
/** ISO 8601 in UTC with milliseconds, e.g. `2025-01-31T12:00:00.000Z`. */
export const time = z.iso.datetime({ offset: true });
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'Expected a sha256 hash: 64 lower-case hex digits.');
const audioEntry = z
  .string()
  .regex(/^audio\/[^/\\]+\.(wav|mp3|flac|ogg)$/, 'Expected the name of a file inside audio/ ending in .wav, .mp3, .flac or .ogg.');

export const manifestProfileSchema = z.object({
  id: uuid,
  name: profileNameSchema,
  description: z.string().max(2000).nullable(),
  language: languageSchema,
  engine: z.string().min(1).max(64).nullable(),
  voiceId: z.string().min(1).max(200).nullable(),
  /** The voice's default effects (absent in archives written before effects existed). */
  effectsChain: z.array(z.json()).min(1).max(100).nullable().default(null),
});

/** A user effect preset: every export carries all of them (they belong to the history, not to a generation). */
export const manifestPresetSchema = z.object({
  id: uuid,
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000).nullable(),
  effectsChain: z.array(z.json()).min(1).max(100),
  createdAt: time,
  updatedAt: time,
});

export const manifestVersionV1Schema = z.object({
  id: uuid,
  label: z.string().trim().min(1).max(100),
  isDefault: z.boolean(),
  effectsChain: z.array(z.json()).max(100).nullable(),
  sourceVersionId: uuid.nullable(),
  createdAt: time,
  /** Entry of the audio inside the archive. */
  audio: audioEntry,
  format: z.enum(AUDIO_FORMATS),
  bytes: z.number().int().min(1),
  sha256,
  /** Informational: an import measures the audio itself. */
  duration: z.number().min(0).nullable(),
  sampleRate: z.number().int().positive().nullable(),
  channels: z.number().int().positive().max(64).nullable(),
});

export const manifestGenerationV1Schema = z.object({
  id: uuid,
  profileId: uuid,
  text: z.string().min(1).max(MAX_TEXT_LENGTH),
  language: languageSchema,
  engine: z.string().min(1).max(64).nullable(),
  model: z.string().min(1).max(128).nullable(),
  status: z.enum(GENERATION_STATUSES),
  error: z.string().max(10_000).nullable(),
  favorite: z.boolean(),
  source: z.enum(GENERATION_SOURCES),
  externalId: z.string().min(1).max(200).nullable(),
  settings: z.record(z.string(), z.json()).nullable(),
  seed: z.number().int().nullable(),
  instruct: z.string().max(10_000).nullable(),
  createdAt: time,
  updatedAt: time,
  /** Of the default version; informational like the version's. */
  duration: z.number().min(0).nullable(),
  sampleRate: z.number().int().positive().nullable(),
  channels: z.number().int().positive().max(64).nullable(),
  contentHash: sha256.nullable(),
  /** Oldest first; empty for a generation that never produced audio (e.g. failed). */
  versions: z.array(manifestVersionV1Schema).max(1000),
});

export const manifestStoryItemV1Schema = z.object({
  generationId: uuid,
  versionId: uuid.nullable(),
  startMs: z.number().int().min(0),
  track: z.number().int().min(0).max(1000),
  trimStartMs: z.number().int().min(0),
  trimEndMs: z.number().int().min(0),
  volume: z.number().min(0).max(4),
});

export const manifestStoryV1Schema = z.object({
  id: uuid,
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable(),
  createdAt: time,
  updatedAt: time,
  /** Only the items that place generations contained in this archive. */
  items: z.array(manifestStoryItemV1Schema),
});

/** What both versions share, for the reference checks. */
interface Referencing {
  profiles: ReadonlyArray<{ id: string }>;
  generations: ReadonlyArray<{
    id: string;
    profileId: string;
    versions: ReadonlyArray<{ id: string; isDefault: boolean; sourceVersionId: string | null; audio: string; format: string }>;
  }>;
  stories: ReadonlyArray<{ items: ReadonlyArray<{ generationId: string; versionId: string | null }> }>;
}

/** Rules beyond the field types: every id a manifest names is one it lists, in the right place. */
export function checkReferences(m: Referencing, ctx: z.RefinementCtx): void {
  const profileIds = new Set(m.profiles.map((p) => p.id));
  const versionsOf = new Map<string, Set<string>>();
  const audio = new Set<string>();
  const versionIds = new Set<string>();
  m.generations.forEach((g, gi) => {
    const at = (...rest: (string | number)[]) => ['generations', gi, ...rest];
    if (versionsOf.has(g.id)) ctx.addIssue({ code: 'custom', path: at('id'), message: 'This generation id appears twice.' });
    const own = new Set(g.versions.map((v) => v.id));
    versionsOf.set(g.id, own);
    if (!profileIds.has(g.profileId)) {
      ctx.addIssue({ code: 'custom', path: at('profileId'), message: 'No profile with this id is listed in "profiles".' });
    }
    if (g.versions.length > 0 && g.versions.filter((v) => v.isDefault).length !== 1) {
      ctx.addIssue({ code: 'custom', path: at('versions'), message: 'Exactly one version must have "isDefault": true.' });
    }
    g.versions.forEach((v, vi) => {
      if (versionIds.has(v.id)) ctx.addIssue({ code: 'custom', path: at('versions', vi, 'id'), message: 'This version id appears twice.' });
      versionIds.add(v.id);
      if (v.sourceVersionId !== null && !own.has(v.sourceVersionId)) {
        ctx.addIssue({
          code: 'custom',
          path: at('versions', vi, 'sourceVersionId'),
          message: 'Must name another version of the same generation.',
        });
      }
      if (!v.audio.endsWith(`.${v.format}`)) {
        ctx.addIssue({ code: 'custom', path: at('versions', vi, 'audio'), message: `Must end in .${v.format} like its "format".` });
      }
      if (audio.has(v.audio.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: at('versions', vi, 'audio'), message: 'Two versions name the same audio entry.' });
      }
      audio.add(v.audio.toLowerCase());
    });
  });
  m.stories.forEach((s, si) =>
    s.items.forEach((item, ii) => {
      const own = versionsOf.get(item.generationId);
      if (!own) {
        ctx.addIssue({
          code: 'custom',
          path: ['stories', si, 'items', ii, 'generationId'],
          message: 'No generation with this id is in the archive.',
        });
      } else if (item.versionId !== null && !own.has(item.versionId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['stories', si, 'items', ii, 'versionId'],
          message: versionIds.has(item.versionId)
            ? 'This version belongs to another generation than the item places.'
            : 'No version with this id is in the archive.',
        });
      }
    }),
  );
}

export const manifestV1Schema = z
  .object({
    format: z.literal(FORMAT_NAME),
    formatVersion: z.literal(1),
    exportedAt: time,
    exportedBy: z.object({ name: z.string().min(1).max(100), version: z.string().min(1).max(50) }),
    profiles: z.array(manifestProfileSchema),
    generations: z.array(manifestGenerationV1Schema),
    stories: z.array(manifestStoryV1Schema).default([]),
    presets: z.array(manifestPresetSchema).max(10_000).default([]),
  })
  .superRefine(checkReferences);

export type ManifestV1 = z.output<typeof manifestV1Schema>;
export type ManifestV1Input = z.input<typeof manifestV1Schema>;
