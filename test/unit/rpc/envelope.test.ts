// The webview's zod-free reply check must accept and reject exactly what the host's zod schema does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostMessage } from '../../../src/rpc/envelope';
import { hostMessageSchema } from '../../../src/rpc/protocol';

const base = { channel: 'vh-rpc', id: 'page:1' };
const samples: unknown[] = [
  { ...base, kind: 'result', data: { items: [] } },
  { ...base, kind: 'result', data: null },
  { ...base, kind: 'data', data: 3, extra: 'dropped' },
  { ...base, kind: 'started' },
  { ...base, kind: 'stopped' },
  {
    ...base,
    kind: 'error',
    error: { code: 'BAD_REQUEST', message: 'bad', issues: [{ code: 'too_big', message: 'max 1000', path: ['pageSize'] }] },
  },
  {
    ...base,
    kind: 'error',
    error: { code: 'NOT_FOUND', message: 'gone', path: 'history.get', reason: 'GENERATION_NOT_FOUND', stack: 'x' },
  },
  // Rejected: not ours, wrong shapes, unknown kinds and codes, oversized ids and reasons.
  { ...base, channel: 'other', kind: 'result', data: 1 },
  { ...base, kind: 'request', data: 1 },
  { ...base, id: '', kind: 'result', data: 1 },
  { ...base, id: 'x'.repeat(129), kind: 'result', data: 1 },
  { ...base, id: 7, kind: 'started' },
  { ...base, kind: 'error', error: { code: 'TEAPOT', message: 'no' } },
  { ...base, kind: 'error', error: { code: 'BAD_REQUEST' } },
  { ...base, kind: 'error', error: { code: 'BAD_REQUEST', message: 'm', reason: 'r'.repeat(65) } },
  { ...base, kind: 'error', error: { code: 'BAD_REQUEST', message: 'm', issues: [{ code: 'c', message: 'm', path: [{}] }] } },
  { ...base, kind: 'error', error: 'flat string' },
  null,
  'vh-rpc',
  [base],
];

test('parseHostMessage agrees with hostMessageSchema on every sample', () => {
  for (const sample of samples) {
    const zod = hostMessageSchema.safeParse(sample);
    const ours = parseHostMessage(sample);
    assert.equal(ours !== undefined, zod.success, `disagree on ${JSON.stringify(sample)}`);
    if (zod.success) assert.deepEqual(ours, zod.data, `same result for ${JSON.stringify(sample)}`);
  }
});
