// `secretspec/declare`: a new manifest, or one insertion into
// [profiles.default] that keeps every other byte of the file, placed from the
// server's own source map.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'smol-toml';
import type { DeclareResult } from '../../protocol/src';
import { declarationInsertion, declarationLine, newManifest } from '../../server/src/features/declare';
import { SourceMap } from '../../server/src/manifest/locate';

const SHOP = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'shop', 'secretspec.toml'), 'utf8');
const REFLECTED = { DATABASE_URL: { description: 'db' }, NEW_ONE: { description: 'A "quoted" thing' }, OPTIONAL_X: { required: false } };

/** The arithmetic the client's WorkspaceEdit performs. */
function apply(text: string, ins: DeclareResult): string {
  const lines = text.split(/(?<=\n)/);
  const offset = lines.slice(0, ins.line).reduce((n, l) => n + l.length, 0);
  return text.slice(0, offset) + ins.text + text.slice(offset);
}

const insert = (text: string, secrets: Record<string, { description?: string; required?: boolean }>) => declarationInsertion(new SourceMap(text), secrets);

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

test('inserting into the example keeps every existing byte and adds only what is given', () => {
  const ins = insert(SHOP, { NEW_ONE: REFLECTED.NEW_ONE, OPTIONAL_X: REFLECTED.OPTIONAL_X });
  assert.equal(ins.line, 17, 'after the last key of [profiles.default], before the blank line and next header');
  const out = apply(SHOP, ins);
  assert.equal(out.replace(ins.text, ''), SHOP);
  const doc = parse(out) as { profiles: Record<string, Record<string, unknown>> };
  assert.ok('NEW_ONE' in doc.profiles.default!);
  assert.ok(!('NEW_ONE' in doc.profiles.production!));
});

test('comments above the next header and x-* tables stay where they are', () => {
  const text = '[project]\nname = "p"\n\n[profiles.default]\nA = { description = "a" }\n# about x-team\n[x-team]\nowner = "me"\n';
  assert.equal(apply(text, insert(text, { B: {} })), '[project]\nname = "p"\n\n[profiles.default]\nA = { description = "a" }\nB = { description = "B" }\n# about x-team\n[x-team]\nowner = "me"\n');
});

test('a header in a string or written with quoted keys is read as TOML reads it', () => {
  const text = '[project]\nname = """\n[profiles.default]\n"""\n\n["profiles".default]\nA = { description = "a" }\n';
  assert.equal(apply(text, insert(text, { B: {} })), text + 'B = { description = "B" }\n');
});

test('no [profiles.default] table: one is appended; CRLF and a missing final newline are respected', () => {
  const text = '[project]\r\nname = "p"';
  assert.equal(apply(text, insert(text, { B: {} })), '[project]\r\nname = "p"\r\n\r\n[profiles.default]\r\nB = { description = "B" }\r\n');
  const lastTable = '[profiles.default]\nA = { description = "a" }';
  assert.equal(apply(lastTable, insert(lastTable, { B: {} })), '[profiles.default]\nA = { description = "a" }\nB = { description = "B" }\n');
});
