// The `manifest.json` of a Voice History archive (format `voice-history`): the single source of
// truth for what an export writes (always the current version, 2) and what an import accepts
// (every version up to it: a reader per version, older ones upgraded to this model). See
// README.md, "Export format".
import { z } from 'zod';
import { notesSchema, tagNameSchema, titleSchema } from '../history/schemas';
import { errorMessage } from '../format/errors';
import { describeFirstIssue } from '../format/issues';
import { ArchiveError } from './errors';
import {
  checkReferences,
  FORMAT_NAME,
  manifestGenerationV1Schema,
  manifestPresetSchema,
  manifestProfileSchema,
  manifestStoryItemV1Schema,
  manifestStoryV1Schema,
  manifestV1Schema,
  manifestVersionV1Schema,
  MANIFEST_NAME,
  time,
  WHOLE_MANIFEST,
  type ManifestV1,
} from './manifest-v1';

export {
  AUDIO_FOLDER,
  AUDIO_FORMATS,
  FORMAT_NAME,
  MANIFEST_NAME,
  WHOLE_MANIFEST,
  manifestPresetSchema,
  manifestProfileSchema,
} from './manifest-v1';

export const FORMAT_VERSION = 2;
/** Bounds that keep one archive's rows one journal frame (the import batch has the same). */
export const MAX_GENERATIONS = 100_000;
export const MAX_TAGS_PER_GENERATION = 100;
export const MAX_STORIES = 10_000;
export const MAX_STORY_ITEMS = 100_000;

/** Story times: at most 100 hours, like the timeline's operations. */
const ms = z
  .number()
  .int()
  .min(0)
  .max(100 * 3600 * 1000);

export const manifestVersionSchema = manifestVersionV1Schema.extend({
  /** The seed a take was spoken with (Regenerate); null for the original and processed versions. */
  seed: z.number().int().nullable(),
  /** Integrated loudness (LUFS) as measured; null when not measured yet. */
  loudnessLufs: z.number().min(-200).max(20).nullable(),
});

export const manifestGenerationSchema = manifestGenerationV1Schema.extend({
  /** The user's own name for it; null when not set. */
  title: titleSchema,
  /** Markdown, as typed; null when none. */
  notes: notesSchema,
  /** Names as spelled; names equal when case-folded are one tag. */
  tags: z.array(tagNameSchema).max(MAX_TAGS_PER_GENERATION, `A generation carries at most ${MAX_TAGS_PER_GENERATION} tags.`),
  versions: z.array(manifestVersionSchema).max(1000),
});

export const manifestStoryTrackSchema = z.object({
  track: z.number().int().min(0).max(1000),
  name: z.string().trim().max(200).nullable(),
  mute: z.boolean(),
  solo: z.boolean(),
  /** Linear gain 0..2 of every clip on the track. */
  gain: z.number().min(0).max(2),
});

export const manifestStoryItemSchema = manifestStoryItemV1Schema.extend({
  startMs: ms,
  trimStartMs: ms,
  trimEndMs: ms,
  fadeInMs: ms,
  fadeOutMs: ms,
});

export const manifestStorySchema = manifestStoryV1Schema.extend({
  /** Tracks whose settings differ from the defaults (no name, audible, gain 1). */
  tracks: z.array(manifestStoryTrackSchema).max(1001),
  /** Every item of the story: an export carries a story only with all of its generations. */
  items: z.array(manifestStoryItemSchema).max(MAX_STORY_ITEMS),
});

