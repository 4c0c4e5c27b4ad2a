import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BUILTIN_SCHEMES,
  CACHE_CAPABLE_SCHEMES,
  builtinProvider,
  isBuiltinScheme,
} from '../../server/src/providers/registry';
import type { SpecIssue } from '../../server/src/providers/scheme';
import { classifySpec, storageIdentity } from '../../server/src/providers/specs';
import { redactSpec, rewriteSpecToUrl, splitSpec } from '../../server/src/providers/uri';
import { checkProviderSpec } from '../../server/src/providers/validate';
import { closestScheme } from '../../server/src/rules/providers';

const UUID = '7e2f1a4c-1b2c-4d3e-8f9a-0b1c2d3e4f5a';

/** Issues that count as failures (information-level hints do not). */
function problems(spec: string): SpecIssue[] {
  return checkProviderSpec(spec).filter((i) => i.severity !== 'information');
}

function assertValid(spec: string): void {
  assert.deepEqual(problems(spec), [], `expected '${spec}' to be valid`);
}

function assertInvalid(spec: string, code: string, messagePart?: string): SpecIssue {
  const found = problems(spec);
  assert.equal(found.length, 1, `expected one issue for '${spec}', got ${JSON.stringify(found)}`);
  const issue = found[0] as SpecIssue;
  assert.equal(issue.code, code, `code for '${spec}': ${issue.message}`);
  assert.equal(issue.severity, 'warning');
  if (messagePart !== undefined) assert.ok(issue.message.includes(messagePart), `'${spec}' message: ${issue.message}`);
  return issue;
}

// ---- A.7.1 quick test vectors ----

const VECTORS: Array<[spec: string, code: string | 'ok', messagePart?: string]> = [
  ['keyring', 'ok'],
  ['keyring:', 'ok'],
  ['keyring://', 'ok'],
  ['dotenv:.env.local', 'ok'],
  ['dotenv:.env:prod', 'invalid-provider-uri', "Invalid provider specification 'dotenv:.env:prod': invalid port number"],
  ['env://API_KEY', 'uri-takes-no-authority', 'ref = { item = "API_KEY" }'],
  ['file', 'file-without-path', 'file provider requires an explicit relative or absolute directory path'],
  ['file:', 'file-without-path'],
  ['file://', 'file-without-path'],
  ['file:./s?x=1', 'file-uri-options-not-supported', 'query options are not supported'],
  ['null://x', 'uri-must-be-empty', 'null:// takes no authority, path, or query'],
  ['1password://Vault', 'invalid-scheme-1password', "Invalid scheme '1password'. Use 'onepassword' instead"],
  ['op://Prod/item/field', 'address-in-provider-uri', 'ref = { vault = "Prod", item = "item", field = "field" }'],
  ['onepassword://Prod/item', 'address-in-provider-uri', "1Password items are addressed with a secret's `ref`"],
  ['onepassword://acct:pw@Prod', 'password-in-uri', 'carries a password'],
  ['onepassword+token://tok@Prod', 'uri-userinfo-not-allowed', 'never accepted in the URI'],
  ['onepassword://work@Prod Vault', 'ok'],
  ['gcsm://My-Project', 'invalid-host', 'must start with a lowercase letter'],
  ['gcsm://abc', 'invalid-host', '6–30 characters'],
  ['gcsm://my-proj/secrets/x', 'uri-path-not-allowed', 'gcsm URIs take no path'],
  ['bws://not-a-uuid', 'invalid-host', "Invalid BWS project UUID 'not-a-uuid'"],
  ['bw://?feild=x', 'unknown-query-parameter', "Unknown Bitwarden URI parameter 'feild'"],
  ['bw://?type=card&field=number', 'ok'],
  ['fly://', 'uri-missing-authority', 'requires a Fly.io app name'],
  ['fly://app/x', 'uri-path-not-allowed'],
  ['fly://app?stage=1', 'invalid-query-value', "must be 'true' or 'false'"],
  ['awsps://us-east-1?prefix=/a&template=/{key}', 'conflicting-query-parameters', 'mutually exclusive'],
  ['awsps://us-east-1?template=/{key}', 'invalid-template', 'bounded parent path'],
  ['awsps://us-east-1?tier=premium', 'invalid-query-value', "Invalid awsps tier 'premium'"],
  ['vault://h:8200/secret?auth=ldap', 'invalid-query-value', "Unknown auth method 'ldap'. Expected 'token', 'approle', or 'jwt'."],
  ['vault://h:8200/secret?auth_mount=x', 'conflicting-query-parameters', '`auth_mount` requires `auth=approle` or `auth=jwt`'],
  ['vault://h:8200/secret?field=pw', 'address-in-provider-uri', 'take no `field` query'],
  ['akv://', 'uri-missing-authority', 'Key Vault name'],
  ['akv://v?auth=password', 'invalid-query-value', "Unknown akv auth method 'password'"],
  ['aac://s?foo=1', 'unknown-query-parameter', "unknown aac parameter 'foo'"],
  ['aac://s:443', 'uri-port-not-allowed'],
  ['aac://u@s', 'uri-userinfo-not-allowed'],
  ['aac://s.azconfig.azure.cn', 'missing-query-parameter', 'audience must be set explicitly'],
  [`infisical://${UUID}`, 'uri-missing-path', 'No Infisical project given.'],
  [`infisical:///${UUID}?tls=maybe`, 'invalid-query-value', "Invalid Infisical tls value 'maybe'"],
  ['kdbx:', 'uri-missing-path', 'No KDBX database path given. Use kdbx:./secrets.kdbx'],
  ['kdbx:./s.kdbx?pass=1', 'unknown-query-parameter', "unknown KDBX query parameter 'pass'"],
  ['keeper://UID/x', 'uri-path-not-allowed'],
  ['keeper://?folder=UID', 'unknown-query-parameter', 'belongs in the authority'],
  ['dashlane://vault', 'invalid-host', "unknown Dashlane item type 'vault'. Use dashlane://secret"],
  ['passbolt://host', 'uri-path-not-allowed', 'Passbolt resource templates belong in the `template` query parameter'],
  ['passbolt://?foo=1', 'unknown-query-parameter', 'unknown Passbolt query parameter `foo`'],
  ['sops://s.txt', 'invalid-query-value', 'cannot infer SOPS format'],
  ['sops://d/{project}.enc.yaml', 'invalid-template', 'missing {profile}'],
  ['sops://s.yaml?bogus=1', 'unknown-query-parameter', 'Invalid query parameter: bogus'],
  ['systemd-credential://NAME', 'uri-must-be-empty', 'use ref = { item = "..." } on the secret instead'],
  ['scaleway://fr-par/team', 'uri-path-not-allowed', "configure a folder with '?path=/folder' instead"],
  ['madeup://x', 'ok'],
];

