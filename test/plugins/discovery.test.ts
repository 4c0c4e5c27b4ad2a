// Discovery (provider-protocol.md §1) as a pure function, then once through
// the host against the real file system.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { discover, providerScheme, type DiscoveryInput } from '../../server/src/plugins/discovery';
import { PluginHost } from '../../server/src/plugins/host';
import { pluginSetting, secretAllowed } from '../../server/src/plugins/settings';
import { ProviderError } from '../../server/src/providers/store';
import { ADDRESS, FIXTURES, fixture, sessionOptions, tempDir } from './harness';

function input(overrides: Partial<DiscoveryInput> & { executables?: string[] }): DiscoveryInput {
  const executables = new Set(overrides.executables ?? []);
  return {
    scheme: 'foo',
    setting: undefined,
    bundled: new Set(),
    pathEnv: '',
    workspaceFolders: ['/work/repo'],
    platform: 'linux',
    fs: { isExecutableFile: (f) => executables.has(f), realpath: (f) => (f === '/home/me/link' ? '/work/repo/bin' : f) },
    ...overrides,
  };
}

const setting = (s: Record<string, unknown>) => {
  const r = pluginSetting({ foo: s }, 'foo');
  assert.ok(r.ok);
  return r.setting;
};

test('schemes: lowercase, then letters, digits, _ and -; anything else is not a scheme', () => {
  assert.equal(providerScheme('onepassword://vault'), 'onepassword');
  assert.equal(providerScheme('dotenv:.env'), 'dotenv');
  assert.equal(providerScheme('my_plug-2://x'), 'my_plug-2');
  for (const bad of ['Foo://x', '1foo://x', '../x:y', 'no-colon', ':x', 'fo.o://x', 'C:\\path']) assert.equal(providerScheme(bad), undefined, bad);
});

test('lookup order: settings path, then bundled, then PATH, first match wins', () => {
  const all = input({
    setting: setting({ path: '/opt/foo/plugin' }),
    bundled: new Set(['foo']),
    pathEnv: '/usr/local/bin:/usr/bin',
    executables: ['/opt/foo/plugin', '/usr/local/bin/secretspec-provider-foo', '/usr/bin/secretspec-provider-foo'],
  });
  assert.deepEqual(discover(all), { ok: true, resolution: { source: 'settings', scheme: 'foo', path: '/opt/foo/plugin' } });
  assert.deepEqual(discover({ ...all, setting: setting({ env: { A: 'b' } }) }), { ok: true, resolution: { source: 'bundled', scheme: 'foo' } });
  assert.deepEqual(discover({ ...all, setting: undefined, bundled: new Set() }), {
    ok: true,
    resolution: { source: 'path', scheme: 'foo', path: '/usr/local/bin/secretspec-provider-foo' },
  });
});

test('relative and in-workspace PATH entries are skipped, and the message says so', () => {
  const result = discover(
    input({
      pathEnv: 'bin:./node_modules/.bin:/work/repo/tools:/home/me/link:/usr/bin',
      executables: ['bin/secretspec-provider-foo', '/work/repo/tools/secretspec-provider-foo', '/home/me/link/secretspec-provider-foo', '/usr/bin/secretspec-provider-foo'],
    }),
  );
  assert.deepEqual(result, { ok: true, resolution: { source: 'path', scheme: 'foo', path: '/usr/bin/secretspec-provider-foo' } });
  const none = discover(input({ pathEnv: 'bin:/work/repo/tools:/home/me/link', executables: ['bin/secretspec-provider-foo', '/work/repo/tools/secretspec-provider-foo', '/home/me/link/secretspec-provider-foo'] }));
  assert.equal(none.ok, false);
  assert.ok(!none.ok && none.message.includes('install secretspec-provider-foo'), !none.ok ? none.message : '');
  assert.ok(!none.ok && none.message.includes('relative PATH entry') && none.message.includes('inside the workspace') && none.message.includes('/home/me/link'));
});

