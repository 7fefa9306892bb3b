/**
 * Rendering: fills the skeleton from ./layout with what the session shows. Text from the history
 * is only ever set as text (see ./dom). Clicks on rendered items go back through `RenderHandlers`.
 */
import { h, icon, replaceChildren, setAttr, setButton } from './dom';
import type { Session } from './session';
import { TakesList } from './takes-list';
import { detailRows, formatClock, formatDateTime, formatDuration, SHORTCUTS, type Problem } from './state';

export interface RenderHandlers {
  switchVersion(versionId: string): void;
  setDefaultVersion(versionId: string): void;
  openTake(generationId: string): void;
  reconcile(): void;
  goToSource(): void;
}

export class Render {
  private readonly takesList: TakesList;

  constructor(
    private readonly s: Session,
    private readonly on: RenderHandlers,
  ) {
    this.takesList = new TakesList(s, {
      switchVersion: (id) => on.switchVersion(id),
      setDefaultVersion: (id) => on.setDefaultVersion(id),
      announce: (message) => this.announce(message),
    });
  }

  empty(message: string): void {
    const { s } = this;
    if (s.generation) s.report(null, null);
    s.generation = null;
    s.audio = null;
    s.wave.clear();
    s.ui.emptyMessage.textContent = message;
    s.ui.empty.hidden = false;
    s.ui.player.hidden = true;
  }

  generation(): void {
    const { ui, generation: g } = this.s;
    if (!g) return;
    ui.empty.hidden = true;
    ui.player.hidden = false;
    ui.actions.hidden = false;
    ui.text.textContent = g.text;
    const parts = [g.profileName, [g.engine, g.model].filter(Boolean).join(' / '), formatDuration(g.duration)];
    ui.subtitle.textContent = parts.filter(Boolean).join(' · ');
    this.favorite();
    this.details();
    if (g.status === 'failed') this.problem({ kind: 'error', message: `This generation failed: ${g.error ?? 'no reason was recorded.'}` });
  }

  favorite(): void {
    const { ui } = this.s;
    const fav = this.s.generation?.isFavorited ?? false;
    setButton(
      ui.favorite,
      fav ? 'star-full' : 'star-empty',
      fav ? 'Remove from favorites' : 'Favorite',
      fav ? SHORTCUTS.unfavorite : SHORTCUTS.favorite,
    );
    setAttr(ui.favorite, 'data-favorite', fav);
    ui.favoriteMark.hidden = !fav;
  }

  details(): void {
    const { generation: g, audio, source, voice, ui } = this.s;
    if (!g) return;
    const rows = detailRows({ ...g, voice }, audio?.format ?? null, formatDateTime);
    replaceChildren(
      ui.details,
      ...rows.flatMap((r) => [h('dt', {}, r.label), h('dd', { class: r.label === 'Error' ? 'error' : null }, r.value)]),
      ...(source ? [h('dt', {}, 'Spoken from'), h('dd', {}, this.sourceLink(source.label))] : []),
    );
    // The notes box keeps what is being typed: an update arriving meanwhile must not overwrite it.
    if (document.activeElement !== ui.notes || ui.notes.dataset.generation !== g.id) {
      ui.notes.value = g.notes ?? '';
      ui.notes.dataset.generation = g.id;
    }
  }

  private sourceLink(label: string): HTMLElement {
    const link = h(
      'button',
      { type: 'button', class: 'link go-to-source', title: `Go to Source: ${label}` },
      icon('go-to-file'),
      h('span', {}, label),
    );
    link.addEventListener('click', () => this.on.goToSource());
    return link;
  }

  versions(): void {
    this.takesList.render();
  }

  takes(): void {
    const { ui, takes } = this.s;
    const current = this.s.generation?.id;
    const items = takes.map((t, i) => {
      const isCurrent = t.id === current;
      const button = h(
        'button',
        {
          class: 'item-main',
          type: 'button',
          'aria-current': isCurrent ? 'true' : null,
          title: isCurrent ? 'Showing this take' : 'Play this take',
        },
        icon(isCurrent ? 'play-circle' : 'circle-large-outline'),
        h('span', { class: 'item-label' }, `Take ${i + 1}`),
        h(
          'span',
          { class: 'item-meta' },
          [t.profileName, formatDateTime(t.createdAt), formatDuration(t.duration)].filter(Boolean).join(' · '),
        ),
        t.isFavorited ? h('span', { class: 'codicon codicon-star-full', role: 'img', 'aria-label': 'Favorite' }) : null,
      );
      if (!isCurrent) button.addEventListener('click', () => this.on.openTake(t.id));
      return h('li', { class: isCurrent ? 'current' : null }, button);
    });
    replaceChildren(ui.takes, ...items);
    ui.takesSection.hidden = takes.length < 2;
    (ui.takesSection as HTMLElement & { description: string }).description = String(takes.length);
  }

  time(): void {
    const { ui, wave } = this.s;
    ui.current.textContent = formatClock(wave.time);
    ui.duration.textContent = formatClock(wave.length);
  }

  playable(playable: boolean): void {
    const { ui } = this.s;
    ui.transport.hidden = !playable;
    ui.slider.hidden = !playable;
    ui.slider.parentElement?.querySelector('.time')?.toggleAttribute('hidden', !playable);
  }

  problem(problem: Problem): void {
    const { ui } = this.s;
    const icons: Record<Problem['kind'], string> = {
      gone: 'trash',
      'audio-missing': 'warning',
      'no-audio': 'info',
      unplayable: 'circle-slash',
      error: 'error',
    };
    ui.banner.hidden = false;
    ui.banner.dataset.kind = problem.kind;
    ui.bannerIcon.className = `codicon codicon-${icons[problem.kind]}`;
    ui.bannerText.textContent = problem.message;
    const action = ui.bannerAction;
    action.hidden = problem.kind !== 'audio-missing';
    if (problem.kind === 'audio-missing') {
      action.textContent = 'Reconcile Storage';
      action.onclick = () => this.on.reconcile();
    }
  }

  hideBanner(): void {
    if (this.s.generation?.status === 'failed') return;
    this.s.ui.banner.hidden = true;
  }

  announce(message: string): void {
    this.s.ui.status.textContent = message;
  }
}
