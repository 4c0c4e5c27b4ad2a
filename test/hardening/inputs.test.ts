// Issue 13 items 2-7 over the real server on stdio: manifests built to stall
// or exhaust it (deep `composed` graphs, many references, deep `extends`
// chains, a huge manifest under hover, FIFO and kernel files) and to make it
// read outside the workspace. Bounds here only detect a hang; the times are
// in the issue's report, not asserted, and work.test.ts catches a return to
// quadratic work by counting it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { CheckResult } from '../../protocol/src';
import { readRegularFile, UnsafeRead } from '../../server/src/manifest/safeRead';
import { LspClient } from '../support/lspClient';

const HEAD = '[project]\nname = "hostile"\nrevision = "1.0"\n';
const LONG = { timeoutMs: 120_000 };

describe('hostile manifests (issue 13 items 2-7)', () => {
  let dir: string;
  let client: LspClient;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-hostile-'));
    client = await LspClient.start({ initializationOptions: { trusted: true }, env: { ...process.env, PATH: '/usr/bin:/bin' } });
  });
  after(async () => {
    await client?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function manifest(name: string, text: string): string {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'secretspec.toml'), text);
    return join(dir, name, 'secretspec.toml');
  }

  test('item 3: a composed cycle 10,000 deep gets diagnostics, a check and a hover', async () => {
    const n = 10_000;
    let text = `${HEAD}[profiles.default]\n`;
    for (let i = 0; i < n; i++) text += `S${i} = { description = "s", composed = "\${S${(i + 1) % n}}" }\n`;
    const path = manifest('cycle', text);
    const uri = client.open(path, text);
    const diagnostics = await client.waitForDiagnostics(uri, LONG);
    assert.ok(diagnostics.some((d) => d.code === 'composed-cycle'));
    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri } });
    assert.ok(result.results[0]!.report.secrets.every((s) => s.status !== 'resolved'), 'a cycle never resolves');
    const at = text.indexOf('${S5}');
    const line = text.slice(0, at).split('\n').length - 1;
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: at + 2 - text.lastIndexOf('\n', at) - 1 } });
    assert.match(hover?.contents.value ?? '', /S5/);
  });

  test('item 3: a composed chain 10,000 deep resolves in a check', async () => {
    const n = 10_000;
    let text = `${HEAD}[profiles.default]\nS${n} = { description = "s", default = "x" }\n`;
    for (let i = 0; i < n; i++) text += `S${i} = { description = "s", composed = "\${S${i + 1}}" }\n`;
    const uri = client.open(manifest('chain', text), text);
    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri } });
    assert.ok(result.results[0]!.report.secrets.every((s) => s.status === 'resolved'));
  });

  test('item 2: one composed value with 100,000 references is checked', async () => {
    const text = `${HEAD}[profiles.default]\nA = { description = "a", default = "x" }\nB = { description = "b", composed = "${'${A}'.repeat(100_000)}" }\n`;
    const uri = client.open(manifest('refs', text), text);
    assert.deepEqual(await client.waitForDiagnostics(uri, LONG), []);
    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri } });
    const { report, unresolved } = result.results[0]!;
    assert.ok([...report.secrets, ...unresolved].some((s) => s.name === 'B'), 'B is answered for');
  });

  test('item 6: an extends chain 3,000 deep gets diagnostics', async () => {
    const n = 3000;
    const chain = join(dir, 'deep');
    mkdirSync(chain);
    for (let i = 0; i < n; i++) writeFileSync(join(chain, `p${i}.toml`), `${HEAD}${i + 1 < n ? `extends = ["p${i + 1}.toml"]\n` : ''}[profiles.default]\nS${i} = { description = "s" }\n`);
    const text = `${HEAD}extends = ["p0.toml"]\n[profiles.default]\nR = { description = "r" }\n`;
    writeFileSync(join(chain, 'secretspec.toml'), text);
    const uri = client.open(join(chain, 'secretspec.toml'), text);
    assert.deepEqual(await client.waitForDiagnostics(uri, LONG), []);
  });

  test('item 5: hover on a manifest of 20,000 secrets × 5 profiles answers', async () => {
    let text = HEAD;
    for (const p of ['default', 'a', 'b', 'c', 'd']) {
      text += `[profiles.${p}]\n`;
      for (let i = 0; i < 20_000; i++) text += `S${i} = { description = "s" }\n`;
    }
    const uri = client.open(manifest('big', text), text);
    await client.waitForDiagnostics(uri, LONG);
    for (const line of [5, 50_000, 90_000]) {
      const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: 1 } });
      assert.match(hover?.contents.value ?? '', /Secret `S\d+`/);
    }
  });

  test('item 4: a FIFO as extends parent and as dotenv file stalls nothing', async () => {
    const fifo = join(dir, 'fifo');
    mkdirSync(fifo);
    execFileSync('mkfifo', [join(fifo, 'parent.toml'), join(fifo, '.env')]);
    const text = `${HEAD}extends = ["parent.toml"]\n[profiles.default]\nA = { description = "a", providers = ["dotenv:.env"] }\n`;
    writeFileSync(join(fifo, 'secretspec.toml'), text);
    const uri = client.open(join(fifo, 'secretspec.toml'), text);
    const diagnostics = await client.waitForDiagnostics(uri, LONG);
    assert.ok(diagnostics.some((d) => d.code === 'extends-not-found'), JSON.stringify(diagnostics));
    const other = `${HEAD}[profiles.default]\nB = { description = "b" }\n`;
    assert.deepEqual(await client.waitForDiagnostics(client.open(manifest('other', other), other), LONG), []);
    const noParent = text.replace('extends = ["parent.toml"]\n', '');
    client.change(uri, noParent);
    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri } });
    assert.ok(result.results[0]!.unresolved.some((u) => u.name === 'A'), 'a FIFO .env is unresolved, not read');
  });

  test('item 4 and 7: only regular files, never kernel files, bounded in size', async () => {
    await assert.rejects(readRegularFile('/dev/zero'), UnsafeRead);
    await assert.rejects(readRegularFile('/proc/self/environ'), UnsafeRead);
    const big = join(dir, 'big.toml');
    writeFileSync(big, Buffer.alloc(2048, 0x61));
    await assert.rejects(readRegularFile(big, { maxBytes: 1024 }), UnsafeRead);
    assert.equal((await readRegularFile(big)).length, 2048);
  });
});

