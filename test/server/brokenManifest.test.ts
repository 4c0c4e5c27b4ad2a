// Issue 16 #9: after an edit that breaks the TOML syntax, missing-secret
// warnings of the last check must not stay on while every other diagnostic
// is gone, and a check that fails for it tells the client (didChangePresence)
// so its view marks the statuses it keeps as stale.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LspClient, type Diagnostic } from '../support/lspClient';

const VALID = '[project]\nname = "broken"\nrevision = "1.0"\n\n[profiles.default]\nNEVER_SET_9 = { description = "n", providers = ["env"] }\n';
const BROKEN = VALID.replace('[profiles.default]', '[profiles.default');

const missing = (d: Diagnostic[]) => d.filter((x) => x.code === 'missing-required-secret');

/** Polls the publishes of `uri` from `version` on until `ok` holds. */
async function until(client: LspClient, uri: string, version: number, ok: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const d = await client.waitForDiagnostics(uri, { version, timeoutMs: 30_000 });
    if (ok(d)) return d;
    if (Date.now() > deadline) assert.fail(`never: ${JSON.stringify(d)}`);
    client.clearDiagnostics(uri);
  }
}

describe('a manifest that stops parsing (issue 16 #9)', () => {
  let dir: string;
  let client: LspClient;
  const announced: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-broken-'));
    writeFileSync(join(dir, 'secretspec.toml'), VALID);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: '/usr/bin:/bin' };
    delete env['NEVER_SET_9'];
    client = await LspClient.start({ initializationOptions: { trusted: true }, env });
    client.connection.onNotification('secretspec/didChangePresence', (p: { textDocument: { uri: string } }) => announced.push(p.textDocument.uri));
  });
  after(async () => {
    await client?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('hides the warnings while broken, clears them when a check fails on it, and says so', async () => {
    const uri = client.open(join(dir, 'secretspec.toml'), VALID);
    await until(client, uri, 1, (d) => missing(d).length === 1);

    const broken = client.change(uri, BROKEN);
    const whileBroken = await until(client, uri, broken, (d) => d.some((x) => x.severity === 1));
    assert.deepEqual(missing(whileBroken), [], 'no presence warning beside the syntax error');

    const before = announced.length;
    await assert.rejects(client.request('secretspec/check', { textDocument: { uri } }));
    assert.ok(announced.slice(before).includes(uri), 'didChangePresence after the failed check');

    // Fixed again: the warnings of the check before the break are not brought back as if current.
    client.clearDiagnostics(uri);
    const fixed = client.change(uri, VALID);
    assert.deepEqual(missing(await client.waitForDiagnostics(uri, { version: fixed })), []);
    await client.request('secretspec/check', { textDocument: { uri } });
    await until(client, uri, fixed, (d) => missing(d).length === 1);
  });
});
