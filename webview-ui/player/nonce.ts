// Runs before any component module: Lit reads `window.litNonce` for the <style> elements it may
// add, which the page's CSP only accepts with this page's nonce.
export const nonce = document.querySelector('meta[name="vh-nonce"]')?.getAttribute('content') ?? '';
(window as unknown as { litNonce?: string }).litNonce = nonce;
/** When the bundle started running (epoch ms), for the first-paint benchmark's breakdown. */
export const scriptStartAt = performance.timeOrigin + performance.now();

// An inlined page carries the codicon rules in a <style> (see src/player/html.ts), but the icon
// components link the stylesheet named `vscode-codicon-stylesheet` into each of their shadow
// roots: they get the same rules from a blob: URL, which costs no round trip to VS Code. The
// link itself stays disabled (not fetched, not applied twice): the page has the rules already.
const rules = document.getElementById('vh-codicon-rules');
if (rules && !document.getElementById('vscode-codicon-stylesheet')) {
  const link = document.createElement('link');
  link.id = 'vscode-codicon-stylesheet';
  link.rel = 'stylesheet';
  link.nonce = nonce;
  link.disabled = true;
  link.href = URL.createObjectURL(new Blob([rules.textContent ?? ''], { type: 'text/css' }));
  document.head.append(link);
}
