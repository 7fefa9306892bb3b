// Zod schemas for every input of the history service: the single source of truth that the RPC
// router, commands and archive import validate against. Optional fields also accept null
// (the webview bridge sends null for undefined).
import { z } from 'zod';
import { GENERATION_SOURCES, GENERATION_STATUSES } from './types';

export const MAX_PAGE_SIZE = 1000;
export const MAX_TEXT_LENGTH = 200_000;
export const MAX_SEARCH_LENGTH = 500;

export const idSchema = z.uuid({ message: 'Expected an id (a UUID such as 3f0c…-…); pick the item again from the list.' });
export const generationStatusSchema = z.enum(GENERATION_STATUSES);
export const generationSourceSchema = z.enum(GENERATION_SOURCES);
export const languageSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'Expected a language code such as "en" or "pt-BR".');
const engineSchema = z.string().trim().min(1).max(64);
const modelSchema = z.string().trim().min(1).max(128);
const timeSchema = z.number().int().min(0, 'Expected a time in milliseconds since 1970 (UTC).');
/** Engine settings are stored as JSON; bounded so an import of many sidecars stays one journal frame. */
export const MAX_SETTINGS_BYTES = 64 * 1024;
const jsonObjectSchema = z.record(z.string(), z.json()).refine((v) => Buffer.byteLength(JSON.stringify(v), 'utf8') <= MAX_SETTINGS_BYTES, {
  message: `"settings" is limited to ${MAX_SETTINGS_BYTES / 1024} KB of JSON; keep only the engine settings needed to regenerate.`,
});
/**
 * A chain as stored: a JSON list of effects. What each effect may contain is the effects engine's
 * business (src/effects/chain.ts checks it before anything renders); the history keeps it as given.
 */
export const effectsChainSchema = z.array(z.json()).max(100, 'A chain has at most 100 effects.');

/** Most generation ids one list query may name (a purge of everything in a large history). */
export const MAX_LISTED_IDS = 1_000_000;

/** One value or a non-empty list of values (OR-ed). */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1).max(100)]);
}

export const MAX_TAG_LENGTH = 64;
/**
 * A tag's name: one line, no commas (a comma separates tags where several are typed at once).
 * Names that differ only in case or width are one tag (see nameKey); the first spelling stays.
 */
export const tagNameSchema = z
  .string()
  .transform((s) => s.replace(/[\p{Cc}\s]+/gu, ' ').trim())
  .pipe(
    z
      .string()
      .min(1, 'A tag name is empty.')
      .max(MAX_TAG_LENGTH, `A tag is at most ${MAX_TAG_LENGTH} characters.`)
      .refine((s) => !s.includes(','), { message: 'A tag cannot contain a comma (commas separate tags).' }),
  );

