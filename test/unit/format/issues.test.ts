// describeIssues: the one formatter of schema problems, over real zod errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { describeIssues } from '../../../src/format/issues';

const schema = z.strictObject({ name: z.string(), voices: z.array(z.string()).min(1) });

function issuesOf(input: unknown) {
  const parsed = schema.safeParse(input);
  assert.equal(parsed.success, false);
  return parsed.error!.issues;
}

test('every problem on one line, each with its dotted path', () => {
  const text = describeIssues(issuesOf({ name: 3, voices: ['a', 4] }));
  assert.equal(text, 'name: Invalid input: expected string, received number; voices.1: Invalid input: expected string, received number');
});

test('a problem with the value itself is named by `whole`, or is just its message', () => {
  assert.equal(describeIssues(issuesOf('nope'), { whole: 'options' }), 'options: Invalid input: expected object, received string');
  assert.equal(describeIssues(issuesOf('nope')), 'Invalid input: expected object, received string');
});

test('`more` adds words to one problem; symbol path parts do not throw', () => {
  const text = describeIssues(issuesOf({ name: 'x', voices: ['a'], extra: 1 }), {
    more: (i) => (i.code === 'unrecognized_keys' ? ' Known fields: name, voices.' : ''),
  });
  assert.equal(text, 'Unrecognized key: "extra" Known fields: name, voices.');
  assert.equal(describeIssues([{ path: [Symbol('s'), 0], message: 'bad' }]), 'Symbol(s).0: bad');
});
