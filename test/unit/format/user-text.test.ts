// plainMessage: what a notification may say, from the messages real failures produce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainMessage } from '../../../src/format/user-text';

test('stack frames are left out, on their own lines or flattened into the sentence', () => {
  const e = new Error('Cannot read properties of undefined (reading "id")');
  assert.equal(plainMessage(e.stack!), 'Error: Cannot read properties of undefined (reading "id")');
  assert.equal(
    plainMessage(
      'The server had a server error (500: Error: boom at Server.<anonymous> (/srv/app.js:12:9) at node:internal/x:1:2). Try again later.',
    ),
    'The server had a server error (500: Error: boom). Try again later.',
  );
  assert.equal(plainMessage('failed at /home/me/app.js:3:14'), 'failed');
  // Words that only look like "at …" stay.
  assert.equal(plainMessage('Stopped at 3 of 10 files.'), 'Stopped at 3 of 10 files.');
});

test('a JSON body says its message instead; one without a message and code examples are left out', () => {
  assert.equal(
    plainMessage('The server sent 48 bytes: {"error":{"message":"model overloaded","type":"server_error"}}. Try again.'),
    'The server sent 48 bytes: model overloaded. Try again.',
  );
  assert.equal(plainMessage('Cannot group by {"kind":"generation","id":"x"}.'), 'Cannot group by.');
  assert.equal(plainMessage('Bad filter. Pass an object such as { status: ["failed"] }.'), 'Bad filter. Pass an object such as.');
  assert.equal(plainMessage('[{"loc":["body","voice"],"msg":"field required"}]'), 'field required');
  // A body cut off in the middle: nothing after its start.
  assert.equal(plainMessage('It said {"error": {"message": "ab'), 'It said');
});

test('one line, and a dump is cut short', () => {
  assert.equal(plainMessage('first line\n\n  second line'), 'first line second line');
  const long = plainMessage('word '.repeat(400));
  assert.ok(long.length <= 600 && long.endsWith('…'), `${long.length}`);
});
