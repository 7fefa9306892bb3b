/**
 * The story editor webview's router: its story, timeline edits through the history service, undo
 * and redo, clip peaks and audio, changes. Nothing else of the history (no delete, no import).
 * The webview imports only the *type* `StoryEditorRouter`.
 */
import { t } from '../rpc/context';
import { storyEditorProcedures } from './procedures';

export const storyEditorRouter = t.router({ story: t.router(storyEditorProcedures) });

export type StoryEditorRouter = typeof storyEditorRouter;
