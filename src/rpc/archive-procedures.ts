/**
 * `archive.*`: export, import, purge and reconcile for webviews (the player's Export buttons).
 * They run the extension's own commands on the host through the `archive` port the view host puts
 * into the RPC context, so the user always sees the same save/open dialogs, progress and
 * confirmations as from the palette. A webview never names a file path and never skips a
 * confirmation: only ids, a layout and a purge rule cross the boundary. No `vscode` import.
 */
import { z } from 'zod';
import { previewPurge, purgeRuleSchema } from '../archive/purge';
import { idSchema, idsSchema } from '../history';
import { procedure, rpcError, t, type RpcContext } from './context';

export const ARCHIVE_COMMANDS = [
  'exportGeneration',
  'exportAudio',
  'exportSelected',
  'exportFiltered',
  'import',
  'importAudioFiles',
  'purge',
  'reconcile',
] as const;
export type ArchiveCommand = (typeof ARCHIVE_COMMANDS)[number];

/** The host's side: runs `voiceHistory.<command>` with these arguments and returns what it returned. */
export interface ArchiveActions {
  run(command: ArchiveCommand, args: readonly unknown[]): Promise<unknown>;
}

export interface ArchiveRpcContext extends RpcContext {
  archive: ArchiveActions;
}

/** Most ids one "export selected" call takes (validating them is synchronous work on the host). */
export const MAX_EXPORT_IDS = 10_000;

const exportResultSchema = z.object({ path: z.string(), generations: z.number(), bytes: z.number() }).loose();
const audioResultSchema = z.object({ path: z.string(), bytes: z.number() }).loose();
const importSummarySchema = z
  .object({
    imported: z.number(),
    skipped: z.number(),
    rejected: z.array(z.object({ name: z.string(), reason: z.string() }).loose()),
    cancelled: z.boolean(),
  })
  .loose();
const purgeOutcomeSchema = z.object({ result: z.object({ deleted: z.number(), bytes: z.number() }) }).loose();
const reconcileOutcomeSchema = z
  .object({ result: z.object({ deletedGenerations: z.number(), removedVersions: z.number(), removedFiles: z.number() }) })
  .loose();

/** What an export tells the view: whether a file was written (false: cancelled, or failed and the user was told why). */
export interface ExportOutcome {
  exported: boolean;
  /** The written file's name (not its folder). */
  fileName: string | null;
  generations: number;
  bytes: number;
}

function fileNameOf(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function exportOutcome(value: unknown): ExportOutcome {
  const r = exportResultSchema.safeParse(value);
  return r.success
    ? { exported: true, fileName: fileNameOf(r.data.path), generations: r.data.generations, bytes: r.data.bytes }
    : { exported: false, fileName: null, generations: 0, bytes: 0 };
}

function importOutcome(value: unknown) {
  const r = importSummarySchema.safeParse(value);
  if (!r.success)
    return { done: false, imported: 0, skipped: 0, rejected: [] as Array<{ name: string; reason: string }>, cancelled: false };
  return {
    done: true,
    imported: r.data.imported,
    skipped: r.data.skipped,
    rejected: r.data.rejected.map((x) => ({ name: x.name, reason: x.reason })),
    cancelled: r.data.cancelled,
  };
}

const withArchive = procedure.use(({ ctx, next }) => {
  const archive = (ctx as Partial<ArchiveRpcContext>).archive;
  if (!archive)
    throw rpcError(
      'NOT_IMPLEMENTED',
      'NO_ARCHIVE_ACTIONS',
      'This view cannot export or import; use the Voice History commands in the Command Palette.',
    );
  return next({ ctx: { archive } });
});

async function existing(ctx: RpcContext, id: string): Promise<void> {
  if (!(await ctx.history.get(id))) {
    throw rpcError('NOT_FOUND', 'GENERATION_NOT_FOUND', 'This generation no longer exists; it may have been deleted. Refresh the list.');
  }
}

/** Each webview's router mounts the ones it needs (the player: export and reconcile). */
export const archiveProcedures = {
  /** One generation to a `.voicehistory.zip` (or Voicebox's `.voicebox.zip`); asks for the layout when not given, then where to save. */
  exportGeneration: withArchive
    .input(z.object({ id: idSchema, layout: z.enum(['voicehistory', 'voicebox']).optional() }).strict())
    .mutation(async ({ ctx, input }) => {
      await existing(ctx, input.id);
      return exportOutcome(await ctx.archive.run('exportGeneration', input.layout ? [input.id, { layout: input.layout }] : [input.id]));
    }),

  /** The default version's audio file, in its own format. */
  exportAudio: withArchive.input(z.object({ id: idSchema }).strict()).mutation(async ({ ctx, input }) => {
    await existing(ctx, input.id);
    const r = audioResultSchema.safeParse(await ctx.archive.run('exportAudio', [input.id]));
    return r.success
      ? { exported: true, fileName: fileNameOf(r.data.path), generations: 1, bytes: r.data.bytes }
      : { exported: false, fileName: null, generations: 0, bytes: 0 };
  }),

  /** Several generations into one archive. */
  exportSelected: withArchive
    .input(
      z
        .object({
          ids: idsSchema.max(MAX_EXPORT_IDS, `Export at most ${MAX_EXPORT_IDS} generations per call; use Export Filtered for more.`),
        })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => exportOutcome(await ctx.archive.run('exportSelected', [[...new Set(input.ids)]]))),

  /** Everything the History view's filter shows, into one archive. */
  exportFiltered: withArchive.mutation(async ({ ctx }) => exportOutcome(await ctx.archive.run('exportFiltered', []))),

  /** Opens the import dialog (archives and audio files). */
  import: withArchive.mutation(async ({ ctx }) => importOutcome(await ctx.archive.run('import', []))),

  importAudioFiles: withArchive.mutation(async ({ ctx }) => importOutcome(await ctx.archive.run('importAudioFiles', []))),

  /** How many generations (and MB) a purge rule would delete. Deletes nothing. */
  previewPurge: procedure.input(z.object({ rule: purgeRuleSchema }).strict()).query(async ({ ctx, input, signal }) => {
    const p = await previewPurge(ctx.history, input.rule, { signal });
    return { count: p.count, bytes: p.bytes, favorites: p.favorites };
  }),

  /** The Purge… flow; with a rule the pick is skipped, the preview and confirmation never are. */
  purge: withArchive.input(z.object({ rule: purgeRuleSchema.optional() }).strict().optional()).mutation(async ({ ctx, input }) => {
    const r = purgeOutcomeSchema.safeParse(await ctx.archive.run('purge', input?.rule ? [input.rule] : []));
    return r.success ? { done: true, deleted: r.data.result.deleted, bytes: r.data.result.bytes } : { done: false, deleted: 0, bytes: 0 };
  }),

  /** Reconcile Storage, with its confirmation. */
  reconcile: withArchive.mutation(async ({ ctx }) => {
    const r = reconcileOutcomeSchema.safeParse(await ctx.archive.run('reconcile', []));
    return r.success ? { done: true, ...r.data.result } : { done: false, deletedGenerations: 0, removedVersions: 0, removedFiles: 0 };
  }),
};

export const archiveRouter = t.router(archiveProcedures);

export type ArchiveRouter = typeof archiveRouter;
