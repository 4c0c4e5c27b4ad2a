// `extends` over stdio: parents come from disk relative to the declaring
// file, their problems land on the `extends` entry, and a change to a parent
// re-validates the open child.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { LspClient } from '../support/lspClient';

const PARENT_OK = `[project]
name = "shared"
revision = "1.0"

[profiles.default]
API_KEY = { description = "API key" }
`;

const CHILD = `[project]
name = "app"
revision = "1.0"
extends = ["../shared"]

[profiles.production]
`;

describe('extends', () => {
  let dir: string;
  let client: LspClient;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-extends-'));
    mkdirSync(join(dir, 'shared'));
    mkdirSync(join(dir, 'app'));
    // The folder holds the parents: an untrusted server reads `extends` parents only inside its workspace folders.
    client = await LspClient.start({ rootUri: pathToFileURL(dir).href });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a parent change re-validates the open child, and problems point at the extends entry', async () => {
    const parent = join(dir, 'shared', 'secretspec.toml');
    writeFileSync(parent, PARENT_OK);
    const uri = client.open(join(dir, 'app', 'secretspec.toml'), CHILD);
    assert.deepEqual(await client.waitForDiagnostics(uri), [], 'production inherits the parent default profile');

    writeFileSync(parent, PARENT_OK.replace('{ description = "API key" }', '{ required = true }'));
    client.clearDiagnostics(uri);
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(parent).href, type: 2 }] });
    const diagnostics = await client.waitForDiagnostics(uri);
    const missing = diagnostics.find((d) => d.code === 'missing-description');
    assert.ok(missing, JSON.stringify(diagnostics));
    assert.equal(missing.range.start.line, 3, 'on the extends entry');
    assert.match(missing.message, /Profile 'default': Secret 'API_KEY': missing description \(in .*shared\/secretspec\.toml:6:1\)/);

    writeFileSync(parent, 'this is [not toml');
    client.clearDiagnostics(uri);
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(parent).href, type: 2 }] });
    const broken = await client.waitForDiagnostics(uri);
    const parentError = broken.find((d) => d.code === 'extends-parent-error');
    assert.ok(parentError, JSON.stringify(broken));
    assert.match(parentError.message, /TOML parsing error/);
    assert.equal(parentError.range.start.line, 3);
  });

  test('saving a parent opened in the editor re-validates its children', async () => {
    const parent = join(dir, 'shared', 'secretspec.toml');
    writeFileSync(parent, PARENT_OK);
    const childUri = client.open(join(dir, 'app', 'secretspec.toml'), CHILD + '\n');
    assert.deepEqual(await client.waitForDiagnostics(childUri), []);
    const parentUri = client.open(parent, PARENT_OK);
    await client.waitForDiagnostics(parentUri);
    writeFileSync(parent, PARENT_OK.replace('revision = "1.0"', 'revision = "0.9"'));
    client.clearDiagnostics(childUri);
    void client.connection.sendNotification('textDocument/didSave', { textDocument: { uri: parentUri } });
    const diagnostics = await client.waitForDiagnostics(childUri);
    assert.match(diagnostics.map((d) => d.message).join('\n'), /Unsupported secretspec revision '0\.9'/);
  });
});
