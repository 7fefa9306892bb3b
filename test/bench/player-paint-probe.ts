// When VS Code puts a webview on screen, seen from its side: VS Code's webview host page
// (…/webview/browser/pre/index.html, VS Code 1.96) writes the extension's page into a frame that
// stays `visibility: hidden` until that page's `load` event, then renames it `#active-frame` and
// makes it visible. A script in every host page notes the frame after that happens; the player
// benchmark reads it, so its first paint does not depend on the player's own marks.
import type { Frame, Page } from 'playwright-core';

// A string, so the bundler's helpers (tsx adds __name) do not leak into the page.
const PROBE = `(() => {
  if (!location.pathname.endsWith('/pre/index.html')) return;
  const seen = new WeakSet();
  const check = () => {
    for (const frame of document.querySelectorAll('iframe#active-frame')) {
      if (seen.has(frame) || frame.style.visibility !== 'visible') continue;
      seen.add(frame);
      // The next frame of the browser is the first one that shows it.
      requestAnimationFrame(() => setTimeout(() => { window.vhShownAt = performance.timeOrigin + performance.now(); }, 0));
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, attributes: true, attributeFilter: ['id', 'style'] });
})();`;

/** Installs the probe in every webview host page the workbench opens from now on. */
export async function watchWebviewsShown(page: Page): Promise<void> {
  await page.context().addInitScript(PROBE);
}

/** When VS Code last showed the frame of `page` (a webview's document), epoch ms; 0 before that. */
export async function shownAt(page: Frame): Promise<number> {
  const host = page.parentFrame();
  if (!host) return 0;
  return host.evaluate(() => (globalThis as unknown as { vhShownAt?: number }).vhShownAt ?? 0);
}