for (const [spec, code, messagePart] of VECTORS) {
  test(`A.7.1 vector ${spec} → ${code}`, () => {
    if (code === 'ok') assertValid(spec);
    else assertInvalid(spec, code, messagePart);
  });
}

test("A.7.1 'madeup://x' without its plugin: not installed", () => {
  const issues = checkProviderSpec('madeup://x', { pluginInstalled: () => false });
  assert.deepEqual(
    issues.map((i) => [i.code, i.severity, i.message]),
    [['plugin-not-installed', 'warning', "no plugin installed for scheme 'madeup': install secretspec-provider-madeup on PATH, or register it with a SecretSpec 0.21 provider claim providers.d/madeup.secretspec.json"]],
  );
  assert.deepEqual(checkProviderSpec('madeup://x', { pluginInstalled: (s) => s === 'madeup' }), []);
});

test("'vault:' with no host is only a hint (VAULT_ADDR may be set)", () => {
  const issues = checkProviderSpec('vault:');
  assert.equal(issues.length, 1);
  assert.equal(issues[0]?.code, 'uri-missing-authority');
  assert.equal(issues[0]?.severity, 'information');
  assert.equal(
    issues[0]?.message,
    'No Vault address provided. Specify a host in the URI (for example, vault://127.0.0.1:8200) or set VAULT_ADDR.',
  );
});

test('dotenv:.env:prod offers dotenv:./.env:prod as the replacement', () => {
  const issue = assertInvalid('dotenv:.env:prod', 'invalid-provider-uri');
  assert.equal(issue.data?.replacement, 'dotenv:./.env:prod');
  assert.match(issue.message, /Write 'dotenv:\.\/\.env:prod' instead/);
  assertValid('dotenv:./.env:prod');
  assert.equal(assertInvalid('dotenv://.env:prod', 'invalid-provider-uri').data?.replacement, 'dotenv://./.env:prod');
  assert.equal(assertInvalid('onepassword://My:Vault', 'invalid-provider-uri', 'invalid port number').data, undefined);
});

