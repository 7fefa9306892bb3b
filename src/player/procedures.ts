/**
 * Procedures only the player webview has (mounted under `player.*` in ./router.ts beside the
 * navigation ones): how it learns what to open, the takes of the same text, and actions that must
 * run on the host (clipboard, a modal delete confirmation, revealing in the tree). Host-side work
 * goes through the `PlayerActions` port the player host puts into the RPC context; no `vscode`
 * import here.
 */
import { z } from 'zod';
import { describeVoice } from '../format/voice-names';
import { originOf, sourceLabel } from '../generation/origin';
import { idSchema, MAX_NOTES_LENGTH, MAX_SEARCH_LENGTH, type Generation, type HistoryService } from '../history';
import { procedure, rpcError, type RpcContext } from '../rpc/context';
import { eventStream } from '../rpc/event-stream';

/** Asks the player to show a generation (from the tree's Play, a command, search…). */
export interface OpenRequest {
  generationId: string;
  /** Start playing at once (the user asked to play, not only to look). */
  autoplay: boolean;
  /** Increases with every request, so a view can tell a repeated request from an old one. */
  seq: number;
  /** Open the effects panel too (Apply Effects… → Build a Chain in the Player). */
  effects?: boolean;
}

/** What a player view shows now (null: nothing). */
export interface ShownItem {
  generationId: string;
  /** The version whose audio is loaded; null when none could be loaded. */
  versionId: string | null;
}

/** The player host's side, one per webview. */
export interface PlayerActions {
  /** The open request waiting for this view (e.g. it was hidden when the user pressed Play); taking it clears it. */
  takeOpenRequest(): OpenRequest | null;
  /** Open requests addressed to this view while it is alive. */
  onOpenRequest(listener: (request: OpenRequest) => void): { dispose(): void };
  copyText(text: string): Promise<void>;
  /** Asks the user (a modal dialog) whether to delete; true when confirmed. */
  confirmDelete(generation: Generation): Promise<boolean>;
  /** Selects the generation in the History tree; false when the tree cannot show it (e.g. filtered out). */
  revealInTree(generationId: string): Promise<boolean>;
  /** The view reports what it shows, so the host (and its tests) know without asking the page. */
  reportShown(item: ShownItem | null): void;
  /** Opens the document the generation's text was spoken from, with that range selected. */
  goToSource(generationId: string): Promise<void>;
}

export interface PlayerRpcContext extends RpcContext {
  playerActions: PlayerActions;
}

/** Most takes listed beside a generation. */
export const MAX_TAKES = 100;
/** Generations scanned per takes lookup (the search narrows by text first). */
const MAX_TAKES_SCANNED = 5000;

const generationRef = z.object({ id: idSchema }).strict();

const withActions = procedure.use(({ ctx, next }) => {
  const actions = (ctx as Partial<PlayerRpcContext>).playerActions;
  if (!actions) throw rpcError('NOT_IMPLEMENTED', 'NOT_A_PLAYER', 'Only the Voice History player can do this.');
  return next({ ctx: { playerActions: actions } });
});

async function existing(history: HistoryService, id: string): Promise<Generation> {
  const generation = await history.get(id);
  if (!generation)
    throw rpcError('NOT_FOUND', 'GENERATION_NOT_FOUND', 'This generation no longer exists; it may have been deleted. Refresh the list.');
  return generation;
}

/** Generations whose text is exactly `text`, oldest first (the order they were made in). */
export async function takesOfText(history: HistoryService, text: string, signal?: AbortSignal): Promise<Generation[]> {
  const found: Generation[] = [];
  // The search narrows by a literal substring; equality is checked here.
  const search = text.slice(0, MAX_SEARCH_LENGTH);
  let startAfterId: string | null = null;
  for (let scanned = 0; scanned < MAX_TAKES_SCANNED && found.length < MAX_TAKES;) {
    if (signal?.aborted) break;
    const page = await history.list({ search, sort: 'oldest', pageSize: 500, ...(startAfterId ? { startAfterId } : {}) });
    for (const g of page.items) if (g.text === text && found.length < MAX_TAKES) found.push(g);
    scanned += page.items.length;
    if (!page.hasMore || !page.lastId) break;
    startAfterId = page.lastId;
  }
  return found;
}

