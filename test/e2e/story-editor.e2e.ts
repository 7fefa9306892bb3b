// The story editor in the real VS Code (code-server) driven by Playwright: a story made from
// generations through the history service, opened from the palette, then dragged, trimmed, split,
// played through, undone (mouse and keyboard), hostile names shown as text, a missing clip's
// placeholder, screenshots in dark, light and high contrast, and the tab back after a reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { openHistory } from '../../src/history';
import { openWorkbench, root, startCodeServer, type CodeServer } from '../support/code-server.mjs';
import { runCommand, useWebviewTheme, waitUntil } from './palette';
import { toneWav } from './player-seed';

const shots = join(root, 'test-results');
const STORY = '<img src=x onerror=alert(1)> Chapter "One" & more';
const HOSTILE_TEXT = '<script>alert("clip")</script> spoken line';
let scratch: string;
let storageDir: string;
let server: CodeServer;
let page: Page;
let close: () => Promise<void>;
const dialogs: string[] = [];

interface EditorClipState {
  itemId: string;
  track: number;
  startMs: number;
  trimStartMs: number;
  trimEndMs: number;
  label: string;
  problem: string | null;
}

/** Seeds a history with a story of four clips on two tracks (one whose audio file is gone) through the service. */
async function seed(storageDir: string): Promise<void> {
  mkdirSync(storageDir, { recursive: true });
  const history = await openHistory({ storageDir, checkOnOpen: false });
  try {
    const alice = await history.createProfile({ name: 'Alice', engine: 'flite', voiceId: 'slt' });
    const bob = await history.createProfile({ name: 'Bob', engine: 'flite', voiceId: 'awb' });
    const wav = (seconds: number, hz: number) => ({ data: toneWav(seconds, hz), format: 'wav', duration: seconds });
    const common = { engine: 'flite', status: 'completed' as const };
    const a = await history.create({ ...common, profileId: alice.id, text: 'Once upon a time, in a quiet town.' }, wav(4, 220));
    const b = await history.create({ ...common, profileId: bob.id, text: HOSTILE_TEXT }, wav(3, 330));
    const c = await history.create({ ...common, profileId: alice.id, text: 'And they lived happily ever after.' }, wav(3, 262));
    const gone = await history.create({ ...common, profileId: bob.id, text: 'This clip lost its audio file.' }, wav(2, 440));
    rmSync(history.resolveAudioPath(gone));
    const story = await history.createStory({ name: STORY });
    await history.editStory(story.id, {
      type: 'add',
      items: [
        { generationId: a.id, track: 0 },
        { generationId: c.id, track: 0 },
        { generationId: b.id, track: 1, startMs: 2000 },
        { generationId: gone.id, track: 1 },
      ],
    });
  } finally {
    await history.close();
  }
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  scratch = mkdtempSync(join(tmpdir(), 'vh-story-editor-e2e-'));
  storageDir = join(scratch, 'storage');
  await seed(storageDir);
  server = await startCodeServer({ env: { VH_TEST_MODE: '1', VH_STORAGE_DIR: storageDir } });
  ({ page, close } = await openWorkbench({ server, theme: 'dark' }));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.locator('.activitybar a[aria-label="Voice History"]').click();
});

after(async () => {
  await close?.();
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const until = <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms?: number): Promise<T> =>
  waitUntil(page, what, read, ok, ms);

/** The editor's document (editor webviews sit in an overlay; found by what only the editor has). */
async function editor(): Promise<Frame> {
  for (let i = 0; i < 200; i++) {
    for (const f of page.frames()) {
      if (
        await f
          .locator('.timeline')
          .count()
          .catch(() => 0)
      )
        return f;
    }
    await page.waitForTimeout(100);
  }
  throw new Error('the story editor webview did not appear');
}

const clips = async (): Promise<EditorClipState[]> =>
  (await editor()).evaluate(() => {
    const app = (window as unknown as { vhStoryEditor: { story: { clips: EditorClipState[] } | null } }).vhStoryEditor;
    return (app.story?.clips ?? []).map((c) => ({ ...c }));
  });
const appValue = async <T>(read: string): Promise<T> =>
  (await editor()).evaluate((expr) => {
    const app = (window as unknown as { vhStoryEditor: Record<string, unknown> }).vhStoryEditor;
    return expr.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], app);
  }, read) as Promise<T>;
const clipEl = async (itemId: string) => (await editor()).locator(`.clip[data-item="${itemId}"]`);

