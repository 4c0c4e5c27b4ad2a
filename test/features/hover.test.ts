// Hovers over stdio: field docs, a secret's declaration in every profile with
// its storage address, provider specs, `x-*` ownership, and never a value.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LspClient } from '../support/lspClient';
import { withCursor, Workspace } from './support';

const ENV_VALUE = 'sk-live-0123456789abcdef';
const DEFAULT_VALUE = 'default-value-never-shown';

const MANIFEST = `[project]
name = "shop"
revision = "1.0"

[providers]
local = "dotenv:.env"
kr = "keyring://"
vault_ro = "vault://user:hunter2@vault.example:8200/secret"

[profiles.default]
API_KEY = { description = "Payment API key", providers = ["local"] }
PORT = { description = "Port", default = "${DEFAULT_VALUE}", required = false }

[profiles.production]
API_KEY = { providers = ["kr"] }

[x-acme]
refs = { API_KEY = "a" }
`;

describe('hover over stdio', () => {
  let client: LspClient;
  const ws = new Workspace();
  let path: string;
  before(async () => {
    client = await LspClient.start();
    path = ws.path({ '.env': `API_KEY=${ENV_VALUE}\nPORT=8080\n` });
  });
  after(async () => {
    await client.stop();
    ws.dispose();
  });

  async function hoverAt(marked: string): Promise<string | undefined> {
    const { text, position } = withCursor(marked);
    const uri = client.open(path, text);
    await client.waitForDiagnostics(uri);
    const h = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position });
    client.close(uri);
    return h?.contents.value;
  }
  const at = (needle: string, shift = 1) => {
    const i = MANIFEST.indexOf(needle);
    assert.ok(i >= 0, needle);
    return MANIFEST.slice(0, i + shift) + '|' + MANIFEST.slice(i + shift);
  };

  test('a field: what it does, allowed values, since which version', async () => {
    const md = await hoverAt(at('required = false', 2));
    assert.match(md!, /Whether the secret must be present/);
    assert.match(md!, /Since SecretSpec table form 0\.17/);
  });

  test('a secret: its declaration in every profile and its storage address per provider, never a value', async () => {
    const md = await hoverAt(at('API_KEY = { providers', 2));
    assert.ok(md);
    assert.match(md, /\| `default` \| yes \| — \| `local` \| here \|/);
    assert.match(md, /\| `production` \| yes \| — \| `kr` \| here, inherits from `default` \|/);
    assert.match(md, /keyring service `secretspec\/shop\/production\/API_KEY`/);
    assert.match(md, /key `API_KEY` in `\.env`/);
    assert.ok(!md.includes(ENV_VALUE));
    const port = await hoverAt(at('PORT = {', 1));
    assert.match(port!, /\| `default` \| no \| set \|/);
    assert.ok(!port!.includes(DEFAULT_VALUE));
  });

  test('a provider alias: what it resolves to, capabilities, where it stores; credentials redacted', async () => {
    const md = await hoverAt(at('"kr"]', 2));
    assert.match(md!, /Provider alias `kr`/);
    assert.match(md!, /Resolves to `keyring:\/\/`/);
    assert.match(md!, /read, write, delete/);
    assert.match(md!, process.platform === 'linux' ? /asks the Secret Service which entries exist .* never reads a value/ : /reads each value through the OS keychain and drops it/, 'how presence is asked');
    const vault = await hoverAt(at('vault_ro =', 1));
    assert.ok(!vault!.includes('hunter2'), vault);
    assert.match(vault!, /vault\.example/);
  });

  test('an x-* table names the plugin that owns it', async () => {
    const text = MANIFEST.replace('kr = "keyring://"', 'kr = "keyring://"\nacme_store = "acme://bucket"');
    const i = text.indexOf('[x-acme]') + 2;
    const md = await hoverAt(text.slice(0, i) + '|' + text.slice(i));
    assert.match(md!, /`acme` provider plugin/);
    const unowned = await hoverAt(at('[x-acme]', 2));
    assert.match(unowned!, /No provider this manifest uses owns it/);
  });

  test('no hover traffic ever carried a value', () => {
    const all = client.traffic.join('');
    assert.ok(!all.includes(ENV_VALUE));
    assert.ok(!all.includes('hunter2'));
  });
});