export const playerProcedures = {
  /** Called once when the view starts: the request that made it open, if one is waiting. */
  boot: withActions.query(({ ctx }) => ({ openRequest: ctx.playerActions.takeOpenRequest() })),

  /** Open requests for this view while it is visible. */
  onOpenRequest: withActions.subscription(({ ctx, signal }): AsyncGenerator<OpenRequest, void, unknown> =>
    // Only the newest request matters to a player; never let a stalled view pile them up.
    eventStream<OpenRequest>(
      (listener) => ctx.playerActions.onOpenRequest(listener),
      signal,
      (_waiting, request) => [request],
    ),
  ),

  /** The generation's voice in the user's words ("slt — US English, female"), for the details. */
  voice: withActions.input(generationRef).query(async ({ ctx, input }) => {
    const generation = await existing(ctx.history, input.id);
    const profile = await ctx.history.getProfile(generation.profileId);
    return describeVoice(generation.profileName, profile?.engine ?? generation.engine, profile?.voiceId);
  }),

  /** Every generation with exactly the same text (including this one), oldest first. */
  takes: withActions.input(generationRef).query(async ({ ctx, input, signal }) => {
    const generation = await existing(ctx.history, input.id);
    return takesOfText(ctx.history, generation.text, signal);
  }),

  /** Copies the generation's text (read on the host, not taken from the view) to the clipboard. */
  copyText: withActions.input(generationRef).mutation(async ({ ctx, input }) => {
    const generation = await existing(ctx.history, input.id);
    await ctx.playerActions.copyText(generation.text);
    return { copied: generation.text.length };
  }),

  /** Sets the generation's notes (Markdown, as typed; blank clears them) from the details' text box. */
  setNotes: withActions
    .input(
      z
        .object({
          id: idSchema,
          notes: z
            .string()
            .max(MAX_NOTES_LENGTH, `Notes are at most ${MAX_NOTES_LENGTH.toLocaleString('en-US')} characters.`)
            .nullable(),
        })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => {
      await existing(ctx.history, input.id);
      return ctx.history.setNotes(input.id, input.notes);
    }),

  /** Deletes the generation after the user confirmed in a modal dialog. */
  delete: withActions.input(generationRef).mutation(async ({ ctx, input }) => {
    const generation = await existing(ctx.history, input.id);
    if (!(await ctx.playerActions.confirmDelete(generation))) return { deleted: false };
    return { deleted: (await ctx.history.delete(generation.id)) > 0 };
  }),

  /** The view tells the host what it shows (after loading, or null when it shows nothing). */
  reportShown: withActions
    .input(z.object({ id: idSchema, versionId: idSchema.nullable() }).strict().nullable())
    .mutation(({ ctx, input }) => {
      ctx.playerActions.reportShown(input ? { generationId: input.id, versionId: input.versionId } : null);
      return null;
    }),

  revealInTree: withActions.input(generationRef).mutation(async ({ ctx, input }) => {
    await existing(ctx.history, input.id);
    return { revealed: await ctx.playerActions.revealInTree(input.id) };
  }),

  /** Where the text was spoken from ("notes.md:3-4"), or null when it was not spoken from a document. */
  source: withActions.input(generationRef).query(async ({ ctx, input }) => {
    const document = originOf(await existing(ctx.history, input.id))?.document;
    return document ? { label: sourceLabel(document) } : null;
  }),

  goToSource: withActions.input(generationRef).mutation(async ({ ctx, input }) => {
    if (!originOf(await existing(ctx.history, input.id))?.document) {
      throw rpcError('NOT_FOUND', 'NO_SOURCE', 'This generation was not spoken from a document, so there is no source to go to.');
    }
    await ctx.playerActions.goToSource(input.id);
    return null;
  }),
};
