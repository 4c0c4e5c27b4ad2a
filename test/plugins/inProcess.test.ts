// Bundled providers through the in-process transport: the same session
// behaviour (hello, capabilities, timeouts, crash recovery, error mapping)
// as a child process, with no process at all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PluginHost } from '../../server/src/plugins/host';
import { ProviderError, type Capability } from '../../server/src/providers/store';
import type { BundledProvider, BundledSession, HelloRequest, OpRequest, OpResponse } from '../../server/src/plugins/types';
import { ADDRESS, sessionOptions } from './harness';

interface Seen {
  hellos: HelloRequest[];
  envs: NodeJS.ProcessEnv[];
  closed: number;
}

function memoryProvider(scheme: string, capabilities: Capability[], seen: Seen, misbehave?: (r: Exclude<OpRequest, { op: 'bye' }>) => Promise<OpResponse> | undefined): BundledProvider {
  const store = new Map<string, string>();
  return {
    scheme,
    async open(hello, env) {
      seen.hellos.push(hello);
      seen.envs.push(env);
      if (hello.uri.includes('signed-out')) return { ok: false, error: { kind: 'auth_failed', message: 'not signed in' } };
      const session: BundledSession = {
        name: scheme,
        capabilities,
        async handle(r) {
          const odd = misbehave?.(r);
          if (odd) return odd;
          switch (r.op) {
            case 'get':
              return { ok: true, value: store.get(r.key) ?? null };
            case 'batch_get':
              return { ok: true, values: Object.fromEntries(r.keys.map((k) => [k, store.get(k) ?? null])) };
            case 'exists':
              return { ok: true, exists: store.has(r.key) };
            case 'set':
              store.set(r.key, r.value);
              return { ok: true };
            case 'delete':
              store.delete(r.key);
              return { ok: true };
            case 'reflect':
              return { ok: true, secrets: Object.fromEntries([...store.keys()].map((k) => [k, { required: true }])) };
          }
        },
        async close() {
          seen.closed += 1;
        },
      };
      return session;
    },
  };
}

async function kind(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    assert.ok(error instanceof ProviderError, String(error));
    assert.ok(error.message.includes('bundled provider'), error.message);
    return error.kind;
  }
}

test("a bundled provider serves every operation in-process, with the server's whole environment", async () => {
  const seen: Seen = { hellos: [], envs: [], closed: 0 };
  const bundled = new Map([['keyring', memoryProvider('keyring', ['get', 'batch_get', 'exists', 'set', 'delete', 'reflect'], seen)]]);
  const host = new PluginHost({
    trusted: true,
    bundled,
    // Like SecretSpec's built-ins in the CLI, bundled providers read variables no plugin gets (env, PASSWORD_STORE_DIR…).
    env: { PATH: '/usr/bin', HOME: '/home/me', PASSWORD_STORE_DIR: '/store', SECRETSPEC_FILE: '/another/secretspec.toml' },
    settings: { keyring: { env: { KEYRING_BACKEND: 'file' }, allowedSecrets: ['APP_*'] } },
  });
  try {
    const s = await host.open('keyring://', { configFile: '/abs/secretspec.toml', project: 'app', command: 'check' });
    assert.deepEqual(seen.hellos[0], { op: 'hello', protocol_version: 1, uri: 'keyring://', config_file: '/abs/secretspec.toml', context: { reason: 'secretspec:app:check' } });
    assert.deepEqual(seen.envs[0], {
      PATH: '/usr/bin',
      HOME: '/home/me',
      PASSWORD_STORE_DIR: '/store',
      KEYRING_BACKEND: 'file',
      SECRETSPEC_PROTOCOL_VERSION: '1',
      SECRETSPEC_PROVIDER_URI: 'keyring://',
      SECRETSPEC_FILE: '/abs/secretspec.toml',
    });
    await s.set(ADDRESS, 'APP_KEY', 'v');
    assert.equal(await s.get(ADDRESS, 'APP_KEY'), 'v');
    assert.equal(await s.exists(ADDRESS, 'APP_OTHER'), false);
    assert.deepEqual(await s.getMany(ADDRESS, ['APP_KEY', 'APP_OTHER']), { APP_KEY: { ok: true, value: 'v' }, APP_OTHER: { ok: true, value: null } });
    assert.deepEqual(await s.reflect('app'), { APP_KEY: { required: true } });
    assert.equal(await kind(s.get(ADDRESS, 'OTHER')), 'permission_denied');
    await s.delete(ADDRESS, 'APP_KEY');
    assert.equal(await s.get(ADDRESS, 'APP_KEY'), null);
    assert.deepEqual(host.livePids(), []);
  } finally {
    await host.dispose();
  }
  assert.equal(seen.closed, 1, 'dispose closes the bundled session');
});

test('bundled faults: refusal at open, capability gating, throw, hang and malformed answers', async () => {
  const seen: Seen = { hellos: [], envs: [], closed: 0 };
  const misbehave = (r: Exclude<OpRequest, { op: 'bye' }>): Promise<OpResponse> | undefined => {
    if (r.op === 'get' && r.key === 'THROW') return Promise.reject(new Error('boom'));
    if (r.op === 'get' && r.key === 'HANG') return new Promise(() => undefined);
    if (r.op === 'get' && r.key === 'BAD') return Promise.resolve({ ok: true, value: 5 } as unknown as OpResponse);
    return undefined;
  };
  const bundled = new Map([
    ['vault', memoryProvider('vault', ['get', 'set'], seen, misbehave)],
    ['ci', memoryProvider('ci', ['set', 'delete'], seen)],
  ]);
  const host = new PluginHost({ trusted: true, bundled, timeouts: { requestMs: 200 } });
  try {
    assert.equal(await kind(host.open('vault://signed-out', sessionOptions(null))), 'auth_failed');
    const s = await host.open('vault://x', sessionOptions(null));
    assert.equal(await kind(s.exists(ADDRESS, 'A')), 'capability_required');
    assert.equal(await kind(s.get(ADDRESS, 'THROW')), 'plugin_crashed');
    assert.equal(await s.get(ADDRESS, 'A'), null, 'a fresh session after the crash');
    assert.equal(await kind(s.get(ADDRESS, 'HANG')), 'timeout');
    assert.equal(await kind(s.get(ADDRESS, 'BAD')), 'invalid_response');
    await s.set(ADDRESS, 'A', 'v');
    assert.equal(await s.get(ADDRESS, 'A'), 'v');
    const ci = await host.open('ci://org/repo', sessionOptions(null));
    assert.equal(await kind(ci.get(ADDRESS, 'A')), 'capability_required');
    const presence = await ci.presence(ADDRESS, ['A']);
    assert.equal(presence.A?.ok === false && presence.A.error.kind, 'capability_required', 'a write-only sink never reports a miss');
  } finally {
    await host.dispose();
  }
});
