// The keyring provider against a real gnome-keyring Secret Service in a
// private D-Bus session (keyring-session.ts), plus the no-daemon case here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { keyringProvider } from '../../server/src/plugins/bundled/keyring';
import { ensureDebianPackages } from '../support/systemPackages';
import { at, expectError, openSession } from './openSession';

const packages = ensureDebianPackages(['gnome-keyring', 'libsecret-tools', 'dbus', 'dbus-x11']);
const skip = packages.ok ? false : packages.reason;

test('keyring provider against gnome-keyring (child under dbus-run-session)', { skip }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyring-test-'));
  try {
    const r = spawnSync('dbus-run-session', ['--', process.execPath, '--import', 'tsx', '--test', '--test-reporter=spec', path.join(__dirname, 'keyring-session.ts')], {
      cwd: path.resolve(__dirname, '..', '..'),
      // NODE_TEST_CONTEXT would make the child report to this runner instead of printing its results.
      env: { ...process.env, KEYRING_TEST_DIR: dir, NODE_TEST_CONTEXT: undefined },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, `keyring session failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /pass 5/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a session bus the keyring is unavailable, not missing', async () => {
  const saved = process.env.DBUS_SESSION_BUS_ADDRESS;
  delete process.env.DBUS_SESSION_BUS_ADDRESS;
  try {
    const s = await openSession(keyringProvider, 'keyring');
    const e = expectError(await s.handle(at('p', 'dev').get('K')), 'unavailable');
    assert.match(e.message, /keyring daemon/);
    expectError(await s.handle(at('p', 'dev').exists('K')), 'unavailable');
  } finally {
    if (saved !== undefined) process.env.DBUS_SESSION_BUS_ADDRESS = saved;
  }
});
