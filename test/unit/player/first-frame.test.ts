// What the player remembers for its first frame (webview-ui/player/first-frame.ts): copied from
// the screen, kept through restoreState, painted back into the skeleton before the host answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkShown, paintShown, rememberShown } from '../../../webview-ui/player/first-frame';
import { restoreState } from '../../../webview-ui/player/state';

const ID = '3f1c5b7e-9d2a-4c8b-a1e6-0b7d2f4c9e13';
const saved = { v: 1, generationId: ID, versionId: null, position: 3, speed: 1, volume: 1, muted: false, loop: false };
const part = (textContent: string | null = null, hidden = false) => ({ textContent, hidden });
const skeleton = () => ({
  empty: part('Nothing selected.'),
  player: part(null, true),
  text: part(),
  subtitle: part(),
  favoriteMark: part(null, true),
});

test('what was shown survives the page being released: restoreState keeps it with its generation', () => {
  const shown = { text: 'The quick brown fox.', subtitle: 'Alice · flite / cmu_us_slt · 0:12', favorite: true };
  assert.deepEqual(restoreState({ ...saved, shown }).shown, shown);
  // Without a generation it means nothing; malformed, it is dropped and the rest is kept.
  assert.equal(restoreState({ ...saved, generationId: null, shown }).shown, undefined);
  const bad = restoreState({ ...saved, shown: { text: 42, subtitle: '', favorite: false } });
  assert.equal(bad.shown, undefined);
  assert.equal(bad.generationId, ID);
  assert.equal(restoreState(saved).shown, undefined, 'a state saved before this existed');
});

test('checkShown caps what it keeps and refuses anything but the three fields', () => {
  const long = checkShown({ text: 'x'.repeat(10_000), subtitle: 'y'.repeat(1000), favorite: false });
  assert.equal(long?.text.length, 2000);
  assert.equal(long?.subtitle.length, 300);
  for (const raw of [undefined, null, 'text', { text: 'a', subtitle: 'b' }, { text: 'a', subtitle: null, favorite: true }]) {
    assert.equal(checkShown(raw), undefined, JSON.stringify(raw));
  }
});

test('remembered from the screen and painted back, the skeleton shows the same text, voice line and star', () => {
  const onScreen = skeleton();
  onScreen.text.textContent = '<img src=x onerror=alert(1)> is only text';
  onScreen.subtitle.textContent = 'Bob · elevenlabs · 0:03';
  onScreen.favoriteMark.hidden = false;
  const shown = rememberShown(onScreen);
  assert.deepEqual(shown, { text: '<img src=x onerror=alert(1)> is only text', subtitle: 'Bob · elevenlabs · 0:03', favorite: true });

  const fresh = skeleton();
  paintShown(fresh, shown);
  assert.equal(fresh.empty.hidden, true, '"Nothing selected." is not shown');
  assert.equal(fresh.player.hidden, false);
  assert.equal(fresh.text.textContent, shown.text);
  assert.equal(fresh.subtitle.textContent, shown.subtitle);
  assert.equal(fresh.favoriteMark.hidden, false);
});
