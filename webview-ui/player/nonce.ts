// Runs before any component module: Lit reads `window.litNonce` for the <style> elements it may
// add, which the page's CSP only accepts with this page's nonce.
export const nonce = document.querySelector('meta[name="vh-nonce"]')?.getAttribute('content') ?? '';
(window as unknown as { litNonce?: string }).litNonce = nonce;
