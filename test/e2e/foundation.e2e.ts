import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';

const shots = join(root, 'test-results');
let server: CodeServer;
let page: Page;
let close: () => Promise<void>;

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startCodeServer();
  ({ page, close } = await openWorkbench({ server }));
});

after(async () => {
  await close?.();
  await server?.stop();
});

test('the Voice History icon is in the activity bar and opens the History view', async () => {
  const icon = page.locator('.activitybar a[aria-label="Voice History"]');
  await icon.waitFor({ timeout: 30000 });
  await icon.click();
  // A container with a single view shows the view's name in the side bar title, not a pane header.
  const title = page.locator('.part.sidebar .composite.title');
  await title.waitFor({ timeout: 15000 });
  assert.match((await title.innerText()).toLowerCase(), /voice history/);
  assert.equal(await page.locator('.part.sidebar .pane-header[aria-label="History Section"]').count(), 1);
  const welcome = page.getByText('No generations yet.');
  await welcome.waitFor({ timeout: 15000 });
  assert.ok(await page.getByRole('button', { name: 'Generate Speech' }).isVisible());
  await page.screenshot({ path: join(shots, 'foundation-history-view.png') });
});
