/**
 * What the story editor webview may ask: its story (with clip lengths, labels, problems), one
 * timeline operation at a time through the history service (durable before it answers, undoable),
 * undo/redo, each clip's peaks and audio, and a change stream. Every procedure works on the story
 * the editor tab was opened for (from the context, never from the page), and on items of it only.
 * No `vscode` import: the host puts `StoryEditorActions` into the context.
 */
import { z } from 'zod';
import { PEAK_BUCKET_COUNTS } from '../audio/peaks';
import { idSchema, type HistoryService, type StoryWithItems } from '../history';
import { storyOpSchema } from '../history/story-ops';
import { describeAudio, resolveAudio } from '../rpc/audio';
import { procedure, rpcError, type RpcContext } from '../rpc/context';
import { eventStream } from '../rpc/event-stream';
import { readPeaks } from '../rpc/router';
import { buildEditorStory, type EditorClip } from './story-view';

/** The host's side, one per editor tab. */
export interface StoryEditorActions {
  /** The story this tab shows. */
  readonly storyId: string;
  /** The page drew every clip (for the host's tests and the benchmark). */
  reportDrawn(report: DrawnReport): void;
  /** The page tells the host the story's name (the tab's title follows it). */
  setTitle(name: string): void;
}

export interface DrawnReport {
  clips: number;
  /** ms from the page's start to every clip drawn. */
  sinceStartMs: number;
  /** Epoch ms (the workbench's clock) when the last clip was drawn. */
  drawnAt: number;
}

export interface StoryEditorRpcContext extends RpcContext {
  storyEditor: StoryEditorActions;
}

/** A story change as the editor needs it: refresh, or the story is gone. */
export type StoryChange = { kind: 'changed' } | { kind: 'deleted' };

const withEditor = procedure.use(({ ctx, next }) => {
  const editor = (ctx as Partial<StoryEditorRpcContext>).storyEditor;
  if (!editor) throw rpcError('NOT_IMPLEMENTED', 'NOT_A_STORY_EDITOR', 'Only the Voice History story editor can do this.');
  return next({ ctx: { storyEditor: editor } });
});

async function storyOf(history: HistoryService, storyId: string): Promise<StoryWithItems> {
  const story = await history.getStory(storyId);
  if (!story) throw rpcError('NOT_FOUND', 'STORY_NOT_FOUND', 'This story no longer exists; it may have been deleted. Close this editor.');
  return story;
}

async function clipOf(history: HistoryService, storyId: string, itemId: string): Promise<EditorClip> {
  const story = await storyOf(history, storyId);
  const item = story.items.find((i) => i.id === itemId);
  if (!item) throw rpcError('NOT_FOUND', 'ITEM_NOT_FOUND', 'This clip is no longer in the story; the editor will refresh.');
  const view = await buildEditorStory(history, { ...story, items: [item] });
  return view.clips[0]!;
}

const itemRef = z.object({ itemId: idSchema }).strict();

export const storyEditorProcedures = {
  get: withEditor.query(async ({ ctx }) => buildEditorStory(ctx.history, await storyOf(ctx.history, ctx.storyEditor.storyId))),

  /** One operation (see src/history/story-ops.ts); answers with the story after it, stored. */
  edit: withEditor.input(z.object({ op: storyOpSchema }).strict()).mutation(async ({ ctx, input }) => {
    const result = await ctx.history.editStory(ctx.storyEditor.storyId, input.op);
    return { story: await buildEditorStory(ctx.history, result.story), itemIds: result.itemIds };
  }),

  /** Undoes this window's last operation on the story; `story` null when there was nothing to undo. */
  undo: withEditor.mutation(async ({ ctx }) => {
    const result = await ctx.history.undoStory(ctx.storyEditor.storyId);
    return { story: result ? await buildEditorStory(ctx.history, result.story) : null };
  }),

  redo: withEditor.mutation(async ({ ctx }) => {
    const result = await ctx.history.redoStory(ctx.storyEditor.storyId);
    return { story: result ? await buildEditorStory(ctx.history, result.story) : null };
  }),

  /** The clip's waveform at `buckets` slices across its whole (untrimmed) audio; null with a reason when it cannot be drawn. */
  peaks: withEditor
    .input(
      itemRef.extend({
        buckets: z
          .number()
          .int()
          .refine((n) => (PEAK_BUCKET_COUNTS as readonly number[]).includes(n), `Ask for one of ${PEAK_BUCKET_COUNTS.join(', ')} slices.`),
      }),
    )
    .query(async ({ ctx, input, signal }) => {
      const clip = await clipOf(ctx.history, ctx.storyEditor.storyId, input.itemId);
      if (clip.problem) return { itemId: clip.itemId, versionId: clip.versionId, peaks: null, reason: clip.problem };
      const r = await readPeaks(ctx, { generationId: clip.generationId, versionId: clip.versionId, buckets: input.buckets }, signal);
      return { itemId: clip.itemId, versionId: r.versionId, peaks: r.peaks, reason: r.reason };
    }),

  /** Where the page fetches the clip's audio from (a webview URI) to decode it for play-through. */
  audio: withEditor.input(itemRef).query(async ({ ctx, input }) => {
    const clip = await clipOf(ctx.history, ctx.storyEditor.storyId, input.itemId);
    if (clip.problem) throw rpcError('NOT_FOUND', 'NO_AUDIO', clip.problem);
    const audio = await resolveAudio(ctx.history, clip.generationId, clip.versionId);
    const format = await describeAudio(audio);
    return { itemId: clip.itemId, versionId: audio.version?.id ?? null, uri: ctx.toWebviewUri(audio.servedPath), format };
  }),

  /** Something the story shows changed (here, in another window, a generation or version it uses); or it was deleted. */
  onChanged: withEditor.subscription(({ ctx, signal }): AsyncGenerator<StoryChange, void, unknown> => {
    const storyId = ctx.storyEditor.storyId;
    return eventStream<StoryChange>(
      (listener) =>
        ctx.history.onDidChange((e) => {
          if (e.kind === 'reload') listener({ kind: 'changed' });
          else if (e.entity === 'story' && e.ids.includes(storyId)) listener({ kind: e.op === 'deleted' ? 'deleted' : 'changed' });
          else if (e.entity === 'generation' || e.entity === 'version') listener({ kind: 'changed' });
        }),
      signal,
      // The page only re-reads the story: one waiting change is as good as many.
      (waiting, change) => (waiting.some((w) => w.kind === 'deleted') ? waiting : [change]),
    );
  }),

  reportDrawn: withEditor
    .input(z.object({ clips: z.number().int().min(0), sinceStartMs: z.number().min(0), drawnAt: z.number().min(0) }).strict())
    .mutation(({ ctx, input }) => {
      ctx.storyEditor.reportDrawn(input);
      return null;
    }),

  setTitle: withEditor.input(z.object({ name: z.string().max(500) }).strict()).mutation(({ ctx, input }) => {
    ctx.storyEditor.setTitle(input.name);
    return null;
  }),
};
