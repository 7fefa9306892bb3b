// The one disposal helper (src/dispose.ts) that replaced the hand-rolled cleanup loops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disposeAll } from '../../src/dispose';

test('disposeAll disposes every item in order and empties the list, so a second call does nothing', () => {
  const calls: string[] = [];
  const items = ['a', 'b', 'c'].map((name) => ({ dispose: () => calls.push(name) }));
  disposeAll(items);
  assert.deepEqual(calls, ['a', 'b', 'c']);
  assert.equal(items.length, 0);
  disposeAll(items);
  assert.deepEqual(calls, ['a', 'b', 'c']);
});

test('disposeAll keeps going when one item throws, then rethrows the first error', () => {
  const calls: string[] = [];
  const items = [
    { dispose: () => calls.push('a') },
    {
      dispose: () => {
        throw new Error('first');
      },
    },
    {
      dispose: () => {
        throw new Error('second');
      },
    },
    { dispose: () => calls.push('d') },
  ];
  assert.throws(() => disposeAll(items), /first/);
  assert.deepEqual(calls, ['a', 'd']);
  assert.equal(items.length, 0);
});
