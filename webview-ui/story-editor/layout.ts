/**
 * The editor's skeleton, built once: toolbar (play, time, split, remove, undo, redo, zoom, the
 * selected clip's volume), the message line, the track headers, the ruler, the lanes and the
 * playhead. The app fills it in; every text from the history goes in as text.
 */
import { h, toolbarButton } from '../player/dom';
import { SHORTCUTS } from './keymap';

export interface Layout {
  root: HTMLElement;
  name: HTMLElement;
  play: HTMLElement;
  time: HTMLElement;
  split: HTMLElement;
  remove: HTMLElement;
  undo: HTMLElement;
  redo: HTMLElement;
  zoomOut: HTMLElement;
  zoomIn: HTMLElement;
  clipVolume: HTMLInputElement;
  clipVolumeText: HTMLElement;
  message: HTMLElement;
  heads: HTMLElement;
  scroller: HTMLElement;
  area: HTMLElement;
  ruler: HTMLElement;
  lanes: HTMLElement;
  playhead: HTMLElement;
  status: HTMLElement;
}

export const LANE_HEIGHT = 72;
export const RULER_HEIGHT = 24;

const button = (iconName: string, label: string, keys: string): HTMLElement => {
  const b = toolbarButton(iconName, label, `${label} (${keys.replace('Control', 'Ctrl')})`);
  b.setAttribute('aria-keyshortcuts', keys);
  return b;
};

export function buildLayout(root: HTMLElement): Layout {
  const name = h('h1', { class: 'story-name' });
  const play = button('play', 'Play', SHORTCUTS.play);
  const time = h('span', { class: 'time', role: 'timer', 'aria-live': 'off' }, '0:00.0');
  const split = button('split-horizontal', 'Split at Playhead', SHORTCUTS.split);
  const remove = button('trash', 'Remove Clip', SHORTCUTS.remove);
  const undo = button('discard', 'Undo', SHORTCUTS.undo);
  const redo = button('redo', 'Redo', SHORTCUTS.redo);
  const zoomOut = button('zoom-out', 'Zoom Out', SHORTCUTS.zoomOut);
  const zoomIn = button('zoom-in', 'Zoom In', SHORTCUTS.zoomIn);
  const clipVolume = h('input', {
    type: 'range',
    class: 'clip-volume',
    min: 0,
    max: 2,
    step: 0.05,
    value: 1,
    disabled: true,
    'aria-label': 'Volume of the selected clip',
    title: 'Volume of the selected clip (Shift+↑/↓)',
  });
  const clipVolumeText = h('span', { class: 'clip-volume-text', 'aria-hidden': 'true' }, '—');
  const toolbar = h(
    'div',
    { class: 'toolbar', role: 'toolbar', 'aria-label': 'Story editor' },
    play,
    time,
    h('span', { class: 'sep', 'aria-hidden': 'true' }),
    split,
    remove,
    h('span', { class: 'sep', 'aria-hidden': 'true' }),
    undo,
    redo,
    h('span', { class: 'sep', 'aria-hidden': 'true' }),
    zoomOut,
    zoomIn,
    h('span', { class: 'sep', 'aria-hidden': 'true' }),
    h('label', { class: 'volume' }, h('span', { class: 'codicon codicon-unmute', 'aria-hidden': 'true' }), clipVolume, clipVolumeText),
  );
  const message = h('div', { class: 'message', role: 'alert', hidden: true });
  const heads = h('div', { class: 'heads', role: 'group', 'aria-label': 'Tracks' });
  const ruler = h('div', {
    class: 'ruler',
    role: 'slider',
    tabindex: 0,
    'aria-label': 'Playhead position (click to seek)',
    'aria-valuemin': 0,
    'aria-valuenow': 0,
  });
  const lanes = h('div', { class: 'lanes' });
  const playhead = h('div', { class: 'playhead', 'aria-hidden': 'true' });
  const area = h('div', { class: 'area' }, ruler, lanes, playhead);
  const scroller = h('div', { class: 'scroller' }, area);
  const status = h('p', { class: 'status', role: 'status' });
  const hint = h(
    'p',
    { class: 'hint' },
    'Tab: next clip · ←/→: nudge (Shift: 1 s) · ↑/↓: move to another track · Shift+↑/↓: volume · S: split · Delete: remove · Space: play · Ctrl+Z / Ctrl+Shift+Z: undo / redo · Ctrl+wheel: zoom · Alt while dragging: no snapping',
  );
  root.append(h('header', { class: 'header' }, name, toolbar), message, h('div', { class: 'timeline' }, heads, scroller), status, hint);
  return {
    root,
    name,
    play,
    time,
    split,
    remove,
    undo,
    redo,
    zoomOut,
    zoomIn,
    clipVolume,
    clipVolumeText,
    message,
    heads,
    scroller,
    area,
    ruler,
    lanes,
    playhead,
    status,
  };
}
