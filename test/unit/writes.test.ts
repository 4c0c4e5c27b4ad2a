// The pure write/import planning: write routes (never a fallback; a cached
// route writes to its authoritative source), native targets, import source
// resolution, per-secret plans and outcomes, and reflect shaping.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze, diskReader } from '../../server/src/manifest/analysis';
import { rulesFor } from '../../server/src/rules';
import {
  anchorRelativePath,
  decideImport,
  importSource,
  isProblem,
  planImport,
  planWrite,
  reflectSource,
  reflectedDeclarations,
  writeRoute,
} from '../../server/src/check/writes';
import { describeTarget } from '../../server/src/providers/describe';
import type { PathBase } from '../../server/src/providers/scheme';

const BASE: PathBase = { configFile: '/proj/secretspec.toml', baseDir: '/proj', home: '/home/u' };

const MANIFEST = `[project]
name = "shop"

[providers]
local = "dotenv:.env"
legacy = "dotenv:.env.legacy"
vault = "pass://team/{project}/{key}"
cached = { fallback = ["vault"], cache = { provider = "keyring", max_age = "1h" } }
inline = { uri = "file:./store", cache = { provider = "dotenv:.cache.env", max_age = "1h" } }
templ = { uri = "keyring://", ref = { item = "{project}-{key}" } }

[profiles.default]
API_KEY = { description = "api", providers = ["local", "keyring"] }
TOKEN = { description = "token", providers = ["cached"] }
INLINE = { description = "inline", providers = ["inline"] }
ENV_ONLY = { description = "env", providers = ["env"] }
DSN = { description = "dsn", composed = "x\${API_KEY}" }
PICKED = { description = "picked", providers = ["local"], extract = { format = "json", pointer = "/a" } }
REFFED = { description = "reffed", providers = ["vault"], ref = { item = "other" } }
TEMPLATED = { description = "templated", providers = ["templ"] }
LOOSE = { description = "no route" }

[profiles.production]
API_KEY = { description = "api", providers = ["keyring://secretspec/{project}/{profile}/{key}"] }
`;

async function load(text = MANIFEST) {
  const { load, validation } = await analyze(text, '/proj/secretspec.toml', diskReader, rulesFor({}));
  assert.ok(load.merged && validation.profiles, 'the manifest loads');
  return { manifest: load.merged, profiles: validation.profiles };
}

describe('writeRoute', () => {
  test('writes go to the first entry, never a fallback', async () => {
    const { manifest, profiles } = await load();
    const route = writeRoute(profiles.get('default')!.secrets.get('API_KEY')!, manifest, undefined);
    assert.ok(!isProblem(route));
    assert.equal(route.primary.uri, 'dotenv:.env');
    assert.equal(route.primary.alias, 'local');
    assert.equal(route.cache, undefined);
  });

  test('a cached route writes to its authoritative source and names its cache', async () => {
    const { manifest, profiles } = await load();
    const fallback = writeRoute(profiles.get('default')!.secrets.get('TOKEN')!, manifest, undefined);
    assert.ok(!isProblem(fallback));
    assert.equal(fallback.primary.uri, 'pass://team/{project}/{key}');
    assert.equal(fallback.cache?.uri, 'keyring://');
    const inline = writeRoute(profiles.get('default')!.secrets.get('INLINE')!, manifest, undefined);
    assert.ok(!isProblem(inline));
    assert.equal(inline.primary.uri, 'file:./store');
    assert.equal(inline.cache?.uri, 'dotenv:.cache.env');
  });

  test('no route: the default provider, else no_provider_configured', async () => {
    const { manifest, profiles } = await load();
    const loose = profiles.get('default')!.secrets.get('LOOSE')!;
    const none = writeRoute(loose, manifest, undefined);
    assert.ok(isProblem(none));
    assert.equal(none.kind, 'no_provider_configured');
    const viaDefault = writeRoute(loose, manifest, 'keyring');
    assert.ok(!isProblem(viaDefault));
    assert.equal(viaDefault.primary.uri, 'keyring://');
  });
});

