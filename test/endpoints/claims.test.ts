// Claim discovery with SecretSpec's trust checks (provider/external.rs
// `load_registration`, `check_file_security`, `check_parent_security`) on
// real files, and the R3 launch environment.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { findEndpointClaim, type ClaimLookup } from '../../server/src/endpoints/claims';
import { BASE_ENDPOINT_ENVIRONMENT, endpointEnvironment } from '../../server/src/endpoints/environment';
import { tempDir } from './harness';

const isBuiltin = (scheme: string) => scheme === 'dotenv' || scheme === 'keyring';
const ROOT_USER = process.geteuid?.() === 0;

interface Layout {
  config: string;
  claims: string;
  executable: string;
  lookup(scheme?: string, euid?: number): ClaimLookup;
  claim(body: unknown, scheme?: string): string;
}

function layout(): Layout {
  const home = tempDir();
  const config = path.join(home, 'config');
  const claims = path.join(config, 'secretspec', 'providers.d');
  mkdirSync(claims, { recursive: true, mode: 0o700 });
  const bin = path.join(home, 'bin');
  mkdirSync(bin, { mode: 0o755 });
  const executable = path.join(bin, 'acme');
  writeFileSync(executable, '#!/bin/sh\n', { mode: 0o755 });
  return {
    config,
    claims,
    executable,
    lookup: (scheme = 'acme', euid) => findEndpointClaim(scheme, { env: { XDG_CONFIG_HOME: config, HOME: home }, isBuiltin, platform: 'linux', ...(euid !== undefined ? { euid } : {}) }),
    claim: (body, scheme = 'acme') => {
      const file = path.join(claims, `${scheme}.secretspec.json`);
      writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body), { mode: 0o600 });
      chmodSync(file, 0o600);
      return file;
    },
  };
}

function rejected(lookup: ClaimLookup): string {
  assert.equal(lookup.status, 'rejected', JSON.stringify(lookup));
  return (lookup as { problem: string }).problem;
}

test('a trusted claim names the canonical executable, `provider` as its argument and its environment allowlist; unknown members are ignored', () => {
  const l = layout();
  const link = path.join(path.dirname(l.executable), 'acme-link');
  symlinkSync(l.executable, link);
  const file = l.claim({ executable: link, environment: ['ACME_TOKEN', 'ACME_*'], future_field: { x: 1 } });
  const lookup = l.lookup();
  assert.equal(lookup.status, 'found', JSON.stringify(lookup));
  assert.deepEqual(lookup.status === 'found' && lookup.claim, {
    scheme: 'acme',
    file,
    scope: 'user',
    executable: realpathSync(l.executable),
    args: ['provider'],
    environment: ['ACME_TOKEN', 'ACME_*'],
  });
});

test('no claim, a built-in scheme and a scheme SecretSpec cannot claim (uppercase, underscore) are not looked up', () => {
  const l = layout();
  assert.deepEqual(l.lookup(), { status: 'none' });
  l.claim({ executable: l.executable }, 'dotenv');
  assert.deepEqual(l.lookup('dotenv'), { status: 'none' }, 'a claim cannot shadow a built-in scheme');
  l.claim({ executable: l.executable }, 'my_plugin');
  assert.deepEqual(l.lookup('my_plugin'), { status: 'none' });
});

test('the claim file itself: a symlink, over 64 KiB, group- or world-writable, or not a JSON object with an executable string are refused', () => {
  const l = layout();
  const real = path.join(path.dirname(l.executable), 'real.json');
  writeFileSync(real, JSON.stringify({ executable: l.executable }), { mode: 0o600 });
  symlinkSync(real, path.join(l.claims, 'acme.secretspec.json'));
  assert.match(rejected(l.lookup()), /not a regular non-symlink file/);

  const big = layout();
  big.claim({ executable: big.executable, padding: 'x'.repeat(64 * 1024) });
  assert.match(rejected(big.lookup()), /exceeds 64 KiB/);

  for (const mode of [0o620, 0o602]) {
    const w = layout();
    chmodSync(w.claim({ executable: w.executable }), mode);
    assert.match(rejected(w.lookup()), /registration is group- or world-writable/);
  }

  for (const body of ['not json', '[]', '{}', JSON.stringify({ executable: 7 }), JSON.stringify({ executable: '/x', environment: 'A' }), '{"executable":"/a","executable":"/b"}']) {
    const b = layout();
    b.claim(body);
    assert.match(rejected(b.lookup()), /invalid provider registration/, body);
  }
});

