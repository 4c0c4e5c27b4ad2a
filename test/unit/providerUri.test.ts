import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandTemplate, templateFromUri } from '../../server/src/providers/scheme';
import { queryValue, readProviderUri, redactSpec } from '../../server/src/providers/uri';

function parts(spec: string) {
  const r = readProviderUri(spec);
  if (!r.ok) return { error: r.message };
  const { scheme, host, path, username, hasQuery } = r.url;
  return { scheme, host, path, username, hasQuery };
}

test('A.3 rewriting: bare names, shorthand paths, absolute paths', () => {
  assert.deepEqual(parts('keyring'), { scheme: 'keyring', host: '', path: '', username: '', hasQuery: false });
  assert.deepEqual(parts('env:'), { scheme: 'env', host: '', path: '', username: '', hasQuery: false });
  assert.equal(parts('dotenv:.env.prod').host, '.env.prod');
  assert.deepEqual([parts('dotenv:config/.env').host, parts('dotenv:config/.env').path], ['config', '/.env']);
  assert.deepEqual([parts('dotenv:/abs/.env').host, parts('dotenv:/abs/.env').path], ['', '/abs/.env']);
  assert.deepEqual([parts('dotenv:///etc/app/.env').host, parts('dotenv:///etc/app/.env').path], ['', '/etc/app/.env']);
});

test('placeholders and spaces decode; a host colon is a port error', () => {
  const k = readProviderUri('keyring://secretspec/shared/{profile}/{key}');
  assert.ok(k.ok);
  assert.equal(k.url.host + k.url.path, 'secretspec/shared/{profile}/{key}');
  assert.equal(parts('file:./local secrets').path, '/local secrets');
  assert.match(String(parts('dotenv:.env:prod').error), /Invalid provider specification 'dotenv:.env:prod'/);
  assert.equal(parts('dotenv:./.env:prod').path, '/.env:prod');
});

test('queries, passwords and redaction', () => {
  const r = readProviderUri('pass://?store_dir=/tmp/a%20b');
  assert.ok(r.ok);
  assert.equal(queryValue(r.url, 'store_dir'), '/tmp/a b');
  assert.equal(parts('file:./s?').hasQuery, true);
  const pw = parts('keyring://user:hunter2@host');
  assert.match(String(pw.error), /carries a password/);
  assert.doesNotMatch(String(pw.error), /hunter2/);
  assert.equal(redactSpec('vault://u:p@h/m?token=x'), 'vault://h/m');
  assert.match(String(parts('Keyring://x').error), /not a provider URI/);
});

test('templates expand like SecretSpec and default when the URI has no host', () => {
  assert.equal(templateFromUri({ host: '', path: '' }), 'secretspec/{project}/{profile}/{key}');
  assert.equal(templateFromUri({ host: '', path: '/ignored/{key}' }), 'secretspec/{project}/{profile}/{key}');
  assert.equal(expandTemplate(templateFromUri({ host: '', path: '' }), { project: 'myapp', profile: 'prod', key: 'API_KEY' }), 'secretspec/myapp/prod/API_KEY');
  assert.equal(expandTemplate('vault/{profile}/{key}-{key}', { project: 'p', profile: 'dev', key: 'K' }), 'vault/dev/K-K');
});