export const listQuerySchema = z
  .object({
    profileId: oneOrMany(idSchema).nullish(),
    engine: oneOrMany(engineSchema).nullish(),
    model: oneOrMany(modelSchema).nullish(),
    language: oneOrMany(languageSchema).nullish(),
    status: oneOrMany(generationStatusSchema).nullish(),
    source: oneOrMany(generationSourceSchema).nullish(),
    favoritesOnly: z.boolean().nullish(),
    /** Only generations with no engine recorded (plain audio imports). */
    withoutEngine: z.boolean().nullish(),
    /** Created at or after this time (inclusive, UTC ms). */
    after: timeSchema.nullish(),
    /** Created before this time (exclusive, UTC ms). */
    before: timeSchema.nullish(),
    /** Only these generations (e.g. what a purge would delete, shown in the tree before confirming). */
    ids: z.array(idSchema).min(1).max(MAX_LISTED_IDS, `At most ${MAX_LISTED_IDS} ids can be listed.`).nullish(),
    /** Only generations carrying one of these tags (any case: "Intro" and "intro" are one tag). */
    tag: oneOrMany(tagNameSchema).nullish(),
    /** Only generations without any tag. */
    untagged: z.boolean().nullish(),
    /** Case-insensitive literal substring of the text, instruct, title, notes, a tag or the profile name. */
    search: z.string().max(MAX_SEARCH_LENGTH, `Search text is limited to ${MAX_SEARCH_LENGTH} characters.`).nullish(),
    sort: z.enum(['newest', 'oldest']).default('newest'),
    pageSize: z
      .number()
      .int()
      .min(1)
      .max(MAX_PAGE_SIZE, `Page size is at most ${MAX_PAGE_SIZE}; request further pages with offset or startAfterId.`)
      .default(50),
    /** Offset paging: skip this many matches; the page carries `total`. */
    offset: z.number().int().min(0).nullish(),
    /** Cursor paging: the page starts after this generation (the previous page's lastId). */
    startAfterId: idSchema.nullish(),
    /** Offset paging counts every match into `total`; false skips the count (total is null), for callers that only page. */
    withTotal: z.boolean().default(true),
  })
  .strict()
  .refine((q) => !(q.withoutEngine && q.engine != null), {
    message: 'Use either "engine" or "withoutEngine", not both.',
    path: ['withoutEngine'],
  })
  .refine((q) => !(q.untagged && q.tag != null), {
    message: 'Use either "tag" or "untagged", not both.',
    path: ['untagged'],
  })
  .refine((q) => q.offset == null || q.startAfterId == null, {
    message: 'Use either offset or startAfterId, not both.',
    path: ['startAfterId'],
  })
  .refine((q) => q.after == null || q.before == null || q.after < q.before, {
    message: '"after" must be earlier than "before".',
    path: ['after'],
  });
export type ListQueryInput = z.input<typeof listQuerySchema>;
export type ListQuery = z.output<typeof listQuerySchema>;

export const createGenerationSchema = z
  .object({
    /** Keep an existing id (imports); a new one is assigned when absent. */
    id: idSchema.nullish(),
    profileId: idSchema,
    text: z.string().min(1, 'The text is empty; type something to speak.').max(MAX_TEXT_LENGTH),
    language: languageSchema.default('en'),
    seed: z.number().int().nullish(),
    instruct: z.string().max(10_000).nullish(),
    engine: engineSchema.nullish(),
    model: modelSchema.nullish(),
    settings: jsonObjectSchema.nullish(),
    status: generationStatusSchema.default('pending'),
    error: z.string().max(10_000).nullish(),
    isFavorited: z.boolean().default(false),
    source: generationSourceSchema.default('engine'),
    externalId: z.string().min(1).max(200).nullish(),
    /** Keep an original time (imports, sync); now when absent. */
    createdAt: timeSchema.nullish(),
    /** The script cue it voices (Generate Script); checked by scriptCueSchema. */
    scriptCue: z.unknown().optional(),
  })
  .strict();
export type CreateGenerationInput = z.input<typeof createGenerationSchema>;

export const updateGenerationSchema = z
  .object({
    isFavorited: z.boolean(),
    /** Only while the generation is pending. */
    text: z.string().min(1, 'The text is empty; type something to speak.').max(MAX_TEXT_LENGTH),
    status: generationStatusSchema,
    error: z.string().max(10_000).nullable(),
    seed: z.number().int().nullable(),
    engine: engineSchema.nullable(),
    model: modelSchema.nullable(),
    settings: jsonObjectSchema.nullable(),
    instruct: z.string().max(10_000).nullable(),
    /** Set once the engine answers (e.g. the ElevenLabs `history-item-id` of a generation made here). */
    externalId: z.string().min(1).max(200).nullable(),
  })
  .partial()
  .strict()
  .refine((u) => Object.keys(u).length > 0, { message: 'Nothing to update: pass at least one field.' });
export type UpdateGenerationInput = z.input<typeof updateGenerationSchema>;

/** Metadata of audio being stored; `format` is the file extension. */
export const audioMetaSchema = z
  .object({
    format: z
      .string()
      .regex(/^[a-z0-9]{1,8}$/, 'Expected an audio file extension such as "wav" or "mp3".')
      .default('wav'),
    duration: z.number().min(0).nullish(),
    sampleRate: z.number().int().positive().nullish(),
    channels: z.number().int().positive().max(64).nullish(),
  })
  .strict();
