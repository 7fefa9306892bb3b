/**
 * The player webview's HTML: a strict Content-Security-Policy (scripts only with this page's
 * nonce, styles from the bundle folder or with the nonce, media and fetches only from the
 * webview's own resource origin), no inline handlers, and an empty #app the bundle fills.
 * No `vscode` import: the host passes the URIs already converted with `asWebviewUri`.
 *
 * With `inline`, the bundle's script and stylesheet are part of the page (under the same nonce)
 * and the codicon stylesheet does not hold up the first frame: every file a webview loads is a
 * round trip through VS Code's resource loader (~45 ms measured in code-server), and the codicon
 * font arrives after the first frame anyway.
 */
import { randomBytes } from 'node:crypto';

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
  /** The bundle's own text, put into the page instead of linking `scriptUri` and `styleUri`. */
  inline?: { script: string; style: string };
}

export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

const escapeAttr = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // Lit and wavesurfer add <style> elements carrying the nonce; stylesheets come from the bundle.
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `media-src ${cspSource}`,
    // Only to decode audio the host has no peaks for (MP3/FLAC/OGG), from the audio folder.
    `connect-src ${cspSource}`,
  ].join('; ');
}

/** Script text that cannot end its <script> element early (`</script`, `<!--` only occur in strings there). */
export function inlineScriptText(script: string): string {
  return script.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** Style text that cannot end its <style> element early. */
export function inlineStyleText(style: string): string {
  return style.replace(/<\/(style)/gi, '<\\/$1');
}

export function playerHtml(input: PlayerHtmlInput): string {
  const nonce = input.nonce ?? createNonce();
  const a = escapeAttr;
  const inline = input.inline;
  // Not render-blocking when inline: the page's script switches it to `all` as it starts.
  const codiconMedia = inline ? ' media="print"' : '';
  const style = inline
    ? `<style nonce="${a(nonce)}">${inlineStyleText(inline.style)}</style>`
    : `<link rel="stylesheet" href="${a(input.styleUri)}">`;
  const script = inline
    ? `<script nonce="${a(nonce)}">${inlineScriptText(inline.script)}</script>`
    : `<script nonce="${a(nonce)}" src="${a(input.scriptUri)}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(contentSecurityPolicy(input.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="vh-nonce" content="${a(nonce)}">${input.effectsScriptUri ? `\n<meta name="vh-effects-script" content="${a(input.effectsScriptUri)}">` : ''}
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${a(input.codiconsUri)}"${codiconMedia}>
${style}
<title>Voice History Player</title>
</head>
<body class="placement-${input.placement === 'panel' ? 'panel' : 'view'}">
<main id="app" aria-label="Voice History player"></main>
${script}
</body>
</html>`;
}
