// The Import plan shows what the server says about each secret; the
// per-outcome words only stand in for an item without a message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importSummary, planRow } from '../../../client/src/commands/importPlan';

test('a plan row shows the server\'s message for the item, not a fixed text for its outcome', () => {
  // The case: the target has a value (a default) and the source has none; the outcome is `exists`.
  const row = planRow({ name: 'LOG_LEVEL', outcome: 'exists', target: 'dotenv file /p/.env, key LOG_LEVEL', message: 'already in target, not in source' });
  assert.equal(row.description, 'already in target, not in source');
  assert.doesNotMatch(row.description, /same value/);
  assert.equal(row.label, '$(check) LOG_LEVEL');
  assert.equal(row.detail, 'dotenv file /p/.env, key LOG_LEVEL');
  assert.equal(planRow({ name: 'A', outcome: 'differs', message: 'target value differs; it was not overwritten' }).description, 'target value differs; it was not overwritten');
});

test('an item without a message gets words true for every case of its outcome', () => {
  assert.equal(planRow({ name: 'A', outcome: 'imported' }).description, 'will be imported');
  assert.equal(planRow({ name: 'A', outcome: 'exists' }).description, 'already in the target');
  assert.equal(planRow({ name: 'A', outcome: 'skipped' }).detail, undefined);
});

test('the summary counts outcomes, in plan or result tense', () => {
  const result = { items: [{ name: 'A', outcome: 'imported' as const }, { name: 'B', outcome: 'imported' as const }, { name: 'C', outcome: 'not_found' as const }] };
  assert.equal(importSummary(result, 'plan'), '2 will be imported, 1 not in the source');
  assert.equal(importSummary(result, 'done'), '2 imported, 1 not in the source');
  assert.equal(importSummary({ items: [] }, 'done'), 'no secrets');
});
