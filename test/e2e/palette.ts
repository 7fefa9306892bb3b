// Workbench helpers the e2e files share: palette commands, themes, title-bar actions, the player frame.
import type { Frame, Locator, Page } from 'playwright-core';

export async function runCommand(page: Page, title: string): Promise<void> {
  // The palette closes when focus moves away as it opens (a webview tab taking focus back after
  // loading); then it is opened again, as a user would.
  for (let attempt = 1; ; attempt++) {
    const input = await openQuickInput(page, 'F1');
    try {
      await input.fill(`>${title}`, { timeout: 5000 });
      break;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().click();
}

/**
 * Presses `key` until the quick input shows. A key pressed while the workbench is still restoring,
 * or while focus is inside a webview frame (which forwards keys to the workbench asynchronously),
 * can be dropped; a user would press it again, and so do we.
 */
async function openQuickInput(page: Page, key: string): Promise<Locator> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press(key);
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      return input;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
}

/** Picks a color theme the way a user does (the settings file alone is not applied on code-server's first load). */
export async function setTheme(page: Page, theme: string, dark: boolean): Promise<void> {
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: theme }).first();
  // The command palette can still be filling its list when the row is clicked (early after the
  // window opens on a busy machine); the theme picker then never opens: close and ask again.
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, 'Preferences: Color Theme');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(theme);
    try {
      await row.waitFor({ timeout: 10000 });
      break;
    } catch (e) {
      if (attempt === 3) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
  await page.locator(`.monaco-workbench.${dark ? 'vs-dark' : 'vs'}`).waitFor({ timeout: 15000 });
}

/** A title bar action of a side bar view (shown while the pointer is over its header). */
export async function titleAction(page: Page, view: string, label: string): Promise<Locator> {
  const header = page.locator('.part.sidebar .pane-header', { hasText: view }).first();
  await header.hover();
  const action = header.locator(`.actions-container a[aria-label^="${label}"]`).first();
  await action.waitFor({ timeout: 10000 });
  return action;
}

/** The player webview's document (for reading values and the metrics it publishes). */
export async function playerFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 100; i++) {
    for (const f of page.frames()) {
      if (f.url().includes('index.html') || f.url().includes('fake.html')) {
        if (
          await f
            .locator('#app')
            .count()
            .catch(() => 0)
        )
          return f;
      }
    }
    await page.waitForTimeout(100);
  }
  throw new Error('the player webview frame did not appear');
}

/** Picks a value of a vscode-single-select in the player the way its own API does (its list lives in a shadow root). */
export async function chooseInPlayer(page: Page, selector: string, value: string): Promise<void> {
  const frame = await playerFrame(page);
  await frame.evaluate(
    ([sel, v]) => {
      // Runs in the page, typed without the DOM library (the benchmarks import this file too).
      const page = globalThis as unknown as {
        document: { querySelector(s: string): { value: string; dispatchEvent(e: unknown): void } };
        Event: new (type: string, init: { bubbles: boolean }) => unknown;
      };
      const el = page.document.querySelector(sel);
      el.value = v;
      el.dispatchEvent(new page.Event('change', { bubbles: true }));
    },
    [selector, value] as const,
  );
}

/**
 * Answers code-server's simple file dialog: a quick input holding a path. It fills in its folder
 * (and, saving, the suggested name) first; then `path` is typed and accepted. Resolves with what
 * the dialog suggested; `beforeAnswer` runs while the suggestion shows (e.g. a screenshot).
 */
export async function answerFileDialog(
  page: Page,
  kind: 'save' | 'open',
  path: string,
  beforeAnswer?: () => Promise<unknown>,
): Promise<string> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  // The dialog shows a folder (opening) or a file path (saving) once it is ready for ours.
  const ready = kind === 'save' ? /^\/.*\.[a-z0-9]+$/i : /^\/.*\/$/;
  for (let waited = 0; !ready.test(await input.inputValue()); waited += 100) {
    if (waited > 10000) throw new Error(`the ${kind} dialog did not show a path (it shows "${await input.inputValue()}")`);
    await page.waitForTimeout(100);
  }
  const suggested = await input.inputValue();
  await beforeAnswer?.();
  await input.fill(path);
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  return suggested;
}

/** Drags the side bar's edge until the side bar is `width` px wide. */
export async function setSideBarWidth(page: Page, width: number): Promise<void> {
  const sideBar = page.locator('.part.sidebar');
  const bar = (await sideBar.boundingBox())!;
  const y = bar.y + bar.height / 2;
  await page.mouse.move(bar.x + bar.width, y);
  await page.mouse.down();
  await page.mouse.move(bar.x + width, y, { steps: 8 });
  await page.mouse.up();
  const deadline = Date.now() + 15000;
  while (Math.abs(Math.round((await sideBar.boundingBox())!.width) - width) > 2) {
    if (Date.now() > deadline) throw new Error(`the side bar did not become ${width} px wide`);
    await page.waitForTimeout(100);
  }
}

/** Polls `read` until `ok` holds (a webview frame may be reloading meanwhile); the last value goes into the error. */
export async function waitUntil<T>(page: Page, what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch {
      /* the frame may be reloading */
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/**
 * Switches the colour theme from the palette's theme picker, as a user would, and waits until the
 * webview `frame()` returns has it too (VS Code tells its webviews by a body attribute).
 */
export async function useWebviewTheme(page: Page, label: string, kind: string, frame: () => Promise<Frame>): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  await page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ timeout: 10000 });
  await page.keyboard.type(label);
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
  const f = await frame();
  await waitUntil(
    page,
    `the ${kind} theme`,
    // A string expression: this file is also compiled without the DOM types (the benchmarks import it).
    () => f.evaluate<string>("document.body.dataset.vscodeThemeKind ?? ''"),
    (k) => k === kind,
    20000,
  );
  await page.waitForTimeout(500);
}

/** Right-clicks a row and chooses a menu item (hover then Enter: how this workbench's menus take a choice). */
export async function contextMenu(page: Page, target: Locator, item: string | RegExp): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await target.click({ button: 'right' });
    const entry = page.locator('.context-view .action-menu-item', { hasText: item }).first();
    const chosen = await entry
      .hover({ timeout: 5000 })
      .then(() => page.keyboard.press('Enter'))
      .then(
        () => true,
        () => false,
      );
    if (chosen) return;
    // The tree may re-render under an open menu and close it: open it again.
    await page.keyboard.press('Escape');
    if (attempt === 3) throw new Error(`the context menu did not offer ${String(item)}`);
  }
}

/** The first side bar row whose accessible label starts with `labelStart` (a tree row, a group header). */
export function sideBarRow(page: Page, labelStart: string): Locator {
  return page
    .locator('.part.sidebar')
    .locator(`.monaco-list-row[aria-label^="${labelStart.replace(/"/g, '\\"')}"]`)
    .first();
}
