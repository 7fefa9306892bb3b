// Runs before any component module: Lit reads `window.litNonce` for the <style> elements it may
// add, which the page's CSP only accepts with this page's nonce.
export const nonce = document.querySelector('meta[name="vh-nonce"]')?.getAttribute('content') ?? '';
(window as unknown as { litNonce?: string }).litNonce = nonce;
/** When the bundle started running (epoch ms), for the first-paint benchmark's breakdown. */
export const scriptStartAt = performance.timeOrigin + performance.now();
