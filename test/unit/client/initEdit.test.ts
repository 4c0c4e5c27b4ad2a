// Init: which reported secrets are still to declare, and only those are sent
// to the server to be written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { missingNames, pick } from '../../../client/src/commands/initEdit';

test('missing names are those the outline does not declare, sorted', () => {
  assert.deepEqual(missingNames(new Set(['A']), { C: {}, A: {}, B: {} }), ['B', 'C']);
  assert.deepEqual(missingNames([], {}), []);
});

test('only the chosen declarations are sent, each with what the provider said', () => {
  assert.deepEqual(pick({ A: { description: 'a' }, B: { required: false }, C: {} }, ['B', 'X']), { B: { required: false }, X: {} });
});
