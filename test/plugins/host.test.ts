// The plugin host against real fixture processes: every operation, capability
// gating, allowedSecrets, the hello message, environment and argv, trust,
// and shutdown.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PluginHost } from '../../server/src/plugins/host';
import { ProviderError } from '../../server/src/providers/store';
import { ADDRESS, fixture, harness, isAlive, sessionOptions, tempDir } from './harness';

async function rejectsWith(promise: Promise<unknown>, kind: string, ...mentions: string[]): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    for (const m of mentions) assert.ok(error.message.includes(m), `"${error.message}" should mention ${m}`);
    return error;
  }
  assert.fail(`expected a ${kind} failure`);
}

test('every operation round-trips through a real plugin process', async () => {
  const h = harness();
  try {
    const s = await h.host.open('memory://vault', sessionOptions(h.configFile));
    assert.deepEqual([...s.capabilities], ['get', 'batch_get', 'exists', 'set', 'delete', 'reflect']);
    assert.equal(await s.get(ADDRESS, 'DB_URL'), null, 'a missing value is a miss, not an error');
    assert.equal(await s.exists(ADDRESS, 'DB_URL'), false);
    await s.set(ADDRESS, 'DB_URL', 'postgres://x');
    await s.set(ADDRESS, 'API_KEY', 'k-123');
    assert.equal(await s.get(ADDRESS, 'DB_URL'), 'postgres://x');
    assert.equal(await s.exists(ADDRESS, 'DB_URL'), true);
    assert.equal(await s.get({ project: 'app', profile: 'production' }, 'DB_URL'), null, 'profiles are separate');
    assert.deepEqual(await s.getMany(ADDRESS, ['DB_URL', 'API_KEY', 'NOPE', 'DB_URL']), {
      DB_URL: { ok: true, value: 'postgres://x' },
      API_KEY: { ok: true, value: 'k-123' },
      NOPE: { ok: true, value: null },
    });
    assert.deepEqual(await s.presence(ADDRESS, ['DB_URL', 'NOPE']), { DB_URL: { ok: true, value: true }, NOPE: { ok: true, value: false } });
    const reflected = await s.reflect('app');
    assert.deepEqual(Object.keys(reflected).sort(), ['API_KEY', 'DB_URL']);
    assert.equal(reflected.DB_URL?.required, true);
    await s.delete(ADDRESS, 'DB_URL');
    await s.delete(ADDRESS, 'DB_URL');
    assert.equal(await s.get(ADDRESS, 'DB_URL'), null);
    assert.equal(h.pids().length, 1, 'one process served the whole session');
    const again = await h.host.open('memory://vault', sessionOptions(h.configFile));
    assert.equal(again, s, 'the same URI, manifest and context share one session');
  } finally {
    await h.host.dispose();
  }
});

test('getMany splits more than 1,024 keys into several requests', async () => {
  const opsFile = path.join(tempDir(), 'ops');
  const h = harness({ pluginEnv: { FIXTURE_OPS_FILE: opsFile } });
  try {
    const s = await h.host.open('memory://vault', sessionOptions(null));
    await s.set(ADDRESS, 'K7', 'v7');
    const keys = Array.from({ length: 2500 }, (_, i) => `K${i}`);
    const result = await s.getMany(ADDRESS, keys);
    assert.equal(Object.keys(result).length, 2500);
    assert.deepEqual(result.K7, { ok: true, value: 'v7' });
    assert.deepEqual(result.K2499, { ok: true, value: null });
    const ops = readFileSync(opsFile, 'utf8').split('\n').filter(Boolean);
    assert.deepEqual(ops, ['hello', 'set', 'batch_get', 'batch_get', 'batch_get']);
  } finally {
    await h.host.dispose();
  }
});

test('a write-only sink gets no value reads: capability_required, never a miss', async () => {
  const opsFile = path.join(tempDir(), 'ops');
  const h = harness({ pluginEnv: { FIXTURE_OPS_FILE: opsFile } });
  try {
    const s = await h.host.open('sink://github/org/repo', sessionOptions(null));
    assert.deepEqual([...s.capabilities], ['exists', 'set', 'delete'], 'unknown advertised operations are ignored');
    await rejectsWith(s.get(ADDRESS, 'TOKEN'), 'capability_required', 'sink', 'write-only');
    const batch = await s.getMany(ADDRESS, ['TOKEN']);
    assert.equal(batch.TOKEN?.ok, false);
    assert.equal(batch.TOKEN.ok === false && batch.TOKEN.error.kind, 'capability_required');
    await rejectsWith(s.reflect('app'), 'capability_required', 'reflect');
    await s.set(ADDRESS, 'TOKEN', 'ghp_value');
    assert.equal(await s.exists(ADDRESS, 'TOKEN'), true);
    assert.deepEqual(await s.presence(ADDRESS, ['TOKEN', 'OTHER']), { TOKEN: { ok: true, value: true }, OTHER: { ok: true, value: false } });
    await s.delete(ADDRESS, 'TOKEN');
    const ops = readFileSync(opsFile, 'utf8').split('\n').filter(Boolean);
    assert.ok(!ops.includes('get') && !ops.includes('batch_get') && !ops.includes('reflect'), `sent: ${ops.join(',')}`);
  } finally {
    await h.host.dispose();
  }
});