describe('planWrite', () => {
  const plan = async (profile: string, name: string, defaultProvider?: string) => {
    const { manifest, profiles } = await load();
    return planWrite({ manifest, profiles, profile, name, defaultProvider, base: BASE });
  };

  test('a writable dotenv secret has its file and key as target', async () => {
    const p = await plan('default', 'API_KEY');
    assert.equal(p.problem, undefined);
    assert.equal(p.route?.primary.display, 'dotenv:.env');
    assert.equal(p.target, 'dotenv file /proj/.env, key API_KEY');
  });

  test('refusals carry SecretSpec kinds and texts', async () => {
    assert.deepEqual((await plan('default', 'DSN')).problem, {
      kind: 'read_only',
      message: "Composed secret 'DSN' is derived from other secrets and has no stored value to change",
    });
    assert.match((await plan('default', 'PICKED')).problem?.message ?? '', /uses `extract` and is read-only/);
    const undeclared = (await plan('production', 'NOPE')).problem;
    assert.equal(undeclared?.kind, 'not_declared');
    assert.match(undeclared?.message ?? '', /^Secret 'NOPE' is not defined in profile 'production'\. Available secrets: .*API_KEY/);
    assert.equal((await plan('staging', 'API_KEY')).problem?.kind, 'not_declared');
    const env = await plan('default', 'ENV_ONLY');
    assert.equal(env.problem?.kind, 'read_only');
    assert.equal(env.target, 'environment variable ENV_ONLY', 'a refused write still shows where it would go');
    assert.equal((await plan('default', 'LOOSE')).problem?.kind, 'no_provider_configured');
  });

  test('native addresses the plugin protocol cannot reach are refused, not written elsewhere', async () => {
    assert.equal((await plan('default', 'REFFED')).problem?.kind, 'unsupported');
    assert.match((await plan('default', 'TEMPLATED')).problem?.message ?? '', /`ref` template of provider alias 'templ'/);
  });
});

describe('describeTarget', () => {
  const at = { project: 'shop', profile: 'production', key: 'API_KEY' };
  test('bundled stores name their native location', () => {
    assert.equal(describeTarget('keyring://', at, BASE), 'keyring service secretspec/shop/production/API_KEY');
    assert.equal(describeTarget('pass://', at, BASE), 'pass entry secretspec/shop/production/API_KEY');
    assert.equal(describeTarget('pass://?store_dir=./st', at, BASE), 'pass entry secretspec/shop/production/API_KEY in store /proj/st');
    assert.equal(describeTarget('file:./root', at, BASE), 'file /proj/root/shop/production/API_KEY');
    assert.equal(describeTarget('dotenv://~/x/.env', at, BASE), 'dotenv file /home/u/x/.env, key API_KEY');
    assert.equal(describeTarget('dotenv:/abs/.env', at, BASE), 'dotenv file /abs/.env, key API_KEY');
  });
  test('other providers show the credential-free URI and the coordinates', () => {
    assert.equal(describeTarget('vault://ns:pw@h:8200/secret?token=x', at, BASE), 'vault://h:8200/secret, project shop, profile production, key API_KEY');
  });
});

