/**
 * The effects panel, a bundle of its own that the player loads the first time the user opens it
 * (see ./effects-host.ts). Build a chain (add, remove, reorder, enable effects; each parameter as a
 * slider and a number with the effect's own range), start from a preset, Preview (rendered on the
 * host's worker, played here from the current position, nothing stored), Save as Version, Save as
 * Preset, rename or delete your presets. Uses the @vscode-elements the player already registered.
 */
import type { inferRouterOutputs } from '@trpc/server';
import type { PlayerRouter } from '../../src/player/router';
import { h, icon, replaceChildren } from './dom';
import type { EffectsHost, EffectsPanel } from './effects-host';
import { failureOf } from './state';
import { PANEL_CSS } from './effects-panel-css';
import type { EffectsMetrics } from './effects-metrics';

type Catalog = inferRouterOutputs<PlayerRouter>['effects']['catalog'];
type ParamDef = { default: number; min: number; max: number; step: number; unit: string; label: string; integer?: boolean };
interface EffectState {
  type: string;
  enabled: boolean;
  params: Record<string, number>;
}

const now = (): number => performance.timeOrigin + performance.now();
let uid = 0;
const nextId = (base: string): string => `fx-${base}-${++uid}`;

class Panel implements EffectsPanel {
  private catalog: Catalog | null = null;
  private chain: EffectState[] = [];
  /** The preset the chain came from: `builtin:<id>` or `user:<id>`; '' when edited or none. */
  private presetKey = '';
  private previewing: { stop(): void } | null = null;
  private busy = false;
  private readonly root: HTMLElement;
  private readonly source = h('span', { class: 'fx-source' });
  private readonly presetSelect = h('vscode-single-select', { class: 'fx-preset', 'aria-label': 'Preset' }) as HTMLElement & {
    value: string;
  };
  private readonly presetActions = h('div', { class: 'fx-preset-actions' });
  private readonly list = h('ol', { class: 'fx-chain', 'aria-label': 'Effects chain, applied in order' });
  private readonly addSelect = h('vscode-single-select', { class: 'fx-add-type', 'aria-label': 'Effect to add' }) as HTMLElement & {
    value: string;
  };
  private readonly preview = h('vscode-button', { class: 'fx-preview', icon: 'play' }, 'Preview');
  private readonly save = h('vscode-button', { class: 'fx-save' }, 'Save as Version');
  private readonly makeDefault = h('input', { type: 'checkbox', class: 'fx-make-default', id: nextId('default') });
  private readonly voiceDefault = h(
    'vscode-button',
    { secondary: true, class: 'fx-voice-default', title: 'New generations of this voice get this chain as their default version' },
    'Set as Voice Default',
  );
  private readonly status = h('p', { class: 'fx-status', role: 'status', 'aria-live': 'polite' });
  readonly metrics: EffectsMetrics = {};

  constructor(private readonly host: EffectsHost) {
    const style = document.createElement('style');
    style.nonce = host.nonce;
    style.textContent = PANEL_CSS;
    document.head.append(style);
    const close = h('button', { type: 'button', class: 'fx-icon', 'aria-label': 'Close effects', title: 'Close (E)' }, icon('close'));
    close.addEventListener('click', () => this.hide());
    const add = h('vscode-button', { secondary: true, class: 'fx-add', icon: 'add' }, 'Add');
    add.addEventListener('click', () => this.addEffect(this.addSelect.value));
    this.presetSelect.addEventListener('change', () => this.pickPreset(this.presetSelect.value));
    this.preview.addEventListener('click', () => void this.togglePreview());
    this.save.addEventListener('click', () => void this.saveVersion());
    this.voiceDefault.addEventListener('click', () => void this.setVoiceDefault());
    this.root = h(
      'div',
      { class: 'fx' },
      h('div', { class: 'fx-head' }, h('h2', { class: 'fx-title' }, 'Effects'), this.source, close),
      h('div', { class: 'fx-presets' }, this.presetSelect, this.presetActions),
      this.list,
      h('div', { class: 'fx-add-row' }, this.addSelect, add),
      h(
        'div',
        { class: 'fx-actions' },
        this.preview,
        this.save,
        h('label', { class: 'fx-default', for: this.makeDefault.id }, this.makeDefault, 'Make default'),
        this.voiceDefault,
      ),
      this.status,
    );
    host.slot.replaceChildren(this.root);
    host.onShownChange(() => this.stopPreview());
    // The version playing changes (a click in Versions, A/B): the source line follows.
    new MutationObserver(() => this.showSource()).observe(document.body, { attributes: true, attributeFilter: ['data-loaded-version'] });
  }

