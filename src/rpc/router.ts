/**
 * The procedures webviews may be served: every one validates its input with zod (the history's
 * own schemas where they exist) and delegates to the history service or the player context.
 * Each webview gets its own router of the procedures it uses (the player's: src/player/router.ts);
 * `appRouter` mounts them all. Webviews import only a router's *type*.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PEAK_BUCKET_COUNTS } from '../audio/peaks';
import { PeaksCache } from '../audio/peaks-cache';
import { idSchema, idsSchema, listQuerySchema, type ChangeEvent, type Generation, type HistoryService } from '../history';
import { archiveRouter } from './archive-procedures';
import { describeAudio, resolveAudio } from './audio';
import { procedure, rpcError, t } from './context';
import { eventStream } from './event-stream';

/**
 * Largest file `history.audio` returns inline as bytes; bigger files are played through their
 * URI. Reading and posting bytes is synchronous work on the host (measured in Node: ~118 ms of
 * blocked event loop for a 19 MB, 10-minute WAV), so the cap keeps one call near the ~50 ms budget.
 */
export const MAX_INLINE_AUDIO_BYTES = 8 * 1024 * 1024;
/** Ids per delete call: validating them is synchronous work, so keep one call short. */
export const MAX_DELETE_IDS = 10_000;
/** Change events buffered for one slow subscriber before they collapse into one "reload". */
const MAX_PENDING_CHANGES = 1000;

const generationRef = z.object({ id: idSchema }).strict();
const versionRef = z.object({ versionId: idSchema }).strict();

export const audioInputSchema = z
  .object({
    id: idSchema,
    /** A specific version; the generation's default version when absent. */
    versionId: idSchema.nullish(),
    /** 'uri' (default): a webview URI to play from. 'bytes': the file's bytes as well. */
    as: z.enum(['uri', 'bytes']).default('uri'),
  })
  .strict();

export const peaksInputSchema = z
  .object({
    id: idSchema,
    versionId: idSchema.nullish(),
    /** Slices across the whole audio (about the waveform's width in pixels). */
    buckets: z
      .number()
      .int()
      .refine(
        (n) => (PEAK_BUCKET_COUNTS as readonly number[]).includes(n),
        `The waveform comes in ${PEAK_BUCKET_COUNTS.join(', ')} slices; ask for one of those.`,
      )
      .default(1000),
  })
  .strict();

const neighbourInputSchema = z
  .object({
    /** Continue from the other end of the list instead of stopping. */
    wrap: z.boolean().default(false),
  })
  .strict()
  .optional();

const peaksCaches = new WeakMap<HistoryService, PeaksCache>();

/** One peaks cache per history (beside its audio folder), forgetting what the history deletes. */
function peaksCacheFor(ctx: { history: HistoryService; log: { warn(message: string): void } }): PeaksCache {
  let cache = peaksCaches.get(ctx.history);
  if (!cache) {
    const created = new PeaksCache({ dir: join(ctx.history.storageDir, 'peaks'), log: ctx.log });
    cache = created;
    peaksCaches.set(ctx.history, created);
    ctx.history.onDidChange((event) => {
      if (event.kind !== 'entity' || event.op !== 'deleted') return;
      if (event.entity === 'generation') void created.forgetGenerations(event.ids);
      else if (event.entity === 'version') void created.forgetVersions(event.ids);
    });
  }
  return cache;
}

/** Waveform peaks of a generation's version (its default when none is given), from the cache beside the history. */
export async function readPeaks(
  ctx: { history: HistoryService; log: { warn(message: string): void } },
  key: { generationId: string; versionId?: string | null; buckets: number },
  signal?: AbortSignal,
) {
  const audio = await resolveAudio(ctx.history, key.generationId, key.versionId);
  const versionId = audio.version?.id ?? audio.generation.id;
  const result = await peaksCacheFor(ctx).get(
    { generationId: audio.generation.id, versionId, buckets: key.buckets },
    audio.absPath,
    signal,
  );
  return { generationId: audio.generation.id, versionId, ...result };
}

async function neighbour(
  ctx: {
    history: HistoryService;
    player: {
      currentList(): readonly string[] | Promise<readonly string[]>;
      currentId(): string | undefined;
      open(id: string): void | Promise<void>;
    };
  },
  step: 1 | -1,
  wrap: boolean,
): Promise<Generation | null> {
  const list = await ctx.player.currentList();
  if (list.length === 0) return null;
  const current = ctx.player.currentId();
  const at = current === undefined ? -1 : list.indexOf(current);
  // Skip ids that vanished from the history since the list was built.
  for (let tries = 1; tries <= list.length; tries++) {
    let index: number;
    if (at === -1) index = step === 1 ? tries - 1 : list.length - tries;
    else {
      index = at + step * tries;
      if (index < 0 || index >= list.length) {
        if (!wrap) return null;
        index = (index + list.length) % list.length;
      }
    }
    const generation = await ctx.history.get(list[index]);
    if (generation) {
      await ctx.player.open(generation.id);
      return generation;
    }
  }
  return null;
}