describe('import planning', () => {
  test('source: alias, name, shorthand or URI; a cached alias or unknown word is refused', async () => {
    const { manifest } = await load();
    const legacy = importSource('legacy', manifest);
    assert.ok(!isProblem(legacy));
    assert.equal(legacy.uri, 'dotenv:.env.legacy');
    assert.equal(legacy.alias, 'legacy');
    const bare = importSource('keyring', manifest);
    assert.ok(!isProblem(bare));
    assert.equal(bare.uri, 'keyring://');
    const short = importSource('dotenv:.env.old', manifest);
    assert.ok(!isProblem(short));
    assert.equal(short.uri, 'dotenv:.env.old');
    const cached = importSource('cached', manifest);
    assert.ok(isProblem(cached));
    assert.match(cached.message, /cached provider alias 'cached' is a complete route/);
    const unknown = importSource('nosuch', manifest);
    assert.ok(isProblem(unknown));
    assert.match(unknown.message, /^Provider backend 'nosuch \(not a known provider or alias; available aliases: cached, inline, legacy, local, templ, vault\)' not found$/);
  });

  test('an extract secret aborts the import', async () => {
    const { manifest, profiles } = await load();
    const r = planImport({ manifest, profile: profiles.get('default')!, source: importSource('legacy', manifest) as never, defaultProvider: 'keyring', deleteSource: false, base: BASE });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.problem.message : '', /'PICKED' uses `extract`/);
  });

  test('entries are sorted; composed and native-addressed secrets are skipped; targets are the destinations', async () => {
    const text = MANIFEST.replace(/^PICKED = .*\n/m, '');
    const { manifest, profiles } = await load(text);
    const source = importSource('legacy', manifest);
    assert.ok(!isProblem(source));
    const r = planImport({ manifest, profile: profiles.get('default')!, source, defaultProvider: 'keyring', deleteSource: false, base: BASE });
    assert.ok(r.ok);
    const names = r.entries.map((e) => e.name);
    assert.deepEqual(names, [...names].sort());
    const by = Object.fromEntries(r.entries.map((e) => [e.name, e]));
    assert.equal(by.DSN?.kind, 'skipped');
    assert.equal(by.REFFED?.kind, 'skipped');
    const api = by.API_KEY;
    assert.ok(api?.kind === 'copy');
    assert.equal(api.target, 'dotenv file /proj/.env, key API_KEY');
    assert.equal(api.sourceTarget, 'dotenv file /proj/.env.legacy, key API_KEY');
    const env = by.ENV_ONLY;
    assert.ok(env?.kind === 'copy');
    assert.equal(env.readOnly?.kind, 'read_only', 'a read-only destination only matters if a copy is needed');
    const loose = by.LOOSE;
    assert.ok(loose?.kind === 'copy');
    assert.equal(loose.target, 'keyring service secretspec/shop/default/LOOSE');
  });

  test('deleteSource refuses a source that is its own destination', async () => {
    const text = MANIFEST.replace(/^PICKED = .*\n/m, '');
    const { manifest, profiles } = await load(text);
    const source = importSource('dotenv://.env', manifest);
    assert.ok(!isProblem(source));
    const input = { manifest, profile: profiles.get('default')!, source, defaultProvider: 'keyring', base: BASE };
    assert.ok(planImport({ ...input, deleteSource: false }).ok, 'without deleteSource it is a harmless no-op import');
    const r = planImport({ ...input, deleteSource: true });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.problem.message : '', /^refusing to delete 'API_KEY' from the import source because source and destination resolve to the same provider entry/);
  });

  test('outcomes never overwrite', () => {
    assert.deepEqual(decideImport('a', null), { outcome: 'imported', copy: true, deletable: true });
    assert.equal(decideImport('a', 'a').outcome, 'exists');
    assert.equal(decideImport('a', 'a').deletable, true);
    assert.deepEqual(
      [decideImport('a', 'b').outcome, decideImport('a', 'b').copy, decideImport('a', 'b').deletable],
      ['differs', false, false],
    );
    assert.equal(decideImport(null, null).outcome, 'not_found');
    assert.deepEqual([decideImport(null, 'b').outcome, decideImport(null, 'b').message], ['exists', 'already in target, not in source']);
    assert.equal(decideImport('', null).copy, true, 'an empty source value is a value');
  });
});

describe('reflect', () => {
  test('aliases are unavailable; relative dotenv paths anchor to the directory', () => {
    const r = reflectSource('dotenv://.env');
    assert.ok(!isProblem(r));
    assert.equal(anchorRelativePath(r, '/work/app').uri, 'dotenv:/work/app/.env');
    const bare = reflectSource('dotenv');
    assert.ok(!isProblem(bare));
    assert.equal(anchorRelativePath(bare, '/work/app').uri, 'dotenv:/work/app/.env');
    assert.equal(anchorRelativePath(reflectSource('keyring') as never, '/w').uri, 'keyring://');
    assert.ok(isProblem(reflectSource('legacy')));
  });

  test('declarations keep only description and required, with SecretSpec defaults', () => {
    assert.deepEqual(reflectedDeclarations({ B: { required: false, default: 'x', type: 'password' }, A: {}, C: { description: 'Cee' } }), {
      A: { description: 'A secret', required: true },
      B: { description: 'B secret', required: false },
      C: { description: 'Cee', required: true },
    });
  });
});