async function openStory(): Promise<void> {
  await runCommand(page, 'Voice History: Open Story Editor');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Chapter "One"' }).first().click();
  const frame = await editor();
  await until(
    'every clip drawn',
    () => frame.evaluate(() => document.body.dataset.drawn ?? ''),
    (v) => v === '4',
    30000,
  );
}

test('opened from the palette: lanes with waveforms, the hostile name and text as text, a placeholder for the missing audio', async () => {
  await openStory();
  const frame = await editor();
  assert.equal(await frame.locator('.story-name').textContent(), STORY, 'the name exactly as typed');
  assert.equal(await frame.locator('.story-name img, .clip script, .clip img').count(), 0, 'no element made from a name or text');
  assert.equal(dialogs.length, 0, 'nothing ran');
  assert.equal(await frame.locator('.lane').count(), 3, 'three lanes (two used, one spare)');
  assert.equal(await frame.locator('.clip').count(), 4);
  assert.equal(await frame.locator('.clip .wave').count(), 4);
  const hostile = (await clips()).find((c) => c.label.includes('<script>'))!;
  assert.equal(await (await clipEl(hostile.itemId)).locator('.clip-label').textContent(), HOSTILE_TEXT);
  const placeholder = frame.locator('.clip.placeholder');
  assert.equal(await placeholder.count(), 1);
  assert.match((await placeholder.locator('.clip-problem').textContent()) ?? '', /missing.*Reconcile Storage/);
  // The waveform canvases have pixels of the wave colour.
  const inked = await frame.evaluate(() =>
    [...document.querySelectorAll<HTMLCanvasElement>('.clip:not(.placeholder) canvas')].map((c) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n;
    }),
  );
  assert.ok(
    inked.every((n) => n > 100),
    `every waveform drawn (${inked.join(', ')} inked pixels)`,
  );
  assert.equal(
    await page
      .locator('.tabs-container .tab.active')
      .getAttribute('aria-label')
      .then((l) => l?.includes('Chapter "One"')),
    true,
  );
  await page.screenshot({ path: join(shots, 'story-editor-default.png') });
});

test('drag to move snaps to 100 ms (Alt: exact); the trim handles trim (the start one keeps the sound in place); all stored', async () => {
  const frame = await editor();
  const first = (await clips()).find((c) => c.track === 0 && c.startMs === 0)!;
  const box = (await (await clipEl(first.itemId)).boundingBox())!;
  const px = await appValue<number>('pxPerSecond');
  // Move the first clip ~1.03 s right: it lands on the grid.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + px * 1.03, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  const moved = await until(
    'the move to be stored',
    async () => (await clips()).find((c) => c.itemId === first.itemId)!,
    (c) => c.startMs !== 0,
  );
  assert.equal(moved.startMs % 100, 0, `snapped to the grid (${moved.startMs} ms)`);
  assert.ok(Math.abs(moved.startMs - 1030) <= 100, `about where it was dropped (${moved.startMs})`);

  /** Drags from a point of a clip's box by `seconds` of story time. */
  const dragBy = async (itemId: string, at: 'start' | 'middle' | 'end', seconds: number, alt = false) => {
    const b = (await (await clipEl(itemId)).boundingBox())!;
    const x = at === 'start' ? b.x + 2 : at === 'end' ? b.x + b.width - 2 : b.x + b.width / 2;
    const y = b.y + b.height / 2;
    await page.mouse.move(x, y);
    if (alt) await page.keyboard.down('Alt');
    await page.mouse.down();
    await page.mouse.move(x + px * seconds, y, { steps: 8 });
    await page.mouse.up();
    if (alt) await page.keyboard.up('Alt');
  };
  const clip = async (itemId: string) => (await clips()).find((c) => c.itemId === itemId)!;

  // The start handle ~0.5 s right: 500 ms trimmed and the clip starts later, its sound where it was.
  await dragBy(first.itemId, 'start', 0.5);
  const trimmed = await until(
    'the start trim to be stored',
    () => clip(first.itemId),
    (c) => c.trimStartMs > 0,
  );
  assert.ok(Math.abs(trimmed.trimStartMs - 500) <= 100, `about 0.5 s trimmed (${trimmed.trimStartMs})`);
  assert.equal(trimmed.startMs, moved.startMs + trimmed.trimStartMs, 'the sound stays in place');

  // The end handle of the clip on track 2, ~0.5 s left.
  const second = (await clips()).find((c) => c.track === 1 && !c.problem)!;
  await dragBy(second.itemId, 'end', -0.5);
  const ended = await until(
    'the end trim to be stored',
    () => clip(second.itemId),
    (c) => c.trimEndMs > 0,
  );
  assert.ok(Math.abs(ended.trimEndMs - 500) <= 100, `about 0.5 s trimmed off the end (${ended.trimEndMs})`);
  assert.equal(ended.startMs, second.startMs, 'the end handle does not move the clip');

  // With Alt held, no snapping: it lands on the exact millisecond it was dropped at.
  await dragBy(second.itemId, 'middle', 0.37, true);
  const exact = await until(
    'the Alt move to be stored',
    () => clip(second.itemId),
    (c) => c.startMs !== second.startMs,
  );
  assert.ok(Math.abs(exact.startMs - (second.startMs + 370)) <= 20, `dropped at ${exact.startMs}`);
  assert.notEqual(exact.startMs % 100, 0, `not on the grid (${exact.startMs})`);
  await frame.locator('.clip.selected').waitFor();
});

