// The effects panel's styles, added (with the page's nonce) when the panel first opens. Theme
// variables only, so every VS Code theme (high contrast included) styles it.
export const PANEL_CSS = `
.effects-slot { margin-top: 8px; }
.fx { border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); border-radius: 4px; padding: 6px 8px; }
.fx-head { display: flex; align-items: baseline; gap: 6px; }
.fx-title { font-size: 1em; font-weight: 600; margin: 0; }
.fx-source { flex: 1; min-width: 0; color: var(--vscode-descriptionForeground); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.fx-presets, .fx-add-row, .fx-actions, .fx-name-row { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 6px 0; }
.fx-preset, .fx-add-type { flex: 1; min-width: 120px; }
.fx-preset-actions { display: flex; align-items: center; gap: 4px; }
.fx-chain { list-style: none; margin: 4px 0; padding: 0; display: flex; flex-direction: column; gap: 4px; }
.fx-empty { color: var(--vscode-descriptionForeground); padding: 4px 0; }
.fx-effect { border-left: 2px solid var(--vscode-focusBorder); padding: 2px 0 4px 6px; background: var(--vscode-sideBar-background, transparent); }
.fx-effect.off { opacity: 0.6; border-left-color: var(--vscode-disabledForeground, var(--vscode-descriptionForeground)); }
.fx-effect-head { display: flex; align-items: center; gap: 4px; }
.fx-effect-name { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 600; }
.fx-param { display: grid; grid-template-columns: minmax(70px, 1fr) minmax(60px, 2fr) 64px; align-items: center; gap: 6px; margin: 2px 0; }
.fx-param-label { color: var(--vscode-descriptionForeground); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.fx-slider { width: 100%; min-width: 0; accent-color: var(--vscode-button-background); }
.fx-number, .fx-name { min-width: 0; font: inherit; color: var(--vscode-input-foreground); background: var(--vscode-input-background);
  border: 1px solid var(--vscode-input-border, transparent); padding: 1px 4px; }
.fx-name { flex: 1; min-width: 100px; }
.fx-number:focus, .fx-name:focus, .fx-slider:focus-visible, .fx-enabled:focus-visible, .fx-make-default:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 0; }
.fx-icon { display: inline-flex; align-items: center; justify-content: center; flex: none; width: 22px; height: 22px; padding: 0; border: 0;
  border-radius: 5px; background: transparent; color: var(--vscode-icon-foreground, inherit); cursor: pointer; }
.fx-icon:hover:not(:disabled) { background: var(--vscode-toolbar-hoverBackground); }
.fx-icon:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.fx-icon:disabled { opacity: 0.4; cursor: default; }
.fx-enabled, .fx-make-default { accent-color: var(--vscode-button-background); margin: 0 2px; }
.fx-default { display: inline-flex; align-items: center; gap: 4px; }
.fx-status { min-height: 1.3em; margin: 2px 0 0; color: var(--vscode-descriptionForeground); }
`;
