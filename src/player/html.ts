/**
 * The player webview's HTML: a strict Content-Security-Policy (scripts only with this page's
 * nonce, styles from the bundle folder or with the nonce, media and fetches only from the
 * webview's own resource origin), no inline handlers, and an empty #app the bundle fills.
 * No `vscode` import: the host passes the URIs already converted with `asWebviewUri`.
 */
import { randomBytes } from 'node:crypto';

export interface PlayerHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  codiconsUri: string;
  /** Where the page is: the side bar view or an editor panel (for layout). */
  placement: 'view' | 'panel';
  nonce?: string;
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

export function playerHtml(input: PlayerHtmlInput): string {
  const nonce = input.nonce ?? createNonce();
  const a = escapeAttr;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${a(contentSecurityPolicy(input.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="vh-nonce" content="${a(nonce)}">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${a(input.codiconsUri)}">
<link rel="stylesheet" href="${a(input.styleUri)}">
<title>Voice History Player</title>
</head>
<body class="placement-${input.placement === 'panel' ? 'panel' : 'view'}">
<main id="app" aria-label="Voice History player"></main>
<script nonce="${a(nonce)}" src="${a(input.scriptUri)}"></script>
</body>
</html>`;
}
