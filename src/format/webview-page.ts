/**
 * What every webview page of ours shares: a nonce, a strict Content-Security-Policy (scripts only
 * with the page's nonce, styles from the bundle folder or with the nonce, media and fetches only
 * from the webview's own resource origin), and text that can be put inline in a <script> or
 * <style> without ending it early. Pure string work; the hosts pass `webview.cspSource`.
 */
import { randomBytes } from 'node:crypto';

/** codicon.css split in two: its font face (with the font embedded) and its class rules. */
export interface InlineCodicons {
  fontFace: string;
  rules: string;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

export const escapeAttr = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // Lit and wavesurfer add <style> elements carrying the nonce; stylesheets come from the bundle.
    // blob: only for the codicon rules the page's own script hands to the icon components.
    `style-src ${cspSource} 'nonce-${nonce}' blob:`,
    `font-src ${cspSource} data:`,
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

/**
 * codicon.css with its font embedded, split into the font face and the class rules; `font` is
 * codicon.ttf's bytes. Undefined when the stylesheet does not have the one font face it had so far.
 */
export function inlineCodicons(css: string, font: Uint8Array): InlineCodicons | undefined {
  const faces = css.match(/@font-face\s*{[^}]*}/g);
  if (faces?.length !== 1) return undefined;
  const face = faces[0]!;
  const embedded = face.replace(
    /url\((["']?)[^)"']*\.ttf[^)"']*\1\)/,
    () => `url("data:font/ttf;base64,${Buffer.from(font).toString('base64')}")`,
  );
  if (embedded === face) return undefined;
  return { fontFace: embedded, rules: css.replace(face, '') };
}

/** The head's first lines every page of ours starts with: charset, the CSP, the viewport, and the nonce for the page's own scripts. */
export function pageHeadMeta(cspSource: string, nonce: string): string {
  return `<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="vh-nonce" content="${escapeAttr(nonce)}">`;
}
