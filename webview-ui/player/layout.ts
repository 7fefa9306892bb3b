/**
 * The player's skeleton, built once: empty state, banner, text, waveform slider, time, transport,
 * actions, versions, takes and details. The app fills it in; nothing here reads the history.
 */
import { h, icon, toolbarButton } from './dom';
import { formatSpeed, SHORTCUTS, SPEEDS } from './state';

export interface Layout {
  root: HTMLElement;
  empty: HTMLElement;
  emptyMessage: HTMLElement;
  player: HTMLElement;
  banner: HTMLElement;
  bannerIcon: HTMLElement;
  bannerText: HTMLElement;
  bannerAction: HTMLElement;
  text: HTMLElement;
  subtitle: HTMLElement;
  favoriteMark: HTMLElement;
  slider: HTMLElement;
  wave: HTMLElement;
  current: HTMLElement;
  duration: HTMLElement;
  transport: HTMLElement;
  previous: HTMLElement;
  back: HTMLElement;
  play: HTMLElement;
  forward: HTMLElement;
  next: HTMLElement;
  loop: HTMLElement;
  speed: HTMLElement & { value: string };
  mute: HTMLElement;
  volume: HTMLInputElement;
  actions: HTMLElement;
  favorite: HTMLElement;
  copy: HTMLElement;
  exportZip: HTMLElement;
  exportAudio: HTMLElement;
  reveal: HTMLElement;
  remove: HTMLElement;
  effects: HTMLElement;
  /** Where the effects panel draws itself when first opened (empty until then). */
  effectsSlot: HTMLElement;
  versionsSection: HTMLElement;
  versions: HTMLElement;
  takesSection: HTMLElement;
  takes: HTMLElement;
  details: HTMLElement;
  notes: HTMLTextAreaElement;
  status: HTMLElement;
}

