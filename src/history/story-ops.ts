// The edits a story's timeline takes (Voicebox's story operations plus tracks and fades), as one
// zod-checked union: the service, the RPC router and the undo log all speak it.
import { z } from 'zod';
import { idSchema } from './schemas';

/** Gap Voicebox leaves between clips it places itself (add without a start, reorder). */
export const STORY_GAP_MS = 200;

const ms = z
  .number()
  .int()
  .min(0)
  .max(100 * 3600 * 1000);
const track = z.number().int().min(0).max(1000);
const volume = z.number().min(0).max(2);

const addEntry = z
  .object({
    generationId: idSchema,
    versionId: idSchema.nullish(),
    track: track.default(0),
    /** Omitted: 200 ms after the end of the last clip on its track (0 on an empty track). */
    startMs: ms.optional(),
    volume: volume.default(1),
  })
  .strict();

export const storyOpSchema = z.discriminatedUnion('type', [
  /** Adds generations in the given order (each after the previous one on its track when no start is given). */
  z.object({ type: z.literal('add'), items: z.array(addEntry).min(1).max(1000) }).strict(),
  z.object({ type: z.literal('remove'), itemIds: z.array(idSchema).min(1).max(1000) }).strict(),
  z.object({ type: z.literal('move'), itemId: idSchema, startMs: ms, track: track.optional() }).strict(),
  /**
   * Trims are what is cut off the clip's start and end; refused when nothing would remain. With
   * `startMs` the clip also moves there in the same step (an editor's start handle keeps the sound
   * in place: one undo step, not two).
   */
  z.object({ type: z.literal('trim'), itemId: idSchema, trimStartMs: ms, trimEndMs: ms, startMs: ms.optional() }).strict(),
  z.object({ type: z.literal('volume'), itemId: idSchema, volume }).strict(),
  /** Splits the clip at a story time strictly inside it: two clips, both keep the pin and volume. */
  z.object({ type: z.literal('split'), itemId: idSchema, atMs: ms }).strict(),
  /** A copy 200 ms after the last clip on the same track. */
  z.object({ type: z.literal('duplicate'), itemId: idSchema }).strict(),
  z
    .object({
      type: z.literal('setTimes'),
      times: z
        .array(z.object({ itemId: idSchema, startMs: ms }).strict())
        .min(1)
        .max(10000),
    })
    .strict(),
  /** Every item of the story once, in the new order: laid out one after another with 200 ms gaps from 0. */
  z.object({ type: z.literal('reorder'), itemIds: z.array(idSchema).min(1).max(10000) }).strict(),
  /** Pins a version of the item's generation (null: follow the generation's default). */
  z.object({ type: z.literal('pin'), itemId: idSchema, versionId: idSchema.nullable() }).strict(),
  z
    .object({
      type: z.literal('track'),
      track,
      name: z.string().trim().max(200).nullable().optional(),
      mute: z.boolean().optional(),
      solo: z.boolean().optional(),
      gain: volume.optional(),
    })
    .strict(),
  z.object({ type: z.literal('fades'), itemId: idSchema, fadeInMs: ms, fadeOutMs: ms }).strict(),
]);

export type StoryOp = z.output<typeof storyOpSchema>;
export type StoryOpInput = z.input<typeof storyOpSchema>;