export type AudioMetaInput = z.input<typeof audioMetaSchema>;

/** Audio to store: bytes in memory or a file to copy. */
export type AudioInput = ({ data: Uint8Array } | { filePath: string }) & AudioMetaInput;

/** A version's label, as the user names it ("original", "version-2", "take-3", "warmer"). */
export const versionLabelSchema = z.string().trim().min(1, 'Give the version a label.').max(100, 'A label is at most 100 characters.');

export const addVersionSchema = z
  .object({
    /** Absent: `version-N` for a processed version, `take-N` for a take (N = its place among the versions). */
    label: versionLabelSchema.optional(),
    /** What made it: effects applied to another version, or a new take from the engine. */
    kind: z.enum(['effects', 'take']).default('effects'),
    effectsChain: effectsChainSchema.nullish(),
    sourceVersionId: idSchema.nullish(),
    isDefault: z.boolean().default(false),
    /** The seed a take was spoken with. */
    seed: z.number().int().nullish(),
    loudnessLufs: z.number().min(-200).max(50).nullish(),
  })
  .strict();
export type AddVersionInput = z.input<typeof addVersionSchema>;

export const MAX_PROFILE_NAME_LENGTH = 100;
/** A voice profile's name: the one rule for every way a name comes in (commands, imports, archives, generation). */
export const profileNameSchema = z
  .string()
  .trim()
  .min(1, 'The profile name is empty.')
  .max(MAX_PROFILE_NAME_LENGTH, `A profile name is at most ${MAX_PROFILE_NAME_LENGTH} characters.`);

export const createProfileSchema = z
  .object({
    id: idSchema.nullish(),
    name: profileNameSchema,
    description: z.string().max(2000).nullish(),
    language: languageSchema.default('en'),
    engine: engineSchema.nullish(),
    voiceId: z.string().min(1).max(200).nullish(),
  })
  .strict();
export type CreateProfileInput = z.input<typeof createProfileSchema>;

export const updateProfileSchema = z
  .object({
    name: profileNameSchema,
    description: z.string().max(2000).nullable(),
    language: languageSchema,
    /** Effects for every new generation of the voice; null removes them. */
    effectsChain: effectsChainSchema.min(1, 'A default chain needs at least one effect; pass null to remove it.').nullable(),
  })
  .partial()
  .strict()
  .refine((u) => Object.keys(u).length > 0, { message: 'Nothing to update: pass at least one field.' });
export type UpdateProfileInput = z.input<typeof updateProfileSchema>;

export const findOrCreateProfileSchema = z
  .object({
    engine: engineSchema.nullish(),
    voiceId: z.string().min(1).max(200).nullish(),
    name: profileNameSchema,
    language: languageSchema.default('en'),
    description: z.string().max(2000).nullish(),
  })
  .strict();
export type FindOrCreateProfileInput = z.input<typeof findOrCreateProfileSchema>;

export const MAX_PRESET_NAME_LENGTH = 100;
export const presetNameSchema = z
  .string()
  .trim()
  .min(1, 'The preset name is empty.')
  .max(MAX_PRESET_NAME_LENGTH, `A preset name is at most ${MAX_PRESET_NAME_LENGTH} characters.`);

export const createPresetSchema = z
  .object({
    id: idSchema.nullish(),
    name: presetNameSchema,
    description: z.string().max(2000).nullish(),
    effectsChain: effectsChainSchema.min(1, 'A preset needs at least one effect.'),
  })
  .strict();
export type CreatePresetInput = z.input<typeof createPresetSchema>;

export const updatePresetSchema = createPresetSchema
  .omit({ id: true })
  .extend({ description: z.string().max(2000).nullable() })
  .partial()
  .strict()
  .refine((u) => Object.keys(u).length > 0, { message: 'Nothing to update: pass at least one field.' });
export type UpdatePresetInput = z.input<typeof updatePresetSchema>;

export const createStorySchema = z
  .object({
    name: z.string().trim().min(1, 'The story name is empty.').max(200),
    description: z.string().max(2000).nullish(),
  })
  .strict();