test('secrets outside allowedSecrets are never sent and come back permission_denied', async () => {
  const opsFile = path.join(tempDir(), 'ops');
  const settings = { memory: { path: fixture('memory'), env: { FIXTURE_OPS_FILE: opsFile }, allowedSecrets: ['DB_*', 'API_?EY'] } };
  const host = new PluginHost({ trusted: true, settings, log: () => undefined });
  try {
    const s = await host.open('memory://vault', sessionOptions(null));
    await s.set(ADDRESS, 'DB_URL', 'u');
    assert.equal(await s.get(ADDRESS, 'API_KEY'), null);
    await rejectsWith(s.get(ADDRESS, 'STRIPE_KEY'), 'permission_denied', 'STRIPE_KEY', 'allowedSecrets');
    await rejectsWith(s.set(ADDRESS, 'STRIPE_KEY', 'v'), 'permission_denied');
    await rejectsWith(s.exists(ADDRESS, 'STRIPE_KEY'), 'permission_denied');
    await rejectsWith(s.delete(ADDRESS, 'STRIPE_KEY'), 'permission_denied');
    const batch = await s.getMany(ADDRESS, ['DB_URL', 'STRIPE_KEY']);
    assert.deepEqual(batch.DB_URL, { ok: true, value: 'u' });
    assert.equal(batch.STRIPE_KEY?.ok === false && batch.STRIPE_KEY.error.kind, 'permission_denied');
    const presence = await s.presence(ADDRESS, ['STRIPE_KEY', 'DB_URL']);
    assert.equal(presence.STRIPE_KEY?.ok === false && presence.STRIPE_KEY.error.kind, 'permission_denied');
    assert.deepEqual(presence.DB_URL, { ok: true, value: true });
    const sent = readFileSync(opsFile, 'utf8');
    assert.equal(sent.split('\n').filter((l) => l === 'get' || l === 'exists' || l === 'batch_get').length, 3);
  } finally {
    await host.dispose();
  }
});

test('hello carries the URI, config_file and a synthesized reason; plugin gets no args and a minimal environment', async () => {
  const echoFile = path.join(tempDir(), 'echo.json');
  const base = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: '/home/someone',
    USER: 'someone',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TMPDIR: '/tmp',
    XDG_CONFIG_HOME: '/home/someone/.config',
    AWS_SECRET_ACCESS_KEY: 'must-not-leak',
    GITHUB_TOKEN: 'must-not-leak-either',
    NODE_OPTIONS: '--inspect',
    SECRETSPEC_PROVIDER_URI: 'spoofed',
  };
  const h = harness({ env: base, pluginEnv: { FIXTURE_ECHO_FILE: echoFile, OP_ACCOUNT: 'me', SECRETSPEC_FILE: 'spoofed' } });
  try {
    const uri = 'echo://vault/Production?cache=12h';
    const s = await h.host.open(uri, { configFile: h.configFile, project: 'myapp', command: 'check' });
    assert.equal(await s.get(ADDRESS, 'X'), null);
    const echo = JSON.parse(readFileSync(echoFile, 'utf8')) as { argv: string[]; env: Record<string, string>; cwd: string };
    assert.deepEqual(echo.argv, [], 'a plugin is started without arguments');
    assert.deepEqual(Object.keys(echo.env).sort(), [
      'FIXTURE_ECHO_FILE',
      'FIXTURE_PID_FILE',
      'HOME',
      'LANG',
      'LC_ALL',
      'OP_ACCOUNT',
      'PATH',
      'SECRETSPEC_FILE',
      'SECRETSPEC_PROTOCOL_VERSION',
      'SECRETSPEC_PROVIDER_URI',
      'TMPDIR',
      'USER',
      'XDG_CONFIG_HOME',
    ]);
    assert.equal(echo.env.SECRETSPEC_PROTOCOL_VERSION, '1');
    assert.equal(echo.env.SECRETSPEC_PROVIDER_URI, uri);
    assert.equal(echo.env.SECRETSPEC_FILE, h.configFile, 'the host owns SECRETSPEC_*, settings cannot override it');
    assert.equal(echo.env.OP_ACCOUNT, 'me');
    assert.equal(echo.cwd, h.dir);
  } finally {
    await h.host.dispose();
  }
  const h2 = harness({ pluginEnv: { FIXTURE_ECHO_FILE: echoFile } });
  try {
    await h2.host.open('echo://x', { configFile: null, project: 'myapp', command: 'check', reason: 'custom reason' });
    const echo = JSON.parse(readFileSync(echoFile, 'utf8')) as { env: Record<string, string> };
    assert.equal(echo.env.SECRETSPEC_FILE, undefined, 'unset when there is no manifest');
  } finally {
    await h2.host.dispose();
  }
});

