// What the delete confirmations say: the stories that lose items are named with their counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deleteGenerationsPrompt, deleteStoryPrompt, storyList } from '../../../src/commands/delete-wording';

test('deleting generations names the stories that use them and how many items go', () => {
  const p = deleteGenerationsPrompt(
    2,
    ['“Hello”', '“World”'],
    [
      { name: 'Episode 1', itemCount: 2 },
      { name: 'Trailer', itemCount: 1 },
    ],
  );
  assert.equal(p.message, 'Delete 2 generations and their audio?');
  assert.equal(p.button, 'Delete 2');
  assert.equal(
    p.detail,
    '“Hello”\n“World”\n\nThey are used in 2 stories: “Episode 1” (2 items) and “Trailer” (1 item). Those 3 items are removed from the stories too.\n\nThis cannot be undone.',
  );
  const one = deleteGenerationsPrompt(1, ['“Hi”'], [{ name: 'Pilot', itemCount: 1 }]);
  assert.match(one.detail, /It is used in the story: “Pilot” \(1 item\)\. That item is removed from the story too\./);
  assert.equal(one.button, 'Delete');
  const none = deleteGenerationsPrompt(5, ['“a”', '“b”', '“c”'], []);
  assert.equal(none.detail, '“a”\n“b”\n“c”\n…and 2 more\n\nThis cannot be undone.');
});

test('many stories: five named, the rest counted', () => {
  const stories = Array.from({ length: 7 }, (_, i) => ({ name: `S${i}`, itemCount: 1 }));
  assert.equal(storyList(stories), '“S0” (1 item), “S1” (1 item), “S2” (1 item), “S3” (1 item), “S4” (1 item) and 2 more stories');
});

test('deleting a story names it and its item count; the generations stay', () => {
  const p = deleteStoryPrompt({ name: 'Episode 1', itemCount: 12 });
  assert.equal(p.message, 'Delete the story “Episode 1”?');
  assert.match(p.detail, /^Its 12 items go with it; the generations and their audio stay in the history\./);
  assert.match(deleteStoryPrompt({ name: 'E', itemCount: 0 }).detail, /^The story is empty\./);
});
