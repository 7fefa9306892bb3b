/**
 * The editor's keyboard, pure: a key press (with its modifiers) to what it does. The page acts on
 * the result; the README's table and the toolbar tooltips say the same.
 */

export const NUDGE_MS = 100;
export const NUDGE_LARGE_MS = 1000;

export type EditorAction =
  | { type: 'playPause' }
  | { type: 'nudge'; deltaMs: number }
  | { type: 'moveTrack'; delta: 1 | -1 }
  | { type: 'split' }
  | { type: 'remove' }
  | { type: 'duplicate' }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'zoom'; steps: number }
  | { type: 'volume'; delta: number }
  | { type: 'playheadToStart' }
  | { type: 'playheadToEnd' }
  | { type: 'deselect' };

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** What the key does in the timeline, or null (left to the browser: Tab, typing in a field, …). */
export function actionFor(e: KeyPress): EditorAction | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod) {
    if (key === 'z') return e.shiftKey ? { type: 'redo' } : { type: 'undo' };
    if (key === 'y') return { type: 'redo' };
    if (key === 'd') return { type: 'duplicate' };
    // No Ctrl/Cmd+= or -: the webview passes every keydown on to the workbench, whose own zoom
    // keys would zoom the whole window as well. Plain + / - and Ctrl+wheel zoom the timeline.
    return null;
  }
  if (e.altKey) return null;
  switch (key) {
    case ' ':
      return { type: 'playPause' };
    case 'ArrowLeft':
      return { type: 'nudge', deltaMs: -(e.shiftKey ? NUDGE_LARGE_MS : NUDGE_MS) };
    case 'ArrowRight':
      return { type: 'nudge', deltaMs: e.shiftKey ? NUDGE_LARGE_MS : NUDGE_MS };
    case 'ArrowUp':
      return e.shiftKey ? { type: 'volume', delta: 0.1 } : { type: 'moveTrack', delta: -1 };
    case 'ArrowDown':
      return e.shiftKey ? { type: 'volume', delta: -0.1 } : { type: 'moveTrack', delta: 1 };
    case 's':
      return e.shiftKey ? null : { type: 'split' };
    case 'Delete':
    case 'Backspace':
      return { type: 'remove' };
    case '+':
    case '=':
      return { type: 'zoom', steps: 1 };
    case '-':
      return { type: 'zoom', steps: -1 };
    case 'Home':
      return { type: 'playheadToStart' };
    case 'End':
      return { type: 'playheadToEnd' };
    case 'Escape':
      return { type: 'deselect' };
    default:
      return null;
  }
}

/** Keys shown in tooltips and aria-keyshortcuts. */
export const SHORTCUTS = {
  play: 'Space',
  split: 'S',
  remove: 'Delete',
  undo: 'Control+Z',
  redo: 'Control+Shift+Z',
  zoomIn: '+',
  zoomOut: '-',
} as const;