describe('an untrusted workspace reads nothing outside its folders (issue 13 item 7)', () => {
  let dir: string;
  let client: LspClient;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-escape-'));
    mkdirSync(join(dir, 'outside'));
    mkdirSync(join(dir, 'ws', 'app'), { recursive: true });
    writeFileSync(join(dir, 'outside', 'parent.toml'), `${HEAD}[profiles.default]\nLEAK = { description = "outside-canary" }\n`);
    writeFileSync(join(dir, 'ws', 'inside.toml'), `${HEAD}[profiles.default]\nIN = { description = "inside" }\n`);
    client = await LspClient.start({ rootUri: pathToFileURL(join(dir, 'ws')).href });
  });
  after(async () => {
    await client?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('extends outside the workspace is not read; inside it is', async () => {
    const text = `${HEAD}extends = ["../../outside/parent.toml", "../inside.toml"]\n[profiles.default]\nA = { description = "a" }\n`;
    const uri = client.open(join(dir, 'ws', 'app', 'secretspec.toml'), text);
    const diagnostics = await client.waitForDiagnostics(uri);
    assert.equal(diagnostics.filter((d) => d.code === 'extends-not-found').length, 1, JSON.stringify(diagnostics));
    const outline = JSON.stringify(await client.request('secretspec/outline', { textDocument: { uri } }));
    assert.doesNotMatch(outline, /outside-canary/);
    assert.match(outline, /inside/);
  });
});

describe('an untrusted server with no folder open reads only inside the manifest\'s own folder (issue 13 item 7)', () => {
  let dir: string;
  let client: LspClient;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-nofolder-'));
    mkdirSync(join(dir, 'outside'));
    mkdirSync(join(dir, 'app', 'base'), { recursive: true });
    writeFileSync(join(dir, 'outside', 'parent.toml'), `${HEAD}[profiles.default]\nLEAK = { description = "outside-canary" }\n`);
    writeFileSync(join(dir, 'app', 'base', 'parent.toml'), `${HEAD}[profiles.default]\nIN = { description = "beside-the-manifest" }\n`);
    client = await LspClient.start();
  });
  after(async () => {
    await client?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('extends above the manifest\'s folder is not read; below it is', async () => {
    const text = `${HEAD}extends = ["../outside/parent.toml", "base/parent.toml"]\n[profiles.default]\nA = { description = "a" }\n`;
    const uri = client.open(join(dir, 'app', 'secretspec.toml'), text);
    const diagnostics = await client.waitForDiagnostics(uri);
    assert.deepEqual(diagnostics.filter((d) => d.code === 'extends-not-found').map((d) => d.message), [`Extended config file not found: ${join(dir, 'app')}/../outside/parent.toml`]);
    const outline = JSON.stringify(await client.request('secretspec/outline', { textDocument: { uri } }));
    assert.doesNotMatch(outline, /outside-canary/);
    assert.match(outline, /beside-the-manifest/);
  });
});