export function buildLayout(root: HTMLElement): Layout {
  const emptyMessage = h('p', {}, 'Nothing selected.');
  const empty = h(
    'section',
    { class: 'empty', 'aria-label': 'No generation selected' },
    icon('unmute'),
    emptyMessage,
    h('p', { class: 'hint' }, 'Play a generation from the History view (select it and press Enter, or use its ▶ button) to hear it here.'),
  );

  const bannerIcon = icon('info');
  const bannerText = h('span', { class: 'banner-text' });
  const bannerAction = h('vscode-button', { secondary: true, hidden: true });
  const banner = h('div', { class: 'banner', role: 'status', hidden: true }, bannerIcon, bannerText, bannerAction);

  const favoriteMark = h('span', { class: 'codicon codicon-star-full favorite-mark', role: 'img', 'aria-label': 'Favorite', hidden: true });
  const text = h('p', { class: 'text', id: 'generation-text', tabindex: 0, 'aria-label': 'Generation text' });
  const subtitle = h('p', { class: 'subtitle' });

  const wave = h('div', { class: 'wave-canvas' });
  const slider = h(
    'div',
    {
      class: 'wave',
      role: 'slider',
      tabindex: 0,
      'aria-label': 'Position',
      title: SHORTCUTS.waveform,
      'aria-valuemin': 0,
      'aria-valuemax': 0,
      'aria-valuenow': 0,
    },
    wave,
  );
  const current = h('span', { class: 'time-current' }, '0:00');
  const duration = h('span', { class: 'time-duration' }, '0:00');
  const time = h('div', { class: 'time', 'aria-hidden': 'true' }, current, h('span', { class: 'time-sep' }, ' / '), duration);

  const previous = toolbarButton('arrow-up', 'Previous generation', SHORTCUTS.previous);
  const back = toolbarButton('debug-step-back', 'Back 5 seconds', SHORTCUTS.back);
  const play = toolbarButton('play', 'Play', SHORTCUTS.play);
  play.classList.add('play');
  const forward = toolbarButton('debug-step-over', 'Forward 5 seconds', SHORTCUTS.forward);
  const next = toolbarButton('arrow-down', 'Next generation', SHORTCUTS.next);
  const loop = h('vscode-toolbar-button', { icon: 'sync', label: 'Loop', title: SHORTCUTS.loop, toggleable: true });
  const speed = h(
    'vscode-single-select',
    { class: 'speed', 'aria-label': 'Playback speed', title: SHORTCUTS.speed },
    ...SPEEDS.map((s) => h('vscode-option', { value: String(s), selected: s === 1 }, formatSpeed(s))),
  ) as HTMLElement & { value: string };
  const mute = toolbarButton('unmute', 'Mute', SHORTCUTS.mute);
  const volume = h('input', {
    type: 'range',
    class: 'volume',
    min: 0,
    max: 1,
    step: 0.05,
    value: 1,
    'aria-label': 'Volume',
    title: 'Volume',
  });
  const transport = h(
    'div',
    { class: 'transport', role: 'toolbar', 'aria-label': 'Playback' },
    h('div', { class: 'group' }, previous, back, play, forward, next),
    h('div', { class: 'group' }, loop, speed, mute, volume),
  );

  const favorite = toolbarButton('star-empty', 'Favorite', SHORTCUTS.favorite);
  const copy = toolbarButton('copy', 'Copy text');
  const exportZip = toolbarButton('export', 'Export generation as ZIP');
  const exportAudio = toolbarButton('file-media', 'Export audio');
  const reveal = toolbarButton('list-tree', 'Reveal in History');
  const remove = toolbarButton('trash', 'Delete generation…');
  // Beside the versions it makes (not in the action bar, which must fit a 190 px side bar).
  const effects = h(
    'vscode-button',
    { secondary: true, class: 'effects-toggle', title: SHORTCUTS.effects, 'aria-expanded': 'false' },
    'Effects…',
  );
  const actions = h(
    'div',
    { class: 'actions', role: 'toolbar', 'aria-label': 'Actions' },
    favorite,
    copy,
    exportZip,
    exportAudio,
    reveal,
    remove,
  );
  const effectsSlot = h('section', { class: 'effects-slot', hidden: true, 'aria-label': 'Effects' });

  const versions = h('ul', { class: 'list versions', 'aria-label': 'Versions' });
  const versionsSection = h(
    'vscode-collapsible',
    { heading: 'Versions', open: true, class: 'section', title: SHORTCUTS.ab },
    versions,
    h('div', { class: 'versions-footer' }, effects),
  );
  const takes = h('ul', { class: 'list takes', 'aria-label': 'Takes of the same text' });
  const takesSection = h('vscode-collapsible', { heading: 'Takes of the same text', open: true, class: 'section', hidden: true }, takes);
  const details = h('dl', { class: 'details' });
  const notes = h('textarea', {
    class: 'notes',
    rows: '3',
    'aria-label': 'Notes',
    placeholder: 'Notes (Markdown): saved when you leave the box',
  });
  const detailsSection = h(
    'vscode-collapsible',
    { heading: 'Details', open: true, class: 'section' },
    details,
    h('label', { class: 'notes-label' }, 'Notes', notes),
  );

  const status = h('div', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });

  const player = h(
    'section',
    { class: 'player', hidden: true, 'aria-label': 'Player' },
    banner,
    h('div', { class: 'heading' }, favoriteMark, text),
    subtitle,
    slider,
    time,
    transport,
    actions,
    effectsSlot,
    versionsSection,
    takesSection,
    detailsSection,
  );
  root.replaceChildren(empty, player, status);
  return {
    root,
    empty,
    emptyMessage,
    player,
    banner,
    bannerIcon,
    bannerText,
    bannerAction,
    text,
    subtitle,
    favoriteMark,
    slider,
    wave,
    current,
    duration,
    transport,
    previous,
    back,
    play,
    forward,
    next,
    loop,
    speed,
    mute,
    volume,
    actions,
    favorite,
    copy,
    exportZip,
    exportAudio,
    reveal,
    remove,
    effects,
    effectsSlot,
    versionsSection,
    versions,
    takesSection,
    takes,
    details,
    notes,
    status,
  };
}
