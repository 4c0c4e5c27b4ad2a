// Redaction and the plugin environment, as pure functions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pluginEnvironment } from '../../server/src/plugins/environment';
import { Redactor, scrubUriCredentials } from '../../server/src/plugins/redact';

test('remembered values are scrubbed, raw and JSON-escaped, longest first', () => {
  const r = new Redactor();
  r.remember('s3cr3t-value');
  r.remember('s3cr3t-value-longer');
  r.remember('line1\nline2"q');
  r.remember('ab');
  const out = r.scrub('a s3cr3t-value-longer b s3cr3t-value c {"value":"line1\\nline2\\"q"} ab cab');
  assert.ok(!out.includes('s3cr3t') && !out.includes('line1'), out);
  assert.ok(out.endsWith(' ‹redacted› cab'), 'short values only as whole tokens');
});

test('URI passwords and credential query parameters are scrubbed', () => {
  assert.equal(scrubUriCredentials('vault://user:p4ss@host/x and s3://k@b'), 'vault://user:‹redacted›@host/x and s3://k@b');
  assert.equal(scrubUriCredentials('op://v?token=abc&x=1&api_key=zzz'), 'op://v?token=‹redacted›&x=1&api_key=‹redacted›');
});

test('credentials a provider URI carries are scrubbed when echoed bare', () => {
  const r = new Redactor();
  r.rememberUriCredentials('acme://me:p%40ss-w0rd@vault/x?region=eu-west-1&token=tok%2Bvalue-123');
  const out = r.scrub('login failed for me with p@ss-w0rd; token tok+value-123 rejected in eu-west-1');
  assert.equal(out, 'login failed for me with ‹redacted›; token ‹redacted› rejected in eu-west-1', 'non-credential query values stay readable');
});

test('the plugin environment is an allow-list plus settings plus SECRETSPEC_*', () => {
  const env = pluginEnvironment({
    base: { PATH: '/bin', HOME: '/h', USER: 'u', LANG: 'C', LC_CTYPE: 'C', TMPDIR: '/t', XDG_DATA_HOME: '/x', AWS_SECRET_ACCESS_KEY: 'no', SECRETSPEC_FILE: 'inherited', ELECTRON_RUN_AS_NODE: '1' },
    uri: 'op://v',
    configFile: null,
    extra: { OP_ACCOUNT: 'me', SECRETSPEC_PROVIDER_URI: 'spoof', PATH: '/custom' },
    platform: 'linux',
  });
  assert.deepEqual(env, {
    PATH: '/custom',
    HOME: '/h',
    USER: 'u',
    LANG: 'C',
    LC_CTYPE: 'C',
    TMPDIR: '/t',
    XDG_DATA_HOME: '/x',
    OP_ACCOUNT: 'me',
    SECRETSPEC_PROTOCOL_VERSION: '1',
    SECRETSPEC_PROVIDER_URI: 'op://v',
  });
});

test('a bundled provider inherits the whole environment, except another session\'s SECRETSPEC_*', () => {
  const env = pluginEnvironment({
    base: { PATH: '/bin', GNUPGHOME: '/g', API_KEY: 'read by the env provider', SECRETSPEC_FILE: 'inherited', SECRETSPEC_PROFILE: 'prod' },
    uri: 'pass://',
    configFile: '/p/secretspec.toml',
    extra: { PATH: '/custom' },
    platform: 'linux',
    inherit: true,
  });
  assert.deepEqual(env, {
    PATH: '/custom',
    GNUPGHOME: '/g',
    API_KEY: 'read by the env provider',
    SECRETSPEC_PROTOCOL_VERSION: '1',
    SECRETSPEC_PROVIDER_URI: 'pass://',
    SECRETSPEC_FILE: '/p/secretspec.toml',
  });
});
