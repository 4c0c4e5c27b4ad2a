// Keyring presence against a real gnome-keyring on a private session bus
// (test/oracle/stores.ts): it agrees with SecretSpec's own `check --json` on
// entries the CLI wrote, we wrote and a third tool wrote, and it reads no
// value. `dbus-monitor` on the same bus records every method call, so a
// presence check that opened a Secret Service session or asked for a secret
// would be seen; a `get` in the same run shows the monitor does see those.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { keyringProvider } from '../../server/src/plugins/bundled/keyring';
import type { BundledSession } from '../../server/src/plugins/types';
import { keyringPackages, startKeyring, type Store } from '../oracle/stores';
import { oracleSkip, runOracle } from '../support/oracle';
import { ensureDebianPackages } from '../support/systemPackages';
import { at, expectError, expectOk, openSession } from './openSession';

const packages = keyringPackages();
const monitorPackages = ensureDebianPackages(['dbus-bin']);
const skip = !packages.ok ? packages.reason! : !monitorPackages.ok ? monitorPackages.reason! : false;

const PROJECT = 'presence-proj';
const KEYS = ['BY_CLI', 'BY_US', 'BY_TOOL', 'NEVER_A', 'NEVER_B'];
const SECRET_METHODS = /^(OpenSession|GetSecret|GetSecrets|Unlock|CreateItem|SetSecret)$/;

let dir = '';
let store: Store | undefined;
let bus = '';

function busEnv(): NodeJS.ProcessEnv {
  return { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus };
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'keyring-presence-'));
  store = await startKeyring(dir);
  bus = store.env.DBUS_SESSION_BUS_ADDRESS!;
  // keyring-rs (get/set through @napi-rs/keyring) reads the bus address from this process's environment.
  process.env.DBUS_SESSION_BUS_ADDRESS = bus;
});

