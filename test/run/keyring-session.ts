// Runs inside `dbus-run-session` (started by keyring.test.ts): a private,
// unlocked gnome-keyring; an entry stored with `secret-tool` the way
// SecretSpec's keyring provider stores it reaches the command through the
// runner, as it does through `secretspec run`.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { oracle, oracleSkip } from '../support/oracle';
import { childCommand, CHILD, commandLines, processTree, run, runEnv, sha, start, until } from './support';

const base = process.env.KEYRING_TEST_DIR!;
const runtime = { XDG_DATA_HOME: path.join(base, 'data'), XDG_RUNTIME_DIR: path.join(base, 'run'), DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS };

before(() => {
  mkdirSync(runtime.XDG_DATA_HOME, { recursive: true });
  mkdirSync(runtime.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  Object.assign(process.env, runtime);
  execFileSync('gnome-keyring-daemon', ['--unlock', '--components=secrets'], { input: 'test-password', stdio: ['pipe', 'ignore', 'ignore'] });
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'], { encoding: 'utf8' });
    if (r.stdout?.includes('boolean true')) return;
    spawnSync('sleep', ['0.05']);
  }
  throw new Error('gnome-keyring did not take org.freedesktop.secrets');
});

test('a keyring value reaches the command, in no command line and no output, as secretspec run gives it', async () => {
  const value = `kr-${Math.random().toString(36).slice(2)}-value`;
  execFileSync('secret-tool', ['store', '--label=seeded', 'service', 'secretspec/kr-run/default/KR_TOKEN', 'username', os.userInfo().username], { input: value });
  const dir = path.join(base, 'project');
  const home = path.join(base, 'home');
  mkdirSync(dir, { recursive: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(dir, 'secretspec.toml'), '[project]\nname = "kr-run"\nrevision = "1.0"\n\n[profiles.default]\nKR_TOKEN = { description = "t", providers = ["keyring://"] }\nKR_ABSENT = { description = "a", required = false, providers = ["keyring://"] }\n');
  const env = runEnv(home, { ...runtime, CHILD_REPORT: 'KR_TOKEN,KR_ABSENT' });
  const signals = path.join(base, 'signals');
  mkdirSync(signals);
  const running = start(['run', ...childCommand('wait', signals)], { cwd: dir, env });
  await until(() => spawnSync('test', ['-e', path.join(signals, 'ready')]).status === 0);
  for (const line of commandLines(processTree(running.pid))) assert.ok(!line.includes(value));
  process.kill(running.pid, 'SIGTERM');
  const r = await running.done;
  assert.equal(r.status, 42, r.stderr);
  assert.deepEqual(r.report, { KR_TOKEN: sha(value), KR_ABSENT: 'unset' });
  assert.ok(!r.stdout.includes(value) && !r.stderr.includes(value));
  if (!oracleSkip()) {
    const cli = await run(['run', '--', process.execPath, CHILD, 'exit', '0'], { cwd: dir, env, program: oracle().bin! });
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual(cli.report, r.report);
  }
});
