// Where Add to Story… places generations: after the whole story's end, in the order given, 200 ms
// apart; one track, or a track per voice (a voice keeps the track it has in the story).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendPlacements } from '../../../src/history/story-append';
import type { StoryClip } from '../../../src/history';

const gen = (id: string, profileId: string, duration: number | null) => ({ id, profileId, duration });
const clip = (track: number, profileId: string, endMs: number) =>
  ({ item: { track }, generation: { profileId }, endMs }) as unknown as StoryClip;

test('an empty story starts at 0; each next one 200 ms after the previous ends, across tracks', () => {
  const placed = appendPlacements({ clips: [], durationMs: 0 }, [gen('a', 'alice', 1), gen('b', 'bob', 0.5), gen('c', 'alice', 2)], {
    trackPerVoice: true,
  });
  assert.deepEqual(placed, [
    { generationId: 'a', track: 0, startMs: 0 },
    { generationId: 'b', track: 1, startMs: 1200 },
    { generationId: 'c', track: 0, startMs: 1900 },
  ]);
  const flat = appendPlacements({ clips: [], durationMs: 0 }, [gen('a', 'alice', 1), gen('b', 'bob', null)], { trackPerVoice: false });
  assert.deepEqual(
    flat.map((p) => [p.track, p.startMs]),
    [
      [0, 0],
      [0, 1200],
    ],
  );
});

test('appending to a story: after its end; known voices keep their track, new ones get the next free track', () => {
  const outline = { clips: [clip(0, 'alice', 3000), clip(2, 'bob', 5000)], durationMs: 5000 };
  const placed = appendPlacements(outline, [gen('x', 'bob', 1), gen('y', 'carol', 1), gen('z', 'alice', 1)], { trackPerVoice: true });
  assert.deepEqual(
    placed.map((p) => [p.generationId, p.track, p.startMs]),
    [
      ['x', 2, 5200],
      ['y', 3, 6400],
      ['z', 0, 7600],
    ],
  );
});
