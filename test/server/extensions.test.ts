// Plugin schemes and `x-*` extension tables over stdio: a plugin scheme is
// valid, warned about only when no plugin is found; `x-*` tables are never
// errors and are matched to the plugin that owns them.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LspClient, type Diagnostic } from '../support/lspClient';

const MANIFEST = `x-flag = 1

[project]
name = "app"
revision = "1.0"

[profiles.default]
API_KEY = { description = "API key", providers = ["opproxy://vault/Production?cache=12h"] }
DB = { description = "Database", providers = ["opproxy://vault/Production"] }

[x-op-proxy.refs]
API_KEY = "op://Production/api/credential"
GHOST = "op://Production/ghost/credential"

[x-editor]
theme = "dark"
`;

const lineOf = (text: string, d: Diagnostic) => text.split('\n')[d.range.start.line]!;

describe('plugin schemes and x-* tables', () => {
  let dir: string;
  let bin: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-ext-'));
    bin = join(dir, 'bin');
    mkdirSync(bin);
    mkdirSync(join(dir, 'ws'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function diagnose(path: string): Promise<Diagnostic[]> {
    const client = await LspClient.start({ env: { ...process.env, PATH: path } });
    try {
      return await client.diagnose(join(dir, 'ws', 'secretspec.toml'), MANIFEST);
    } finally {
      await client.stop();
    }
  }

  test('x-* tables: owned refs checked, unowned hinted, never an error', async () => {
    const diagnostics = await diagnose('/usr/bin:/bin');
    assert.deepEqual(diagnostics.filter((d) => d.severity === 1), []);
    const unknownRef = diagnostics.filter((d) => d.code === 'extension-unknown-ref');
    assert.equal(unknownRef.length, 1);
    assert.equal(unknownRef[0]!.severity, 2);
    assert.match(lineOf(MANIFEST, unknownRef[0]!), /^GHOST/);
    assert.match(unknownRef[0]!.message, /opproxy/);
    const unowned = diagnostics.find((d) => d.code === 'extension-unowned');
    assert.equal(unowned?.severity, 3);
    assert.match(lineOf(MANIFEST, unowned!), /x-editor/);
    const notTable = diagnostics.find((d) => d.code === 'extension-not-table');
    assert.equal(notTable?.severity, 2);
    assert.match(lineOf(MANIFEST, notTable!), /^x-flag/);
  });

  test('a plugin scheme without a plugin gets one warning per use, naming what to install', async () => {
    const diagnostics = await diagnose('/usr/bin:/bin');
    const missing = diagnostics.filter((d) => d.code === 'plugin-not-installed');
    assert.equal(missing.length, 2);
    for (const d of missing) {
      assert.equal(d.severity, 2);
      assert.match(d.message, /secretspec-provider-opproxy/);
    }
  });

  test('the warning goes away when secretspec-provider-<scheme> is on PATH', async () => {
    const plugin = join(bin, 'secretspec-provider-opproxy');
    writeFileSync(plugin, '#!/bin/sh\nexit 0\n');
    chmodSync(plugin, 0o755);
    const diagnostics = await diagnose(`${bin}:/usr/bin:/bin`);
    assert.deepEqual(diagnostics.filter((d) => d.code === 'plugin-not-installed'), []);
  });

  test('a plugin inside the workspace does not count: a clone must not plant one', async () => {
    const planted = join(dir, 'ws', 'tools');
    mkdirSync(planted, { recursive: true });
    const plugin = join(planted, 'secretspec-provider-opproxy');
    writeFileSync(plugin, '#!/bin/sh\nexit 0\n');
    chmodSync(plugin, 0o755);
    const client = await LspClient.start({ env: { ...process.env, PATH: `${planted}:/usr/bin:/bin` }, rootUri: `file://${join(dir, 'ws')}` });
    try {
      const diagnostics = await client.diagnose(join(dir, 'ws', 'secretspec.toml'), MANIFEST);
      assert.equal(diagnostics.filter((d) => d.code === 'plugin-not-installed').length, 2);
    } finally {
      await client.stop();
    }
  });
});

describe('hover on a plugin provider', () => {
  test('shows what the plugin advertised in hello once a trusted check started it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secretspec-hover-plugin-'));
    const fixtures = join(__dirname, '..', 'fixtures', 'plugins');
    const text = `[project]\nname = "app"\nrevision = "1.0"\n\n[profiles.default]\nA = { description = "a", providers = ["memory://vault?caps=exists,set"] }\n`;
    const client = await LspClient.start({ initializationOptions: { trusted: true }, env: { ...process.env, PATH: `${fixtures}:/usr/bin:/bin` } });
    try {
      const uri = client.open(join(dir, 'secretspec.toml'), text);
      await client.waitForDiagnostics(uri);
      await client.request('secretspec/check', { textDocument: { uri } });
      const line = 5;
      const character = text.split('\n')[line]!.indexOf('memory://') + 3;
      const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line, character } });
      assert.match(hover.contents.value, /advertised: exists, set/);
    } finally {
      await client.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
