// Issue 13, items 8–12: hostile plugins against the plugin host (and, for
// what the workspace is, against the server). Each test fails without its fix.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { PluginHost, type PluginHostOptions } from '../../server/src/plugins/host';
import type { CheckResult } from '../../protocol/src';
import { ADDRESS, isAlive, providerFailure, sessionOptions, tempDir } from '../plugins/harness';
import { LspClient } from '../support/lspClient';

const AUDIT = path.join(__dirname, '..', 'fixtures', 'plugins-audit', 'secretspec-provider-audit');
const CANARY = 'hardening-canary-5d1f0a-never-shown';

function host(dir: string, overrides: Partial<PluginHostOptions> = {}, env: Record<string, string> = {}): { host: PluginHost; logs: string[]; pids(): number[] } {
  const pidFile = path.join(dir, 'pids');
  const storeFile = path.join(dir, 'store.json');
  writeFileSync(storeFile, JSON.stringify({ [`${ADDRESS.project}/${ADDRESS.profile}/TOKEN`]: CANARY }));
  const logs: string[] = [];
  const h = new PluginHost({
    trusted: true,
    settings: { audit: { path: AUDIT, env: { AUDIT_PID_FILE: pidFile, AUDIT_STORE: storeFile, ...env } } },
    workspaceFolders: [dir],
    timeouts: { helloMs: 5000, requestMs: 5000, batchGetMs: 5000, shutdownGraceMs: 300, killGraceMs: 300 },
    retry: { attempts: 1, initialDelayMs: 5, maxDelayMs: 5 },
    breaker: { threshold: 1000 },
    log: (line) => logs.push(line),
    ...overrides,
  });
  const pids = () => (existsSync(pidFile) ? readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number) : []);
  return { host: h, logs, pids };
}