/** The history's procedures; each webview's router mounts the ones it needs. */
export const historyProcedures = {
  /** Filters, search, sort, and offset or cursor paging, as the history service defines them. */
  list: procedure.input(listQuerySchema.optional()).query(({ ctx, input }) => ctx.history.list(input ?? {})),

  get: procedure.input(generationRef).query(async ({ ctx, input }) => {
    const generation = await ctx.history.get(input.id);
    if (!generation)
      throw rpcError('NOT_FOUND', 'GENERATION_NOT_FOUND', 'This generation no longer exists; it may have been deleted. Refresh the list.');
    return generation;
  }),

  stats: procedure.query(({ ctx }) => ctx.history.stats()),

  /** One id or many; returns how many were deleted. */
  delete: procedure
    .input(
      z
        .object({ ids: z.union([idSchema, idsSchema.max(MAX_DELETE_IDS, `Delete at most ${MAX_DELETE_IDS} generations per call.`)]) })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => ({ deleted: await ctx.history.delete(input.ids) })),

  setFavorite: procedure
    .input(z.object({ id: idSchema, favorite: z.boolean() }).strict())
    .mutation(({ ctx, input }) => ctx.history.update(input.id, { isFavorited: input.favorite })),

  deleteFailed: procedure.mutation(async ({ ctx }) => ({ deleted: await ctx.history.deleteFailed() })),

  /**
   * Where to play a generation's audio from (a webview URI) plus its format; with
   * `as: 'bytes'` also the bytes, for files up to MAX_INLINE_AUDIO_BYTES.
   */
  audio: procedure.input(audioInputSchema).query(async ({ ctx, input, signal }) => {
    const audio = await resolveAudio(ctx.history, input.id, input.versionId);
    const format = await describeAudio(audio);
    const result = {
      generationId: audio.generation.id,
      versionId: audio.version?.id ?? null,
      uri: ctx.toWebviewUri(audio.servedPath),
      format,
    };
    if (input.as === 'uri') return { ...result, bytes: null };
    if (audio.bytes > MAX_INLINE_AUDIO_BYTES) {
      throw rpcError(
        'PAYLOAD_TOO_LARGE',
        'AUDIO_TOO_LARGE',
        `This audio is ${(audio.bytes / 1048576).toFixed(0)} MB; only files up to ${MAX_INLINE_AUDIO_BYTES / 1048576} MB are sent as bytes. Play it from its URI instead.`,
      );
    }
    const buffer = await fsp.readFile(audio.absPath, { signal });
    return { ...result, bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) };
  }),

  /** Waveform peaks of a version at `buckets` slices; null with a reason for audio we cannot draw. */
  peaks: procedure
    .input(peaksInputSchema)
    .query(({ ctx, input, signal }) =>
      readPeaks(ctx, { generationId: input.id, versionId: input.versionId, buckets: input.buckets }, signal),
    ),

  /** What changed in the history, as it happens; ends when the view stops it. */
  onChanged: procedure.subscription(({ ctx, signal }): AsyncGenerator<ChangeEvent, void, unknown> =>
    eventStream<ChangeEvent>(
      (listener) => ctx.history.onDidChange(listener),
      signal,
      (waiting, event) => {
        // A view that stopped reading must not grow the host's memory without bound.
        if (waiting.length >= MAX_PENDING_CHANGES) return [{ kind: 'reload', reason: 'external' }];
        waiting.push(event);
        return waiting;
      },
    ),
  ),
};

export const versionProcedures = {
  list: procedure.input(z.object({ generationId: idSchema }).strict()).query(async ({ ctx, input }) => {
    if (!(await ctx.history.get(input.generationId))) {
      throw rpcError('NOT_FOUND', 'GENERATION_NOT_FOUND', 'This generation no longer exists; it may have been deleted. Refresh the list.');
    }
    return ctx.history.listVersions(input.generationId);
  }),
  setDefault: procedure.input(versionRef).mutation(({ ctx, input }) => ctx.history.setDefaultVersion(input.versionId)),
  /** The last version of a generation cannot be deleted; deleting the default promotes another. */
  delete: procedure.input(versionRef).mutation(async ({ ctx, input }) => {
    await ctx.history.deleteVersion(input.versionId);
    return { deleted: 1 };
  }),
};

/** What the player shows and where it sits in the tree's list; next/previous move through that list. */
export const playerNavigation = {
  /** Shows a generation in the player. */
  open: procedure.input(generationRef).mutation(async ({ ctx, input }) => {
    const generation = await ctx.history.get(input.id);
    if (!generation)
      throw rpcError('NOT_FOUND', 'GENERATION_NOT_FOUND', 'This generation no longer exists; it may have been deleted. Refresh the list.');
    await ctx.player.open(generation.id);
    return generation;
  }),
  /** The generation in the player and where it sits in the current list. */
  current: procedure.query(async ({ ctx }) => {
    const id = ctx.player.currentId();
    const list = await ctx.player.currentList();
    const generation = id === undefined ? null : ((await ctx.history.get(id)) ?? null);
    const index = id === undefined ? -1 : list.indexOf(id);
    return {
      generation,
      /** Set when the player shows an id that has since been deleted. */
      missingId: id !== undefined && generation === null ? id : null,
      index: index === -1 ? null : index,
      count: list.length,
    };
  }),
  /** Opens the next generation of the current list; null at the end (unless `wrap`). */
  next: procedure.input(neighbourInputSchema).mutation(({ ctx, input }) => neighbour(ctx, 1, input?.wrap ?? false)),
  /** Opens the previous generation of the current list; null at the start (unless `wrap`). */
  previous: procedure.input(neighbourInputSchema).mutation(({ ctx, input }) => neighbour(ctx, -1, input?.wrap ?? false)),
};

/** Every procedure (the API the RPC tests, the bench and the probe webview are served). */
export const appRouter = t.router({
  history: t.router(historyProcedures),
  versions: t.router(versionProcedures),
  profiles: t.router({
    list: procedure.query(({ ctx }) => ctx.history.listProfiles()),
  }),
  /** Export, import, purge and reconcile through the extension's commands (see archive-procedures.ts). */
  archive: archiveRouter,
  player: t.router(playerNavigation),
});

export type AppRouter = typeof appRouter;
