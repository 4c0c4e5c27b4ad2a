// Rename over stdio: a secret across a 500-line manifest in one step, an
// alias with all its uses; x-* tables untouched; the result re-validates clean.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../support/lspClient';
import { applyEdits, ERROR, offsetOf, openAndDiagnose, positionOf, revalidate, untouchedOutside, Workspace, type TextEdit } from './support';

function bigManifest(): string {
  const lines = ['# shop secrets', '[project]', 'name = "shop"', 'revision = "1.0"', '', '[providers]', 'local = "dotenv:.env"', "kr = 'keyring://'", ''];
  lines.push('[profiles.default]', 'API_KEY = { description = "Payment key", providers = ["local"] } # the main one');
  for (let i = 0; i < 150; i++) lines.push(`S${i} = { description = "secret ${i}", required = false }`);
  lines.push('URL = { description = "u", composed = "https://x/?k=${API_KEY}&n=${S1}" }', '');
  for (const p of ['staging', 'production']) {
    lines.push(`[profiles.${p}]`, `API_KEY = { providers = ["kr", "local"], refs = { kr = { item = "api" } } }`);
    for (let i = 0; i < 80; i++) lines.push(`S${i} = { required = true }`);
    lines.push('');
  }
  lines.push('[profiles.dev.API_KEY]', 'required = false', '', '[profiles.dev]', 'S2.required = true', '');
  lines.push('[scopes.web]', 'secrets = ["API_KEY", "S1"]', '', '[x-acme]', 'refs = { API_KEY = "kept" }', '');
  while (lines.length < 500) lines.push('# padding comment that must stay byte-for-byte');
  return lines.join('\n') + '\n';
}