test('op:// hint carries the ref and the onepassword URI for a quick fix', () => {
  const issue = assertInvalid('op://Prod/item/section/field', 'address-in-provider-uri');
  assert.deepEqual(issue.data, {
    ref: { vault: 'Prod', item: 'item', section: 'section', field: 'field' },
    replacement: 'onepassword://Prod',
  });
  assertInvalid('op://', 'address-in-provider-uri', 'ref = { vault = "<vault>", item = "<item>", field = "<field>" }');
});

// ---- A.7 per-scheme Valid / Invalid examples ----

const VALID: string[] = [
  // keyring
  'keyring://secretspec/shared/{profile}/{key}',
  'keyring://secretspec/cache/{project}/{profile}/{key}',
  // dotenv
  'dotenv',
  'dotenv:',
  'dotenv://',
  'dotenv://.env.production',
  'dotenv:config/.env',
  'dotenv:///etc/app/.env',
  'dotenv:/abs/.env',
  'dotenv://~/.config/app/.env',
  'dotenv://C:\\Users\\me\\.env',
  'dotenv://C:/Users/me/.env',
  'dotenv:C:\\Users\\me\\.env',
  // env
  'env',
  'env:',
  'env://',
  // file
  'file:./.secrets',
  'file://.secrets',
  'file:///run/secrets',
  'file:~/.local/share/app',
  'file:./local secrets',
  'file://C:\\secrets',
  // null, systemd-credential
  'null',
  'null:',
  'null://',
  'systemd-credential://',
  'systemd-credential',
  // fly
  'fly://my-app',
  'fly://my-app?stage=true',
  'fly://my-app?detach=true',
  'fly://my-app?stage=false&detach=true',
  // pass, gopass, lastpass, protonpass
  'pass',
  'pass://',
  'pass://secretspec/shared/{profile}/{key}',
  'pass://?store_dir=/path/to/store',
  'gopass://secretspec/{project}/{profile}/{key}',
  'lastpass://Work/SecretSpec/{project}/{profile}/{key}',
  'protonpass://Work/{project}/{profile}/{key}',
  // dashlane
  'dashlane://',
  'dashlane://secret',
  'dashlane://Notes',
  'dashlane://logins',
  // passbolt
  'passbolt://?template=secretspec/{project}/{profile}/{key}',
  'passbolt://?server=https://pb.example.com&folder=abc',
  // onepassword
  'onepassword://Prod',
  'onepassword://Home Lab',
  'onepassword://Home%20Lab',
  'onepassword+token://Prod',
  // keeper
  'keeper://SHARED_FOLDER_UID',
  'keeper://UID?config_file=./keeper.json',
  // kdbx
  'kdbx:./secrets.kdbx',
  'kdbx:/var/lib/app/secrets.kdbx?keyfile=./secrets.key',
  'kdbx:./shared.kdbx?prefix=teams/{project}/{profile}/{key}',
  // bw
  'bw://',
  'bw://dev-secrets',
  'bw://myorg@dev-secrets',
  'bw://?type=login&field=username',
  'bw://?organization=o&collection=c&server=https://vault.example&folder=f',
  // bws
  'bws://a9230ec4-5507-4870-b8b5-b3f500587e4c',
  'bws://vault.bitwarden.eu@a9230ec4-5507-4870-b8b5-b3f500587e4c',
  // gcsm
  'gcsm://my-project',
  'gcsm://my-project?ignored=1',
  // awssm
  'awssm://',
  'awssm://prod@us-east-1?prefix=myapp&kms_key_id=k&tag.team=x',
  // awsps
  'awsps://us-east-1?template=/{profile}/{project}/{key}',
  'awsps://prod@eu-west-1?prefix=/app&tier=advanced',
  // scaleway
  'scaleway://',
  'scaleway://fr-par?project_id=11111111-2222-3333-4444-555555555555&path=/team',
  // vault / openbao
  'vault://127.0.0.1:8200',
  'vault://ns@vault.example.com:8200/kv?auth=approle&auth_mount=approle/prod&role=r&kv=v1&tls=false',
  'openbao://bao.example.com/secret?auth=jwt&audience=a',
  // akv
  'akv://my-vault',
  'akv://my-vault.vault.azure.cn?auth=workload_identity',
  // aac
  'aac://store',
  'aac://store.azconfig.io?auth=cli&label=prod&prefix=app/&tag=team=a&tag=env=b',
  'aac://store.azconfig.azure.cn?audience=https://azconfig.azure.cn',
  'aac://store?auth=connection_string&key_vault_auth=cli',
  // infisical
  `infisical:///${UUID}`,
  `infisical://infisical.example.com:8443/${UUID}?env=prod&path=/api&tls=1`,
  // age
  'age://',
  'age://secrets.age?identity=./key.txt&recipients-file=./r.txt&armor=false',
  // sops
  'sops://',
  'sops://secrets.enc.yaml',
  'sops://config/{project}/{profile}.enc.json',
  'sops://app.ini?format=ini',
  'sops://secrets.txt?format=yaml&age_key_file=./k.txt',
  'sops://.env.production',
];

