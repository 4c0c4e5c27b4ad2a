// The questions the tree and the commands ask of an outline, over outlines the
// server's own pure `outline()` builds from real manifest text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { declaredNames, outlineSecret, primaryProvider, profileNames, providerChain, secretAt, type Outline } from '../../../client/src/outlineModel';
import { analyze } from '../../support/analyze';
import { outline } from '../../../server/src/features/outline';

const DIR = join(import.meta.dirname, '..', '..', '..', 'examples', 'shop');
const SHOP = readFileSync(join(DIR, 'secretspec.toml'), 'utf8');
const URI = 'file:///ws/secretspec.toml';

async function outlineOf(text: string, routing: { defaultProvider?: string; override?: string } = {}): Promise<Outline> {
  const analysis = await analyze(text, join(DIR, 'secretspec.toml'), {});
  assert.ok(analysis.load.merged, 'the manifest parses');
  const result = outline(analysis, URI, { routing: { manifest: analysis.load.merged, ...routing } });
  assert.ok(result);
  return result;
}

test('descriptions and chains of the example project, inheritance applied by the server', async () => {
  const o = await outlineOf(SHOP);
  assert.equal(o.project, 'shop');
  assert.deepEqual(profileNames(o), ['default', 'production']);
  assert.equal(outlineSecret(o, 'default', 'DATABASE_URL')?.description, 'PostgreSQL connection string');
  assert.equal(outlineSecret(o, 'production', 'LOG_LEVEL')?.description, 'Log verbosity', 'inherited from default');
  assert.equal(outlineSecret(o, 'production', 'LOG_LEVEL')?.inheritedFrom, 'default');
  assert.equal(outlineSecret(o, 'production', 'STRIPE_KEY')?.inheritedFrom, undefined);
  assert.deepEqual(providerChain(o, 'default', 'DATABASE_URL'), ['local → dotenv:.env']);
  assert.deepEqual(providerChain(o, 'production', 'STRIPE_KEY'), ['vault → keyring://']);
  assert.deepEqual(providerChain(await outlineOf(SHOP, { defaultProvider: 'env://' }), 'default', 'DATABASE_DSN'), [], 'a composed secret asks no provider');
  assert.equal(outlineSecret(o, 'default', 'SENTRY_DSN')?.required, false);
  assert.equal(outlineSecret(o, 'default', 'DATABASE_DSN')?.composed, true);
  assert.deepEqual(providerChain(o, 'default', 'NOPE'), []);
  assert.ok(declaredNames(o, 'production').includes('LOG_LEVEL'));
  assert.deepEqual(declaredNames(o, 'staging'), []);
});

test('the server routes: the default provider stands in for a missing chain, an override for every chain; the primary is the first entry as written', async () => {
  const text = '[project]\nname = "p"\n\n[profiles.default]\nA = { description = "a" }\nB = { description = "b", providers = ["local", "env"] }\n\n[providers]\nlocal = "dotenv://user:pw@host/.env?mode=x"\n';
  const o = await outlineOf(text);
  const withDefault = await outlineOf(text, { defaultProvider: 'keyring://' });
  assert.deepEqual(providerChain(withDefault, 'default', 'A'), ['keyring://']);
  assert.deepEqual(providerChain(o, 'default', 'A'), []);
  assert.deepEqual(providerChain(o, 'default', 'B'), ['local → dotenv://host/.env', 'env'], 'credentials and query redacted by the server');
  assert.equal(primaryProvider(o, 'default', 'B'), 'local');
  assert.equal(primaryProvider(withDefault, 'default', 'A'), 'keyring://');
  assert.equal(primaryProvider(o, 'default', 'A'), undefined);
  const overridden = await outlineOf(text, { defaultProvider: 'keyring://', override: 'env' });
  assert.deepEqual([providerChain(overridden, 'default', 'A'), providerChain(overridden, 'default', 'B')], [['env'], ['env']]);
});

test('the secret at a line: inline entries, whole [profiles.p.NAME] tables, own declarations only', async () => {
  const text = '[project]\nname = "p"\n\n[profiles.default]\nA = { description = "a" }\n\n[profiles.default.C]\ndescription = "c"\nproviders = ["env"]\n\n# about prod\n[profiles.prod]\nA = { description = "prod a" }\n';
  const o = await outlineOf(text);
  assert.deepEqual(secretAt(o, URI, 4), { profile: 'default', name: 'A' });
  assert.deepEqual(secretAt(o, URI, 6), { profile: 'default', name: 'C' }, 'the header');
  assert.deepEqual(secretAt(o, URI, 8), { profile: 'default', name: 'C' }, 'inside the table');
  assert.equal(secretAt(o, URI, 10), undefined, 'a comment before the next header');
  assert.deepEqual(secretAt(o, URI, 12), { profile: 'prod', name: 'A' });
  assert.equal(secretAt(o, URI, 0), undefined);
  assert.equal(secretAt(o, 'file:///elsewhere/secretspec.toml', 4), undefined);
  assert.equal(secretAt(await outlineOf(SHOP), URI, 19), undefined, 'providers = [...] under [profiles.production.defaults]');
  assert.deepEqual(secretAt(await outlineOf(SHOP), URI, 23), { profile: 'production', name: 'STRIPE_KEY' });
});
