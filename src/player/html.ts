/**
 * The player webview's HTML: a strict Content-Security-Policy (scripts only with this page's
 * nonce, styles from the bundle folder or with the nonce, media and fetches only from the
 * webview's own resource origin), no inline handlers, and an empty #app the bundle fills.
 * No `vscode` import: the host passes the URIs already converted with `asWebviewUri`.
 *
 * With `inline`, the page fetches nothing before it is on screen: VS Code keeps a webview's frame
 * hidden until its `load` event, which waits for every file the page fetches, and each file is a
 * round trip through VS Code's resource loader (~45 ms measured in code-server). So the bundle's
 * script and stylesheet are part of the page (under the same nonce), and so are the codicon rules
 * with their font as a data: URL. The icon components need a stylesheet URL to link in their own
 * shadow roots: the page's script makes one from the inlined rules (a blob: URL, see
 * webview-ui/player/nonce.ts).
 */
import { createNonce, escapeAttr, inlineScriptText, inlineStyleText, pageHeadMeta, type InlineCodicons } from '../format/webview-page';

export {
  contentSecurityPolicy,
  createNonce,
  inlineCodicons,
  inlineScriptText,
  inlineStyleText,
  type InlineCodicons,
} from '../format/webview-page';

export interface PlayerHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  codiconsUri: string;
  /** The effects panel's own bundle, which the page loads only when the user opens the panel. */
  effectsScriptUri?: string;
  /** Where the page is: the side bar view or an editor panel (for layout). */
  placement: 'view' | 'panel';
  nonce?: string;
  /** The bundle's own text, put into the page instead of linking `scriptUri`, `styleUri` and `codiconsUri`. */
  inline?: { script: string; style: string; codicons: InlineCodicons };
}

export function playerHtml(input: PlayerHtmlInput): string {
  const nonce = input.nonce ?? createNonce();
  const a = escapeAttr;
  const inline = input.inline;
  const styleTag = (text: string, id?: string): string =>
    `<style nonce="${a(nonce)}"${id ? ` id="${id}"` : ''}>${inlineStyleText(text)}</style>`;
  const codicons = inline
    ? `${styleTag(inline.codicons.fontFace)}\n${styleTag(inline.codicons.rules, 'vh-codicon-rules')}`
    : `<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${a(input.codiconsUri)}">`;
  const style = inline ? styleTag(inline.style) : `<link rel="stylesheet" href="${a(input.styleUri)}">`;
  const script = inline
    ? `<script nonce="${a(nonce)}">${inlineScriptText(inline.script)}</script>`
    : `<script nonce="${a(nonce)}" src="${a(input.scriptUri)}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
${pageHeadMeta(input.cspSource, nonce)}${input.effectsScriptUri ? `\n<meta name="vh-effects-script" content="${a(input.effectsScriptUri)}">` : ''}
<script nonce="${a(nonce)}">window.vhHtmlStartAt=performance.timeOrigin+performance.now()</script>
${codicons}
${style}
<title>Voice History Player</title>
</head>
<body class="placement-${input.placement === 'panel' ? 'panel' : 'view'}">
<main id="app" aria-label="Voice History player"></main>
${script}
</body>
</html>`;
}