for (const spec of VALID) test(`A.7 valid: ${spec}`, () => assertValid(spec));

const INVALID: Array<[spec: string, code: string, messagePart?: string]> = [
  ['fly://my-app/path', 'uri-path-not-allowed'],
  ['fly://my-app?unknown=true', 'unknown-query-parameter', "unknown fly query parameter 'unknown'"],
  ['fly://my-app?stage=yes', 'invalid-query-value'],
  ['fly://my-app?stage=true&stage=false', 'duplicate-query-parameter'],
  ['fly://me@my-app', 'uri-userinfo-not-allowed'],
  ['env:API_KEY', 'uri-takes-no-authority'],
  ['file://me@dir', 'invalid-provider-uri', 'invalid domain character'],
  ['file:./s?', 'file-uri-options-not-supported'],
  ['null:x', 'uri-must-be-empty'],
  ['null:///x', 'uri-must-be-empty'],
  ['null://?a=1', 'uri-must-be-empty'],
  ['systemd-credential:///x', 'uri-must-be-empty'],
  ['dashlane://secret/item', 'uri-path-not-allowed', 'ref = { item = "item" }'],
  ['passbolt://?template=', 'empty-query-parameter'],
  ['passbolt://?folder=a&folder=b', 'duplicate-query-parameter'],
  ['keeper://', 'uri-missing-authority', 'Keeper shared folder UID is required. Use keeper://SHARED_FOLDER_UID.'],
  ['kdbx:./s.kdbx?keyfile=a&keyfile=b', 'duplicate-query-parameter'],
  ['kdbx:./s.kdbx?prefix=', 'empty-query-parameter'],
  ['bw://?type=wallet', 'invalid-query-value'],
  ['bws://', 'uri-missing-authority', 'BWS project ID is required'],
  ['gcsm://', 'uri-missing-authority'],
  ['gcsm://my_project', 'invalid-host'],
  ['gcsm://my-project-', 'invalid-host', 'must not end with a hyphen'],
  ['gcsm://a-very-long-project-identifier-x', 'invalid-host', '6–30 characters'],
  ['awssm://us-east-1/name', 'uri-path-not-allowed', 'ref = { item = "name" }'],
  ['awsps://us-east-1/path', 'uri-path-not-allowed'],
  ['awsps://?template=app/{key}', 'invalid-template', 'must start with /'],
  ['awsps://?template=/{key}/{profile}', 'invalid-template', 'final segment'],
  ['awsps://?template=/{env}/{key}', 'invalid-template', 'unknown placeholder {env}'],
  ['awsps://?template=/{key}/{key}', 'invalid-template'],
  ['vault://h?auth=approle&auth_mount=a//b', 'invalid-query-value', "must not contain empty, '.' or '..' segments"],
  ['vault://h?auth=jwt&auth_mount=../x', 'invalid-query-value'],
  ['openbao://h?auth=ldap', 'invalid-query-value', "Unknown auth method 'ldap'"],
  ['akv://v/secret', 'uri-path-not-allowed'],
  ['aac://', 'uri-missing-authority'],
  ['aac://s/x', 'uri-path-not-allowed'],
  ['aac://s?label=a&label=b', 'duplicate-query-parameter'],
  ['aac://s?label=', 'empty-query-parameter'],
  ['aac://s?tag=novalue', 'invalid-query-value', 'NAME=VALUE'],
  ['aac://s?tag=a=1&tag=a=2', 'duplicate-query-parameter'],
  ['aac://s?tag=a=1&tag=b=1&tag=c=1&tag=d=1&tag=e=1&tag=f=1', 'invalid-query-value', 'at most 5'],
  ['aac://s?auth=password', 'invalid-query-value'],
  ['aac://s?auth=connection_string&key_vault_auth=inherit', 'conflicting-query-parameters'],
  ['aac://s.azconfig.io?suffix=azconfig.azure.cn', 'conflicting-query-parameters'],
  ['aac://s?suffix=azconfig.azure.cn', 'missing-query-parameter'],
  [`infisical://h/${UUID}/extra`, 'uri-path-not-allowed'],
  ['sops://s.yaml?format=toml', 'invalid-query-value'],
  ['sops://s.yaml?format=ini', 'invalid-query-value', 'requires an .ini file'],
  ['sops://{project}/{profile}/{key}.yaml', 'invalid-template'],
  ['Keyring://', 'unknown-provider', "Provider backend 'Keyring' not found. Scheme names are exact and case-sensitive: did you mean 'keyring'?"],
  ['-x://y', 'unknown-provider'],
  [' keyring', 'unknown-provider', "Provider backend ' keyring' not found"],
  ['https://example.com', 'ok'],
];

