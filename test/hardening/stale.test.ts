// Issue 13 item 1: presence warnings are computed for one text and published
// with another. Each must sit on its secret's declaration in the text of the
// version the publish names, or wait for the next check.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LspClient, type Diagnostic } from '../support/lspClient';

const head = '[project]\nname = "stale"\nrevision = "1.0"\n\n[profiles.default]\n';
const secret = (i: number) => `S${i} = { description = "s", required = true, providers = ["env"] }\n`;
const LONG = head + Array.from({ length: 21 }, (_, i) => secret(i)).join('');
// Shrinks to one declaration, of S20, now on line 2 rather than line 25.
const SHORT = '[profiles.default]\n' + secret(20) + '[project]\nname = "stale"\nrevision = "1.0"\n';

/** Polls the latest publish of `uri` until `ok` holds (bounded only to catch a hang). */
async function until(client: LspClient, uri: string, version: number, ok: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const d = await client.waitForDiagnostics(uri, { version, timeoutMs: 60_000 });
    if (ok(d)) return d;
    if (Date.now() > deadline) assert.fail(`never: ${JSON.stringify(d)}`);
    client.clearDiagnostics(uri);
  }
}

describe('presence warnings and later versions (issue 13 item 1)', () => {
  let dir: string;
  let client: LspClient;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-stale-'));
    writeFileSync(join(dir, 'secretspec.toml'), LONG);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: '/usr/bin:/bin' };
    for (let i = 0; i < 21; i++) delete env[`S${i}`];
    client = await LspClient.start({ initializationOptions: { trusted: true }, env });
  });
  after(async () => {
    await client?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('warnings of an earlier text are re-anchored to the current one or dropped', async () => {
    const uri = client.open(join(dir, 'secretspec.toml'), LONG);
    const missing = (d: Diagnostic[]) => d.filter((x) => x.code === 'missing-required-secret');
    await until(client, uri, 1, (d) => missing(d).length === 21);
    const version = client.change(uri, SHORT);
    const now = missing(await client.waitForDiagnostics(uri, { version, timeoutMs: 60_000 }));
    const lines = SHORT.split('\n');
    for (const d of now) {
      const name = (d.data as { name: string }).name;
      assert.ok(lines[d.range.start.line]?.startsWith(`${name} =`), `${name}'s warning is on line ${d.range.start.line}: ${JSON.stringify(lines[d.range.start.line])}`);
    }
    assert.ok(now.length <= 1, `${now.length} warnings for one declared secret`);
  });
});