export type CreateStoryInput = z.input<typeof createStorySchema>;

export const updateStorySchema = z
  .object({
    name: z.string().trim().min(1, 'The story name is empty.').max(200),
    description: z.string().max(2000).nullable(),
  })
  .partial()
  .strict()
  .refine((u) => Object.keys(u).length > 0, { message: 'Nothing to update: pass at least one field.' });
export type UpdateStoryInput = z.input<typeof updateStorySchema>;

const storyItemFields = {
  versionId: idSchema.nullish(),
  startMs: z.number().int().min(0).default(0),
  track: z.number().int().min(0).max(1000).default(0),
  trimStartMs: z.number().int().min(0).default(0),
  trimEndMs: z.number().int().min(0).default(0),
  volume: z.number().min(0).max(4).default(1),
};

export const addStoryItemSchema = z.object({ generationId: idSchema, ...storyItemFields }).strict();
export type AddStoryItemInput = z.input<typeof addStoryItemSchema>;

export const updateStoryItemSchema = z
  .object({
    versionId: idSchema.nullable(),
    startMs: z.number().int().min(0),
    track: z.number().int().min(0).max(1000),
    trimStartMs: z.number().int().min(0),
    trimEndMs: z.number().int().min(0),
    volume: z.number().min(0).max(4),
  })
  .partial()
  .strict()
  .refine((u) => Object.keys(u).length > 0, { message: 'Nothing to update: pass at least one field.' });
export type UpdateStoryItemInput = z.input<typeof updateStoryItemSchema>;

export const reconcileOptionsSchema = z
  .object({
    /** Delete audio files no row owns (default true). */
    removeOrphanFiles: z.boolean().default(true),
    /** Drop versions whose audio is missing; a generation left without audio is marked failed (default true). */
    fixMissingAudio: z.boolean().default(true),
  })
  .strict();
export type ReconcileOptionsInput = z.input<typeof reconcileOptionsSchema>;

export const idsSchema = z.array(idSchema).min(1).max(100_000);

// ---- titles, notes, tags -------------------------------------------------------------------
export const MAX_TITLE_LENGTH = 200;
export const MAX_NOTES_LENGTH = 100_000;
/** Most generations one tag edit may name (a multi-selection of the whole history). */
export const MAX_TAGGED_IDS = 100_000;

/** A title of the user's own; empty (or only spaces) clears it, so the first line shows again. */
export const titleSchema = z
  .string()
  .max(MAX_TITLE_LENGTH * 4)
  .transform((s) => s.replace(/[\p{Cc}\s]+/gu, ' ').trim())
  .pipe(z.string().max(MAX_TITLE_LENGTH, `A title is at most ${MAX_TITLE_LENGTH} characters.`))
  .transform((s) => (s === '' ? null : s))
  .nullable();

/** Markdown notes as typed; only spaces or nothing clears them. */
export const notesSchema = z
  .string()
  .max(MAX_NOTES_LENGTH, `Notes are at most ${MAX_NOTES_LENGTH.toLocaleString('en-US')} characters.`)
  .transform((s) => (s.trim() === '' ? null : s.replace(/\r\n?/g, '\n')))
  .nullable();

// ---- importBatch: a whole archive written in one transaction ------------------------------
const batchKeySchema = z.string().min(1).max(200);

export const batchVersionSchema = z
  .object({
    /** Key within the batch (e.g. the archive's version id); new ids are assigned. */
    key: batchKeySchema,
    label: z.string().trim().min(1, 'Give the version a label.').max(100),
    effectsChain: effectsChainSchema.nullish(),
    /** Key of the version (of the same generation) this one was made from. */
    sourceKey: batchKeySchema.nullish(),
    isDefault: z.boolean().default(false),
    /** Keep the original time; the generation's time when absent. */
    createdAt: timeSchema.nullish(),
    /** The audio file to store: moved when `move` and on the same filesystem, else copied. */
    filePath: z.string().min(1, 'Pass the path of the audio file.'),
    move: z.boolean().default(false),
    /** With `move`: the sha256 the caller took of this file as it wrote it; the move then does not read it again. */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'Expected a sha256 hash: 64 lower-case hex digits.')
      .optional(),
    /** The seed a take was spoken with. */
    seed: z.number().int().nullish(),
    /** Integrated loudness (LUFS) as measured; absent when not measured. */
    loudnessLufs: z.number().min(-200).max(20).nullish(),
    ...audioMetaSchema.shape,
  })
  .strict();

