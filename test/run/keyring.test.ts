// The runner over a real gnome-keyring Secret Service, in a private D-Bus
// session (keyring-session.ts runs inside `dbus-run-session`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ensureDebianPackages } from '../support/systemPackages';

const packages = ensureDebianPackages(['gnome-keyring', 'libsecret-tools', 'dbus', 'dbus-x11']);
const skip = packages.ok ? false : packages.reason;

test('runner with keyring-backed secrets (child under dbus-run-session)', { skip }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'runner-keyring-'));
  try {
    const r = spawnSync('dbus-run-session', ['--', process.execPath, '--import', 'tsx', '--test', '--test-reporter=spec', path.join(__dirname, 'keyring-session.ts')], {
      cwd: path.resolve(__dirname, '..', '..'),
      env: { ...process.env, KEYRING_TEST_DIR: dir, NODE_TEST_CONTEXT: undefined },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, `keyring session failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /pass 1\b/);
    assert.match(r.stdout, /fail 0\b/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
