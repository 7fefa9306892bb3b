// The player page's HTML and Content-Security-Policy, as the host serves it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, createNonce, playerHtml } from '../../../src/player/html';

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
  assert.deepEqual(directives.get('style-src'), [CSP_SOURCE, "'nonce-abc123'"]);
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
});

test('the page carries one nonce on its only script, links the bundle, and has no inline handlers', () => {
  const nonce = createNonce();
  assert.match(nonce, /^[A-Za-z0-9_-]{24}$/);
  assert.notEqual(createNonce(), nonce);
  const html = playerHtml({ ...input, nonce });
  assert.equal(html.match(/<script/g)?.length, 1);
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
  const html = playerHtml({ ...input, nonce, inline: { script, style } });
  assert.equal(html.match(/<script nonce=/g)?.length, 1, 'one script element');
  assert.equal(html.match(/<\/script>/g)?.length, 1, 'closed once, at its end');
  assert.equal(html.match(/<\/style>/g)?.length, 1);
  assert.ok(html.includes(`<script nonce="${nonce}">const s = "<\\/script><script>alert(1)<\\/script>"; /* <\\!-- */ run();</script>`));
  assert.ok(html.includes(`<style nonce="${nonce}">`));
  assert.ok(!html.includes(input.scriptUri) && !html.includes(input.styleUri), 'nothing to fetch for the bundle');
  // The codicon stylesheet stays linked (the icon components read its href) but does not block the first frame.
  assert.ok(html.includes(`id="vscode-codicon-stylesheet" href="${input.codiconsUri}" media="print"`));
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
});
