/**
 * What the player gives its effects panel, which is a bundle of its own (dist/webview/effects-panel.js)
 * loaded only when the user opens the panel, so none of it is parsed before the player's first frame.
 * Types only: both bundles import this file, neither gets code from it.
 */
import type { PlayerClient } from './session';

export interface EffectsHost {
  readonly rpc: PlayerClient;
  /** The (empty) element the panel draws itself into. */
  readonly slot: HTMLElement;
  /** The page's CSP nonce (for the panel's <style>). */
  readonly nonce: string;
  generationId(): string | null;
  /** The version playing now: the one effects are applied to. */
  versionId(): string | null;
  versionLabel(): string;
  /** Where playback is (seconds): Preview starts there. */
  position(): number;
  pauseMain(): void;
  /** Reloads the versions and plays this one from the same position. */
  showVersion(versionId: string): Promise<void>;
  announce(message: string): void;
  /** Called when another generation or version is shown. */
  onShownChange(listener: () => void): void;
}

export interface EffectsPanel {
  show(): void;
  hide(): void;
  readonly visible: boolean;
}

export interface EffectsPanelModule {
  mount(host: EffectsHost): EffectsPanel;
}

declare global {
  interface Window {
    vhEffectsPanel?: EffectsPanelModule;
  }
}
