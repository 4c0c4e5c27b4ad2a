// The keyring provider against a real gnome-keyring Secret Service in a
// private D-Bus session (keyring-session.ts), plus the cases without a bus here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { bundledProviders } from '../../server/src/plugins/bundled';
import { keyringProvider } from '../../server/src/plugins/bundled/keyring';
import { PluginHost } from '../../server/src/plugins/host';
import { ProviderError } from '../../server/src/providers/store';
import { ensureDebianPackages } from '../support/systemPackages';
import { at, expectError, openError, openSession } from './openSession';

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

/** Runs `fn` with the session bus variables replaced (undefined removes one), restoring them after. */
async function withBusEnv(vars: Record<string, string | undefined>, fn: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    await fn();
  } finally {
    apply(saved);
  }
}

test('without a session bus the keyring is unavailable at once, for every operation, with no connection tried', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyring-nobus-'));
  try {
    await withBusEnv({ DBUS_SESSION_BUS_ADDRESS: undefined, XDG_RUNTIME_DIR: dir }, async () => {
      const e = await openError(keyringProvider, 'keyring');
      assert.equal(e.kind, 'unavailable');
      // Said only before any connection is tried; a failed attempt reads "cannot connect to the session bus".
      assert.match(e.message, /no D-Bus session bus/);
      assert.match(e.message, /keyring daemon/);
      assert.match(e.message, new RegExp(`no ${path.join(dir, 'bus').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    });
    await withBusEnv({ DBUS_SESSION_BUS_ADDRESS: undefined, XDG_RUNTIME_DIR: undefined }, async () => {
      assert.match((await openError(keyringProvider, 'keyring')).message, /both unset/);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("without a session bus the host's keyring session fails at hello, unavailable, and nothing is retried", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyring-nobus-host-'));
  const logs: string[] = [];
  const host = new PluginHost({
    trusted: true,
    bundled: bundledProviders(),
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: undefined, XDG_RUNTIME_DIR: dir },
    log: (line) => logs.push(line),
  });
  try {
    for (let check = 0; check < 2; check++) {
      await assert.rejects(
        host.open('keyring://', { configFile: null, project: 'app', command: 'check' }),
        (e: unknown) => e instanceof ProviderError && e.kind === 'unavailable' && /keyring daemon/.test(e.message),
      );
    }
    assert.deepEqual(
      logs.filter((l) => /retry/i.test(l)),
      [],
      'an absent bus is not retried',
    );
  } finally {
    await host.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bus address that leads nowhere is unavailable: no socket, a refused handshake, a silent peer', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyring-deadbus-'));
  const servers: net.Server[] = [];
  const serve = async (name: string, onConnection: (socket: net.Socket) => void): Promise<string> => {
    const server = net.createServer(onConnection);
    servers.push(server);
    const file = path.join(dir, name);
    await new Promise<void>((resolve) => server.listen(file, resolve));
    return file;
  };
  const held: net.Socket[] = [];
  try {
    const gone = path.join(dir, 'gone');
    const refusing = await serve('refusing', (socket) => socket.once('data', () => socket.end('REJECTED EXTERNAL\r\n')));
    const silent = await serve('silent', (socket) => void held.push(socket));
    const cases: Array<[string, RegExp]> = [
      [`unix:path=${gone}`, /cannot connect to the session bus at .*gone \(ENOENT\)/],
      [`unix:path=${refusing}`, /refused authentication \(REJECTED EXTERNAL\)/],
      [`unix:path=${silent}`, /did not answer within 2000 ms/],
    ];
    for (const [address, why] of cases) {
      await withBusEnv({ DBUS_SESSION_BUS_ADDRESS: address }, async () => {
        const e = await openError(keyringProvider, 'keyring');
        assert.equal(e.kind, 'unavailable', address);
        assert.match(e.message, why);
        assert.match(e.message, /keyring daemon/);
      });
    }
  } finally {
    for (const socket of held) socket.destroy();
    for (const server of servers) server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bus on an abstract socket, which Node cannot reach, is left to keyring-rs: the session opens and presence is asked through keyring-rs', async () => {
  await withBusEnv({ DBUS_SESSION_BUS_ADDRESS: `unix:abstract=/tmp/secretspec-test-absent-${process.pid}` }, async () => {
    const s = await openSession(keyringProvider, 'keyring');
    try {
      // Nothing listens there, so keyring-rs's own connection fails; the answer is still unavailable, never "absent".
      const e = expectError(await s.handle(at('p', 'dev').exists('K')), 'unavailable');
      assert.match(e.message, /keyring daemon/);
    } finally {
      await s.close();
    }
  });
});
