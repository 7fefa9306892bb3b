// package.json's commands and menus against the code: the generated command ids match the
// manifest, and the audio commands only show on tree rows that have audio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMAND_IDS } from '../../../src/commands/ids.generated';

const root = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    keybindings: { command: string; key: string; when?: string }[];
  };
};

test('the generated command ids are exactly the contributed commands, and the committed file is up to date', () => {
  assert.deepEqual(
    [...COMMAND_IDS],
    manifest.contributes.commands.map((c) => c.command),
  );
  // Exits 1 when src/commands/ids.generated.ts differs from what package.json generates.
  execFileSync(process.execPath, [join(root, 'scripts', 'command-ids.mjs'), '--check'], { stdio: 'pipe' });
});

/** Does a `when` clause's `viewItem =~ /…/` test accept a row with this context value? */
function showsOn(when: string, contextValue: string): boolean {
  const match = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(when);
  assert.ok(match, `no viewItem test in: ${when}`);
  return new RegExp(match[1]).test(contextValue);
}

// What tree-items.ts sets as a generation row's contextValue.
const withAudio = 'generation completed notFavorite hasAudio';
const withoutAudio = 'generation failed notFavorite noAudio';

test('Reveal Audio File, Open Audio in Editor and Export Audio… show only on rows with audio', () => {
  const items = manifest.contributes.menus['view/item/context'];
  for (const id of ['voiceHistory.revealAudioFile', 'voiceHistory.openAudioInEditor', 'voiceHistory.exportAudio']) {
    const entries = items.filter((m) => m.command === id);
    assert.ok(entries.length > 0, `${id} is in the tree's context menu`);
    for (const m of entries) {
      assert.equal(showsOn(m.when ?? '', withAudio), true, `${id} shows on a row with audio`);
      assert.equal(showsOn(m.when ?? '', withoutAudio), false, `${id} is hidden on a row without audio`);
    }
  }
});

test('commands that need no audio still show on rows without it', () => {
  const items = manifest.contributes.menus['view/item/context'];
  for (const id of ['voiceHistory.copyText', 'voiceHistory.delete', 'voiceHistory.regenerate']) {
    const m = items.find((x) => x.command === id);
    assert.ok(m?.when && showsOn(m.when, withoutAudio), `${id} shows on a row without audio`);
  }
});

test('F2 renames in the History view only; Rename is for one row, Add/Remove Tags for any selection, with or without audio', () => {
  const f2 = manifest.contributes.keybindings.filter((k) => k.key === 'f2');
  assert.deepEqual(f2, [{ command: 'voiceHistory.rename', key: 'f2', when: 'focusedView == voiceHistory.history && !inputFocus' }]);
  const items = manifest.contributes.menus['view/item/context'];
  const rename = items.find((m) => m.command === 'voiceHistory.rename');
  assert.match(rename?.when ?? '', /!listMultiSelection/);
  for (const id of ['voiceHistory.rename', 'voiceHistory.addTags', 'voiceHistory.removeTags']) {
    const m = items.find((x) => x.command === id);
    assert.ok(m?.when && showsOn(m.when, withoutAudio) && showsOn(m.when, withAudio), `${id} shows on every generation row`);
  }
  for (const id of ['voiceHistory.addTags', 'voiceHistory.removeTags'])
    assert.doesNotMatch(items.find((x) => x.command === id)?.when ?? '', /listMultiSelection/, `${id} also on a multi-selection`);
});