for (const [spec, code, messagePart] of INVALID) {
  test(`A.7 invalid: ${spec} → ${code}`, () => {
    if (code === 'ok') assertValid(spec);
    else assertInvalid(spec, code, messagePart);
  });
}

test('1password in every spelling', () => {
  for (const spec of ['1password', '1password:x', '1password://Vault', '1password:acct:pw@Vault']) {
    const issue = assertInvalid(spec, 'invalid-scheme-1password');
    assert.equal(issue.message, "Invalid scheme '1password'. Use 'onepassword' instead (e.g., onepassword://vault)");
  }
  assert.equal(checkProviderSpec('1password://Vault')[0]?.data?.replacement, 'onepassword://Vault');
  assert.equal(checkProviderSpec('1password:acct:pw@Vault')[0]?.data, undefined);
});

test('unknown schemes suggest the built-in one they were meant to be', () => {
  assert.equal(checkProviderSpec('Keyring://')[0]?.data?.replacement, 'keyring://');
  assert.equal(checkProviderSpec(' keyring')[0]?.data?.replacement, 'keyring:');
  assert.deepEqual(checkProviderSpec('-x://y'), [
    { code: 'unknown-provider', severity: 'warning', message: "Provider backend '-x' not found" },
  ]);
});

test('information hints: ignored template path, lowercased file host', () => {
  const ignored = checkProviderSpec('keyring:///x/{key}');
  assert.deepEqual(ignored.map((i) => [i.code, i.severity]), [['uri-path-ignored', 'information']]);
  assert.equal(ignored[0]?.data?.replacement, 'keyring://x/{key}');
  const lowered = checkProviderSpec('file:MySecrets');
  assert.deepEqual(lowered.map((i) => [i.code, i.severity]), [['file-host-lowercased', 'information']]);
  assert.equal(lowered[0]?.data?.replacement, 'file:./MySecrets');
  assert.deepEqual(checkProviderSpec('file:./MySecrets'), []);
});

test('the password message names the provider credentials or says there are none', () => {
  const withCreds = assertInvalid('vault://u:p@h/m', 'password-in-uri');
  assert.equal(
    withCreds.message,
    "provider URI 'vault://h/m' carries a password. SecretSpec does not accept credentials in URIs: a URI reaches committed manifests, " +
      'shell history, and CI logs, so a credential written there is already disclosed. Supply it as the `role_id`, `secret_id`, `token` ' +
      "provider credential instead (`secretspec config provider login <alias>`, or `credentials = { ... }` on the alias), or use the provider's " +
      'environment variable. See https://secretspec.dev/providers/vault/',
  );
  assert.match(assertInvalid('keyring://u:p@h', 'password-in-uri').message, /The keyring provider takes no credentials/);
  assert.match(assertInvalid('myplug://u:p@h', 'password-in-uri').message, /provider-credentials/);
});

