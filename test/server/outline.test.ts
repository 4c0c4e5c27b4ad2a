// `secretspec/outline` over stdio: descriptions, effective chains (redacted),
// requiredness and declaration locations, including inheritance from the
// default profile and declarations in an `extends` parent; it works in
// Restricted Mode and refuses what it cannot outline with a clear kind.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { OutlineResult, OutlineSecret } from '../../protocol/src';
import { LspClient } from '../support/lspClient';
import { rejection } from '../support/rpcError';

const PARENT = `[project]
name = "shared"
revision = "1.0"

[profiles.default]
SHARED_TOKEN = { description = "From the parent", providers = ["env"] }
`;

const CHILD = `[project]
name = "app"
revision = "1.0"
extends = ["../shared"]

[providers]
local = "dotenv://deploy:hunter2@host/.env?token=abc"

[profiles.default]
API_KEY = { description = "API key", providers = ["local", "env"] }
OPTIONAL = { description = "Optional", required = false, providers = ["local"] }
DSN = { description = "Composed", composed = "\${API_KEY}/x" }

[profiles.production]
API_KEY = { description = "Production API key", providers = ["keyring://"] }

[profiles.production.EXTRA]
description = "Only in production"
providers = ["env"]

[profiles.isolated.defaults]
inherit = false

[profiles.isolated]
SOLO = { description = "Alone" }

[scopes.web]
secrets = ["API_KEY", "DSN"]
`;

function secret(result: OutlineResult, profile: string, name: string): OutlineSecret {
  const found = result.profiles.find((p) => p.name === profile)?.secrets.find((s) => s.name === name);
  assert.ok(found, `no ${profile}/${name} in the outline`);
  return found;
}

/** The text a declaration range covers, from the file it names. */
function covered(text: string, range: OutlineSecret['declaration']['range']): string {
  const lines = text.split('\n');
  assert.equal(range.start.line, range.end.line, 'a name is on one line');
  return lines[range.start.line]!.slice(range.start.character, range.end.character);
}

