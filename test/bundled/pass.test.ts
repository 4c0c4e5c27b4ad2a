// The pass provider against real `pass` + gpg: a throwaway key in a temp
// GNUPGHOME and a temp store, cross-checked with the pass CLI itself.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { passProvider } from '../../server/src/plugins/bundled/pass';
import { ensureDebianPackages } from '../support/systemPackages';
import { TRICKY_VALUES, at, expectError, expectOk, openSession } from './openSession';

const packages = ensureDebianPackages(['pass', 'gnupg']);
const skip = packages.ok ? false : packages.reason;

const base = mkdtempSync(path.join(tmpdir(), 'pass-test-'));
const gnupgHome = path.join(base, 'gnupg');
const store = path.join(base, 'store');
const argvLog = path.join(base, 'argv.log');
const wrapperBin = path.join(base, 'bin');
const env: NodeJS.ProcessEnv = { ...process.env, GNUPGHOME: gnupgHome, PASSWORD_STORE_DIR: path.join(base, 'not-this-one') };
const dev = at('pass-proj', 'development');
const uri = `pass://?store_dir=${encodeURIComponent(store)}`;

function passCli(args: string[], input?: string): string {
  return execFileSync('pass', args, { env: { ...env, PASSWORD_STORE_DIR: store }, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

before(() => {
  if (skip) return;
  mkdirSync(gnupgHome, { mode: 0o700 });
  const gpg = (args: string[]) => execFileSync('gpg', ['--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { env, stdio: 'ignore' });
  gpg(['--quick-gen-key', 'Provider Test <provider-test@example.invalid>', 'ed25519', 'sign,cert', 'never']);
  const fpr = execFileSync('gpg', ['--batch', '--with-colons', '--list-keys', 'provider-test@example.invalid'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .find((l) => l.startsWith('fpr'))!
    .split(':')[9]!;
  gpg(['--quick-add-key', fpr, 'cv25519', 'encr', 'never']);
  passCli(['init', fpr]);
  // A pass wrapper that records its argv, to prove values never travel there.
  mkdirSync(wrapperBin);
  writeFileSync(path.join(wrapperBin, 'pass'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec ${execFileSync('sh', ['-c', 'command -v pass'], { encoding: 'utf8' }).trim()} "$@"\n`);
  chmodSync(path.join(wrapperBin, 'pass'), 0o755);
});

after(() => {
  if (existsSync(gnupgHome)) execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env, stdio: 'ignore' });
  rmSync(base, { recursive: true, force: true });
});

test('set through the provider is the entry `pass show` reads; store_dir wins over PASSWORD_STORE_DIR', { skip }, async () => {
  const s = await openSession(passProvider, uri, null, env);
  expectOk(await s.handle(dev.set('API_KEY', 'from-provider')));
  assert.equal(passCli(['show', 'secretspec/pass-proj/development/API_KEY']).trim(), 'from-provider');
  assert.ok(existsSync(path.join(store, 'secretspec/pass-proj/development/API_KEY.gpg')));
  assert.equal(existsSync(path.join(base, 'not-this-one')), false);
});

test('an entry inserted with the pass CLI is found, exists, and is deleted', { skip }, async () => {
  passCli(['insert', '-m', '-f', 'secretspec/pass-proj/development/SEEDED'], 'from-pass-cli\n');
  const s = await openSession(passProvider, uri, null, env);
  assert.equal(expectOk(await s.handle(dev.get('SEEDED'))).value, 'from-pass-cli');
  assert.equal(expectOk(await s.handle(dev.exists('SEEDED'))).exists, true);
  assert.equal(expectOk(await s.handle(dev.exists('ABSENT'))).exists, false);
  assert.equal(expectOk(await s.handle(dev.get('ABSENT'))).value, null);
  assert.deepEqual(expectOk(await s.handle(dev.batch(['SEEDED', 'ABSENT']))).values, { SEEDED: 'from-pass-cli', ABSENT: null });
  expectOk(await s.handle(dev.del('SEEDED')));
  assert.equal(existsSync(path.join(store, 'secretspec/pass-proj/development/SEEDED.gpg')), false);
  expectOk(await s.handle(dev.del('SEEDED')));
});

test('a URI template picks the entry; values go through stdin, never argv', { skip }, async () => {
  const s = await openSession(passProvider, `pass://team/{project}-{profile}/{key}?store_dir=${encodeURIComponent(store)}`, null, {
    ...env,
    PATH: `${wrapperBin}:${process.env.PATH}`,
  });
  // Entries end with one newline that is not part of the value (SecretSpec 0.21), so every value round-trips, whitespace and all.
  for (const value of TRICKY_VALUES) {
    expectOk(await s.handle(dev.set('TEMPLATED', value)));
    assert.equal(expectOk(await s.handle(dev.get('TEMPLATED'))).value, value);
  }
  assert.ok(existsSync(path.join(store, 'team/pass-proj-development/TEMPLATED.gpg')));
  const argv = readFileSync(argvLog, 'utf8');
  assert.match(argv, /insert -m -f team\/pass-proj-development\/TEMPLATED/);
  for (const value of TRICKY_VALUES.filter((v) => v.length > 3)) assert.equal(argv.includes(value), false, 'a value appeared in argv');
});

test('bad entries, an uninitialised store and a missing pass binary are clear errors', { skip }, async () => {
  const s = await openSession(passProvider, uri, null, env);
  expectError(await s.handle(at('..', 'dev').set('K', 'v')), 'invalid_request');
  const empty = path.join(base, 'empty-store');
  const uninit = await openSession(passProvider, `pass://?store_dir=${encodeURIComponent(empty)}`, null, env);
  const e = expectError(await uninit.handle(dev.set('K', 'secret-never-shown')), 'not_found');
  assert.match(e.message, /pass init/);
  assert.doesNotMatch(e.message, /secret-never-shown/);
  const noPass = await openSession(passProvider, uri, null, { ...env, PATH: path.join(base, 'no-such-bin') });
  const missing = expectError(await noPass.handle(dev.get('API_KEY')), 'unavailable');
  assert.match(missing.message, /install pass/);
});
