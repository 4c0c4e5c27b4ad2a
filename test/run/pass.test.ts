// The runner over real `pass` + gpg: a throwaway key in a temp GNUPGHOME and
// a temp store, with an entry inserted by the pass CLI itself.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { ensureDebianPackages } from '../support/systemPackages';
import { childCommand, commandLines, processTree, runEnv, sha, start, until } from './support';

const packages = ensureDebianPackages(['pass', 'gnupg']);
const skip = packages.ok ? false : packages.reason;

const base = mkdtempSync(path.join(tmpdir(), 'runner-pass-'));
const gnupgHome = path.join(base, 'gnupg');
const store = path.join(base, 'store');
const gpgEnv: NodeJS.ProcessEnv = { ...process.env, GNUPGHOME: gnupgHome, PASSWORD_STORE_DIR: store };

before(() => {
  if (skip) return;
  mkdirSync(gnupgHome, { mode: 0o700 });
  const gpg = (args: string[]) => execFileSync('gpg', ['--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { env: gpgEnv, stdio: 'ignore' });
  gpg(['--quick-gen-key', 'Runner Test <runner-test@example.invalid>', 'ed25519', 'sign,cert', 'never']);
  const fpr = execFileSync('gpg', ['--batch', '--with-colons', '--list-keys', 'runner-test@example.invalid'], { env: gpgEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .find((l) => l.startsWith('fpr'))!
    .split(':')[9]!;
  gpg(['--quick-add-key', fpr, 'cv25519', 'encr', 'never']);
  execFileSync('pass', ['init', fpr], { env: gpgEnv, stdio: 'ignore' });
});

after(() => {
  if (existsSync(gnupgHome)) execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: gpgEnv, stdio: 'ignore' });
  rmSync(base, { recursive: true, force: true });
});

test('a pass entry reaches the command; no value in any command line or output', { skip }, async () => {
  const value = `pass-${Math.random().toString(36).slice(2)} with spaces`;
  execFileSync('pass', ['insert', '-m', '-f', 'secretspec/pass-run/default/PASS_TOKEN'], { env: gpgEnv, input: `${value}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
  const dir = path.join(base, 'project');
  const home = path.join(base, 'home');
  mkdirSync(dir);
  mkdirSync(home);
  writeFileSync(path.join(dir, 'secretspec.toml'), `[project]\nname = "pass-run"\nrevision = "1.0"\n\n[profiles.default]\nPASS_TOKEN = { description = "t", providers = ["pass://?store_dir=${encodeURIComponent(store)}"] }\n`);
  const env = runEnv(home, { GNUPGHOME: gnupgHome, CHILD_REPORT: 'PASS_TOKEN' });
  const signals = path.join(base, 'signals');
  mkdirSync(signals);
  const running = start(['run', ...childCommand('wait', signals)], { cwd: dir, env });
  await until(() => existsSync(path.join(signals, 'ready')));
  for (const line of commandLines(processTree(running.pid))) assert.ok(!line.includes(value));
  process.kill(running.pid, 'SIGTERM');
  const r = await running.done;
  assert.equal(r.status, 42, r.stderr);
  assert.deepEqual(r.report, { PASS_TOKEN: sha(value) });
  assert.ok(!r.stdout.includes(value) && !r.stderr.includes(value));
});