after(async () => {
  await store?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Call {
  sender: string;
  destination: string;
  member: string;
}

/** Method calls on the bus while `work` runs. */
async function monitored(work: () => Promise<void>): Promise<Call[]> {
  const monitor: ChildProcess = spawn('dbus-monitor', ['--address', bus, "type='method_call'"], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  let exited = false;
  monitor.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  monitor.once('exit', () => {
    exited = true;
  });
  // Marker calls the monitor must print: one before the work (so it is listening) and one after (so it has printed everything).
  const mark = (name: string) =>
    execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', `string:${name}`], {
      env: busEnv(),
      stdio: 'ignore',
    });
  const printed = async (name: string, send: boolean) => {
    for (let i = 0; !out.includes(name); i++) {
      if (exited || i > 200) throw new Error(`dbus-monitor never printed ${name}:\n${out}`);
      if (send && i % 10 === 0) mark(name);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  try {
    await printed('presence.marker.start', true);
    await work();
    mark('presence.marker.end');
    await printed('presence.marker.end', false);
  } finally {
    monitor.kill();
  }
  const body = out.slice(out.indexOf('presence.marker.start'), out.indexOf('presence.marker.end'));
  const calls: Call[] = [];
  for (const line of body.split('\n')) {
    const m = /^method call .*sender=(\S+) -> destination=(\S+) .*member=(\S+)/.exec(line);
    if (m) calls.push({ sender: m[1]!, destination: m[2]!, member: m[3]! });
  }
  return calls;
}

function manifest(): string {
  const file = join(dir, 'project', 'secretspec.toml');
  mkdirSync(join(dir, 'project'), { recursive: true });
  const secrets = KEYS.map((k) => `${k} = { description = "${k}", providers = ["keyring"] }`).join('\n');
  writeFileSync(file, `[project]\nname = "${PROJECT}"\nrevision = "1.0"\n\n[profiles.default]\n${secrets}\n\n[profiles.production]\n${secrets}\n`);
  return file;
}

async function presence(session: BundledSession, profile: string): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  for (const key of KEYS) out[key] = expectOk(await session.handle(at(PROJECT, profile).exists(key))).exists!;
  return out;
}

test('presence agrees with `secretspec check --json` on entries the CLI, we and secret-tool wrote', { skip: skip || oracleSkip() }, async () => {
  const file = manifest();
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const cli = runOracle(['set', 'BY_CLI', '--profile', 'default', '--file', file], { home, env: { DBUS_SESSION_BUS_ADDRESS: bus }, input: 'written-by-the-cli' });
  assert.equal(cli.status, 0, `secretspec set failed: ${cli.stderr}`);
  const session = await openSession(keyringProvider, 'keyring', null, busEnv());
  try {
    expectOk(await session.handle(at(PROJECT, 'default').set('BY_US', 'written-by-us')));
    expectOk(await session.handle(at(PROJECT, 'production').set('BY_US', 'written-by-us-in-production')));
    execFileSync('secret-tool', ['store', '--label=third tool', 'service', `secretspec/${PROJECT}/default/BY_TOOL`, 'username', userInfo().username], { input: 'written-by-secret-tool', env: busEnv() });
    for (const profile of ['default', 'production']) {
      const r = runOracle(['check', '--json', '--no-prompt', '--profile', profile, '--file', file], { home, env: { DBUS_SESSION_BUS_ADDRESS: bus } });
      assert.ok(r.status === 0 || r.status === 1, `secretspec check exited ${r.status}: ${r.stderr}`);
      const report = JSON.parse(r.stdout) as { secrets: Array<{ name: string; status: string }> };
      const theirs = Object.fromEntries(report.secrets.map((s) => [s.name, s.status === 'resolved']));
      assert.deepEqual(await presence(session, profile), theirs, `profile ${profile}`);
    }
    // The profiles differ (mixed present and absent), so an answer that ignored the profile would fail above.
    assert.deepEqual(await presence(session, 'default'), { BY_CLI: true, BY_US: true, BY_TOOL: true, NEVER_A: false, NEVER_B: false });
    assert.deepEqual(await presence(session, 'production'), { BY_CLI: false, BY_US: true, BY_TOOL: false, NEVER_A: false, NEVER_B: false });
  } finally {
    await session.close();
  }
});

test('presence reads no value: SearchItems on the open connection, never a Secret Service session or a secret', { skip }, async () => {
  const session = await openSession(keyringProvider, 'keyring', null, busEnv());
  try {
    expectOk(await session.handle(at(PROJECT, 'staging').set('WATCHED', 'must-stay-unread')));
    const existsCalls = await monitored(async () => {
      assert.equal(expectOk(await session.handle(at(PROJECT, 'staging').exists('WATCHED'))).exists, true);
      assert.equal(expectOk(await session.handle(at(PROJECT, 'staging').exists('UNSEEN'))).exists, false);
    });
    const toSecrets = existsCalls.filter((c) => c.destination === 'org.freedesktop.secrets');
    assert.deepEqual(
      toSecrets.map((c) => c.member),
      ['SearchItems', 'SearchItems'],
      'one search per key, nothing else',
    );
    // dbus-send (the monitor's markers) says Hello on its own connections; ours was made when the session opened.
    const ours = toSecrets[0]!.sender;
    assert.ok(toSecrets.every((c) => c.sender === ours), 'one connection for every key');
    assert.ok(!existsCalls.some((c) => c.sender === ours && c.member === 'Hello'), JSON.stringify(existsCalls));
    // The monitor would have seen a read: a get through keyring-rs opens a session and asks for the secret.
    const getCalls = await monitored(async () => {
      assert.equal(expectOk(await session.handle(at(PROJECT, 'staging').get('WATCHED'))).value, 'must-stay-unread');
    });
    assert.ok(
      getCalls.some((c) => SECRET_METHODS.test(c.member)),
      `a get reads the secret, so the monitor must show it: ${getCalls.map((c) => c.member).join(', ')}`,
    );
    assert.ok(!existsCalls.some((c) => SECRET_METHODS.test(c.member)));
  } finally {
    await session.close();
  }
});

/** A byte-for-byte relay to the real bus that counts and can cut its connections. */
async function relay(socketPath: string, target: string) {
  const live = new Set<net.Socket>();
  let opened = 0;
  const server = net.createServer((client) => {
    opened++;
    const upstream = net.createConnection({ path: target });
    live.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const cut = () => {
      client.destroy();
      upstream.destroy();
      live.delete(client);
      live.delete(upstream);
    };
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    get opened() {
      return opened;
    },
    cut: () => {
      for (const socket of live) socket.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('one bus connection serves a session; a dropped one is made again, a bus that is gone is unavailable', { skip }, async () => {
  const real = /unix:path=([^,;]+)/.exec(bus)![1]!;
  const path = join(dir, 'relay-bus');
  const proxy = await relay(path, real);
  const session = await openSession(keyringProvider, 'keyring', null, { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${path}` });
  try {
    expectOk(await session.handle(at(PROJECT, 'relay').set('HERE', 'relayed')));
    for (let i = 0; i < 20; i++) assert.equal(expectOk(await session.handle(at(PROJECT, 'relay').exists(i % 2 ? 'HERE' : `NOT_${i}`))).exists, i % 2 === 1);
    assert.equal(proxy.opened, 1, 'twenty keys, one connection (made when the session opened)');
    // Asked at once, before or after our side has seen the connection end: either way it is made again.
    proxy.cut();
    assert.equal(expectOk(await session.handle(at(PROJECT, 'relay').exists('HERE'))).exists, true);
    assert.equal(proxy.opened, 2);
    // A server closes once its connections have ended, so they are cut while it waits.
    const closed = proxy.close();
    proxy.cut();
    await closed;
    const e = expectError(await session.handle(at(PROJECT, 'relay').exists('HERE')), 'unavailable');
    assert.match(e.message, /cannot connect to the session bus/);
  } finally {
    await session.close();
    proxy.cut();
  }
});

test('a session bus on which nothing provides the Secret Service is unavailable when the session opens, not at every key', { skip }, async () => {
  const socket = join(dir, 'bare-bus');
  const config = join(dir, 'bare-bus.conf');
  // Debian's session bus configuration, listening here and with an empty service directory, so org.freedesktop.secrets cannot be activated either.
  const services = join(dir, 'no-services');
  mkdirSync(services, { recursive: true });
  writeFileSync(
    config,
    readFileSync('/usr/share/dbus-1/session.conf', 'utf8')
      .replace(/<listen>[^<]*<\/listen>/, `<listen>unix:path=${socket}</listen>`)
      .replace(/<standard_session_servicedirs\s*\/>/, `<servicedir>${services}</servicedir>`),
  );
  const daemon = spawn('dbus-daemon', ['--nofork', '--nopidfile', `--config-file=${config}`, '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await new Promise<void>((resolve, reject) => {
      daemon.stdout!.once('data', () => resolve());
      daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code})`)));
    });
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}` };
    const opened = await keyringProvider.open({ op: 'hello', protocol_version: 1, uri: 'keyring', config_file: null, context: {} }, env);
    assert.ok('ok' in opened, 'the session must not open');
    assert.equal(opened.error.kind, 'unavailable');
    // Said after the handshake and Hello went through: the bus was reached, the service is what is missing.
    assert.match(opened.error.message, /nothing owns org\.freedesktop\.secrets .* no service file can start it/);
    assert.match(opened.error.message, /keyring daemon/);
  } finally {
    daemon.kill();
  }
});

// Last: it leaves the login collection locked.
test('a locked collection: its items are present, found without an unlock prompt or a read', { skip }, async () => {
  const session = await openSession(keyringProvider, 'keyring', null, busEnv());
  try {
    expectOk(await session.handle(at(PROJECT, 'locked').set('KEPT', 'behind-a-lock')));
    execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login'], {
      env: busEnv(),
      stdio: 'ignore',
    });
    const calls = await monitored(async () => {
      assert.equal(expectOk(await session.handle(at(PROJECT, 'locked').exists('KEPT'))).exists, true);
      assert.equal(expectOk(await session.handle(at(PROJECT, 'locked').exists('NOT_KEPT'))).exists, false);
    });
    assert.ok(!calls.some((c) => SECRET_METHODS.test(c.member)), calls.map((c) => c.member).join(', '));
    // Reading the value is another matter: it needs the unlock prompt no one can answer here.
    const e = expectError(await session.handle(at(PROJECT, 'locked').get('KEPT')), 'auth_failed');
    assert.doesNotMatch(e.message, /behind-a-lock/);
  } finally {
    await session.close();
  }
});
