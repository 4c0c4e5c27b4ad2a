// The user's SecretSpec config, in process: where the CLI looks for it and
// for 0.21 provider claims, what it reads out of it (and what serde would
// reject or ignore), the CLI's precedence for the default provider, profile
// and aliases, and routing that follows it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addressKey } from '../../server/src/check/address';
import { overrideLabel, routeFor } from '../../server/src/check/route';
import { planWrite } from '../../server/src/check/writes';
import { analyze } from '../support/analyze';
import { userConfigCompletions, userConfigDiagnostics, userConfigHover } from '../../server/src/features/userConfigDocument';
import { claimDirectories, discover, findClaim } from '../../server/src/plugins/discovery';
import { defaultProfile, providerOverride, withUserAliases } from '../../server/src/userConfig/defaults';
import { userConfigPath } from '../../server/src/userConfig/locate';
import { parseUserConfig } from '../../server/src/userConfig/parse';

const PATH = '/home/u/.config/secretspec/config.toml';

const CONFIG = `[defaults]
provider = "team"
profile = "staging"

[defaults.providers]
team = "dotenv:/srv/team.env"
tmpl = { uri = "dotenv:/srv/tmpl.env", ref = { item = "{project}_{profile}_{key}" } }
creds = { uri = "onepassword://Shared", credentials = { token = "keyring" } }
cached = { fallback = ["team"], cache = { provider = "keyring://", max_age = "1h" } }
inline = { uri = "dotenv:/srv/inline.env", cache = { provider = "keyring://", max_age = "30m" } }
`;

const MANIFEST = `[project]
name = "demo"
revision = "1.0"

[providers]
team = "dotenv:/project/team.env"

[profiles.default]
API_KEY = { description = "no chain" }
TOKEN = { description = "project alias", providers = ["team"] }
TEMPLATED = { description = "user alias with a ref template", providers = ["tmpl"] }
`;

const codes = (problems: Array<{ code: string; severity: string }>) => problems.map((p) => `${p.severity}:${p.code}`);