test('split at the playhead with S, Delete, keyboard nudges; Ctrl+Z / Ctrl+Shift+Z through the service', async () => {
  const frame = await editor();
  const before = await clips();
  const target = before.find((c) => c.track === 0 && c.startMs > 0)!;
  const px = await appValue<number>('pxPerSecond');
  // Click on the ruler 1 s into the clip: the playhead goes there.
  const ruler = (await frame.locator('.ruler').boundingBox())!;
  const area = (await frame.locator('.area').boundingBox())!;
  const scroll = await frame.evaluate(() => document.querySelector('.scroller')!.scrollLeft);
  await page.mouse.click(area.x - scroll + ((target.startMs + 1000) / 1000) * px, ruler.y + ruler.height / 2);
  await until(
    'the playhead 1 s into the clip',
    () => appValue<number>('playheadMs'),
    (ms) => Math.abs(ms - (target.startMs + 1000)) < 60,
  );
  await (await clipEl(target.itemId)).click({ position: { x: 10, y: 30 } });
  await page.keyboard.press('s');
  await until(
    'the split',
    async () => (await clips()).length,
    (n) => n === before.length + 1,
  );
  // Tab to another clip, nudge it right by 100 ms, then by 1 s with Shift.
  const focused = async () => frame.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.item ?? null);
  const selected = (await focused())!;
  const start = (await clips()).find((c) => c.itemId === selected)!.startMs;
  await page.keyboard.press('ArrowRight');
  await until(
    '→ to nudge 100 ms',
    async () => (await clips()).find((c) => c.itemId === selected)!.startMs,
    (s) => s === start + 100,
  );
  await page.keyboard.press('Shift+ArrowRight');
  await until(
    'Shift+→ to nudge 1 s',
    async () => (await clips()).find((c) => c.itemId === selected)!.startMs,
    (s) => s === start + 1100,
  );
  await page.keyboard.press('Tab');
  const next = await focused();
  assert.ok(next && next !== selected, 'Tab moves to the next clip');
  await frame.locator(`.clip[data-item="${next}"]:focus`).waitFor();
  await page.screenshot({ path: join(shots, 'story-editor-split-focus.png') });

  // Undo the two nudges and the split: back to the clips as they were.
  for (let i = 0; i < 3; i++) await page.keyboard.press('Control+z');
  await until(
    'three undos',
    async () => JSON.stringify((await clips()).map((c) => [c.itemId, c.startMs, c.trimEndMs]).sort()),
    (s) => s === JSON.stringify(before.map((c) => [c.itemId, c.startMs, c.trimEndMs]).sort()),
  );
  await page.keyboard.press('Control+Shift+Z');
  await until(
    'redo the split',
    async () => (await clips()).length,
    (n) => n === before.length + 1,
  );
  await page.keyboard.press('Control+z');
  await until(
    'undo it again',
    async () => (await clips()).length,
    (n) => n === before.length,
  );
  // Delete removes the focused clip; undo brings it back.
  await (await clipEl(target.itemId)).focus();
  await page.keyboard.press('Delete');
  await until(
    'Delete',
    async () => (await clips()).length,
    (n) => n === before.length - 1,
  );
  await page.keyboard.press('Control+z');
  await until(
    'undo the delete',
    async () => (await clips()).some((c) => c.itemId === target.itemId),
    (v) => v,
  );
});