  get visible(): boolean {
    return !this.host.slot.hidden;
  }

  show(): void {
    this.host.slot.hidden = false;
    this.showSource();
    if (!this.catalog) void this.loadCatalog();
    (this.root.querySelector('.fx-preset') as HTMLElement | null)?.focus();
  }

  hide(): void {
    this.stopPreview();
    this.host.slot.hidden = true;
    (document.querySelector('.effects-toggle') as HTMLElement | null)?.setAttribute('aria-expanded', 'false');
  }

  private showSource(): void {
    this.source.textContent = `on “${this.host.versionLabel()}”`;
  }

  private say(message: string): void {
    this.status.textContent = message;
  }

  private async loadCatalog(): Promise<void> {
    this.say('Loading effects…');
    try {
      this.catalog = await this.host.rpc.effects.catalog.query();
    } catch (e) {
      this.say(failureOf(e).message);
      return;
    }
    const c = this.catalog;
    replaceChildren(
      this.addSelect,
      ...c.types.map((t) =>
        h('vscode-option', { value: t, description: c.definitions[t as keyof Catalog['definitions']].description }, this.label(t)),
      ),
    );
    this.renderPresets();
    this.renderChain();
    this.say('');
  }

  private def(type: string): { label: string; params: Record<string, ParamDef> } {
    return (this.catalog!.definitions as unknown as Record<string, { label: string; params: Record<string, ParamDef> }>)[type]!;
  }

  private label(type: string): string {
    return this.def(type).label;
  }

  // ---- presets ------------------------------------------------------------------------------

  private renderPresets(): void {
    const c = this.catalog;
    if (!c) return;
    replaceChildren(
      this.presetSelect,
      h('vscode-option', { value: '', selected: this.presetKey === '' }, 'Start from a preset…'),
      ...c.presets.map((p) =>
        h('vscode-option', { value: `user:${p.id}`, selected: this.presetKey === `user:${p.id}`, description: 'yours' }, p.name),
      ),
      ...c.builtIn.map((p) =>
        h('vscode-option', { value: `builtin:${p.id}`, selected: this.presetKey === `builtin:${p.id}`, description: 'built in' }, p.name),
      ),
    );
    const own = this.presetKey.startsWith('user:') ? c.presets.find((p) => `user:${p.id}` === this.presetKey) : undefined;
    const saveAs = h('vscode-button', { secondary: true, class: 'fx-save-preset' }, 'Save as Preset…');
    saveAs.addEventListener('click', () => this.askName('Preset name', '', (name) => this.savePreset(name)));
    const extra: HTMLElement[] = [saveAs];
    if (own) {
      const rename = h(
        'button',
        { type: 'button', class: 'fx-icon fx-rename-preset', 'aria-label': `Rename preset "${own.name}"`, title: 'Rename preset' },
        icon('edit'),
      );
      rename.addEventListener('click', () => this.askName('New preset name', own.name, (name) => this.renamePreset(own.id, name)));
      const remove = h(
        'button',
        { type: 'button', class: 'fx-icon fx-delete-preset', 'aria-label': `Delete preset "${own.name}"`, title: 'Delete preset' },
        icon('trash'),
      );
      remove.addEventListener('click', () => void this.deletePreset(own.id, own.name));
      extra.push(rename, remove);
    }
    replaceChildren(this.presetActions, ...extra);
  }