/** Bounded wait for a process to go: a leak fails instead of hanging. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 300 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return !isAlive(pid);
}

test('8: plugin stderr is not logged unless asked for; error.message is quoted to the user on one line, bounded, and never logged', async () => {
  const dir = tempDir();
  const { host: h, logs } = host(dir);
  try {
    const s = await h.open('audit://v?fault=stderr-value&on=exists&caps=get', sessionOptions(null));
    assert.deepEqual(await s.presence(ADDRESS, ['TOKEN']), { TOKEN: { ok: true, value: true } });
    const crash = await h.open('audit://v?fault=crash-stderr', sessionOptions(null));
    const crashed = await providerFailure(crash.get(ADDRESS, 'TOKEN'));
    assert.equal(crashed.kind, 'plugin_crashed');
    assert.ok(!crashed.message.includes(CANARY) && !crashed.message.includes('hardening-canary'), crashed.message);
    const long = `first line\nsecond ${'x'.repeat(1000)}`;
    const talky = await h.open(`audit://v?fault=error&kind=unavailable&message=${encodeURIComponent(long)}`, sessionOptions(null));
    const said = await providerFailure(talky.get(ADDRESS, 'A'));
    assert.ok(said.message.includes('first line second'), said.message);
    assert.ok(!said.message.includes('\n'), 'one line');
    assert.ok(!said.message.includes('x'.repeat(201)), 'at most 200 characters of the plugin\'s words');
    assert.match((await providerFailure(h.open('audit://v?hello=error-unknown-kind', sessionOptions(null)))).message, /it said: "hello refused"/);
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    await h.dispose();
  }
  assert.deepEqual(logs.filter((l) => l.includes('stderr:')), [], 'no stderr line reached the log');
  // Provider-protocol §6: the plugin's words are diagnostics text, shown with the failure, never copied into the log.
  assert.ok(logs.some((l) => l.includes('cannot reach its backend')), 'the failure itself is logged');
  for (const line of logs) assert.ok(!line.includes('first line') && !line.includes('hello refused'), `the plugin's words reached the log: ${line}`);
  for (const line of logs) assert.ok(!line.includes('hardening-canary'), `leaked: ${line}`);
});

test('8: a value read for presence stays masked for the rest of the session', async () => {
  const dir = tempDir();
  const { host: h } = host(dir);
  try {
    const s = await h.open('audit://v?caps=get', sessionOptions(null));
    assert.deepEqual(await s.presence(ADDRESS, ['TOKEN']), { TOKEN: { ok: true, value: true } });
    await new Promise((resolve) => setTimeout(resolve, 2200));
    assert.ok(!h.redact(`late stderr: ${CANARY}`).includes(CANARY));
  } finally {
    await h.dispose();
  }
});

test('9: a child a plugin forked into a new session does not outlive the host (Linux)', { skip: process.platform !== 'linux' }, async () => {
  const dir = tempDir();
  const { host: h, pids } = host(dir);
  const s = await h.open('audit://v?fault=setsid', sessionOptions(null));
  assert.equal(await s.get(ADDRESS, 'TOKEN'), CANARY);
  const [plugin, child] = pids();
  assert.ok(plugin !== undefined && child !== undefined);
  await h.dispose();
  assert.ok(await gone(plugin), 'the plugin exited');
  assert.ok(await gone(child!), 'its setsid child was killed');
});

test('10: a plugin that is a shell or interpreter without a script is refused, and runs nothing', { skip: process.platform === 'win32' }, async () => {
  const dir = tempDir();
  const marker = path.join(dir, 'pwned');
  for (const target of ['/bin/sh', process.execPath]) {
    const link = path.join(dir, `secretspec-provider-${path.basename(target)}`);
    symlinkSync(target, link);
    const h = new PluginHost({ trusted: true, settings: { evil: { path: link } }, workspaceFolders: [], log: () => undefined });
    try {
      const failure = await providerFailure(h.open(`evil://x?$(touch ${marker})`, { configFile: null, project: `$(touch ${marker})`, command: 'check' }));
      assert.equal(failure.kind, 'plugin_crashed');
      assert.match(failure.message, /interpreter/);
      assert.deepEqual(h.livePids(), []);
    } finally {
      await h.dispose();
    }
  }
  assert.ok(!existsSync(marker), 'no request line was run as a program');
});

test('11: a plugin beside the manifest counts as in the workspace, also with no folder open and for folders added later', async () => {
  const root = tempDir();
  const bin = path.join(root, 'bin');
  mkdirSync(bin);
  symlinkSync(AUDIT, path.join(bin, 'secretspec-provider-audit'));
  const configFile = path.join(root, 'secretspec.toml');
  let folders: string[] = [];
  const h = new PluginHost({ trusted: true, pathEnv: bin, env: { PATH: bin }, workspaceFolders: () => folders, log: () => undefined });
  try {
    assert.equal((await providerFailure(h.open('audit://x', sessionOptions(configFile)))).kind, 'plugin_not_installed', 'no folder open: the manifest folder counts');
    // A plugin on PATH in a folder added after the host was made is skipped too.
    assert.equal(h.resolve('audit://x').path, path.join(bin, 'secretspec-provider-audit'));
    folders = [root];
    assert.throws(() => h.resolve('audit://x'), /inside the workspace/);
    assert.deepEqual(h.livePids(), []);
  } finally {
    await h.dispose();
  }
});

test('12: a plugin that closes stdout but keeps running is a crash at once, and is stopped', { timeout: 20_000 }, async () => {
  const dir = tempDir();
  // A long request timeout: only the closed stdout can end this request before the test's own bound.
  const { host: h, pids } = host(dir, { timeouts: { helloMs: 5000, requestMs: 60_000, batchGetMs: 60_000, shutdownGraceMs: 300, killGraceMs: 300 } });
  try {
    const s = await h.open('audit://v?fault=close-stdout', sessionOptions(null));
    const failure = await providerFailure(s.get(ADDRESS, 'TOKEN'));
    assert.equal(failure.kind, 'plugin_crashed', failure.message);
    assert.match(failure.message, /closed its standard output/);
    assert.ok(await gone(pids()[0]!), 'the plugin was killed');
  } finally {
    await h.dispose();
  }
});

const MANIFEST = `[project]
name = "app"
revision = "1.0"

[profiles.default]
TOKEN = { description = "t", providers = ["audit://v"] }
`;

/** A workspace with the plugin planted in <root>/bin (on PATH), and a manifest at <root>/<sub>/secretspec.toml. */
function planted(sub: string): { root: string; manifest: string; pidFile: string; env: NodeJS.ProcessEnv } {
  const root = tempDir();
  const bin = path.join(root, 'bin');
  mkdirSync(bin);
  symlinkSync(AUDIT, path.join(bin, 'secretspec-provider-audit'));
  mkdirSync(path.join(root, sub), { recursive: true });
  const manifest = path.join(root, sub, 'secretspec.toml');
  writeFileSync(manifest, MANIFEST);
  const pidFile = path.join(root, 'pids');
  return { root, manifest, pidFile, env: { ...process.env, PATH: `${bin}:/usr/bin:/bin`, AUDIT_PID_FILE: pidFile } };
}

async function tokenKind(client: LspClient, manifest: string): Promise<string | undefined> {
  const uri = client.open(manifest, MANIFEST);
  await client.waitForDiagnostics(uri);
  const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, profiles: ['default'] });
  const unresolved = result.results[0]?.unresolved.find((u) => u.name === 'TOKEN');
  return unresolved?.kind;
}

test('11 (server): rootPath only, no folder, a folder added later, a manifest outside every folder: the planted plugin never runs', { timeout: 60_000 }, async () => {
  const cases: Array<{ name: string; sub: string; start(root: string): Parameters<typeof LspClient.start>[0]; later?(client: LspClient, root: string): Promise<void> }> = [
    { name: 'rootPath only', sub: 'app', start: (root) => ({ rootPath: root }) },
    { name: 'no folder open', sub: '.', start: () => ({}) },
    { name: 'manifest outside every folder', sub: '.', start: () => ({ workspaceFolders: [pathToFileURL(tempDir()).href] }) },
    {
      name: 'folder added later',
      sub: 'app',
      start: () => ({ workspaceFolders: [] }),
      later: (client, root) => client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: pathToFileURL(root).href, name: 'w' }], removed: [] } }),
    },
  ];
  for (const c of cases) {
    const { root, manifest, pidFile, env } = planted(c.sub);
    const client = await LspClient.start({ initializationOptions: { trusted: true }, env, ...c.start(root) });
    try {
      await c.later?.(client, root);
      assert.equal(await tokenKind(client, manifest), 'plugin_not_installed', c.name);
      assert.ok(!existsSync(pidFile), `${c.name}: the planted plugin was started`);
    } finally {
      await client.stop();
    }
  }
});
