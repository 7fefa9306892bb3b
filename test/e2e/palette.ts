// Runs a command from the Command Palette by its title, as a user would.
import type { Locator, Page } from 'playwright-core';

export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().click();
}

/** Picks a color theme the way a user does (the settings file alone is not applied on code-server's first load). */
export async function setTheme(page: Page, theme: string, dark: boolean): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.fill(theme);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: theme }).first().waitFor();
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