// ---- A.2 classification ----

test('A.2 classification', () => {
  const aliases = new Set(['shared', 'keyring', 'cached', 'dotenv:.env']);
  const cached = new Set(['cached']);
  const cases: Array<[string, string, string]> = [
    ['onepassword://Prod', 'uri', 'onepassword'],
    ['shared://x', 'plugin', 'shared'],
    ['Keyring://', 'uri', 'Keyring'],
    ['cached', 'cached-alias', 'cached'],
    ['shared', 'alias', 'shared'],
    ['keyring', 'alias', 'keyring'],
    ['dotenv:.env', 'alias', 'dotenv'],
    ['dotenv:.env.prod', 'builtin', 'dotenv'],
    ['env', 'builtin', 'env'],
    ['onepassword+token', 'builtin', 'onepassword+token'],
    ['1password', '1password', '1password'],
    ['1password:x', '1password', '1password'],
    ['1password://Vault', '1password', '1password'],
    ['myplug:x', 'plugin', 'myplug'],
    ['myplug://x', 'plugin', 'myplug'],
    ['typo', 'undefined-alias', 'typo'],
    [' keyring', 'undefined-alias', ' keyring'],
    ['Shared', 'undefined-alias', 'Shared'],
    ['Bad:x', 'undefined-alias', 'Bad'],
  ];
  for (const [spec, kind, scheme] of cases) {
    assert.deepEqual(classifySpec(spec, aliases, cached), { kind, scheme }, spec);
  }
  assert.equal(classifySpec('cached', aliases).kind, 'alias');
  assert.equal(classifySpec('keyring', new Set()).kind, 'builtin');
});

test('splitSpec splits at the first colon', () => {
  assert.deepEqual(splitSpec('keyring'), { scheme: 'keyring', rest: '' });
  assert.deepEqual(splitSpec('dotenv:.env:prod'), { scheme: 'dotenv', rest: '.env:prod' });
  assert.deepEqual(splitSpec('vault://h:8200'), { scheme: 'vault', rest: '//h:8200' });
});

// ---- A.3 / A.4 rewrite ----

test('A.3 rewrite examples', () => {
  const cases: Array<[string, string]> = [
    ['keyring', 'keyring://'],
    ['env:', 'env://'],
    ['dotenv', 'dotenv://'],
    ['keyring::', 'keyring://'],
    ['onepassword://vault', 'onepassword://vault'],
    ['dotenv:/abs/.env', 'dotenv:///abs/.env'],
    ['dotenv:.env.prod', 'dotenv://.env.prod'],
    ['dotenv:config/.env', 'dotenv://config/.env'],
    ['onepassword://Home Lab', 'onepassword://Home%20Lab'],
    ['keyring://a|b^c<d>[e]\\f', 'keyring://a%7Cb%5Ec%3Cd%3E%5Be%5D%5Cf'],
    ['keyring://tab\there\u007f', 'keyring://tab%09here%7F'],
    ['keyring://café', 'keyring://caf%C3%A9'],
    ['keyring://a%20b@c/d?e#f', 'keyring://a%20b@c/d?e#f'],
    ['dotenv://C:\\Users\\me\\.env', 'dotenv://C%3A%5CUsers%5Cme%5C.env'],
    ['dotenv:C:/Users/me/.env', 'dotenv://C%3A/Users/me/.env'],
    ['file://C:\\secrets', 'file:///C:/secrets'],
    ['file:C:\\my secrets', 'file:///C:/my%20secrets'],
  ];
  for (const [spec, url] of cases) assert.equal(rewriteSpecToUrl(spec), url, spec);
});

// ---- A.5 redaction ----

test('A.5 display redaction', () => {
  const cases: Array<[string, string]> = [
    ['vault://u:p@h/m?token=x', 'vault://h/m'],
    ['vault://user:pass@host:8200', 'vault://host:8200'],
    ['vault://host?token=SECRET', 'vault://host'],
    ['vault://user:pass@', 'vault://'],
    ['vault://user:p@ss@host', 'vault://host'],
    ['vault+token:s3cr3t@host/path', 'vault+token:host/path'],
    ['vault+token:s3cr3t@host?x=y#f', 'vault+token:host'],
    ['keyring://', 'keyring://'],
    ['dotenv:.env', 'dotenv:.env'],
    ['keyring', 'keyring'],
    ['keyring://h/p@x', 'keyring://h/p@x'],
  ];
  for (const [spec, shown] of cases) assert.equal(redactSpec(spec), shown, spec);
});