test('hello is the first message and holds config_file and context.reason', async () => {
  const h = harness();
  try {
    const s = await h.host.open('memory://v?stderr=echo', { configFile: h.configFile, project: 'myapp', command: 'check' });
    await s.get(ADDRESS, 'A');
    const s2 = await h.host.open('memory://v?stderr=echo', { configFile: null, project: 'myapp', command: 'DB_URL', reason: 'deploy bot' });
    assert.notEqual(s2, s, 'a different context is a different session');
    await s2.exists(ADDRESS, 'A');
    const lines = h.logs.filter((l) => l.includes('fixture got: '));
    const hellos = lines.filter((l) => l.includes('"op":"hello"')).map((l) => JSON.parse(l.slice(l.indexOf('fixture got: ') + 13)) as Record<string, unknown>);
    assert.deepEqual(hellos[0], {
      op: 'hello',
      protocol_version: 1,
      uri: 'memory://v?stderr=echo',
      config_file: h.configFile,
      context: { reason: 'secretspec:myapp:check' },
    });
    assert.deepEqual(hellos[1]?.context, { reason: 'deploy bot' });
    assert.equal(hellos[1]?.config_file, null);
  } finally {
    await h.host.dispose();
  }
});

test('an untrusted workspace starts no process at all', async () => {
  const h = harness({ trusted: false });
  try {
    await rejectsWith(h.host.open('memory://vault', sessionOptions(h.configFile)), 'untrusted_workspace', 'trust');
    await rejectsWith(h.host.open('sink://x', sessionOptions(null)), 'untrusted_workspace');
    assert.deepEqual(h.pids(), []);
    assert.deepEqual(h.host.livePids(), []);
  } finally {
    await h.host.dispose();
  }
});

test('dispose ends every plugin process, including one that ignores EOF and SIGTERM', async () => {
  const h = harness();
  const sessions = await Promise.all([
    h.host.open('memory://a', sessionOptions(null)),
    h.host.open('sink://b', sessionOptions(null)),
    h.host.open('memory://c?fault=ignore-eof', sessionOptions(null)),
    h.host.open('memory://d?fault=ignore-eof&sigterm=ignore', sessionOptions(null)),
  ]);
  await sessions[2]?.get(ADDRESS, 'X');
  const pids = h.pids();
  assert.equal(pids.length, 4);
  assert.ok(pids.every(isAlive));
  await h.host.dispose();
  assert.deepEqual(pids.filter(isAlive), [], 'no plugin process outlives the host');
  assert.deepEqual(h.host.livePids(), []);
  await rejectsWith(h.host.open('memory://a', sessionOptions(null)), 'internal', 'shut down');
});

test('a canary value never reaches the log or an error message', async () => {
  const canary = 'CANARY-7f3a9c-do-not-leak';
  const h = harness();
  const errors: string[] = [];
  try {
    const s = await h.host.open('memory://vault?stderr=echo', sessionOptions(null));
    await s.set(ADDRESS, 'TOKEN', canary);
    assert.equal(await s.get(ADDRESS, 'TOKEN'), canary);
    await s.getMany(ADDRESS, ['TOKEN']);
    const failing = await h.host.open('memory://vault?fault=error&on=set&echo=1&stderr=echo', sessionOptions(null));
    try {
      await failing.set(ADDRESS, 'TOKEN', canary);
    } catch (error) {
      errors.push((error as Error).message);
    }
    const crashing = await h.host.open('memory://vault?fault=crash&on=set&stderr=echo', sessionOptions(null));
    try {
      await crashing.set(ADDRESS, 'TOKEN', `${canary}-2`);
    } catch (error) {
      errors.push((error as Error).message);
    }
    const withPassword = await h.host.open('memory://user:hunter2-password@vault', sessionOptions(null)).catch((e: Error) => e);
    assert.ok(!(withPassword instanceof Error));
  } finally {
    await h.host.dispose();
  }
  assert.equal(errors.length, 2);
  assert.ok(errors[0]?.includes('could not store'), errors[0]);
  assert.ok(h.logs.some((l) => l.includes('fixture got:') && l.includes('"op":"set"') && l.includes('‹redacted›')), 'stderr reached the log, scrubbed');
  for (const text of [...h.logs, ...errors]) {
    assert.ok(!text.includes(canary), `leaked in: ${text}`);
    assert.ok(!text.includes('hunter2-password'), `URI password leaked in: ${text}`);
  }
});

test('dispose during start-up still ends the process being started', async () => {
  const h = harness();
  const starting = Promise.allSettled([h.host.open('memory://a', sessionOptions(null)), h.host.open('memory://b', sessionOptions(null))]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await h.host.dispose();
  for (const s of await starting) {
    if (s.status === 'rejected') assert.ok(s.reason instanceof ProviderError, String(s.reason));
  }
  assert.deepEqual(h.pids().filter(isAlive), []);
  assert.deepEqual(h.host.livePids(), []);
});
