// Descriptions, provider chains and declaration lines read from manifest text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { declarationLine, declaredSecret, providerChain, readOutline, secretAtLine } from '../../../client/src/manifestOutline';

const SHOP = readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', 'shop', 'secretspec.toml'), 'utf8');

test('outline of the example project', () => {
  const o = readOutline(SHOP)!;
  assert.equal(o.project, 'shop');
  assert.deepEqual(o.aliases, { local: 'dotenv:.env', vault: 'keyring://' });
  assert.deepEqual(o.profiles.production!.defaults, ['vault']);
  assert.equal(declaredSecret(o, 'production', 'LOG_LEVEL')?.description, 'Log verbosity', 'inherited from default');
  assert.deepEqual(providerChain(o, 'default', 'DATABASE_URL'), ['local → dotenv:.env']);
  assert.deepEqual(providerChain(o, 'production', 'LOG_LEVEL'), ['vault → keyring://'], 'profile defaults before the default profile');
  assert.deepEqual(providerChain(o, 'default', 'DATABASE_DSN', 'env://'), ['env://'], 'the setting as a last resort');
});

test('a file that does not parse has no outline', () => {
  assert.equal(readOutline('[profiles.default\nA = '), undefined);
});

test('declaration lines in inline, dotted and table form', () => {
  const text = ['[profiles.default]', 'A = { description = "a" }', '"B".description = "b"', '', '[profiles.default.C]', 'description = "c"', '[profiles.prod]', 'A = { description = "p" }'].join('\n');
  assert.equal(declarationLine(text, 'default', 'A'), 1);
  assert.equal(declarationLine(text, 'default', 'B'), 2);
  assert.equal(declarationLine(text, 'default', 'C'), 4);
  assert.equal(declarationLine(text, 'prod', 'A'), 7);
  assert.equal(declarationLine(text, 'prod', 'C'), undefined);
  assert.equal(declarationLine(SHOP, 'production', 'STRIPE_KEY'), 23);
});

test('the secret under the cursor', () => {
  assert.deepEqual(secretAtLine(SHOP, 11), { profile: 'default', name: 'DATABASE_URL' });
  assert.deepEqual(secretAtLine(SHOP, 23), { profile: 'production', name: 'STRIPE_KEY' });
  assert.equal(secretAtLine(SHOP, 19), undefined, 'providers = [...] under [profiles.production.defaults]');
  assert.equal(secretAtLine(SHOP, 0), undefined);
  const table = '[profiles.default.C]\ndescription = "c"\n';
  assert.deepEqual(secretAtLine(table, 1), { profile: 'default', name: 'C' });
});
