// The rule variants of rulesAudit.cases.ts over stdio against the real
// server: each gives exactly its expected diagnostics, at the exact text and line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUDIT_CASES } from './rulesAudit.cases';
import { stdioSuite } from './ruleSuites';
import { RULE_VARIANTS } from './ruleTable';

test('case ids are unique', () => {
  assert.equal(new Set(AUDIT_CASES.map((c) => c.id)).size, AUDIT_CASES.length);
});

stdioSuite('manifest-rules.md rule variants over stdio', RULE_VARIANTS);