// ---- generic plugin grammar ----

test('plugin URIs: percent-encoding, dot-dot segments, passwords, length', () => {
  assertValid('myplug://vault/Production?cache=12h');
  assertValid('my_plug-2:some/path');
  assertValid('myplug://a%2Fb');
  assertInvalid('myplug://vault/%zz', 'invalid-percent-encoding');
  assertInvalid('myplug://vault/50%', 'invalid-percent-encoding');
  assertInvalid('myplug://vault/../etc', 'dot-dot-segment');
  assertInvalid('myplug://vault/%2e%2E/etc', 'dot-dot-segment');
  assertInvalid('myplug:../x', 'dot-dot-segment');
  assertValid('myplug://vault/a..b');
  assertInvalid('myplug://user:hunter2@vault', 'password-in-uri');
  assertValid('myplug://user@vault');
  assertValid(`myplug://${'a'.repeat(1024 - 'myplug://'.length)}`);
  assertInvalid(`myplug://${'a'.repeat(1025 - 'myplug://'.length)}`, 'uri-too-long', '1025 characters');
  // three encoded bytes decode to one character, so this is short enough
  assertValid(`myplug://${'%C3%A9'.repeat(1000)}`);
  assertInvalid('myplug://h:port', 'invalid-provider-uri', 'invalid port number');
});

test('plugin installation is only checked when a probe is given', () => {
  assert.deepEqual(checkProviderSpec('myplug://x'), []);
  const asked: string[] = [];
  checkProviderSpec('myplug://x', { pluginInstalled: (s) => (asked.push(s), true) });
  checkProviderSpec('keyring://', { pluginInstalled: (s) => (asked.push(s), false) });
  assert.deepEqual(asked, ['myplug']);
});

// ---- no password ever echoed ----

test('no issue message or data contains the password of a URI with one', () => {
  const password = 'Sup3rS3cretPw';
  const specs = [
    ...BUILTIN_SCHEMES.map((s) => `${s}://user:${password}@host/x`),
    ...BUILTIN_SCHEMES.map((s) => `${s}:user:${password}@host`),
    `vault://user:${password}@h:99999`,
    `dotenv://user:${password}@.env:prod`,
    `onepassword+token://${password}@Prod`,
    `1password://user:${password}@Vault`,
    `Vault://user:${password}@h`,
    `myplug://user:${password}@h/%zz/../x`,
    `myplug://user:${password}@h:bad`,
    `fly://${password}@app`,
    `aac://user:${password}@s?foo=1`,
    `vault://user:${password}/x@h`,
    `dotenv:user:${password}/x@.env:prod`,
  ];
  for (const spec of specs) {
    const issues = checkProviderSpec(spec, { pluginInstalled: () => false });
    assert.ok(issues.length > 0, `expected an issue for ${redactSpec(spec)}`);
    for (const issue of issues) {
      assert.ok(!issue.message.includes(password), `message leaks: ${issue.code}`);
      assert.ok(!JSON.stringify(issue.data ?? {}).includes(password), `data leaks: ${issue.code}`);
    }
  }
});

test('arbitrary specs never throw, and a URI password never reaches an issue', () => {
  const schemes = fc.constantFrom(...BUILTIN_SCHEMES, '1password', 'myplug', 'Bad', '');
  const chunk = fc.string({ unit: fc.constantFrom('a', 'Z', '.', '/', ':', '@', '?', '#', '%', '2', 'e', '{', '}', ' ', '\\', 'é', '=', '&') });
  fc.assert(
    fc.property(schemes, chunk, chunk, (scheme, before, after) => {
      const spec = `${scheme}://user:PW9secret@${before}${after}`;
      for (const issue of checkProviderSpec(spec, { pluginInstalled: () => false })) {
        assert.ok(!issue.message.includes('PW9secret'), issue.message);
        assert.ok(!JSON.stringify(issue.data ?? {}).includes('PW9secret'));
      }
      checkProviderSpec(`${scheme}:${before}`);
      classifySpec(`${scheme}${before}`, new Set());
      storageIdentity(`${scheme}:${before}`);
    }),
    { numRuns: 2000 },
  );
});