test('the executable: absolute, a regular file, executable, not group- or world-writable', () => {
  const relative = layout();
  relative.claim({ executable: 'bin/acme' });
  assert.match(rejected(relative.lookup()), /must be absolute/);

  const missing = layout();
  missing.claim({ executable: '/nonexistent/acme' });
  assert.match(rejected(missing.lookup()), /I\/O failed/);

  const directory = layout();
  directory.claim({ executable: path.dirname(directory.executable) });
  assert.match(rejected(directory.lookup()), /not a regular file/);

  const plain = layout();
  chmodSync(plain.executable, 0o644);
  plain.claim({ executable: plain.executable });
  assert.match(rejected(plain.lookup()), /not executable/);

  const writable = layout();
  chmodSync(writable.executable, 0o775);
  writable.claim({ executable: writable.executable });
  assert.match(rejected(writable.lookup()), /executable is group- or world-writable/);
});

test('every ancestor directory is checked: writable only with the sticky bit', () => {
  const l = layout();
  l.claim({ executable: l.executable });
  const bin = path.dirname(l.executable);
  chmodSync(bin, 0o777);
  assert.match(rejected(l.lookup()), /directory is group- or world-writable/);
  chmodSync(bin, 0o1777);
  assert.equal(l.lookup().status, 'found', 'a sticky directory (like /tmp) is a safe ancestor');

  const above = layout();
  above.claim({ executable: above.executable });
  chmodSync(above.claims, 0o770);
  assert.match(rejected(above.lookup()), /directory is group- or world-writable/, 'the claim has ancestors too');
});

test('owners: the effective user or root; anyone else is outside the trust domain', { skip: ROOT_USER ? false : 'changing owners needs root' }, () => {
  const l = layout();
  const file = l.claim({ executable: l.executable });
  assert.equal(l.lookup('acme', 4242).status, 'found', 'files owned by root are trusted for any user');
  chownSync(file, 4242, 4242);
  assert.equal(l.lookup('acme', 4242).status, 'found', "the user's own claim");
  assert.match(rejected(l.lookup('acme', 0)), /ownership is outside the trust domain/, "someone else's claim");
  chownSync(file, 0, 0);
  chownSync(l.executable, 4343, 4343);
  assert.match(rejected(l.lookup('acme', 4242)), /ownership is outside the trust domain/);
});

test('environment entries must be variable names or prefixes ending in *', () => {
  for (const entry of ['', '*', 'A=B', 'A B', 'A*B']) {
    const l = layout();
    l.claim({ executable: l.executable, environment: [entry] });
    assert.match(rejected(l.lookup()), /environment entries/, JSON.stringify(entry));
  }
});

test('a rejected user claim is the answer: discovery does not fall through to the system directory', () => {
  const l = layout();
  chmodSync(l.claim({ executable: l.executable }), 0o666);
  assert.equal(l.lookup().status, 'rejected');
});

test('the endpoint environment: the base set and the claim allowlist, nothing else', () => {
  const parent = { PATH: '/bin', HOME: '/h', LC_ALL: 'C', XDG_RUNTIME_DIR: '/run', AWS_SECRET_ACCESS_KEY: 'other provider', ACME_TOKEN: 't', ACME_REGION: 'r', NODE_OPTIONS: '--x' };
  assert.deepEqual(endpointEnvironment(parent, [], 'linux'), { PATH: '/bin', HOME: '/h', LC_ALL: 'C', XDG_RUNTIME_DIR: '/run' });
  assert.deepEqual(endpointEnvironment(parent, ['ACME_*'], 'linux'), { PATH: '/bin', HOME: '/h', LC_ALL: 'C', XDG_RUNTIME_DIR: '/run', ACME_TOKEN: 't', ACME_REGION: 'r' });
  assert.deepEqual(endpointEnvironment({ Path: 'C:\\', acme_token: 't' }, ['ACME_TOKEN'], 'win32'), { Path: 'C:\\', acme_token: 't' }, 'names are case-insensitive on Windows');
  assert.deepEqual(endpointEnvironment({ Path: '/bin' }, [], 'linux'), {});
  assert.ok(BASE_ENDPOINT_ENVIRONMENT.includes('SSH_AUTH_SOCK'));
});
