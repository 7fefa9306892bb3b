/**
 * The player's list of versions (takes): label, chain summary, duration and loudness of each, the
 * default badge or "Set as default", rename in place, delete (the host asks first). The summary
 * and loudness come after the list is drawn (loudness is measured off the host thread once per
 * version), so they never hold up showing the generation.
 */
import { h, icon, replaceChildren } from './dom';
import type { Session } from './session';
import { describeEffects, failureOf, formatDuration } from './state';

export interface TakesListHandlers {
  switchVersion(versionId: string): void;
  setDefaultVersion(versionId: string): void;
  announce(message: string): void;
}

interface Extra {
  summary?: string;
  /** undefined: not asked yet; null: silence or not measurable. */
  lufs?: number | null;
}

const MINUS = '\u2212';
export function formatLufs(lufs: number | null | undefined): string {
  if (lufs === undefined) return '';
  if (lufs === null) return 'silent';
  const text = Math.abs(lufs).toFixed(1);
  return `${lufs < 0 ? MINUS : ''}${text} LUFS`;
}

export class TakesList {
  private readonly extra = new Map<string, Extra>();
  private renaming: string | null = null;
  /** The generation and versions the summaries were last asked for. */
  private filledFor = '';

  constructor(
    private readonly s: Session,
    private readonly on: TakesListHandlers,
  ) {}

  /** Draws the list; asks for summaries and loudness when the versions changed. */
  render(): void {
    this.draw();
    const key = `${this.s.generation?.id ?? ''}:${this.s.versions.map((v) => `${v.id}=${v.label}`).join(',')}`;
    if (key !== this.filledFor) {
      this.filledFor = key;
      void this.fill();
    }
  }

  private draw(): void {
    const { ui, versions, versionId } = this.s;
    const items = versions.map((v) => {
      const playing = v.id === versionId;
      const extra = this.extra.get(v.id) ?? {};
      const lufs = extra.lufs !== undefined ? extra.lufs : (v.loudnessLufs ?? undefined);
      const summary = extra.summary ?? describeEffects(v.effectsChain);
      const label =
        this.renaming === v.id ? this.renameField(v.id, v.label) : h('span', { class: 'item-label', 'data-label': v.label }, v.label);
      const select = h(
        'button',
        {
          class: 'item-main',
          type: 'button',
          'aria-pressed': playing ? 'true' : 'false',
          title: playing ? 'Playing this version' : `Play version "${v.label}" from the same position`,
        },
        icon(playing ? 'play-circle' : 'circle-large-outline'),
        this.renaming === v.id ? null : label,
        h('span', { class: 'item-meta' }, [summary, formatDuration(v.duration), formatLufs(lufs)].filter(Boolean).join(' · ')),
      );
      select.addEventListener('click', () => this.on.switchVersion(v.id));
      const tail = v.isDefault
        ? h('vscode-badge', { variant: 'default', title: 'The default version plays and exports unless another is chosen' }, 'default')
        : h('vscode-toolbar-button', { icon: 'pass', label: `Set "${v.label}" as default`, title: 'Set as default version' });
      if (!v.isDefault) tail.addEventListener('click', () => this.on.setDefaultVersion(v.id));
      // Plain buttons: the row's one toolbar button stays "Set as default".
      const rename = h(
        'button',
        { type: 'button', class: 'icon-button rename', 'aria-label': `Rename "${v.label}"`, title: 'Rename version' },
        icon('edit'),
      );
      rename.addEventListener('click', () => this.startRename(v.id));
      const remove = h(
        'button',
        {
          type: 'button',
          class: 'icon-button delete-version',
          'aria-label': `Delete "${v.label}"…`,
          title: versions.length > 1 ? 'Delete version…' : 'The only version cannot be deleted',
          disabled: versions.length <= 1,
        },
        icon('trash'),
      );
      remove.addEventListener('click', () => void this.remove(v.id));
      return h(
        'li',
        { class: playing ? 'current' : null, 'data-version-id': v.id },
        this.renaming === v.id ? label : null,
        select,
        tail,
        rename,
        remove,
      );
    });
    replaceChildren(ui.versions, ...items);
    (ui.versionsSection as HTMLElement & { description: string }).description = String(versions.length);
    ui.versionsSection.hidden = versions.length === 0;
  }

  /** Summaries for every version, then the loudness of those not measured yet, one at a time. */
  private async fill(): Promise<void> {
    const g = this.s.generation;
    if (!g || this.s.versions.length === 0) return;
    // Loading another version bumps the session's token; only another generation makes this stale.
    const stale = () => this.s.generation?.id !== g.id;
    try {
      const rows = await this.s.rpc.effects.takes.query({ generationId: g.id });
      if (stale()) return;
      for (const r of rows)
        this.extra.set(r.id, { ...this.extra.get(r.id), summary: r.summary, ...(r.loudnessLufs !== null && { lufs: r.loudnessLufs }) });
      this.redraw();
      for (const r of rows) {
        if (this.extra.get(r.id)?.lufs !== undefined) continue;
        const { lufs } = await this.s.rpc.effects.loudness.query({ versionId: r.id });
        if (stale()) return;
        this.extra.set(r.id, { ...this.extra.get(r.id), lufs });
        this.redraw();
      }
    } catch {
      /* the list stays without summaries or loudness: nothing the user must act on */
    }
  }

  private redraw(): void {
    if (!this.renaming) this.draw(); // never under the field the user is typing in
  }

  private renameField(versionId: string, label: string): HTMLElement {
    const field = h('input', { type: 'text', class: 'rename-field', value: label, 'aria-label': 'Version label', maxlength: 100 });
    let done = false;
    const finish = async (save: boolean) => {
      if (done) return;
      done = true;
      this.renaming = null;
      const next = field.value.trim();
      if (save && next && next !== label) {
        try {
          const v = await this.s.rpc.effects.renameVersion.mutate({ versionId, label: next });
          this.s.versions = this.s.versions.map((x) => (x.id === v.id ? { ...x, label: v.label } : x));
          this.on.announce(`Renamed to ${v.label}`);
        } catch (e) {
          this.on.announce(failureOf(e).message);
        }
      }
      this.draw();
      (this.s.ui.versions.querySelector(`[data-version-id="${versionId}"] .rename`) as HTMLElement | null)?.focus();
    };
    field.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter') void finish(true);
      if (e.key === 'Escape') void finish(false);
    });
    field.addEventListener('blur', () => void finish(true));
    return field;
  }

  private startRename(versionId: string): void {
    this.renaming = versionId;
    this.draw();
    const field = this.s.ui.versions.querySelector<HTMLInputElement>('.rename-field');
    field?.focus();
    field?.select();
  }

  private async remove(versionId: string): Promise<void> {
    try {
      const { deleted } = await this.s.rpc.effects.deleteVersion.mutate({ versionId });
      if (deleted) this.on.announce('Version deleted');
    } catch (e) {
      this.on.announce(failureOf(e).message);
    }
  }
}