test('an edit from another window shows up; an undo after it is refused with a clear message', async () => {
  const frame = await editor();
  const target = (await clips()).find((c) => c.track === 0 && !c.problem)!;
  await (await clipEl(target.itemId)).focus();
  await page.keyboard.press('ArrowRight');
  await until(
    'a nudge to undo later',
    async () => (await clips()).find((c) => c.itemId === target.itemId)!.startMs,
    (s) => s === target.startMs + 100,
  );
  // Another window (a second history on the same folder) moves a clip to the spare lane.
  const other = await openHistory({ storageDir, checkOnOpen: false });
  try {
    const [story] = await other.listStories();
    const item = story && (await other.getStory(story.id))!.items.find((i) => i.id !== target.itemId)!;
    await other.editStory(story!.id, { type: 'move', itemId: item!.id, startMs: 8000, track: 2 });
  } finally {
    await other.close();
  }
  await until(
    'the other window’s move to show',
    async () => (await clips()).some((c) => c.track === 2 && c.startMs === 8000),
    (v) => v,
    30000,
  );
  await (await clipEl(target.itemId)).focus();
  await page.keyboard.press('Control+z');
  await until(
    'the refusal',
    () => frame.locator('.message').textContent(),
    (t) => /changed since/.test(t ?? ''),
  );
  assert.equal(await frame.locator('.message').getAttribute('role'), 'alert');
  await page.screenshot({ path: join(shots, 'story-editor-message.png') });
  // The playhead outside the selected clip: S explains instead of failing.
  await page.keyboard.press('Home');
  const late = (await clips()).find((c) => c.startMs > 0 && !c.problem)!;
  await (await clipEl(late.itemId)).focus();
  await page.keyboard.press('s');
  await until(
    'the split hint',
    () => frame.locator('.message').textContent(),
    (t) => /Move the playhead inside/.test(t ?? ''),
  );
});

test('play-through: Space plays every track in sync from the playhead; a click on the ruler seeks with sound', async () => {
  const frame = await editor();
  await frame.locator('.story-name').click();
  await page.keyboard.press('Home');
  await page.keyboard.press('Space');
  await until(
    'the playhead to move',
    () => appValue<number>('playheadMs'),
    (ms) => ms > 500,
  );
  assert.equal(await frame.locator('vscode-toolbar-button[label="Pause"]').count(), 1);
  // Seek while playing: sound comes out of the mix (the analyser on the output sees it).
  const ruler = (await frame.locator('.ruler').boundingBox())!;
  await page.mouse.click(ruler.x + 100, ruler.y + ruler.height / 2);
  const soundAt = await until(
    'sound after the seek',
    () => appValue<number | undefined>('metrics.soundAt'),
    (t) => typeof t === 'number',
  );
  const seekAt = (await appValue<number>('metrics.seekAt'))!;
  console.log(`seek to sound: ${(soundAt! - seekAt).toFixed(0)} ms`);
  await page.keyboard.press('Space');
  await until(
    'paused',
    () => frame.locator('vscode-toolbar-button[label="Play"]').count(),
    (n) => n === 1,
  );
});

test('mute and solo per track, gain; the lane shows it is silent', async () => {
  const frame = await editor();
  await frame.locator('.head .toggle.mute').nth(1).click();
  await until(
    'track 2 muted',
    () => frame.locator('.lane.silent').count(),
    (n) => n === 1,
  );
  await frame.locator('.head .toggle.solo').first().click();
  const lanes = await frame.locator('.lane').count();
  await until(
    'track 1 soloed: the others silent',
    () => frame.locator('.lane.silent').count(),
    (n) => n === lanes - 1,
  );
  await page.screenshot({ path: join(shots, 'story-editor-mute-solo.png') });
  await frame.locator('.head .toggle.solo').first().click();
  await frame.locator('.head .toggle.mute').nth(1).click();
  await until(
    'all audible again',
    () => frame.locator('.lane.silent').count(),
    (n) => n === 0,
  );
});

test('theme-aware: screenshots in light and high contrast', async () => {
  for (const [theme, kind, file] of [
    ['Light Modern', 'vscode-light', 'story-editor-light.png'],
    ['Dark High Contrast', 'vscode-high-contrast', 'story-editor-high-contrast.png'],
    ['Dark Modern', 'vscode-dark', 'story-editor-dark.png'],
  ] as const) {
    await useWebviewTheme(page, theme, kind, editor);
    await page.screenshot({ path: join(shots, file) });
  }
});

test('the editor tab comes back after a window reload, on the same story', async () => {
  const before = await editor();
  const count = String((await clips()).length);
  await runCommand(page, 'Developer: Reload Window');
  await until(
    'the window to reload',
    async () => before.isDetached(),
    (gone) => gone,
    30000,
  );
  const frame = await editor();
  await until(
    'the restored tab to draw its clips',
    () => frame.evaluate(() => document.body.dataset.drawn ?? ''),
    (v) => v === count,
    60000,
  );
  assert.equal(await frame.locator('.story-name').textContent(), STORY);
});
