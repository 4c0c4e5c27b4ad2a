// What a run exposes and injects, decided in process over real analyses: the
// scope's surface, the names it scrubs, template rendering, and the outcome
// of a resolution (values, refusals, what only the CLI can do). Pure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Presence } from '../../server/src/check/report';
import { analyze, diskReader } from '../../server/src/manifest/analysis';
import type { EffectiveProfile } from '../../server/src/manifest/effective';
import { rulesFor } from '../../server/src/rules';
import { decide } from '../../server/src/run/outcome';
import { childEnvironment, renderTemplate, restrictProfile, scopeExcluded, selectScope, surface } from '../../server/src/run/plan';

const MANIFEST = `[project]
name = "p"
revision = "1.0"

[profiles.default]
USER = { description = "u", providers = ["dotenv://.env"] }
PASS = { description = "p", providers = ["dotenv://.env"] }
URL = { description = "url", composed = "\${USER}:\${PASS}" }
PORT = { description = "port", default = "80", providers = ["dotenv://.env"] }
OPT = { description = "o", required = false, providers = ["dotenv://.env"] }
GEN = { description = "g", type = "hex", generate = true, providers = ["dotenv://.env"] }

[profiles.prod]
ONLY_PROD = { description = "x", providers = ["dotenv://.env"] }

[scopes.web]
secrets = ["URL", "PORT"]
`;

async function load() {
  const analysis = await analyze(MANIFEST, null, diskReader, rulesFor({}));
  assert.deepEqual(analysis.validation.problems.filter((p) => p.severity === 'error'), []);
  return { manifest: analysis.load.merged!, profiles: analysis.validation.profiles! };
}

const found: Presence = { kind: 'found', provider: 'dotenv' };
const missing: Presence = { kind: 'missing' };

/** Presence by name, in the profile's order. */
function presence(profile: EffectiveProfile, by: Record<string, Presence>): Array<Presence | undefined> {
  return [...profile.secrets.keys()].map((n) => by[n]);
}

test('a scope: its members visible, composition inputs read, every other declared name scrubbed', async () => {
  const { manifest, profiles } = await load();
  const web = selectScope(manifest, 'web');
  assert.ok(web.ok);
  assert.deepEqual(surface(profiles.get('default')!, web.members), { visible: ['PORT', 'URL'], accessed: ['PASS', 'PORT', 'URL', 'USER'] });
  assert.deepEqual(scopeExcluded(profiles, web.members), ['GEN', 'ONLY_PROD', 'OPT', 'PASS', 'USER']);
  assert.deepEqual(scopeExcluded(profiles, undefined), []);
  const none = selectScope(manifest, 'api');
  assert.ok(!none.ok && /'api' is not defined in secretspec.toml. Available scopes: web/.test(none.message));
});

test('templates: references replaced, $$ is a literal $', () => {
  const values: Record<string, string> = { A: 'x$y', B: '${A}' };
  assert.equal(renderTemplate('$${A}=${A}/${B}$$', (n) => values[n]), '${A}=x$y/${A}$');
  assert.equal(renderTemplate('${A}${C}', (n) => values[n]), undefined);
});

test('the child environment: secrets over the parent, scrubbed and control names removed', () => {
  const env = childEnvironment({ KEEP: '1', PASS: 'inherited', CTRL: 'x', USER: 'old' }, new Map([['USER', 'new']]), ['PASS', 'CTRL']);
  assert.deepEqual(env, { KEEP: '1', USER: 'new' });
});

test('outcome: values, defaults, compositions and as_path through materialize; optional missing left out', async () => {
  const { profiles } = await load();
  const profile = profiles.get('default')!;
  const read = restrictProfile(profile, ['OPT', 'PASS', 'PORT', 'URL', 'USER']);
  const values = new Map([['USER', 'u'], ['PASS', 'p']]);
  const outcome = decide(read, ['OPT', 'PASS', 'PORT', 'URL', 'USER'], { presence: presence(read, { USER: found, PASS: found, PORT: missing, OPT: missing }), values, delegated: new Set() }, () => assert.fail('nothing is as_path'));
  assert.deepEqual(outcome, { kind: 'inject', secrets: [{ name: 'PASS', value: 'p' }, { name: 'PORT', value: '80' }, { name: 'URL', value: 'u:p' }, { name: 'USER', value: 'u' }], without: [] });
});

