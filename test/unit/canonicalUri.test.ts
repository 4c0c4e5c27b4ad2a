// The `source_provider` of a report: each bundled store's own `uri()` as
// SecretSpec rebuilds it (providers-and-check §C.3, §A.4).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalUri } from '../../server/src/providers/describe';

const base = { baseDir: '/work/app', home: '/home/me' };

const CASES: Array<[string, string | undefined]> = [
  ['env', 'env'],
  ['env://', 'env'],
  ['null', 'null://'],
  ['null:', 'null://'],
  ['keyring', 'keyring'],
  ['keyring://', 'keyring'],
  ['keyring:///x/{key}', 'keyring'],
  ['keyring://secretspec/shared/{profile}/{key}', 'keyring://secretspec/shared/{profile}/{key}'],
  ['keyring://my vault/{key}', 'keyring://my%20vault/{key}'],
  ['pass', 'pass'],
  ['pass://', 'pass'],
  ['pass://team/{project}/{key}', 'pass://team/{project}/{key}'],
  ['pass://?store_dir=/srv/pass store', 'pass://?store_dir=/srv/pass%20store'],
  ['pass://?store_dir=/a+b', 'pass://?store_dir=/a%20b'],
  ['dotenv', 'dotenv:/work/app/.env'],
  ['dotenv://', 'dotenv:/work/app/.env'],
  ['dotenv:.env', 'dotenv:/work/app/.env'],
  ['dotenv:./.env', 'dotenv:/work/app/./.env'],
  ['dotenv:config/.env', 'dotenv:/work/app/config/.env'],
  ['dotenv:///etc/app/.env', 'dotenv:/etc/app/.env'],
  ['dotenv://~/.config/app/.env', 'dotenv:/home/me/.config/app/.env'],
  ['file:./.secrets', 'file:///work/app/.secrets'],
  ['file:///run/secrets', 'file:///run/secrets'],
  ['file:./local secrets', 'file:///work/app/local%20secrets'],
  ['file:../shared//store/', 'file:///work/app/../shared/store'],
  ['file', undefined],
  ['vault://h/secret', undefined],
  ['acme://x', undefined],
];

for (const [uri, expected] of CASES) {
  test(`${uri} → ${expected ?? '(as configured)'}`, () => {
    assert.equal(canonicalUri(uri, base), expected);
  });
}