describe('rename over stdio', () => {
  let client: LspClient;
  const ws = new Workspace();
  before(async () => {
    client = await LspClient.start();
  });
  after(async () => {
    await client.stop();
    ws.dispose();
  });

  test('rename a secret across every profile, scope and ${} reference of a 500-line manifest', async () => {
    const text = bigManifest();
    assert.ok(text.split('\n').length >= 500);
    const { uri, diagnostics } = await openAndDiagnose(client, ws.path(), text);
    assert.deepEqual(diagnostics.filter((d) => d.severity === ERROR), []);
    const position = positionOf(text, text.indexOf('${API_KEY}') + 3);
    const prepared = await client.request<{ placeholder: string }>('textDocument/prepareRename', { textDocument: { uri }, position });
    assert.equal(prepared.placeholder, 'API_KEY');
    const edit = await client.request<{ changes: Record<string, TextEdit[]> }>('textDocument/rename', { textDocument: { uri }, position, newName: 'PAYMENT_KEY' });
    const edits = edit.changes[uri]!;
    assert.equal(edits.length, 6);
    assert.ok(edits.every((e) => text.slice(offsetOf(text, e.range.start), offsetOf(text, e.range.end)) === 'API_KEY'));
    assert.ok(untouchedOutside(text, edits));
    const renamed = applyEdits(text, edits).text;
    assert.ok(renamed.includes('[x-acme]\nrefs = { API_KEY = "kept" }'), 'x-* tables belong to plugins');
    assert.ok(renamed.includes('composed = "https://x/?k=${PAYMENT_KEY}&n=${S1}"'));
    assert.ok(renamed.includes('[profiles.dev.PAYMENT_KEY]'));
    assert.ok(renamed.includes('secrets = ["PAYMENT_KEY", "S1"]'));
    const after = await revalidate(client, uri, renamed);
    assert.deepEqual(after.filter((d) => d.severity === ERROR).map((d) => d.message), []);
    const stale = after.find((d) => d.code === 'extension-stale-ref');
    assert.ok(stale, 'an Information diagnostic points at the x-* key that no longer names a secret');
    assert.equal(stale.severity, 3);
    assert.equal(renamed.split('\n')[stale.range.start.line], 'refs = { API_KEY = "kept" }');
    client.close(uri);
  });

  test('rename an alias: its key and every use, including refs keys', async () => {
    const text = bigManifest();
    const { uri } = await openAndDiagnose(client, ws.path(), text);
    const position = positionOf(text, text.indexOf('["kr"') + 2);
    const edit = await client.request<{ changes: Record<string, TextEdit[]> }>('textDocument/rename', { textDocument: { uri }, position, newName: 'keychain' });
    const renamed = applyEdits(text, edit.changes[uri]!).text;
    assert.ok(renamed.includes("keychain = 'keyring://'"));
    assert.equal(renamed.match(/\["keychain", "local"\]/g)?.length, 2);
    assert.equal(renamed.match(/refs = \{ keychain = /g)?.length, 2);
    const after = await revalidate(client, uri, renamed);
    assert.deepEqual(after.filter((d) => d.severity === ERROR || d.code === 'undefined-alias' || d.code === 'refs-undefined-alias').map((d) => d.message), []);
    client.close(uri);
  });

  test('a secret declared in an extends parent is renamed there too, the open parent by its unsaved text', async () => {
    const parentText = '[project]\nname = "base"\nrevision = "1.0"\n\n[providers]\nkr = "keyring://"\n\n[profiles.default]\n# shared\nDB_URL = { description = "Database", providers = ["kr"] }\n';
    const path = ws.path({ 'base/secretspec.toml': parentText });
    const parentPath = join(dirname(path), 'base', 'secretspec.toml');
    const childText = '[project]\nname = "app"\nrevision = "1.0"\nextends = ["./base"]\n\n[profiles.production]\nDB_URL = { required = true, providers = ["kr"] }\n';
    const { uri } = await openAndDiagnose(client, path, childText);
    const position = positionOf(childText, childText.indexOf('DB_URL') + 1);
    const refs = await client.request<{ uri: string }[]>('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: true } });
    const parentUri = pathToFileURL(parentPath).href;
    assert.deepEqual(refs.map((r) => r.uri).sort(), [parentUri, uri].sort());

    const edit = await client.request<{ changes: Record<string, TextEdit[]> }>('textDocument/rename', { textDocument: { uri }, position, newName: 'DATABASE_URL' });
    assert.deepEqual(Object.keys(edit.changes).sort(), [parentUri, uri].sort());
    const renamedParent = applyEdits(parentText, edit.changes[parentUri]!).text;
    assert.equal(renamedParent, parentText.replace('DB_URL', 'DATABASE_URL'));
    assert.ok(untouchedOutside(parentText, edit.changes[parentUri]!));
    assert.equal(applyEdits(childText, edit.changes[uri]!).text, childText.replace('DB_URL', 'DATABASE_URL'));

    const aliasPosition = positionOf(childText, childText.indexOf('["kr"]') + 2);
    const unsaved = parentText.replace('[providers]\n', '# edited, not saved\n[providers]\n');
    const parentDoc = client.open(parentPath, unsaved);
    await client.waitForDiagnostics(parentDoc);
    const aliasEdit = await client.request<{ changes: Record<string, TextEdit[]> }>('textDocument/rename', { textDocument: { uri }, position: aliasPosition, newName: 'keychain' });
    const renamedUnsaved = applyEdits(unsaved, aliasEdit.changes[parentUri]!).text;
    assert.equal(renamedUnsaved, unsaved.replace('kr = ', 'keychain = ').replace('["kr"]', '["keychain"]'));
    client.close(parentDoc);
    client.close(uri);
  });

  test('dotted-key declarations are renamed too', async () => {
    const text = bigManifest();
    const { uri } = await openAndDiagnose(client, ws.path(), text);
    const position = positionOf(text, text.indexOf('S2 = {') + 1);
    const edit = await client.request<{ changes: Record<string, TextEdit[]> }>('textDocument/rename', { textDocument: { uri }, position, newName: 'RENAMED_2' });
    const renamed = applyEdits(text, edit.changes[uri]!).text;
    assert.ok(renamed.includes('[profiles.dev]\nRENAMED_2.required = true'));
    assert.equal(renamed.match(/^RENAMED_2 = /gm)?.length, 3);
    client.close(uri);
  });

  test('an invalid or taken name is refused', async () => {
    const text = bigManifest();
    const { uri } = await openAndDiagnose(client, ws.path(), text);
    const position = positionOf(text, text.indexOf('API_KEY') + 1);
    await assert.rejects(client.request('textDocument/rename', { textDocument: { uri }, position, newName: '1BAD' }), /not a valid secret name/);
    await assert.rejects(client.request('textDocument/rename', { textDocument: { uri }, position, newName: 'S3' }), /already declared/);
    await assert.rejects(client.request('textDocument/rename', { textDocument: { uri }, position, newName: 'lower_case' }), /composed template/);
    client.close(uri);
  });
});
