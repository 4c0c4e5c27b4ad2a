// dist/provider.js as a real child process speaking the line protocol.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { after, before, test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const PROVIDER = path.join(ROOT, 'dist', 'provider.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'standalone-'));
const manifest = path.join(tmp, 'secretspec.toml');
writeFileSync(manifest, '[project]\nname = "demo"\n');
after(() => rmSync(tmp, { recursive: true, force: true }));

before(() => {
  // `npm test` builds first; a lone run of this file builds what it needs.
  if (!existsSync(PROVIDER)) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
});

class Plugin {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  stderr = '';

  constructor(scheme: string, env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [PROVIDER, '--provider', scheme], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SECRETSPEC_PROTOCOL_VERSION: '1', ...env },
    });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.lines = readline.createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async send(message: unknown): Promise<Record<string, any>> {
    this.child.stdin.write((typeof message === 'string' ? message : JSON.stringify(message)) + '\n');
    const next = await this.lines.next();
    assert.equal(next.done, false, `plugin closed stdout; stderr: ${this.stderr}`);
    return JSON.parse(next.value);
  }

  exit(): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      else this.child.once('exit', (code) => resolve(code));
    });
  }
}

const hello = (uri: string) => ({ op: 'hello', protocol_version: 1, uri, config_file: manifest, context: { reason: 'secretspec:demo:check' } });
const addr = { project: 'demo', profile: 'dev' };

test('dotenv plugin: hello, then every operation over stdio', async () => {
  const p = new Plugin('dotenv', { SECRETSPEC_PROVIDER_URI: 'dotenv:.env.plugin', SECRETSPEC_FILE: manifest });
  assert.deepEqual(await p.send(hello('dotenv:.env.plugin')), {
    ok: true,
    protocol_version: 1,
    name: 'dotenv',
    capabilities: ['get', 'batch_get', 'exists', 'set', 'delete', 'reflect'],
  });
  const secret = 'p@ss "word"\nline2 # ✓';
  assert.deepEqual(await p.send({ op: 'set', ...addr, key: 'API_KEY', value: secret }), { ok: true });
  assert.deepEqual(await p.send({ op: 'get', ...addr, key: 'API_KEY' }), { ok: true, value: secret });
  assert.deepEqual(await p.send({ op: 'exists', ...addr, key: 'API_KEY', unknown_field: 1 }), { ok: true, exists: true });
  assert.deepEqual(await p.send({ op: 'batch_get', ...addr, keys: ['API_KEY', 'NOPE'] }), { ok: true, values: { API_KEY: secret, NOPE: null } });
  assert.deepEqual(await p.send({ op: 'reflect', project: 'demo' }), { ok: true, secrets: { API_KEY: { description: 'API_KEY secret', required: true } } });
  assert.deepEqual(await p.send({ op: 'delete', ...addr, key: 'API_KEY' }), { ok: true });
  assert.deepEqual(await p.send({ op: 'get', ...addr, key: 'API_KEY' }), { ok: true, value: null });
  assert.equal(readFileSync(path.join(tmp, '.env.plugin'), 'utf8'), '');
  assert.deepEqual(await p.send({ op: 'bye' }), { ok: true });
  assert.equal(await p.exit(), 0);
  assert.doesNotMatch(p.stderr, /p@ss/);
});

test('protocol faults get error answers and the session survives', async () => {
  const p = new Plugin('dotenv');
  assert.equal((await p.send({ op: 'get', ...addr, key: 'K' })).error.kind, 'invalid_request', 'hello must come first');
  assert.equal((await p.send('this is not json')).error.kind, 'invalid_request');
  assert.equal((await p.send([1, 2])).error.kind, 'invalid_request');
  assert.equal((await p.send(hello('env'))).error.kind, 'invalid_request', 'a URI of another scheme is refused');
  assert.equal((await p.send(hello('dotenv:.env.faults'))).ok, true);
  assert.equal((await p.send(hello('dotenv:.env.faults'))).error.kind, 'invalid_request', 'one hello per session');
  assert.equal((await p.send({ op: 'frobnicate' })).error.kind, 'invalid_request');
  assert.equal((await p.send({ op: 'get', ...addr })).error.kind, 'invalid_request');
  assert.equal((await p.send({ op: 'set', ...addr, key: 'K', value: 42 })).error.kind, 'invalid_request');
  assert.deepEqual(await p.send({ op: 'set', ...addr, key: 'K', value: 'still alive' }), { ok: true });
  p.child.stdin.end();
  assert.equal(await p.exit(), 0, 'closing stdin ends the plugin');
});

test('env plugin refuses writes; hello uri falls back to SECRETSPEC_PROVIDER_URI', async () => {
  const p = new Plugin('env', { SECRETSPEC_PROVIDER_URI: 'env', VISIBLE: 'v1' });
  const answer = await p.send({ op: 'hello', protocol_version: 1, config_file: null, context: {} });
  assert.deepEqual(answer.capabilities, ['get', 'batch_get', 'exists']);
  assert.deepEqual(await p.send({ op: 'get', ...addr, key: 'VISIBLE' }), { ok: true, value: 'v1' });
  assert.equal((await p.send({ op: 'set', ...addr, key: 'VISIBLE', value: 'x' })).error.kind, 'unsupported');
  p.child.stdin.end();
  assert.equal(await p.exit(), 0);
});

test('an older host version is answered with unsupported_version and the plugin exits', async () => {
  const p = new Plugin('null');
  assert.equal((await p.send({ ...hello('null'), protocol_version: 0 })).error.kind, 'unsupported_version');
  assert.equal(await p.exit(), 0);
});

test('an open failure is reported at hello', async () => {
  const p = new Plugin('file');
  const answer = await p.send(hello('file:'));
  assert.equal(answer.error.kind, 'invalid_request');
  assert.match(answer.error.message, /explicit relative or absolute directory/);
  p.child.stdin.end();
  await p.exit();
});

test('an unknown provider name is a usage error', async () => {
  const p = new Plugin('nope');
  assert.equal(await p.exit(), 2);
  assert.match(p.stderr, /usage: secretspec-provider --provider/);
});