export type BatchVersionInput = z.input<typeof batchVersionSchema>;

export const batchGenerationSchema = createGenerationSchema
  .omit({ id: true, profileId: true })
  .extend({
    key: batchKeySchema,
    /** Key of a profile in the batch. */
    profileKey: batchKeySchema,
    /** Oldest first; exactly one ends up default (the one marked, else the first). */
    versions: z.array(batchVersionSchema).max(1000).default([]),
    title: titleSchema.optional(),
    notes: notesSchema.optional(),
    /** Merged with the tags here case-folded: a tag that exists keeps its spelling. */
    tags: z.array(tagNameSchema).max(100, 'A generation carries at most 100 tags.').default([]),
  })
  .strict();

/** A story item places a generation of the batch (`generationKey`, `versionKey`) or one already in the history (`generationId`, `versionId`). */
const batchStoryItemSchema = z
  .object({
    generationKey: batchKeySchema.optional(),
    generationId: idSchema.optional(),
    versionKey: batchKeySchema.nullish(),
    ...storyItemFields,
    fadeInMs: z.number().int().min(0).default(0),
    fadeOutMs: z.number().int().min(0).default(0),
  })
  .strict()
  .refine((i) => (i.generationKey === undefined) !== (i.generationId === undefined), {
    message: 'A story item names either a generation of the batch (generationKey) or one in the history (generationId).',
  })
  .refine((i) => i.generationKey !== undefined || i.versionKey == null, {
    message: 'A story item placing a generation in the history pins it by versionId, not versionKey.',
  });

const batchStoryTrackSchema = z
  .object({
    track: z.number().int().min(0).max(1000),
    name: z.string().trim().max(200).nullable().default(null),
    mute: z.boolean().default(false),
    solo: z.boolean().default(false),
    gain: z.number().min(0).max(2).default(1),
  })
  .strict();

export const importBatchSchema = z
  .object({
    /** Matched by name (exactly, else case- and width-insensitively), created when none matches. */
    profiles: z
      .array(
        createProfileSchema
          .omit({ id: true })
          .extend({ key: batchKeySchema, effectsChain: effectsChainSchema.min(1).nullish() })
          .strict(),
      )
      .max(100_000)
      .default([]),
    /** Matched by name (case-insensitively): an existing preset is kept, a new one created. */
    presets: z
      .array(createPresetSchema.omit({ id: true }))
      .max(10_000)
      .default([]),
    generations: z.array(batchGenerationSchema).max(100_000),
    /**
     * Created keeping `createdAt`. One equal to a story here (name ignoring case and a " (n)"
     * suffix, description, items, tracks) is that story; another name that is taken gets " (2)", " (3)"…
     */
    stories: z
      .array(
        createStorySchema
          .extend({
            createdAt: timeSchema.nullish(),
            tracks: z.array(batchStoryTrackSchema).max(1001).default([]),
            items: z.array(batchStoryItemSchema).max(100_000),
          })
          .strict(),
      )
      .max(10_000)
      .default([]),
  })
  .strict();
export type ImportBatchInput = z.input<typeof importBatchSchema>;
export type ImportBatch = z.output<typeof importBatchSchema>;

export const tagEditSchema = z
  .object({
    generationIds: z
      .array(idSchema)
      .min(1, 'Select at least one generation.')
      .max(MAX_TAGGED_IDS, `At most ${MAX_TAGGED_IDS.toLocaleString('en-US')} generations can be tagged at once.`),
    tags: z.array(tagNameSchema).min(1, 'Name at least one tag.').max(100, 'At most 100 tags at once.'),
  })
  .strict();
export type TagEditInput = z.input<typeof tagEditSchema>;