// ---- registry ----

test('registry: schemes, capabilities and credential names', () => {
  assert.ok(isBuiltinScheme('onepassword+token'));
  assert.ok(!isBuiltinScheme('1password'));
  assert.ok(!isBuiltinScheme('Keyring'));
  assert.equal(builtinProvider('op')?.name, 'onepassword');
  assert.equal(builtinProvider('openbao')?.name, 'openbao');
  assert.equal(builtinProvider('fly')?.reads, false);
  assert.equal(builtinProvider('env')?.writes, false);
  assert.deepEqual(builtinProvider('null')?.refCoordinates, ['field', 'vault', 'section', 'version']);
  assert.deepEqual(builtinProvider('aac')?.credentialNames, ['tenant_id', 'client_id', 'client_secret', 'connection_string']);
  assert.equal(builtinProvider('madeup'), undefined);
  assert.deepEqual(CACHE_CAPABLE_SCHEMES, ['aac', 'age', 'dotenv', 'file', 'fly', 'gopass', 'keeper', 'keyring', 'openbao', 'pass', 'vault']);
  assert.deepEqual(
    BUILTIN_SCHEMES,
    'aac age akv awsps awssm bw bws dashlane dotenv env file fly gcsm gopass infisical kdbx keeper keyring lastpass null onepassword onepassword+token op openbao pass passbolt protonpass scaleway sops systemd-credential vault'.split(
      ' ',
    ),
  );
});

// ---- storage identity ----

test('storage identity: equivalent spellings are the same store', () => {
  const same: Array<[string, string]> = [
    ['dotenv:.env', 'dotenv://.env'],
    ['dotenv', 'dotenv:.env'],
    ['dotenv:./.env', 'dotenv:.env'],
    ['vault://h:8200/secret', 'openbao://h:8200/secret'],
    ['vault://h:8200', 'vault://h:8200/secret?auth=approle'],
    ['keyring', 'keyring://secretspec/{project}/{profile}/{key}'],
    ['file:./s', 'file://./s/'],
    ['onepassword://Prod', 'onepassword+token://Prod'],
  ];
  for (const [a, b] of same) assert.equal(storageIdentity(a), storageIdentity(b), `${a} vs ${b}`);
  const different: Array<[string, string]> = [
    ['dotenv:.env', 'dotenv:.env.cache'],
    ['vault://h:8200/secret', 'vault://h:8200/cache'],
    ['vault://ns@h/secret', 'vault://h/secret'],
    ['keyring', 'keyring://secretspec/cache/{project}/{profile}/{key}'],
    ['dotenv:.env', 'file:.env'],
  ];
  for (const [a, b] of different) assert.notEqual(storageIdentity(a), storageIdentity(b), `${a} vs ${b}`);
  assert.equal(storageIdentity('dotenv:.env:prod'), undefined);
});

test('a scheme nobody serves gets a did-you-mean among built-in and installed schemes, with the fix (issue 16 #5)', () => {
  const none = { pluginInstalled: () => false, closestScheme: (s: string) => closestScheme(s) };
  const [typo] = checkProviderSpec('keyrng://', none);
  assert.equal(typo?.code, 'plugin-not-installed');
  assert.match(typo!.message, /did you mean 'keyring'\?/);
  assert.deepEqual(typo!.data, { scheme: 'keyrng', suggestion: 'keyring', replacement: 'keyring://' });
  const [plugin] = checkProviderSpec('acmevalt://team/x', { ...none, closestScheme: (s) => closestScheme(s, () => ['acmevault']) });
  assert.deepEqual(plugin!.data, { scheme: 'acmevalt', suggestion: 'acmevault', replacement: 'acmevault://team/x' });
  const [far] = checkProviderSpec('zzzzzz://', none);
  assert.deepEqual(far!.data, { scheme: 'zzzzzz' }, 'no guess when nothing is close');
  assert.doesNotMatch(far!.message, /did you mean/);
  const [secret] = checkProviderSpec('keyrng://user@host?token=abc', none);
  assert.equal(secret!.data?.['replacement'], undefined, 'no replacement that could carry a credential');
});