for (const trusted of [true, false]) {
  describe(`secretspec/outline (${trusted ? 'trusted' : 'restricted'} workspace)`, () => {
    let dir: string;
    let client: LspClient;
    let uri: string;
    let result: OutlineResult;
    before(async () => {
      dir = realpathSync(mkdtempSync(join(tmpdir(), 'secretspec-outline-')));
      mkdirSync(join(dir, 'shared'));
      mkdirSync(join(dir, 'app'));
      writeFileSync(join(dir, 'shared', 'secretspec.toml'), PARENT);
      // The folder holds the parent: a restricted workspace reads `extends` parents inside its folders only.
      client = await LspClient.start({ initializationOptions: { trusted }, rootUri: pathToFileURL(dir).href });
      uri = client.open(join(dir, 'app', 'secretspec.toml'), CHILD);
      result = await client.request<OutlineResult>('secretspec/outline', { textDocument: { uri } });
    });
    after(async () => {
      await client.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('project, profiles in manifest order, inheritance flags, aliases redacted', () => {
      assert.equal(result.project, 'app');
      assert.deepEqual(
        result.profiles.map((p) => [p.name, p.inherits]),
        [
          ['default', false],
          ['production', true],
          ['isolated', false],
        ],
      );
      assert.deepEqual(result.aliases, { local: 'dotenv://host/.env' });
      assert.deepEqual(result.scopes, { web: ['API_KEY', 'DSN'] });
      assert.deepEqual(
        result.profiles.find((p) => p.name === 'isolated')!.secrets.map((s) => s.name),
        ['SOLO'],
        'inherit = false keeps the default profile out',
      );
    });

    test('descriptions, chains as written, requiredness and composition', () => {
      const api = secret(result, 'default', 'API_KEY');
      assert.equal(api.description, 'API key');
      assert.deepEqual(api.providers, ['local', 'env']);
      assert.equal(api.required, true);
      assert.equal(api.composed, false);
      assert.equal(api.inheritedFrom, undefined);
      assert.equal(secret(result, 'default', 'OPTIONAL').required, false);
      const dsn = secret(result, 'default', 'DSN');
      assert.equal(dsn.composed, true);
      assert.deepEqual(dsn.providers, []);
      // The inputs a client names when a composition is missing (issue 16 #3), also where it is inherited.
      assert.deepEqual(dsn.inputs, ['API_KEY']);
      assert.deepEqual(secret(result, 'production', 'DSN').inputs, ['API_KEY']);
      assert.equal(api.inputs, undefined);
      assert.deepEqual(secret(result, 'production', 'API_KEY').providers, ['keyring://']);
      assert.equal(secret(result, 'production', 'API_KEY').description, 'Production API key');
      assert.equal(secret(result, 'isolated', 'SOLO').description, 'Alone');
      assert.ok(!JSON.stringify(result).includes('hunter2'), 'no credential of an alias URI');
      assert.ok(!JSON.stringify(result).includes('token=abc'), 'no query of an alias URI');
    });

    test('declarations: own, inherited from default, a [profiles.p.NAME] table, an extends parent', () => {
      const own = secret(result, 'production', 'API_KEY').declaration;
      assert.equal(own.uri, uri);
      assert.equal(own.range.start.line, 14);
      assert.equal(covered(CHILD, own.range), 'API_KEY');

      const inherited = secret(result, 'production', 'OPTIONAL');
      assert.equal(inherited.inheritedFrom, 'default');
      assert.equal(inherited.description, 'Optional');
      assert.equal(inherited.declaration.range.start.line, 10, 'the [profiles.default] declaration');
      assert.equal(covered(CHILD, inherited.declaration.range), 'OPTIONAL');

      const table = secret(result, 'production', 'EXTRA').declaration;
      assert.equal(covered(CHILD, table.range), 'EXTRA');
      assert.equal(table.range.start.line, 16);
      assert.deepEqual([table.extent?.start.line, table.extent?.end.line], [16, 18], 'header through the last key line');

      const parentFile = join(dir, 'shared', 'secretspec.toml');
      const fromParent = secret(result, 'default', 'SHARED_TOKEN');
      assert.equal(fromParent.description, 'From the parent');
      assert.deepEqual(fromParent.providers, ['env']);
      assert.equal(fromParent.declaration.uri, pathToFileURL(parentFile).href);
      assert.equal(fromParent.declaration.range.start.line, 5);
      assert.equal(covered(PARENT, fromParent.declaration.range), 'SHARED_TOKEN');
      const inProduction = secret(result, 'production', 'SHARED_TOKEN');
      assert.equal(inProduction.inheritedFrom, 'default');
      assert.equal(inProduction.declaration.uri, pathToFileURL(parentFile).href);
    });

    test('the outline follows unsaved edits', async () => {
      const other = client.open(join(dir, 'app', 'edited', 'secretspec.toml'), '[project]\nname = "e"\n\n[profiles.default]\nA = { description = "first" }\n');
      const first = await client.request<OutlineResult>('secretspec/outline', { textDocument: { uri: other } });
      assert.equal(secret(first, 'default', 'A').description, 'first');
      client.change(other, '[project]\nname = "e"\n\n[profiles.default]\nA = { description = "second" }\nB = { description = "new" }\n');
      const second = await client.request<OutlineResult>('secretspec/outline', { textDocument: { uri: other } });
      assert.equal(secret(second, 'default', 'A').description, 'second');
      assert.equal(secret(second, 'default', 'B').declaration.range.start.line, 5);
    });

    test('not open, does not parse, or no uri: invalid_request', async () => {
      const closed = await rejection(client.request('secretspec/outline', { textDocument: { uri: pathToFileURL(join(dir, 'nowhere', 'secretspec.toml')).href } }));
      assert.equal(closed.data?.kind, 'invalid_request');
      assert.match(closed.message, /not an open secretspec\.toml/);
      const broken = client.open(join(dir, 'app', 'broken', 'secretspec.toml'), '[project\nname = ');
      const syntax = await rejection(client.request('secretspec/outline', { textDocument: { uri: broken } }));
      assert.equal(syntax.data?.kind, 'invalid_request');
      assert.match(syntax.message, /does not parse/);
      const missing = await rejection(client.request('secretspec/outline', {}));
      assert.equal(missing.data?.kind, 'invalid_request');
      assert.equal(client.exited, false);
    });
  });
}
