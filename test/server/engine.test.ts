// Which SecretSpec release manifests are checked against (issue: "Which
// SecretSpec"): the user's CLI's version, else the newest known; a release
// that predates a feature reports it as that release would, with a hint.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseVersionOutput } from '../../server/src/engine/version';
import { locateCli } from '../../server/src/engine/cli';
import { LspClient, type Diagnostic } from '../support/lspClient';
import { oracle, oracleSkip } from '../support/oracle';

const MANIFEST = `[project]
name = "app"
revision = "1.0"

[defaults]
providers = ["env"]

[profiles.default]
KEY = { description = "signing key", type = "openpgp_private_key", generate = { user_id = "Dev <dev@example.com>" } }
`;

/** A stand-in CLI that says it is `version` and leaves a mark when it runs. */
/** A fake CLI in a directory beside `dir`: a CLI inside the manifest's folder is never used (it counts as workspace). */
function fakeCli(dir: string, version: string): string {
  const bin = `${dir}-bin`;
  mkdirSync(bin, { recursive: true });
  const path = join(bin, 'secretspec');
  writeFileSync(path, `#!/bin/sh\ntouch "${join(dir, 'ran')}"\necho "secretspec ${version}"\n`);
  chmodSync(path, 0o755);
  return bin;
}

async function hoverText(client: LspClient, uri: string): Promise<string> {
  const h = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } })) as { contents: { value: string } } | null;
  return h?.contents.value ?? '';
}

/** The engine is learnt after `initialized`; wait until the [project] hover names `expected`, then re-send the text. */
async function diagnosticsUnder(client: LspClient, path: string, expected: string): Promise<{ diagnostics: Diagnostic[]; hover: string }> {
  const uri = client.open(path, MANIFEST);
  await client.waitForDiagnostics(uri);
  const deadline = Date.now() + 10_000;
  let hover = await hoverText(client, uri);
  while (!hover.includes(expected) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    hover = await hoverText(client, uri);
  }
  const version = client.change(uri, MANIFEST);
  return { diagnostics: await client.waitForDiagnostics(uri, { version }), hover };
}

describe('the SecretSpec release manifests are checked against', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-engine-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('parses the CLI version line', () => {
    assert.deepEqual(parseVersionOutput('secretspec 0.21.1\n'), { major: 0, minor: 21, patch: 1 });
    assert.deepEqual(parseVersionOutput('secretspec 0.22.0-rc.1'), { major: 0, minor: 22, patch: 0 });
    assert.equal(parseVersionOutput('command not found'), undefined);
  });

  test('PATH entries that are relative or inside the workspace are never used', () => {
    const fs = { isExecutableFile: (f: string) => f.endsWith('/secretspec'), realpath: (f: string) => f };
    assert.deepEqual(locateCli({ pathEnv: 'bin:/ws/tools:/usr/bin', workspaceFolders: ['/ws'], ...fs }), { ok: true, path: '/usr/bin/secretspec' });
    assert.equal(locateCli({ pathEnv: 'bin:/ws/tools', workspaceFolders: ['/ws'], ...fs }).ok, false);
    assert.equal(locateCli({ settingPath: 'rel/secretspec', pathEnv: '', workspaceFolders: [], ...fs }).ok, false);
  });

  test('a 0.20 CLI: the project [defaults] is ignored and the 0.21 key type is unknown, each with a hint', async () => {
    const work = join(dir, 'old');
    const bin = fakeCli(work, '0.20.0');
    const client = await LspClient.start({ initializationOptions: { trusted: true }, env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` } });
    try {
      const { diagnostics, hover } = await diagnosticsUnder(client, join(work, 'secretspec.toml'), '0.20.0');
      assert.match(hover, /Checked against SecretSpec 0\.20\.0, the CLI at/);
      const ignored = diagnostics.find((d) => d.code === 'ignored-table');
      assert.ok(ignored && ignored.severity === 3, JSON.stringify(diagnostics));
      assert.match(ignored.message, /SecretSpec 0\.20\.0 ignores the top-level `defaults`.*0\.21 and later accept it/);
      const unknown = diagnostics.find((d) => d.code === 'unknown-secret-type');
      assert.ok(unknown && unknown.severity === 1);
      assert.match(unknown.message, /unknown secret type 'openpgp_private_key' .*0\.21 and later accept it/);
    } finally {
      await client.stop();
    }
  });

  test('the real SecretSpec 0.21.1 on PATH: the same manifest is clean', { skip: oracleSkip() }, async () => {
    const work = join(dir, 'real');
    mkdirSync(work, { recursive: true });
    const bin = join(oracle().bin!, '..');
    const client = await LspClient.start({ initializationOptions: { trusted: true }, env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` } });
    try {
      const { diagnostics, hover } = await diagnosticsUnder(client, join(work, 'secretspec.toml'), '0.21.1, the CLI');
      assert.match(hover, /Checked against SecretSpec 0\.21\.1, the CLI at/);
      assert.deepEqual(diagnostics.filter((d) => d.severity === 1).map((d) => d.message), []);
    } finally {
      await client.stop();
    }
  });

  test('Restricted Mode never starts the CLI and checks against the newest release known', async () => {
    const work = join(dir, 'untrusted');
    const bin = fakeCli(work, '0.20.0');
    const client = await LspClient.start({ initializationOptions: { trusted: false }, env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` } });
    try {
      const { diagnostics, hover } = await diagnosticsUnder(client, join(work, 'secretspec.toml'), 'newest release');
      assert.match(hover, /Checked against SecretSpec 0\.21\.1, the newest release/);
      assert.deepEqual(diagnostics.filter((d) => d.severity === 1).map((d) => d.message), []);
      assert.equal(existsSync(join(work, 'ran')), false, 'the CLI ran in an untrusted workspace');
    } finally {
      await client.stop();
    }
  });
});
