// The `manifest.json` of a Voice History archive (format `voice-history`, version 1): the single
// source of truth for what an export writes and what an import accepts. See README.md, "Export format".
import { z } from 'zod';
import { PLAYABLE_FORMATS } from '../audio/format';
import { GENERATION_SOURCES, GENERATION_STATUSES } from '../history/types';
import { languageSchema, MAX_TEXT_LENGTH, profileNameSchema } from '../history/schemas';
import { ArchiveError } from './errors';
import { errorMessage } from '../format/errors';
import { describeFirstIssue } from '../format/issues';

export const FORMAT_NAME = 'voice-history';
export const FORMAT_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';
export const AUDIO_FOLDER = 'audio/';
/** How a problem with no path names what it is about. */
export const WHOLE_MANIFEST = '(the whole manifest)';
/** An archive carries what the player plays (src/audio/format), under its format's extension. */
export const AUDIO_FORMATS = PLAYABLE_FORMATS;

const uuid = z.uuid();
/** ISO 8601 in UTC with milliseconds, e.g. `2025-01-31T12:00:00.000Z`. */
const time = z.iso.datetime({ offset: true });
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

export const manifestVersionSchema = z.object({
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

export const manifestGenerationSchema = z.object({
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
  versions: z.array(manifestVersionSchema).max(1000),
});

export const manifestStoryItemSchema = z.object({
  generationId: uuid,
  versionId: uuid.nullable(),
  startMs: z.number().int().min(0),
  track: z.number().int().min(0).max(1000),
  trimStartMs: z.number().int().min(0),
  trimEndMs: z.number().int().min(0),
  volume: z.number().min(0).max(4),
});

export const manifestStorySchema = z.object({
  id: uuid,
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable(),
  createdAt: time,
  updatedAt: time,
  /** Only the items that place generations contained in this archive. */
  items: z.array(manifestStoryItemSchema),
});

export const manifestSchema = z
  .object({
    format: z.literal(FORMAT_NAME),
    formatVersion: z.literal(FORMAT_VERSION),
    exportedAt: time,
    exportedBy: z.object({ name: z.string().min(1).max(100), version: z.string().min(1).max(50) }),
    profiles: z.array(manifestProfileSchema),
    generations: z.array(manifestGenerationSchema),
    stories: z.array(manifestStorySchema).default([]),
    presets: z.array(manifestPresetSchema).max(10_000).default([]),
  })
  .superRefine((m, ctx) => {
    const profileIds = new Set(m.profiles.map((p) => p.id));
    const generationIds = new Set<string>();
    const versionIds = new Set<string>();
    const audio = new Set<string>();
    m.generations.forEach((g, gi) => {
      const at = (...rest: (string | number)[]) => ['generations', gi, ...rest];
      if (generationIds.has(g.id)) ctx.addIssue({ code: 'custom', path: at('id'), message: 'This generation id appears twice.' });
      generationIds.add(g.id);
      if (!profileIds.has(g.profileId)) {
        ctx.addIssue({ code: 'custom', path: at('profileId'), message: 'No profile with this id is listed in "profiles".' });
      }
      const own = new Set(g.versions.map((v) => v.id));
      if (g.versions.length > 0 && g.versions.filter((v) => v.isDefault).length !== 1) {
        ctx.addIssue({ code: 'custom', path: at('versions'), message: 'Exactly one version must have "isDefault": true.' });
      }
      g.versions.forEach((v, vi) => {
        if (versionIds.has(v.id))
          ctx.addIssue({ code: 'custom', path: at('versions', vi, 'id'), message: 'This version id appears twice.' });
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
        if (!generationIds.has(item.generationId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['stories', si, 'items', ii, 'generationId'],
            message: 'No generation with this id is in the archive.',
          });
        }
        if (item.versionId !== null && !versionIds.has(item.versionId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['stories', si, 'items', ii, 'versionId'],
            message: 'No version with this id is in the archive.',
          });
        }
      }),
    );
  });

export type Manifest = z.output<typeof manifestSchema>;
export type ManifestInput = z.input<typeof manifestSchema>;
export type ManifestProfile = z.output<typeof manifestProfileSchema>;
export type ManifestGeneration = z.output<typeof manifestGenerationSchema>;
export type ManifestVersion = z.output<typeof manifestVersionSchema>;
export type ManifestStory = z.output<typeof manifestStorySchema>;
export type ManifestPreset = z.output<typeof manifestPresetSchema>;

/** Parses and validates manifest JSON; the error names the first bad field and what it expects. */
export function parseManifest(json: string, entryName = MANIFEST_NAME): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new ArchiveError(
      'manifest-invalid',
      `${entryName} is not valid JSON (${errorMessage(e)}). The archive is damaged; export it again.`,
    );
  }
  if (typeof value === 'object' && value !== null && 'formatVersion' in value) {
    const v = (value as { formatVersion: unknown }).formatVersion;
    if (typeof v === 'number' && v > FORMAT_VERSION) {
      throw new ArchiveError(
        'manifest-too-new',
        `This archive uses Voice History format version ${v}; this extension reads up to version ${FORMAT_VERSION}. Update the Voice History extension and import it again.`,
      );
    }
  }
  const result = manifestSchema.safeParse(value);
  if (!result.success) {
    const problem = describeFirstIssue(result.error.issues, { whole: WHOLE_MANIFEST, countMore: true });
    throw new ArchiveError('manifest-invalid', `${entryName} is not a valid Voice History manifest: ${problem}. Nothing was imported.`);
  }
  return result.data;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

export function fromIso(iso: string): number {
  return Date.parse(iso);
}
