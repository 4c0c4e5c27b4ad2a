// Runs inside `dbus-run-session` (started by keyring.test.ts): a private
// Secret Service from gnome-keyring, unlocked, checked against `secret-tool`
// (libsecret) which reads the same attributes SecretSpec's keyring-rs writes.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { keyringProvider } from '../../server/src/plugins/bundled/keyring';
import { TRICKY_VALUES, at, expectError, expectOk, openSession } from './openSession';

const user = os.userInfo().username;
const dev = at('kr-proj', 'development');

function waitForSecretService(): void {
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'], { encoding: 'utf8' });
    if (r.stdout?.includes('boolean true')) return;
    spawnSync('sleep', ['0.05']);
  }
  throw new Error('gnome-keyring did not take org.freedesktop.secrets');
}

function startKeyring(extra: string[] = []): void {
  execFileSync('gnome-keyring-daemon', [...extra, '--components=secrets'], { input: 'test-password', stdio: ['pipe', 'ignore', 'ignore'] });
  waitForSecretService();
}

function lookup(service: string): string | null {
  const r = spawnSync('secret-tool', ['lookup', 'service', service, 'username', user], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : null;
}

function store(service: string, value: string): void {
  execFileSync('secret-tool', ['store', '--label=seeded by secret-tool', 'service', service, 'username', user], { input: value });
}

before(() => {
  const base = process.env.KEYRING_TEST_DIR!;
  process.env.XDG_DATA_HOME = path.join(base, 'data');
  process.env.XDG_RUNTIME_DIR = path.join(base, 'run');
  mkdirSync(process.env.XDG_DATA_HOME, { recursive: true });
  mkdirSync(process.env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  startKeyring(['--unlock']);
});

test('a value set through the provider is the CLI-convention entry secret-tool finds', async () => {
  const s = await openSession(keyringProvider, 'keyring');
  expectOk(await s.handle(dev.set('API_KEY', 'from-provider-1')));
  assert.equal(lookup('secretspec/kr-proj/development/API_KEY'), 'from-provider-1');
  assert.equal(lookup('secretspec/kr-proj/production/API_KEY'), null, 'profiles are separate services');
});

test('an entry stored with secret-tool is found, exists, and is deleted', async () => {
  store('secretspec/kr-proj/development/SEEDED', 'from-secret-tool');
  const s = await openSession(keyringProvider, 'keyring://');
  assert.equal(expectOk(await s.handle(dev.get('SEEDED'))).value, 'from-secret-tool');
  assert.equal(expectOk(await s.handle(dev.exists('SEEDED'))).exists, true);
  assert.equal(expectOk(await s.handle(dev.exists('ABSENT'))).exists, false);
  assert.deepEqual(expectOk(await s.handle(dev.batch(['SEEDED', 'ABSENT']))).values, { SEEDED: 'from-secret-tool', ABSENT: null });
  expectOk(await s.handle(dev.del('SEEDED')));
  assert.equal(lookup('secretspec/kr-proj/development/SEEDED'), null);
  assert.equal(expectOk(await s.handle(dev.exists('SEEDED'))).exists, false);
  expectOk(await s.handle(dev.del('SEEDED')));
});

test('a URI template picks the service name', async () => {
  const s = await openSession(keyringProvider, 'keyring://secretspec/shared/{profile}/{key}');
  expectOk(await s.handle(dev.set('SHARED', 'shared-value')));
  assert.equal(lookup('secretspec/shared/development/SHARED'), 'shared-value');
  store('secretspec/shared/development/OTHER', 'other-value');
  assert.equal(expectOk(await s.handle(at('any-project', 'development').get('OTHER'))).value, 'other-value');
});

test('tricky values round-trip', async () => {
  const s = await openSession(keyringProvider, 'keyring');
  for (const value of TRICKY_VALUES.filter((v) => v !== '')) {
    expectOk(await s.handle(dev.set('TRICKY', value)));
    assert.equal(expectOk(await s.handle(dev.get('TRICKY'))).value, value);
  }
});

test('a locked keyring is auth_failed, with a message that says what to do', async () => {
  const s = await openSession(keyringProvider, 'keyring');
  expectOk(await s.handle(dev.set('LOCKED', 'hidden-when-locked')));
  // A replacement daemon starts with the login keyring locked, and no prompt can be shown here.
  startKeyring(['--replace', '--daemonize']);
  const locked = await openSession(keyringProvider, 'keyring');
  const e = expectError(await locked.handle(dev.get('LOCKED')), 'auth_failed');
  assert.match(e.message, /unlock/);
  assert.doesNotMatch(e.message, /hidden-when-locked/);
});
