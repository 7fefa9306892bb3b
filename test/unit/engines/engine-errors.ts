// Shared by the engine tests: how an engine call is expected to fail.
import assert from 'node:assert/strict';
import { EngineError } from '../../../src/engines/engine';

/** A signal that is never aborted. */
export const never = new AbortController().signal;

/** The EngineError a call rejects with (fails the test if it resolves or throws anything else). */
export async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EngineError, `expected EngineError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}
