// A request expected to fail: the JSON-RPC error it failed with, for
// assertions on its message and `data.kind`.
import assert from 'node:assert/strict';

export interface RpcError {
  message: string;
  data?: { kind?: string };
}

export async function rejection(promise: Promise<unknown>): Promise<RpcError> {
  try {
    await promise;
  } catch (error) {
    return error as RpcError;
  }
  assert.fail('the request should have failed');
}
