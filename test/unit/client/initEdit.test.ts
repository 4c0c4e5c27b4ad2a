// Init: a new manifest, or one insertion into [profiles.default] that keeps
// every other byte of the file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'smol-toml';
import { applyInsertion, declarationLine, insertionFor, missingNames, newManifest } from '../../../client/src/commands/initEdit';

const SHOP = readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', 'shop', 'secretspec.toml'), 'utf8');
const REFLECTED = { DATABASE_URL: { description: 'db' }, NEW_ONE: { description: 'A "quoted" thing' }, OPTIONAL_X: { required: false } };

test('new manifest declares everything, parses, and has descriptions', () => {
  const text = newManifest('shop', REFLECTED);
  const doc = parse(text) as { project: { name: string }; profiles: { default: Record<string, { description: string; required?: boolean }> } };
  assert.equal(doc.project.name, 'shop');
  assert.deepEqual(Object.keys(doc.profiles.default), ['DATABASE_URL', 'NEW_ONE', 'OPTIONAL_X']);
  assert.equal(doc.profiles.default.NEW_ONE!.description, 'A "quoted" thing');
  assert.equal(doc.profiles.default.OPTIONAL_X!.description, 'OPTIONAL_X');
  assert.equal(doc.profiles.default.OPTIONAL_X!.required, false);
});

test('names that need quoting are quoted', () => {
  assert.equal(declarationLine('a.b', {}), '"a.b" = { description = "a.b" }');
});

test('inserting into the example keeps every existing byte and adds only what is missing', () => {
  const names = missingNames(['DATABASE_URL', 'STRIPE_KEY', 'LOG_LEVEL', 'SENTRY_DSN', 'SESSION_SECRET', 'DATABASE_DSN'], REFLECTED);
  assert.deepEqual(names, ['NEW_ONE', 'OPTIONAL_X']);
  const ins = insertionFor(SHOP, REFLECTED, names)!;
  assert.equal(ins.line, 17, 'after the last key of [profiles.default], before the blank line and next header');
  const out = applyInsertion(SHOP, ins);
  assert.equal(out.replace(ins.text, ''), SHOP);
  const doc = parse(out) as { profiles: Record<string, Record<string, unknown>> };
  assert.ok('NEW_ONE' in doc.profiles.default!);
  assert.ok(!('NEW_ONE' in doc.profiles.production!));
});

test('comments above the next header and x-* tables stay where they are', () => {
  const text = '[project]\nname = "p"\n\n[profiles.default]\nA = { description = "a" }\n# about x-team\n[x-team]\nowner = "me"\n';
  const ins = insertionFor(text, { B: {} }, ['B'])!;
  assert.equal(applyInsertion(text, ins), '[project]\nname = "p"\n\n[profiles.default]\nA = { description = "a" }\nB = { description = "B" }\n# about x-team\n[x-team]\nowner = "me"\n');
});

test('no [profiles.default] table: one is appended; CRLF and a missing final newline are respected', () => {
  const text = '[project]\r\nname = "p"';
  const out = applyInsertion(text, insertionFor(text, { B: {} }, ['B'])!);
  assert.equal(out, '[project]\r\nname = "p"\r\n\r\n[profiles.default]\r\nB = { description = "B" }\r\n');
  const lastTable = '[profiles.default]\nA = { description = "a" }';
  assert.equal(applyInsertion(lastTable, insertionFor(lastTable, { B: {} }, ['B'])!), '[profiles.default]\nA = { description = "a" }\nB = { description = "B" }\n');
});

test('missing names are those the outline does not declare, sorted; nothing missing means no edit', () => {
  assert.deepEqual(missingNames(new Set(['A']), { C: {}, A: {}, B: {} }), ['B', 'C']);
  assert.deepEqual(missingNames([], {}), []);
  assert.equal(insertionFor(SHOP, REFLECTED, []), undefined);
});