test('not installed, disabled, relative or missing settings paths each explain what to do', () => {
  const missing = discover(input({ pathEnv: '/usr/bin' }));
  assert.ok(!missing.ok && /install secretspec-provider-foo .* or set secretspec\.plugins\.foo\.path/.test(missing.message));
  const disabled = discover(input({ setting: setting({ enabled: false }), bundled: new Set(['foo']) }));
  assert.ok(!disabled.ok && disabled.message.includes('enabled is false'));
  const relative = discover(input({ setting: setting({ path: 'bin/plugin' }) }));
  assert.ok(!relative.ok && relative.message.includes('absolute'));
  const gone = discover(input({ setting: setting({ path: '/opt/nothing' }), bundled: new Set(['foo']) }));
  assert.ok(!gone.ok && gone.message.includes('/opt/nothing') && gone.message.includes('not an executable'), 'a broken registration does not fall back silently');
});

test('windows looks for .exe and .cmd with ; separators', () => {
  const r = discover(input({ platform: 'win32', workspaceFolders: ['C:\\repo'], pathEnv: 'C:\\repo\\bin;C:\\tools', executables: ['C:\\repo\\bin\\secretspec-provider-foo.exe', 'C:\\tools\\secretspec-provider-foo.cmd'] }));
  assert.deepEqual(r, { ok: true, resolution: { source: 'path', scheme: 'foo', path: 'C:\\tools\\secretspec-provider-foo.cmd' } });
});

test('settings are validated; allowedSecrets globs match whole names', () => {
  const bad = pluginSetting({ foo: { path: 42 } }, 'foo');
  assert.ok(!bad.ok && bad.message.includes('secretspec.plugins.foo.path'));
  assert.ok(pluginSetting({ foo: { timeoutMs: -1 } }, 'foo').ok === false);
  const s = setting({ allowedSecrets: ['DB_*', 'API_?EY', 'EXACT'] });
  assert.ok(secretAllowed(s, 'DB_URL') && secretAllowed(s, 'API_KEY') && secretAllowed(s, 'EXACT'));
  assert.ok(!secretAllowed(s, 'XDB_URL') && !secretAllowed(s, 'API_KEYS') && !secretAllowed(s, 'EXACTLY') && !secretAllowed(s, 'DB'));
  assert.ok(secretAllowed(setting({}), 'ANYTHING'));
  assert.ok(!secretAllowed(setting({ allowedSecrets: [] }), 'ANYTHING'));
  assert.ok(secretAllowed(setting({ allowedSecrets: ['A.B'] }), 'A.B') && !secretAllowed(setting({ allowedSecrets: ['A.B'] }), 'AxB'));
});

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    assert.ok(error instanceof ProviderError);
    return error.kind;
  }
}

test('the host finds plugins on the real PATH and refuses in-workspace copies', async () => {
  const workspace = tempDir();
  const planted = path.join(workspace, 'node_modules', '.bin');
  mkdirSync(planted, { recursive: true });
  copyFileSync(fixture('memory'), path.join(planted, 'secretspec-provider-planted'));
  chmodSync(path.join(planted, 'secretspec-provider-planted'), 0o755);
  const logs: string[] = [];
  const host = new PluginHost({ trusted: true, workspaceFolders: [`file://${workspace}`], pathEnv: `${planted}:${FIXTURES}`, log: (l) => logs.push(l) });
  try {
    assert.deepEqual(host.resolve('memory://x'), { scheme: 'memory', source: 'path', path: fixture('memory'), label: `plugin secretspec-provider-memory (${fixture('memory')})` });
    const s = await host.open('memory://x', sessionOptions(null));
    await s.set(ADDRESS, 'A', 'v');
    assert.equal(await s.get(ADDRESS, 'A'), 'v');
    assert.equal(await kindOf(host.open('planted://x', sessionOptions(null))), 'plugin_not_installed');
    assert.throws(() => host.resolve('planted://x'), (e: ProviderError) => e.kind === 'plugin_not_installed' && e.message.includes('inside the workspace'));
    assert.equal(await kindOf(host.open('nothere://x', sessionOptions(null))), 'plugin_not_installed');
    assert.equal(await kindOf(host.open('Not A URI', sessionOptions(null))), 'invalid_request');
  } finally {
    await host.dispose();
  }
  const broken = new PluginHost({ trusted: true, settings: { memory: { path: 7 } }, pathEnv: FIXTURES });
  assert.equal(await kindOf(broken.open('memory://x', sessionOptions(null))), 'plugin_not_installed', 'an invalid setting is reported, not skipped');
  await broken.dispose();
});