test('outcome: missing required and provider errors refuse, naming no value; a hidden input is not named', async () => {
  const { profiles } = await load();
  const read = restrictProfile(profiles.get('default')!, ['PASS', 'PORT', 'URL', 'USER']);
  const outcome = decide(read, ['PORT', 'URL'], {
    presence: presence(read, { USER: { kind: 'unknown', provider: 'dotenv', error: 'unavailable', message: 'cannot read .env' }, PASS: found, PORT: found }),
    values: new Map([['PASS', 'secret-pass'], ['PORT', '1']]),
    delegated: new Set(),
  }, () => '');
  assert.equal(outcome.kind, 'refuse');
  const text = JSON.stringify(outcome);
  assert.ok(!text.includes('secret-pass') && !text.includes('USER'));
  assert.deepEqual(outcome, {
    kind: 'refuse',
    reasons: [
      { name: 'URL', reason: 'composed from a secret that could not be read' },
      { name: 'a hidden composition input', reason: 'unavailable: cannot read .env' },
    ],
  });
  const anyway = decide(read, ['PORT', 'URL'], {
    presence: presence(read, { USER: { kind: 'unknown', provider: 'dotenv', error: 'unavailable', message: 'cannot read .env' }, PASS: found, PORT: found }),
    values: new Map([['PASS', 'secret-pass'], ['PORT', '1']]),
    delegated: new Set(),
  }, () => '', true);
  assert.deepEqual(anyway, { kind: 'inject', secrets: [{ name: 'PORT', value: '1' }], without: outcome.kind === 'refuse' ? outcome.reasons : [] }, 'allowMissing: the rest, and what is left out');
});

test('outcome: a secret to generate, or a store only the CLI serves, goes to the CLI', async () => {
  const { profiles } = await load();
  const read = restrictProfile(profiles.get('default')!, ['GEN', 'PORT']);
  const generate = decide(read, ['GEN', 'PORT'], { presence: presence(read, { GEN: missing, PORT: found }), values: new Map([['PORT', '1']]), delegated: new Set() }, () => '');
  assert.deepEqual(generate, { kind: 'needs-cli', reasons: [{ name: 'GEN', reason: 'missing, and generated (and stored) by the secretspec CLI' }] });
  const delegated = decide(read, ['GEN', 'PORT'], {
    presence: presence(read, { GEN: found, PORT: { kind: 'unknown', provider: 'awssm://', error: 'plugin_not_installed', message: 'no plugin' } }),
    values: new Map([['GEN', 'g']]),
    delegated: new Set(['PORT']),
  }, () => '');
  assert.deepEqual(delegated, { kind: 'needs-cli', reasons: [{ name: 'PORT', reason: 'no plugin' }] });
});

test('outcome: a composition built on a chain thousands deep renders without recursion', async () => {
  const depth = 20_000;
  const lines = [`C0 = { description = "base", providers = ["dotenv://.env"] }`];
  for (let i = 1; i <= depth; i++) lines.push(`C${i} = { description = "c", composed = "\${C${i - 1}}" }`);
  const analysis = await analyze(`[project]\nname = "p"\nrevision = "1.0"\n\n[profiles.default]\n${lines.join('\n')}\n`, null, diskReader, rulesFor({}));
  const profile = analysis.validation.profiles!.get('default')!;
  const outcome = decide(profile, [`C${depth}`], { presence: presence(profile, { C0: found }), values: new Map([['C0', 'base']]), delegated: new Set() }, () => '');
  assert.deepEqual(outcome, { kind: 'inject', secrets: [{ name: `C${depth}`, value: 'base' }], without: [] });
});
