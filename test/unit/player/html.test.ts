// The player page's HTML and Content-Security-Policy, as the host serves it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentSecurityPolicy, createNonce, inlineCodicons, playerHtml } from '../../../src/player/html';

const codiconsDir = join(import.meta.dirname, '..', '..', '..', 'node_modules', '@vscode', 'codicons', 'dist');
const codiconCss = readFileSync(join(codiconsDir, 'codicon.css'), 'utf8');
const codiconFont = readFileSync(join(codiconsDir, 'codicon.ttf'));

const CSP_SOURCE = 'https://*.vscode-cdn.net';
const input = {
  cspSource: CSP_SOURCE,
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/player.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/player.css',
  codiconsUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicons/codicon.css',
  placement: 'view' as const,
};

test('the CSP allows only nonce scripts and the webview resource origin', () => {
  const csp = contentSecurityPolicy(CSP_SOURCE, 'abc123');
  const directives = new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), ["'nonce-abc123'"]);
  assert.deepEqual(directives.get('media-src'), [CSP_SOURCE]);
  // blob: for the codicon rules the page's script hands to the icon components (only script can make one).
  assert.deepEqual(directives.get('style-src'), [CSP_SOURCE, "'nonce-abc123'", 'blob:']);
  // data: for the codicon font embedded in an inlined page.
  assert.deepEqual(directives.get('font-src'), [CSP_SOURCE, 'data:']);
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
});

test("the page's scripts carry its one nonce, it links the bundle, and has no inline handlers", () => {
  const nonce = createNonce();
  assert.match(nonce, /^[A-Za-z0-9_-]{24}$/);
  assert.notEqual(createNonce(), nonce);
  const html = playerHtml({ ...input, nonce });
  // The bundle and the first-paint mark (the page's first line, for the benchmark).
  assert.equal(html.match(/<script/g)?.length, 2);
  assert.equal(html.match(/<script nonce="/g)?.length, 2);
  assert.ok(html.includes(`<script nonce="${nonce}" src="${input.scriptUri}"></script>`));
  assert.ok(html.includes(`'nonce-${nonce}'`));
  assert.ok(html.includes(`id="vscode-codicon-stylesheet" href="${input.codiconsUri}"`));
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
  assert.doesNotMatch(html, /style="/, 'no inline styles');
  assert.match(html, /<body class="placement-view">/);
  assert.match(playerHtml({ ...input, placement: 'panel' }), /<body class="placement-panel">/);
});

test('URIs are attribute-escaped', () => {
  const html = playerHtml({ ...input, scriptUri: 'https://x/"><img src=x onerror=alert(1)>' });
  assert.ok(!html.includes('"><img'), 'a quote in a URI cannot close the attribute');
});

test('inlined, the bundle is part of the page under the same nonce and cannot close its element early', () => {
  const nonce = createNonce();
  const script = 'const s = "</script><script>alert(1)</script>"; /* <!-- */ run();';
  const style = '.a::after { content: "</style><img src=x>"; }';
  const codicons = { fontFace: '@font-face { font-family: codicon; }', rules: '.codicon-x::before { content: "</style>"; }' };
  const html = playerHtml({ ...input, nonce, inline: { script, style, codicons } });
  assert.equal(html.match(/<script nonce=/g)?.length, 2, 'the first-paint mark and the bundle');
  assert.equal(html.match(/<\/script>/g)?.length, 2, 'each closed once, at its end');
  assert.equal(html.match(/<\/style>/g)?.length, 3, 'codicon font, codicon rules, bundle style');
  assert.ok(html.includes(`<script nonce="${nonce}">const s = "<\\/script><script>alert(1)<\\/script>"; /* <\\!-- */ run();</script>`));
  assert.ok(html.includes(`<style nonce="${nonce}">`));
  assert.ok(html.includes(`<style nonce="${nonce}" id="vh-codicon-rules">.codicon-x::before { content: "<\\/style>"; }</style>`));
  assert.ok(!html.includes(input.scriptUri) && !html.includes(input.styleUri), 'nothing to fetch for the bundle');
  // Nothing to fetch for the icons either (the page's script links the rules for the icon components as a blob:).
  assert.ok(!html.includes(input.codiconsUri), 'nothing to fetch for the codicons');
  assert.doesNotMatch(html, /<link/, 'no linked file at all');
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
});

test('the codicon stylesheet is inlined with its font: the face embeds codicon.ttf byte for byte, the rules keep every icon', () => {
  const inlined = inlineCodicons(codiconCss, codiconFont);
  assert.ok(inlined, 'the stylesheet has the one font face expected');
  const url = inlined.fontFace.match(/url\("data:font\/ttf;base64,([A-Za-z0-9+/=]+)"\)/);
  assert.ok(url, inlined.fontFace.slice(0, 200));
  assert.ok(Buffer.from(url[1]!, 'base64').equals(codiconFont), 'the embedded font is codicon.ttf');
  assert.match(inlined.fontFace, /font-family:\s*"codicon"/);
  assert.doesNotMatch(inlined.fontFace, /codicon\.ttf/, 'no file left to fetch');
  assert.doesNotMatch(inlined.rules, /@font-face|url\(/, 'the rules fetch nothing');
  for (const name of ['play', 'debug-pause', 'unmute', 'mute', 'star-full', 'sync', 'trash'])
    assert.match(inlined.rules, new RegExp(`\\.codicon-${name}:before`), name);
  assert.equal(inlined.rules.length, codiconCss.length - (codiconCss.match(/@font-face\s*{[^}]*}/)?.[0].length ?? 0));
});

test('a codicon stylesheet that changed shape is not inlined (the page links it instead)', () => {
  assert.equal(inlineCodicons('.codicon-play:before { content: "x" }', codiconFont), undefined, 'no font face');
  assert.equal(inlineCodicons('@font-face { font-family: codicon; src: url(a.woff2) }', codiconFont), undefined, 'no .ttf');
});