  private pickPreset(key: string): void {
    const c = this.catalog;
    if (!c || key === '') return;
    const preset = key.startsWith('builtin:')
      ? c.builtIn.find((p) => `builtin:${p.id}` === key)
      : c.presets.find((p) => `user:${p.id}` === key);
    if (!preset) return;
    this.chain = (preset.chain as EffectState[]).map((e) => ({
      type: e.type,
      enabled: e.enabled !== false,
      params: { ...this.defaults(e.type), ...e.params },
    }));
    this.presetKey = key;
    this.renderPresets();
    this.renderChain();
    this.say(`${preset.name}: ${this.chain.length} effect(s)`);
  }

  /** An inline name field under the preset row (webviews have no prompt()). */
  private askName(label: string, initial: string, done: (name: string) => Promise<void>): void {
    const field = h('input', { type: 'text', class: 'fx-name', 'aria-label': label, placeholder: label, value: initial, maxlength: 100 });
    const ok = h('vscode-button', { class: 'fx-name-ok' }, 'Save');
    const cancel = h('vscode-button', { secondary: true }, 'Cancel');
    const row = h('div', { class: 'fx-name-row' }, field, ok, cancel);
    const close = () => {
      row.remove();
      this.presetSelect.focus();
    };
    const submit = async () => {
      const name = field.value.trim();
      if (!name) return this.say('Give the preset a name.');
      await done(name);
      close();
    };
    ok.addEventListener('click', () => void submit());
    cancel.addEventListener('click', close);
    field.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter') void submit();
      if (e.key === 'Escape') close();
    });
    this.root.querySelector('.fx-name-row')?.remove();
    this.presetActions.parentElement!.after(row);
    field.focus();
    field.select();
  }

  private async savePreset(name: string): Promise<void> {
    if (this.chain.length === 0) return this.say('Add at least one effect first.');
    try {
      const p = await this.host.rpc.effects.savePreset.mutate({ name, chain: this.chain });
      this.catalog = await this.host.rpc.effects.catalog.query();
      this.presetKey = `user:${p.id}`;
      this.renderPresets();
      this.say(`Saved preset ${p.name}`);
    } catch (e) {
      this.say(failureOf(e).message);
    }
  }

  private async renamePreset(id: string, name: string): Promise<void> {
    try {
      await this.host.rpc.effects.renamePreset.mutate({ id, name });
      this.catalog = await this.host.rpc.effects.catalog.query();
      this.renderPresets();
      this.say(`Renamed the preset to ${name}`);
    } catch (e) {
      this.say(failureOf(e).message);
    }
  }

  private async deletePreset(id: string, name: string): Promise<void> {
    try {
      const { deleted } = await this.host.rpc.effects.deletePreset.mutate({ id });
      if (!deleted) return this.say(`Kept the preset ${name}`);
      this.catalog = await this.host.rpc.effects.catalog.query();
      this.presetKey = '';
      this.renderPresets();
      this.say(`Deleted the preset ${name}; the chain stays here`);
    } catch (e) {
      this.say(failureOf(e).message);
    }
  }

  // ---- the chain ----------------------------------------------------------------------------

  private defaults(type: string): Record<string, number> {
    return Object.fromEntries(Object.entries(this.def(type).params).map(([name, d]) => [name, d.default]));
  }

  private edited(): void {
    if (this.presetKey === '') return;
    this.presetKey = '';
    this.renderPresets();
  }

  private addEffect(type: string): void {
    if (!this.catalog || !type) return;
    this.chain.push({ type, enabled: true, params: this.defaults(type) });
    this.edited();
    this.renderChain();
    (this.list.lastElementChild?.querySelector('input') as HTMLElement | null)?.focus();
    this.say(`Added ${this.label(type)}`);
  }

  private move(index: number, by: -1 | 1): void {
    const to = index + by;
    if (to < 0 || to >= this.chain.length) return;
    [this.chain[index], this.chain[to]] = [this.chain[to]!, this.chain[index]!];
    this.edited();
    this.renderChain();
    (this.list.children[to]?.querySelector(by < 0 ? '.fx-up' : '.fx-down') as HTMLElement | null)?.focus();
  }

  private renderChain(): void {
    if (!this.catalog) return;
    if (this.chain.length === 0) {
      replaceChildren(this.list, h('li', { class: 'fx-empty' }, 'No effects yet: add one below or start from a preset.'));
      return;
    }
    replaceChildren(this.list, ...this.chain.map((e, i) => this.effectItem(e, i)));
  }

  private effectItem(e: EffectState, index: number): HTMLElement {
    const def = this.def(e.type);
    const enabled = h('input', { type: 'checkbox', class: 'fx-enabled', 'aria-label': `${def.label} enabled`, title: 'On/off' });
    enabled.checked = e.enabled;
    enabled.addEventListener('change', () => {
      e.enabled = enabled.checked;
      this.edited();
      item.classList.toggle('off', !e.enabled);
    });
    const button = (cls: string, name: string, label: string, fn: () => void, disabled = false) => {
      const b = h('button', { type: 'button', class: `fx-icon ${cls}`, 'aria-label': label, title: label, disabled }, icon(name));
      b.addEventListener('click', fn);
      return b;
    };
    const item = h(
      'li',
      { class: `fx-effect${e.enabled ? '' : ' off'}`, 'data-type': e.type },
      h(
        'div',
        { class: 'fx-effect-head' },
        enabled,
        h('span', { class: 'fx-effect-name' }, `${index + 1}. ${def.label}`),
        button('fx-up', 'arrow-up', `Move ${def.label} up`, () => this.move(index, -1), index === 0),
        button('fx-down', 'arrow-down', `Move ${def.label} down`, () => this.move(index, 1), index === this.chain.length - 1),
        button('fx-remove', 'close', `Remove ${def.label}`, () => {
          this.chain.splice(index, 1);
          this.edited();
          this.renderChain();
          this.say(`Removed ${def.label}`);
        }),
      ),
      ...Object.entries(def.params).map(([name, d]) => this.paramRow(e, name, d)),
    );
    return item;
  }

  private paramRow(e: EffectState, name: string, d: ParamDef): HTMLElement {
    const id = nextId(name);
    const value = e.params[name] ?? d.default;
    const attrs = { min: d.min, max: d.max, step: d.step };
    const unit = d.unit && d.unit !== ':1' ? ` (${d.unit})` : d.unit === ':1' ? ' (:1)' : '';
    const slider = h('input', { type: 'range', class: 'fx-slider', id, ...attrs, value, 'aria-label': `${d.label}${unit}` });
    const number = h('input', { type: 'number', class: 'fx-number', ...attrs, value, 'aria-label': `${d.label}${unit}, value` });
    const set = (raw: number, from: HTMLInputElement) => {
      if (!Number.isFinite(raw)) return;
      const v = Math.min(d.max, Math.max(d.min, d.integer ? Math.round(raw) : raw));
      e.params[name] = v;
      if (from !== slider) slider.value = String(v);
      if (from !== number) number.value = String(v);
      this.edited();
    };
    slider.addEventListener('input', () => set(Number(slider.value), slider));
    number.addEventListener('change', () => {
      set(Number(number.value), number);
      number.value = String(e.params[name]);
    });
    return h('div', { class: 'fx-param' }, h('label', { for: id, class: 'fx-param-label' }, `${d.label}${unit}`), slider, number);
  }

  // ---- preview and save ---------------------------------------------------------------------

  private request() {
    const generationId = this.host.generationId();
    if (!generationId) throw new Error('Nothing is shown.');
    return { generationId, sourceVersionId: this.host.versionId(), chain: this.chain };
  }

  private stopPreview(): void {
    this.previewing?.stop();
    this.previewing = null;
    this.preview.setAttribute('icon', 'play');
    this.preview.textContent = 'Preview';
  }

  private async togglePreview(): Promise<void> {
    if (this.previewing) {
      this.stopPreview();
      this.say('Preview stopped');
      return;
    }
    if (this.busy) return;
    // Made in the click itself, so the browser lets it play once the render arrives.
    let context: AudioContext;
    try {
      context = new AudioContext();
    } catch (e) {
      this.say(`This view cannot play the preview: ${failureOf(e).message}`);
      return;
    }
    this.metrics.previewClickedAt = now();
    this.busy = true;
    this.preview.setAttribute('disabled', '');
    this.say('Rendering the preview…');
    try {
      const r = await this.host.rpc.effects.preview.mutate(this.request());
      this.metrics.previewRenderedAt = now();
      const bytes = r.wav as unknown as Uint8Array;
      const buffer = await context.decodeAudioData(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      );
      this.metrics.previewDecodedAt = now();
      this.host.pauseMain();
      const node = context.createBufferSource();
      node.buffer = buffer;
      node.connect(context.destination);
      const from = Math.min(this.host.position(), Math.max(0, buffer.duration - 0.05));
      node.start(0, from);
      this.metrics.previewStartedAt = now();
      this.metrics.previewFirstAudioMs = this.metrics.previewStartedAt - this.metrics.previewClickedAt;
      this.metrics.previewOutputLatencyS = (context.baseLatency || 0) + (context.outputLatency || 0);
      document.body.dataset.previewing = 'true';
      const stop = () => {
        node.onended = null;
        try {
          node.stop();
        } catch {
          /* already ended */
        }
        void context.close();
        delete document.body.dataset.previewing;
      };
      node.onended = () => {
        if (this.previewing?.stop === stop) this.stopPreview();
      };
      this.previewing = { stop };
      this.preview.setAttribute('icon', 'debug-stop');
      this.preview.textContent = 'Stop';
      const loud = r.loudnessLufs === null ? '' : `, ${r.loudnessLufs.toFixed(1)} LUFS`;
      this.say(`Previewing (not saved)${loud}`);
    } catch (e) {
      void context.close();
      this.say(failureOf(e).message);
    } finally {
      this.busy = false;
      this.preview.removeAttribute('disabled');
    }
  }

  private async setVoiceDefault(): Promise<void> {
    const generationId = this.host.generationId();
    if (!generationId) return;
    try {
      const r = await this.host.rpc.effects.setVoiceChain.mutate({ generationId, chain: this.chain.length ? this.chain : null });
      this.say(
        r.chain
          ? `New generations of ${r.profileName} get these effects as their default version`
          : `New generations of ${r.profileName} get no effects`,
      );
    } catch (e) {
      this.say(failureOf(e).message);
    }
  }

  private async saveVersion(): Promise<void> {
    if (this.busy) return;
    if (this.chain.length === 0) return this.say('Add at least one effect first.');
    this.stopPreview();
    this.busy = true;
    this.save.setAttribute('disabled', '');
    this.say('Rendering and saving…');
    try {
      const v = await this.host.rpc.effects.saveVersion.mutate({ ...this.request(), makeDefault: this.makeDefault.checked });
      await this.host.showVersion(v.id);
      this.say(`Saved ${v.label}${v.isDefault ? ' as the default' : ''}`);
      this.host.announce(`Saved ${v.label}`);
    } catch (e) {
      this.say(failureOf(e).message);
    } finally {
      this.busy = false;
      this.save.removeAttribute('disabled');
    }
  }
}

window.vhEffectsPanel = {
  mount(host) {
    const panel = new Panel(host);
    (window as unknown as { vhEffects?: Panel }).vhEffects = panel;
    return panel;
  },
};