describe('where the user config is (config.rs GlobalConfig::path via etcetera)', () => {
  const place = (env: NodeJS.ProcessEnv, platform: NodeJS.Platform = 'linux') => ({ env, platform, homedir: '/home/account' });
  test('an absolute XDG_CONFIG_HOME, else HOME/.config, else the account home', () => {
    assert.equal(userConfigPath(place({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' })), '/xdg/secretspec/config.toml');
    assert.equal(userConfigPath(place({ XDG_CONFIG_HOME: 'relative', HOME: '/home/u' })), '/home/u/.config/secretspec/config.toml', 'etcetera ignores a relative XDG dir');
    assert.equal(userConfigPath(place({ HOME: '/home/u' }, 'darwin')), '/home/u/.config/secretspec/config.toml', 'the XDG strategy on macOS too');
    assert.equal(userConfigPath(place({})), '/home/account/.config/secretspec/config.toml');
  });
  test('%APPDATA%\\secretspec\\config on Windows', () => {
    assert.equal(userConfigPath(place({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32')), 'C:\\Users\\u\\AppData\\Roaming\\secretspec\\config\\config.toml');
  });
});

describe('0.21 provider claims (external.rs platform_directories)', () => {
  test('user directory first, then the system one, per platform', () => {
    assert.deepEqual(claimDirectories({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' }, 'linux'), ['/xdg/secretspec/providers.d', '/etc/secretspec/providers.d']);
    assert.deepEqual(claimDirectories({ HOME: '/home/u' }, 'linux'), ['/home/u/.config/secretspec/providers.d', '/etc/secretspec/providers.d']);
    assert.deepEqual(claimDirectories({ HOME: '/Users/u' }, 'darwin'), ['/Users/u/Library/Application Support/SecretSpec/providers.d', '/Library/Application Support/SecretSpec/providers.d']);
    assert.deepEqual(claimDirectories({ APPDATA: 'C:\\A', PROGRAMDATA: 'C:\\P' }, 'win32'), ['C:\\A\\SecretSpec\\providers.d', 'C:\\P\\SecretSpec\\providers.d']);
  });
  test('the first directory holding <scheme>.secretspec.json wins; SecretSpec schemes have no _', () => {
    const files = new Set(['/etc/secretspec/providers.d/vaultx.secretspec.json', '/etc/secretspec/providers.d/my_plug.secretspec.json']);
    const dirs = ['/xdg/secretspec/providers.d', '/etc/secretspec/providers.d'];
    assert.equal(findClaim('vaultx', dirs, (f) => files.has(f), 'linux'), '/etc/secretspec/providers.d/vaultx.secretspec.json');
    assert.equal(findClaim('other', dirs, (f) => files.has(f), 'linux'), undefined);
    assert.equal(findClaim('my_plug', dirs, (f) => files.has(f), 'linux'), undefined);
  });
  test('"no plugin" names both ways to install one, and says so when the CLI has it claimed', () => {
    const input = {
      scheme: 'vaultx',
      setting: undefined,
      bundled: new Set<string>(),
      pathEnv: '/usr/bin',
      workspaceFolders: [],
      platform: 'linux' as const,
      claimDirs: ['/xdg/secretspec/providers.d'],
    };
    const none = discover({ ...input, fs: { isExecutableFile: () => false, realpath: (f) => f, exists: () => false } });
    assert.ok(!none.ok && none.message.includes('install secretspec-provider-vaultx') && none.message.includes('providers.d/vaultx.secretspec.json'), !none.ok ? none.message : '');
    const claimed = discover({ ...input, fs: { isExecutableFile: () => false, realpath: (f) => f, exists: (f) => f === '/xdg/secretspec/providers.d/vaultx.secretspec.json' } });
    assert.ok(!claimed.ok && claimed.message.includes('claimed (/xdg/secretspec/providers.d/vaultx.secretspec.json)'), !claimed.ok ? claimed.message : '');
  });
});

describe('parseUserConfig', () => {
  test('reads the default provider and profile and every alias form, origins in the config file', () => {
    const c = parseUserConfig(CONFIG, PATH);
    assert.deepEqual(c.problems, []);
    assert.equal(c.provider?.value, 'team');
    assert.equal(c.profile?.value, 'staging');
    assert.deepEqual(
      [...c.aliases].map(([name, a]) => [name, a.kind]),
      [
        ['team', 'string'],
        ['tmpl', 'leaf'],
        ['creds', 'leaf'],
        ['cached', 'cached-fallback'],
        ['inline', 'inline-cached'],
      ],
    );
    assert.deepEqual(c.aliases.get('tmpl')?.ref?.value, { item: '{project}_{profile}_{key}' });
    assert.deepEqual(c.aliases.get('creds')?.credentials.map((x) => [x.name, x.provider?.value]), [['token', 'keyring']]);
    assert.deepEqual(c.aliases.get('team')?.at, { file: PATH, path: ['defaults', 'providers', 'team'] });
  });

  test("what serde rejects is an Error, in the CLI's words; what it drops is Information", () => {
    const c = parseUserConfig(
      `junk = 1
[defaults]
provider = 1
profil = "x"
[defaults.providers]
bad = { uri = "dotenv:.env", bogus = 1 }
half = { fallback = ["x"] }
[audit]
enabled = "yes"
max_size_bytes = -1
`,
      PATH,
    );
    assert.deepEqual(
      c.problems.map((p) => [p.severity, p.code, p.message, p.at.path.join('.')]),
      [
        ['information', 'ignored-key', 'SecretSpec ignores `junk` in the user config.', 'junk'],
        ['error', 'invalid-type', 'invalid type: integer `1`, expected a string', 'defaults.provider'],
        ['information', 'ignored-key', 'SecretSpec ignores `profil` in [defaults]; did you mean `profile`?', 'defaults.profil'],
        ['error', 'unknown-field', 'unknown field `bogus`, expected one of `uri`, `credentials`, `ref`, `fallback`, `cache`', 'defaults.providers.bad.bogus'],
        ['error', 'alias-fallback-without-cache', 'a cached provider alias with fallback also requires cache', 'defaults.providers.half.fallback'],
        ['error', 'invalid-type', 'invalid type: string "yes", expected a boolean', 'audit.enabled'],
        ['error', 'invalid-value', 'invalid value: integer `-1`, expected u64', 'audit.max_size_bytes'],
      ],
    );
    assert.ok(c.problems.every((p) => p.at.file === PATH));
    assert.equal(c.provider, undefined, 'a bad value is left out');
  });

  test('a table where a table belongs; TOML syntax errors keep nothing', () => {
    assert.deepEqual(codes(parseUserConfig('defaults = "x"\n', PATH).problems), ['error:invalid-type']);
    assert.match(parseUserConfig('defaults = "x"\n', PATH).problems[0]!.message, /expected struct GlobalDefaults$/);
    assert.deepEqual(codes(parseUserConfig('[defaults.providers]\nteam = ["x"]\n', PATH).problems), ['error:invalid-alias']);
    const broken = parseUserConfig('[defaults\nprovider = "x"\n', PATH);
    assert.deepEqual(codes(broken.problems), ['error:toml-syntax']);
    assert.equal(broken.aliases.size, 0);
  });
});

describe("the CLI's precedence", () => {
  const config = parseUserConfig(CONFIG, PATH);
  test('profile: SECRETSPEC_PROFILE (non-blank, trimmed), then [defaults] profile, then default', () => {
    assert.equal(defaultProfile({ SECRETSPEC_PROFILE: ' prod\n' }, config), 'prod');
    assert.equal(defaultProfile({ SECRETSPEC_PROFILE: '  ' }, config), 'staging');
    assert.equal(defaultProfile({}, undefined), 'default');
  });
  test('SECRETSPEC_PROVIDER: blank counts as unset, padding is trimmed', () => {
    assert.equal(providerOverride({ SECRETSPEC_PROVIDER: ' env://\n' }), 'env://');
    assert.equal(providerOverride({ SECRETSPEC_PROVIDER: '' }), undefined);
  });
  test('aliases: the project wins over a user alias of the same name', () => {
    const project = { project: {}, profiles: new Map(), providers: new Map([['team', { name: 'team', at: { file: null, path: ['providers', 'team'] }, kind: 'string' as const, uri: { value: 'dotenv:/project/team.env', at: { file: null, path: ['providers', 'team'] } }, credentials: [] }]]), scopes: new Map(), files: [null] };
    const merged = withUserAliases(project, config.aliases);
    assert.equal(merged.providers.get('team')?.uri?.value, 'dotenv:/project/team.env');
    assert.equal(merged.providers.get('tmpl')?.uri?.value, 'dotenv:/srv/tmpl.env');
    assert.equal(withUserAliases(project, undefined), project);
  });
});

describe('routing with the user config (plan.rs route_for)', async () => {
  const config = parseUserConfig(CONFIG, PATH);
  const analysis = await analyze(MANIFEST, '/project/secretspec.toml', { userAliases: config.aliases });
  const manifest = withUserAliases(analysis.load.merged!, config.aliases);
  const secret = (name: string) => analysis.validation.profiles!.get('default')!.secrets.get(name)!;

  test('user aliases are defined for the rules; none is reported undefined', () => {
    assert.deepEqual(analysis.diagnostics.filter((d) => d.code === 'undefined-alias'), []);
  });
  test('chain, else the default provider; the override replaces every chain', () => {
    const uris = (r: ReturnType<typeof routeFor>) => (r.ok ? r.endpoints.map((e) => e.uri) : r.message);
    assert.deepEqual(uris(routeFor(secret('TOKEN'), manifest, 'team')), ['dotenv:/project/team.env'], 'the project alias wins');
    assert.deepEqual(uris(routeFor(secret('API_KEY'), manifest, 'tmpl')), ['dotenv:/srv/tmpl.env']);
    assert.deepEqual(uris(routeFor(secret('TOKEN'), manifest, undefined, 'env://')), ['env://']);
    assert.deepEqual(uris(routeFor(secret('TEMPLATED'), manifest, undefined, 'cached')), ['keyring://', 'dotenv:/project/team.env'], 'a cached override keeps its route');
    const none = routeFor(secret('API_KEY'), manifest, undefined);
    assert.ok(!none.ok && none.kind === 'no_provider_configured' && none.message.includes('[defaults] provider'));
  });
  test("the report names an override as SecretSpec's override_display_uri does", () => {
    assert.equal(overrideLabel('env', manifest), 'env', 'a bare name stays bare');
    assert.equal(overrideLabel('tmpl', manifest), 'dotenv:/srv/tmpl.env', 'an alias resolves');
    assert.equal(overrideLabel('cached', manifest), 'dotenv:/project/team.env', 'a cached route: its first source');
    assert.equal(overrideLabel('vault://u:pw@host/kv?token=x', manifest), 'vault://host/kv');
  });
  test('a user alias ref template expands {project}, {profile}, {key}', () => {
    const route = routeFor(secret('TEMPLATED'), manifest, undefined);
    assert.ok(route.ok);
    assert.deepEqual(addressKey(secret('TEMPLATED'), route.endpoints[0]!, manifest, { project: 'demo', profile: 'default' }), { ok: true, key: 'demo_default_TEMPLATED' });
  });
  test('writes go to the override too', () => {
    const plan = planWrite({ manifest, profiles: analysis.validation.profiles!, profile: 'default', name: 'TOKEN', defaultProvider: undefined, override: 'dotenv:/srv/other.env', base: { configFile: '/project/secretspec.toml', baseDir: '/project' } });
    assert.equal(plan.route?.primary.uri, 'dotenv:/srv/other.env');
  });
});

describe('the user config as a document', () => {
  test("its aliases' specs get the manifest's provider rules; unknown schemes are never an Error", () => {
    const c = parseUserConfig(`[defaults]\nprovider = "nowhere"\n[defaults.providers]\na = "madeup://x"\nb = "vault://u:pw@h"\nc = { fallback = ["a"], cache = { provider = "env://", max_age = "1h" } }\n`, PATH);
    const diagnostics = userConfigDiagnostics(c, { pluginInstalled: () => false });
    assert.deepEqual(diagnostics.map((d) => [d.severity, d.code]), [
      [2, 'plugin-not-installed'],
      [2, 'password-in-uri'],
      [2, 'cache-not-deletable'],
      [3, 'default-provider-not-here'],
    ]);
    assert.ok(!JSON.stringify(diagnostics).includes('pw'), 'no credential is echoed');
    assert.deepEqual(userConfigDiagnostics(c, { pluginInstalled: () => true }).map((d) => d.code).includes('plugin-not-installed'), false);
  });
});

describe('completion and hover in the user config', () => {
  const at = (text: string) => ({ config: parseUserConfig(text.replace('|', ''), PATH), offset: text.indexOf('|') });
  const labels = (text: string) => {
    const { config, offset } = at(text);
    return userConfigCompletions(config, offset, { pluginSchemes: () => ['vaultx'] }).map((i) => i.label);
  };
  test('[defaults] keys, alias snippets, alias keys, and specs with the user aliases', () => {
    assert.deepEqual(labels('[defaults]\nprofile = "x"\n|'), ['provider', 'providers']);
    assert.ok(labels('[defaults.providers]\n|').includes('alias = { fallback, cache }'));
    assert.ok(labels('[defaults.providers]\nteam = { |').includes('credentials'));
    const specs = labels('[defaults]\nprovider = "|"\n[defaults.providers]\nteam = "dotenv:.env"\n');
    assert.ok(['team', 'keyring', 'dotenv', 'vaultx'].every((l) => specs.includes(l)), specs.join());
    assert.deepEqual(labels('[|'), ['defaults', 'defaults.providers', 'audit']);
  });
  test('hover on a key says what it does; on a spec what it resolves to, credential-free', () => {
    const text = '[defaults]\nprovider = "team"\n[defaults.providers]\nteam = "vault://u:pw@host/kv"\n';
    const config = parseUserConfig(text, PATH);
    const hoverAt = (needle: string) => userConfigHover(config, text.indexOf(needle) + 1, { pluginInstalled: () => false });
    assert.match((hoverAt('provider =')!.contents as { value: string }).value, /`SECRETSPEC_PROVIDER` overrides it/);
    const alias = (hoverAt('"team"')!.contents as { value: string }).value;
    assert.match(alias, /Provider alias `team`/);
    assert.ok(!alias.includes('pw'), alias);
  });
});