export const manifestSchema = z
  .object({
    format: z.literal(FORMAT_NAME),
    formatVersion: z.literal(FORMAT_VERSION),
    exportedAt: time,
    exportedBy: z.object({ name: z.string().min(1).max(100), version: z.string().min(1).max(50) }),
    profiles: z.array(manifestProfileSchema).max(MAX_GENERATIONS),
    generations: z.array(manifestGenerationSchema).max(MAX_GENERATIONS),
    stories: z.array(manifestStorySchema).max(MAX_STORIES),
    /** Every user effect preset (an archive without any may leave the field out). */
    presets: z.array(manifestPresetSchema).max(10_000).default([]),
  })
  .superRefine((m, ctx) => {
    checkReferences(m, ctx);
    m.stories.forEach((s, si) => {
      const seen = new Set<number>();
      s.tracks.forEach((t, ti) => {
        if (seen.has(t.track))
          ctx.addIssue({ code: 'custom', path: ['stories', si, 'tracks', ti, 'track'], message: 'This track appears twice.' });
        seen.add(t.track);
      });
    });
  });

export type Manifest = z.output<typeof manifestSchema>;
export type ManifestInput = z.input<typeof manifestSchema>;
export type ManifestProfile = z.output<typeof manifestProfileSchema>;
export type ManifestGeneration = z.output<typeof manifestGenerationSchema>;
export type ManifestVersion = z.output<typeof manifestVersionSchema>;
export type ManifestStory = z.output<typeof manifestStorySchema>;
export type ManifestPreset = z.output<typeof manifestPresetSchema>;

/** A version 1 manifest in today's model: what it could not carry takes the value "none". */
function upgradeV1(m: ManifestV1): Manifest {
  return {
    ...m,
    formatVersion: FORMAT_VERSION,
    generations: m.generations.map((g) => ({
      ...g,
      title: null,
      notes: null,
      tags: [],
      versions: g.versions.map((v) => ({ ...v, seed: null, loudnessLufs: null })),
    })),
    stories: m.stories.map((s) => ({ ...s, tracks: [], items: s.items.map((i) => ({ ...i, fadeInMs: 0, fadeOutMs: 0 })) })),
  };
}

/** One reader per format version this extension knows. */
type Read = { success: true; data: Manifest } | { success: false; error: z.ZodError };
const READERS: Record<number, (value: unknown) => Read> = {
  1: (value) => {
    const r = manifestV1Schema.safeParse(value);
    return r.success ? { success: true, data: upgradeV1(r.data) } : { success: false, error: r.error };
  },
  2: (value) => manifestSchema.safeParse(value),
};

/**
 * JSON.parse that refuses `__proto__` keys: no export writes one, and copying such a key into an
 * object (zod's records do) would change that object's prototype.
 */
export function parseArchiveJson(text: string, entryName: string): unknown {
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') throw new ArchiveError('manifest-invalid', `${entryName} contains the key "__proto__"`);
      return value;
    });
  } catch (e) {
    if (e instanceof ArchiveError) {
      throw new ArchiveError(
        'manifest-invalid',
        `${e.message}, which no exporter writes. The archive was tampered with; nothing was imported.`,
      );
    }
    throw new ArchiveError(
      'manifest-invalid',
      `${entryName} is not valid JSON (${errorMessage(e)}). The archive is damaged; export it again.`,
    );
  }
}

/** Parses and validates manifest JSON of any known version; the error names the first bad field and what it expects. */
export function parseManifest(json: string, entryName = MANIFEST_NAME): Manifest {
  return readManifest(parseArchiveJson(json, entryName), entryName);
}

/** Validates a parsed manifest (see parseArchiveJson) by the reader of its format version. */
export function readManifest(value: unknown, entryName = MANIFEST_NAME): Manifest {
  const v =
    typeof value === 'object' && value !== null && 'formatVersion' in value
      ? (value as { formatVersion: unknown }).formatVersion
      : undefined;
  if (typeof v === 'number' && v > FORMAT_VERSION) {
    throw new ArchiveError(
      'manifest-too-new',
      `This archive uses Voice History format version ${v}; this extension reads up to version ${FORMAT_VERSION}. Update the Voice History extension and import it again.`,
    );
  }
  // An unknown or missing version is read as the current one, whose schema then names the field.
  const read = (typeof v === 'number' && READERS[v]) || READERS[FORMAT_VERSION]!;
  const result = read(value);
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
