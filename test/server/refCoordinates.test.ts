// `ref` coordinates a statically known provider rejects: a Warning on a
// single-store route (SecretSpec refuses before any fetch), Information in
// a chain (it fails only when a read reaches that store).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LspClient } from '../support/lspClient';

const MANIFEST = `[project]
name = "app"
revision = "1.0"

[providers]
op = "onepassword://Production"
kr = "keyring://"

[profiles.default]
SINGLE = { description = "s", providers = ["kr"], ref = { item = "db", vault = "Ops" } }
CHAIN = { description = "c", providers = ["op", "dotenv:.env"], ref = { item = "db", field = "password" } }
FINE = { description = "f", providers = ["op"], ref = { item = "db", field = "password", vault = "V" } }
SCOPED = { description = "x", providers = ["op"], refs = { kr = { item = "k", section = "S" } } }
`;

test('unsupported ref coordinates are flagged by route shape', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'secretspec-refcoords-'));
  const client = await LspClient.start();
  try {
    const diagnostics = (await client.diagnose(join(dir, 'secretspec.toml'), MANIFEST)).filter((d) => d.code === 'unsupported-ref-coordinate');
    const lines = MANIFEST.split('\n');
    const got = diagnostics.map((d) => [lines[d.range.start.line]!.split(' ')[0], d.severity, d.message.slice(0, d.message.indexOf(' coordinate') + 11)]);
    assert.deepEqual(got.sort(), [
      ['CHAIN', 3, 'the dotenv provider does not support the `field` coordinate'],
      ['SCOPED', 3, 'the keyring provider does not support the `section` coordinate'],
      ['SINGLE', 2, 'the keyring provider does not support the `vault` coordinate'],
    ]);
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
