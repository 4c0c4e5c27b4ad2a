// Completion lists at cursor positions, over stdio.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LspClient } from '../support/lspClient';
import { applyEdits, H, withCursor, Workspace, type TextEdit } from './support';

interface Item {
  label: string;
  kind?: number;
  detail?: string;
  sortText?: string;
  documentation?: { value: string };
  textEdit?: TextEdit;
  insertTextFormat?: number;
}

const BASE = H + '\n[providers]\nprod_vault = "vault://vault.example:8200/secret"\nlocal = "dotenv:.env"\n';

describe('completion over stdio', () => {
  let client: LspClient;
  const ws = new Workspace();
  const bin = mkdtempSync(join(tmpdir(), 'secretspec-bin-'));
  before(async () => {
    writeFileSync(join(bin, 'secretspec-provider-acme'), '#!/bin/sh\n');
    chmodSync(join(bin, 'secretspec-provider-acme'), 0o755);
    writeFileSync(join(bin, 'secretspec-provider-noexec'), '');
    client = await LspClient.start({ env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` } });
  });
  after(async () => {
    await client.stop();
    ws.dispose();
    rmSync(bin, { recursive: true, force: true });
  });

  async function complete(marked: string, files?: Record<string, string>): Promise<{ items: Item[]; text: string }> {
    const { text, position } = withCursor(marked);
    const uri = client.open(ws.path(files), text);
    await client.waitForDiagnostics(uri);
    const result = await client.request<Item[] | { items: Item[] }>('textDocument/completion', { textDocument: { uri }, position });
    client.close(uri);
    return { items: Array.isArray(result) ? result : result.items, text };
  }
  const labels = (items: Item[]) => items.map((i) => i.label);

  test('table headers: only missing ones, existing profiles, defaults, scopes', async () => {
    const { items, text } = await complete(H + '\n[profiles.default]\nA = { description = "a" }\n\n[profiles.prod]\nA = {}\n\n[|');
    const l = labels(items);
    assert.ok(!l.includes('project'), 'project already has a header');
    assert.ok(l.includes('providers'));
    assert.ok(!l.includes('profiles.default'));
    assert.ok(l.includes('profiles.<name>'));
    assert.ok(l.includes('profiles.default.defaults') && l.includes('profiles.prod.defaults'));
    assert.ok(l.includes('scopes.<name>'));
    const edit = items.find((i) => i.label === 'providers')!.textEdit!;
    assert.ok(applyEdits(text, [edit]).text.endsWith('\n[providers]'));
  });

  test('secret fields inside an inline table: only those not yet present, with docs and snippets', async () => {
    const { items } = await complete(BASE + '\n[profiles.default]\nAPI_KEY = { description = "k", | }\n');
    const l = labels(items);
    assert.ok(!l.includes('description'));
    for (const f of ['required', 'default', 'providers', 'type', 'generate', 'encoding', 'extract', 'prompt', 'composed', 'ref', 'refs', 'as_path']) assert.ok(l.includes(f), f);
    const encoding = items.find((i) => i.label === 'encoding')!;
    assert.match(encoding.documentation!.value, /0\.19/);
    assert.equal(encoding.insertTextFormat, 2);
    assert.match(encoding.textEdit!.newText, /^encoding = \$\{1\|"base64","base64url","hex"\|\}$/);
  });

  test('a new secret in a profile table offers the declaration snippet and secrets of other profiles', async () => {
    const { items } = await complete(BASE + '\n[profiles.default]\nAPI_KEY = { description = "k" }\nDB = { description = "d" }\n\n[profiles.prod]\nDB = {}\n|');
    const l = labels(items);
    const snippet = items.find((i) => i.label === 'API_KEY' && i.detail === 'new secret');
    assert.ok(snippet);
    assert.match(snippet.textEdit!.newText, /description = "\$2", required = /);
    assert.ok(items.some((i) => i.label === 'API_KEY' && i.detail === 'redeclare for this profile'));
    assert.ok(!l.includes('DB'), 'DB is already declared in prod');
  });

  test('[project] keys not yet present', async () => {
    const { items } = await complete('[project]\nname = "x"\n|\n[profiles.default]\nA = { description = "a" }\n');
    assert.deepEqual(labels(items).sort(), ['extends', 'require_reason', 'revision']);
  });

  test('values: type, encoding, booleans, extract.format', async () => {
    const type = await complete(BASE + '\n[profiles.default]\nT = { description = "t", generate = true, type = "|" }\n');
    assert.deepEqual(labels(type.items), ['password', 'hex', 'base64', 'uuid', 'command', 'rsa_private_key', 'openpgp_private_key', 'ssh_private_key']);
    const bool = await complete(BASE + '\n[profiles.default]\nT = { description = "t", required = | }\n');
    assert.deepEqual(labels(bool.items), ['true', 'false']);
    const format = await complete(BASE + '\n[profiles.default]\nT = { description = "t", extract = { format = | } }\n');
    assert.deepEqual(labels(format.items), ['json', 'ini']);
    const rr = await complete('[project]\nname = "x"\nrevision = "1.0"\nrequire_reason = |\n[profiles.default]\nA = { description = "a" }\n');
    assert.deepEqual(labels(rr.items), ['true', 'false', 'agents']);
  });

  test('provider specs: aliases first, then built-in schemes with URI shapes, then plugins on PATH', async () => {
    const { items, text } = await complete(BASE + '\n[profiles.default]\nA = { description = "a", providers = ["|"] }\n');
    const sorted = [...items].sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1));
    assert.deepEqual(sorted.slice(0, 2).map((i) => i.label).sort(), ['local', 'prod_vault']);
    const keyring = items.find((i) => i.label === 'keyring');
    assert.ok(keyring && keyring.sortText! > sorted[1]!.sortText!);
    const vault = items.find((i) => i.label === 'vault')!;
    assert.match(vault.detail!, /vault:\/\/\[NAMESPACE@\]HOST/);
    assert.match(vault.textEdit!.newText, /^vault:\/\/\$\{1:/);
    const acme = items.find((i) => i.label === 'acme');
    assert.ok(acme, 'plugin scheme from PATH');
    assert.ok(acme.sortText! > keyring.sortText!);
    assert.ok(!labels(items).includes('noexec'), 'non-executable files are not plugins');
    const alias = items.find((i) => i.label === 'prod_vault')!;
    assert.ok(applyEdits(text, [alias.textEdit!]).text.includes('providers = ["prod_vault"]'));
  });

  test('an alias uri offers schemes but no aliases; fallback and cache.provider offer aliases', async () => {
    const uri = await complete(H + '\n[providers]\nx = { uri = "|" }\n[profiles.default]\nA = { description = "a" }\n');
    assert.ok(!labels(uri.items).includes('x'));
    assert.ok(labels(uri.items).includes('keyring'));
    const cache = await complete(BASE + 'c = { fallback = ["prod_vault"], cache = { provider = |, max_age = "1h" } }\n[profiles.default]\nA = { description = "a" }\n');
    assert.ok(labels(cache.items).includes('local'));
    const edit = cache.items.find((i) => i.label === 'local')!.textEdit!;
    assert.equal(edit.newText, '"local"');
  });

  test('${ inside composed offers the secrets of that profile', async () => {
    const { items, text } = await complete(BASE + '\n[profiles.default]\nHOST = { description = "h" }\nPORT = { description = "p" }\nURL = { description = "u", composed = "https://${|" }\n');
    assert.deepEqual(labels(items).sort(), ['HOST', 'PORT']);
    const fixed = applyEdits(text, [items.find((i) => i.label === 'HOST')!.textEdit!]).text;
    assert.ok(fixed.includes('composed = "https://${HOST}"'));
  });

  test('scope entries offer declared secrets; refs keys offer leaf aliases', async () => {
    const scope = await complete(BASE + '\n[profiles.default]\nA = { description = "a" }\nB = { description = "b" }\n\n[scopes.web]\nsecrets = ["A", |]\n');
    assert.ok(labels(scope.items).includes('A') && labels(scope.items).includes('B'));
    const refs = await complete(BASE + '\n[profiles.default]\nA = { description = "a", refs = { | } }\n');
    assert.deepEqual(labels(refs.items).sort(), ['local', 'prod_vault']);
  });

  test('extends offers relative directories holding a secretspec.toml', async () => {
    const { items } = await complete('[project]\nname = "x"\nrevision = "1.0"\nextends = ["|"]\n[profiles.default]\nA = { description = "a" }\n', {
      'shared/secretspec.toml': '[project]\nname = "s"\nrevision = "1.0"\n[profiles.default]\nS = { description = "s" }\n',
      'empty/readme.txt': 'nothing',
    });
    assert.ok(labels(items).includes('./shared'), JSON.stringify(labels(items)));
    assert.ok(!labels(items).some((l) => l.includes('empty')), JSON.stringify(labels(items)));
  });

  test('completion works while the document does not parse', async () => {
    const { items } = await complete(BASE + '\n[profiles.default]\nA = { description = "a", pro|\n');
    assert.ok(labels(items).includes('providers'));
    assert.ok(labels(items).includes('prompt'));
  });

  test('nothing inside a comment', async () => {
    const { items } = await complete(BASE + '\n# pro|\n[profiles.default]\nA = { description = "a" }\n');
    assert.deepEqual(items, []);
  });
});
