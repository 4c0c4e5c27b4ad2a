// Adversarial variants of manifest-rules.md (and providers-and-check.md §A)
// that §9's numbered cases don't spell out: the same rule through header
// tables, dotted keys, other profiles, inheritance, `extends`, alias tables,
// and every built-in URI grammar. Each case names the rule it exercises;
// `line` is 0-based in the opened file. Shared by the stdio suite
// (rulesAudit.test.ts) and the differential test against the real CLI
// (test/oracle/manifests.test.ts).
export interface AuditExpected {
  severity: 'error' | 'warning' | 'information';
  code: string;
  /** A distinctive part of SecretSpec's (or our) message. */
  message: string;
  /** The exact text the diagnostic's range covers. */
  at?: string;
  line?: number;
}

export interface AuditCase {
  id: string;
  rule: string;
  /** Manifest text after the standard `[project]` header, or whole files (first key `open` names the one opened). */
  body?: string;
  files?: Record<string, string>;
  open?: string;
  expect: AuditExpected[];
  /** Codes that must not be reported at any severity. */
  absent?: string[];
  /** Warnings this case tolerates because they depend on the machine (e.g. which plugins are on PATH). */
  tolerate?: string[];
}

export const HEADER = '[project]\nname = "app"\nrevision = "1.0"\n';
const project = (name: string, extendsList?: string[]) =>
  `[project]\nname = "${name}"\nrevision = "1.0"\n${extendsList ? `extends = ${JSON.stringify(extendsList)}\n` : ''}`;

const L = 3; // first line after HEADER
const A = '[profiles.default]\nA = { description = "a" }\n';
const spec = (s: string) => `[profiles.default]\nA = { description = "a", providers = [${JSON.stringify(s)}] }\n`;
const REQ_DEFAULT = 'Required secrets cannot have default values';
const GEN_DEFAULT = "'generate' and 'default' cannot both be set";
const PROMPT_REQ = '`prompt = true` secrets must be individually required; omit `required` or set `required = true`';
const PROMPT_CLASH = '`prompt = true` cannot be combined with `default`, enabled `generate`, or `extract`';
const COMPOSED_CLASH =
  '`composed` secrets cannot also set `default`, `providers`, `ref`, `refs`, `encoding`, `extract`, `type`, enabled `generate`, or `prompt = true`';
const INI = '`extract.pointer` for INI must be `/key` for an unsectioned key or `/section/key` for a named section';
const UUID = 'a9230ec4-5507-4870-b8b5-b3f500587e4c';

const validSpecs = [
  'keyring:',
  'keyring://secretspec/shared/{profile}/{key}',
  'dotenv:config/.env',
  'dotenv:///etc/app/.env',
  'dotenv://C:\\Users\\me\\.env',
  'dotenv://~/.config/app/.env',
  'env:',
  'file:./local secrets',
  'file://C:\\secrets',
  'file:~/.local/share/app',
  'null:///',
  'systemd-credential:',
  'fly://my-app?stage=true&detach=false',
  'pass://?store_dir=/path/to/store',
  'gopass://team/{key}',
  'lastpass://Work/SecretSpec/{project}/{profile}/{key}',
  'dashlane://LOGIN',
  'protonpass://Work/{project}/{profile}/{key}',
  'passbolt://?server=https://pb.example&folder=f&template=t',
  'onepassword://work@Prod Vault',
  'onepassword://localhost',
  'onepassword+token://Prod',
  'keeper://UID?config_file=./k.json',
  'kdbx:/var/lib/app/secrets.kdbx?keyfile=./secrets.key',
  'bw://myorg@dev-secrets?type=ssh_key&field=x',
  `bws://vault.bitwarden.eu@${UUID}`,
  'gcsm://my-project?ignored=1',
  'awssm://prof@eu-west-1?prefix=p&tag.team=x',
  'awsps://prof@us-east-1?template=/a/{project}/{key}',
  'scaleway://fr-par?path=/folder',
  'vault://ns@h:8200/kv?auth=jwt&role=r&auth_mount=jwt',
  'openbao://h?kv=1&tls=false',
  'akv://v?auth=workload_identity&suffix=vault.azure.cn',
  'aac://store?tag=a=1&tag=b=2&label=l',
  `infisical:///${UUID}?env=dev&path=/x&tls=1`,
  'age:./secrets.age?identity=./id&armor=false',
  'sops://secrets/{project}/{profile}.yaml',
  'sops://s.ini?format=ini',
];

const invalidSpecs: Array<[string, string, string]> = [
  ['env:X', 'uri-takes-no-authority', 'env:// takes no authority'],
  ['file:', 'file-without-path', 'file provider requires an explicit relative or absolute directory path'],
  ['file:./s?', 'file-uri-options-not-supported', 'user information and query options are not supported'],
  ['null:x', 'uri-must-be-empty', 'null:// takes no authority, path, or query'],
  ['systemd-credential:NAME', 'uri-must-be-empty', 'systemd-credential:// takes no authority, path, or query'],
  ['fly://app?detach=True', 'invalid-query-value', "fly query parameter 'detach'"],
  ['fly://app?stage=true&stage=false', 'duplicate-query-parameter', "'stage'"],
  ['dashlane://note/x', 'uri-path-not-allowed', 'dashlane:// takes no path'],
  ['dashlane://vault', 'invalid-host', "unknown Dashlane item type 'vault'"],
  ['passbolt:///x', 'uri-path-not-allowed', 'Passbolt resource templates belong in the `template` query parameter'],
  ['passbolt://?template=', 'empty-query-parameter', '`template`'],
  ['onepassword://My:Vault', 'invalid-provider-uri', 'invalid port number'],
  ['onepassword+token://tok@Prod', 'uri-userinfo-not-allowed', 'onepassword+token://'],
  ['op://Prod', 'address-in-provider-uri', '1Password items are addressed with a secret'],
  ['1password:x', 'invalid-scheme-1password', "Invalid scheme '1password'. Use 'onepassword' instead (e.g., onepassword://vault)"],
  ['keeper://', 'uri-missing-authority', 'Keeper shared folder UID is required. Use keeper://SHARED_FOLDER_UID.'],
  ['kdbx:?keyfile=x', 'uri-missing-path', 'No KDBX database path given'],
  ['kdbx:./a.kdbx?prefix=a&prefix=b', 'duplicate-query-parameter', "'prefix'"],
  ['bw://?type=bogus', 'invalid-query-value', "'bogus'"],
  ['bws://', 'uri-missing-authority', 'BWS project ID is required'],
  ['gcsm://my_project', 'invalid-host', "Invalid GCP project ID 'my_project'"],
  ['gcsm://abcdefghijklmnopqrstuvwxyz12345', 'invalid-host', '6–30 characters'],
  ['awsps://?template=a/{key}', 'invalid-template', 'must start with /'],
  ['awsps://?template=/a/{foo}/{key}', 'invalid-template', '{foo}'],
  ['vault://h?auth=jwt&auth_mount=/a//b', 'invalid-query-value', "must not contain empty, '.' or '..' segments"],
  ['vault://h:99999', 'invalid-provider-uri', 'invalid port number'],
  ['vault://[::1]:8200', 'invalid-provider-uri', 'invalid port number'],
  ['akv://v/x', 'uri-path-not-allowed', 'akv URIs take no path'],
  ['aac://s?auth=cli&auth=env', 'duplicate-query-parameter', "'auth'"],
  ['aac://s?tag=a=1&tag=b=1&tag=c=1&tag=d=1&tag=e=1&tag=f=1', 'invalid-query-value', 'at most 5'],
  ['aac://s.azconfig.io?suffix=x', 'conflicting-query-parameters', 'suffix'],
  ['aac://s?auth=connection_string&key_vault_auth=inherit', 'conflicting-query-parameters', 'inherit'],
  ['infisical://h/a/b', 'uri-path-not-allowed', 'exactly one path segment'],
  ['sops://{project}/{profile}/{key}.yaml', 'invalid-template', 'only {project} and {profile} placeholders are allowed'],
  ['sops://x.yaml?format=toml', 'invalid-query-value', "'toml'"],
  ['file://u@host/x', 'invalid-provider-uri', 'invalid domain character'],
  ['Keyring://', 'unknown-provider', "Provider backend 'Keyring' not found"],
];

export const AUDIT_CASES: AuditCase[] = [
  // ---- §3.3 raw-declaration rules through every TOML spelling and profile ----
  {
    id: 'raw-req-default-header',
    rule: '3.3.2 required=true + default, standard table',
    body: '[profiles.default.A]\ndescription = "a"\nrequired = true\ndefault = "x"\n',
    expect: [{ severity: 'error', code: 'required-with-default', message: `Profile 'default': Secret 'A': ${REQ_DEFAULT}`, line: L + 2 }],
  },
  {
    id: 'raw-req-default-dotted',
    rule: '3.3.2 required=true + default, dotted keys',
    body: '[profiles.default]\nA.description = "a"\nA.required = true\nA.default = "x"\n',
    expect: [{ severity: 'error', code: 'required-with-default', message: REQ_DEFAULT, line: L + 2 }],
  },
  {
    id: 'raw-req-default-override',
    rule: '3.3.2 in a non-default profile override',
    body: `${A}[profiles.prod]\nA = { required = true, default = "x" }\n`,
    expect: [{ severity: 'error', code: 'required-with-default', message: `Profile 'prod': Secret 'A': ${REQ_DEFAULT}`, line: L + 3 }],
  },
  {
    id: 'raw-req-profile-defaults-default',
    rule: '3.3.2 required=true + [defaults].default is accepted',
    body: '[profiles.default]\nA = { description = "a", required = true }\n[profiles.default.defaults]\ndefault = "x"\n',
    expect: [],
  },
  {
    id: 'raw-name-header',
    rule: '3.3.1 secret name, standard table',
    body: '[profiles.default."1BAD"]\ndescription = "x"\n',
    expect: [{ severity: 'error', code: 'invalid-secret-name', message: "Profile 'default': Invalid secret name '1BAD': must be a valid identifier", at: '"1BAD"', line: L }],
  },
  {
    id: 'raw-name-dotted-prod',
    rule: '3.3.1 secret name, dotted key in a non-default profile',
    body: `${A}[profiles.prod]\n"my-key".description = "x"\n`,
    expect: [{ severity: 'error', code: 'invalid-secret-name', message: "Profile 'prod': Invalid secret name 'my-key'", at: '"my-key"' }],
  },
  {
    id: 'raw-name-odd',
    rule: '3.3.1 empty, dotted-in-quotes, space and non-ASCII digit-leading names; every one reported',
    body: '[profiles.default]\n"" = { description = "a" }\n"A.B" = { description = "a" }\n"a b" = { description = "a" }\n"٣X" = { description = "a" }\n"ÄPI" = { description = "ok" }\n',
    expect: [
      { severity: 'error', code: 'invalid-secret-name', message: "Invalid secret name ''", at: '""' },
      { severity: 'error', code: 'invalid-secret-name', message: "Invalid secret name 'A.B'", at: '"A.B"' },
      { severity: 'error', code: 'invalid-secret-name', message: "Invalid secret name 'a b'", at: '"a b"' },
      { severity: 'error', code: 'invalid-secret-name', message: "Invalid secret name '٣X'", at: '"٣X"' },
    ],
  },

  // ---- §3.4 effective-secret rules ----
  {
    id: 'eff-missing-desc-header',
    rule: '3.4.1 missing description, standard table',
    body: '[profiles.default.A]\nrequired = true\n',
    expect: [{ severity: 'error', code: 'missing-description', message: "Profile 'default': Secret 'A': missing description", at: 'A', line: L }],
  },
  {
    id: 'eff-missing-desc-prod-only',
    rule: '3.4.1 secret declared only in a non-default profile',
    body: '[profiles.default]\nB = { description = "b" }\n[profiles."prod env"]\nA = { required = true }\n',
    expect: [{ severity: 'error', code: 'missing-description', message: "Profile 'prod env': Secret 'A': missing description", at: 'A', line: L + 3 }],
  },
  {
    id: 'eff-missing-desc-standalone',
    rule: '3.15 inherit=false: the description is not inherited',
    body: `${A}[profiles.prod.defaults]\ninherit = false\n[profiles.prod]\nA = { required = true }\nB = { description = "b" }\n`,
    expect: [{ severity: 'error', code: 'missing-description', message: "Profile 'prod': Secret 'A': missing description", line: L + 5 }],
  },
  {
    id: 'eff-empty-desc-dotted-override',
    rule: '3.4.1 empty description in an override, dotted',
    body: `${A}[profiles.prod]\nA.description = ""\n`,
    expect: [{ severity: 'error', code: 'empty-description', message: "Profile 'prod': Secret 'A': description cannot be empty", at: '""', line: L + 3 }],
  },
  {
    id: 'eff-whitespace-desc',
    rule: '3.1 whitespace-only description is accepted',
    body: '[profiles.default]\nA = { description = "  " }\n',
    expect: [],
  },
  {
    id: 'eff-gen-default-header-override',
    rule: '3.4.10 inherited generate + default in a standard-table override',
    body: '[profiles.default]\nT = { description = "t", type = "password", generate = true }\n[profiles.prod.T]\ndefault = "x"\n',
    expect: [{ severity: 'error', code: 'generate-with-default', message: `Profile 'prod': Secret 'T': ${GEN_DEFAULT}`, at: 'default', line: L + 3 }],
  },
  {
    id: 'eff-gen-false-disables',
    rule: '3.7 generate=false disables an inherited generate',
    body: '[profiles.default]\nT = { description = "t", type = "password", generate = true }\n[profiles.prod]\nT = { generate = false, default = "x" }\n',
    expect: [],
  },
  {
    id: 'eff-gen-table-dotted-no-type',
    rule: '3.7 generate = {} enables generation (dotted)',
    body: '[profiles.default]\nQ.description = "q"\nQ.generate = {}\n',
    expect: [{ severity: 'error', code: 'generate-requires-type', message: `'generate' requires 'type' to be set (e.g., type = "password")`, at: 'generate', line: L + 2 }],
  },
  {
    id: 'eff-command-inherited-type',
    rule: '3.4.10 type=command inherited, generate=true in override',
    body: '[profiles.default]\nK = { description = "k", type = "command" }\n[profiles.prod]\nK = { generate = true }\n',
    expect: [{ severity: 'error', code: 'command-requires-generate-command', message: `Profile 'prod': Secret 'K': type = "command" requires generate = { command = "..." }`, at: 'true' }],
  },
  {
    id: 'eff-command-table-without-command',
    rule: '3.4.10 type=command with a generate table lacking command',
    body: '[profiles.default]\nK = { description = "k", type = "command", generate = { length = 3 } }\n',
    expect: [{ severity: 'error', code: 'command-requires-generate-command', message: 'type = "command" requires generate', at: '{ length = 3 }' }],
  },
  {
    id: 'eff-unknown-type-dotted-prod',
    rule: '3.4.11 unknown type without generate, dotted in an override',
    body: '[profiles.default]\nK = { description = "k" }\n[profiles.prod]\nK.type = "Password"\n',
    expect: [{ severity: 'error', code: 'unknown-secret-type', message: "Profile 'prod': Secret 'K': unknown secret type 'Password'", at: '"Password"' }],
  },
  {
    id: 'eff-all-problems-one-secret',
    rule: '0.3 all problems of one secret in one pass',
    body: '[profiles.default]\nA = { generate = true, type = "banana", default = "x", requried = 1 }\n',
    expect: [
      { severity: 'error', code: 'missing-description', message: 'missing description' },
      { severity: 'error', code: 'generate-with-default', message: GEN_DEFAULT },
      { severity: 'error', code: 'unknown-secret-type', message: "unknown secret type 'banana'" },
      { severity: 'information', code: 'ignored-key', message: 'did you mean `required`?', at: 'requried' },
    ],
  },
  {
    id: 'eff-prompt-header-required-false',
    rule: '3.4.5 prompt with required=false, standard table',
    body: '[profiles.default.P]\ndescription = "p"\nprompt = true\nrequired = false\n',
    expect: [{ severity: 'error', code: 'prompt-not-required', message: PROMPT_REQ, line: L + 3 }],
  },
  {
    id: 'eff-prompt-inherited-profile-defaults',
    rule: '4.4 D.required=false reaches a secret the profile only inherits',
    body: '[profiles.default.P]\ndescription = "p"\nprompt = true\n[profiles.ops.defaults]\nrequired = false\n',
    expect: [{ severity: 'error', code: 'prompt-not-required', message: `Profile 'ops': Secret 'P': ${PROMPT_REQ}`, at: 'required = false', line: L + 4 }],
  },
  {
    id: 'eff-prompt-default-defaults-not-inherited',
    rule: '3.15 [profiles.default.defaults] never reaches other profiles',
    body: '[profiles.default]\nP = { description = "p", prompt = true }\n[profiles.default.defaults]\nrequired = true\n[profiles.prod]\n',
    expect: [],
  },
  {
    id: 'eff-prompt-own-profile-default',
    rule: '4.4 D.default + prompt in the same profile',
    body: '[profiles.default]\nP = { description = "p", prompt = true }\n[profiles.default.defaults]\ndefault = "x"\n',
    expect: [{ severity: 'error', code: 'prompt-conflict', message: PROMPT_CLASH, line: L + 3 }],
  },
  {
    id: 'eff-prompt-generate-table',
    rule: '3.4.5 prompt with an enabled generate table',
    body: '[profiles.default]\nP = { description = "p", type = "password", prompt = true, generate = {} }\n',
    expect: [{ severity: 'error', code: 'prompt-conflict', message: PROMPT_CLASH, at: 'generate' }],
  },
  {
    id: 'eff-extract-inherited-generate-override',
    rule: '3.9 extract inherited, generate enabled in override',
    body: '[profiles.default]\nK = { description = "k", type = "password", extract = { format = "json", pointer = "/x" } }\n[profiles.prod]\nK = { generate = true }\n',
    expect: [{ severity: 'error', code: 'extract-with-generate', message: `Profile 'prod': Secret 'K': \`extract\` cannot be combined with enabled \`generate\``, line: L + 3 }],
  },
  {
    id: 'eff-extract-prompt',
    rule: '3.9 extract with prompt = true',
    body: '[profiles.default]\nK = { description = "k", prompt = true, extract = { format = "json", pointer = "/x" } }\n',
    expect: [{ severity: 'error', code: 'prompt-conflict', message: PROMPT_CLASH, at: 'extract' }],
  },
  {
    id: 'eff-ini-pointers',
    rule: '3.9 INI pointer grammar: trailing empty segment, no slash, then ~ escape',
    body: '[profiles.default]\nA = { description = "a", extract = { format = "ini", pointer = "/s/" } }\nB = { description = "b", extract = { format = "ini", pointer = "token" } }\nC = { description = "c", extract = { format = "ini", pointer = "/s/a~2" } }\n',
    expect: [
      { severity: 'error', code: 'invalid-extract-pointer', message: `Secret 'A': ${INI}`, at: '"/s/"' },
      { severity: 'error', code: 'invalid-extract-pointer', message: `Secret 'B': ${INI}`, at: '"token"' },
      { severity: 'error', code: 'invalid-extract-pointer', message: "Secret 'C': `extract.pointer` has an invalid `~` escape at byte 4", at: '"/s/a~2"' },
    ],
  },
  {
    id: 'eff-json-pointer-bytes',
    rule: '3.9 the ~ offset is in UTF-8 bytes; a trailing ~ is invalid',
    body: '[profiles.default]\nA = { description = "a", extract = { format = "json", pointer = "/é~x" } }\nB = { description = "b", extract = { format = "json", pointer = "/a~" } }\n',
    expect: [
      { severity: 'error', code: 'invalid-extract-pointer', message: 'invalid `~` escape at byte 3' },
      { severity: 'error', code: 'invalid-extract-pointer', message: 'invalid `~` escape at byte 2' },
    ],
  },
  {
    id: 'eff-ref-blank-header',
    rule: '3.4.7 blank ref coordinate in a standard sub-table',
    body: '[profiles.default.A]\ndescription = "a"\n[profiles.default.A.ref]\nitem = " "\n',
    expect: [{ severity: 'error', code: 'ref-blank-coordinate', message: "`ref` coordinate `item` cannot be empty or whitespace", at: '" "', line: L + 3 }],
  },
  {
    id: 'eff-ref-blank-all',
    rule: '3.4.7 every blank coordinate, in SecretSpec order (vault, item, section, field, version)',
    body: '[profiles.default]\nA = { description = "a", ref = { item = "x", version = "", field = " " } }\n',
    expect: [
      { severity: 'error', code: 'ref-blank-coordinate', message: '`ref` coordinate `field` cannot be empty', at: '" "' },
      { severity: 'error', code: 'ref-blank-coordinate', message: '`ref` coordinate `version` cannot be empty', at: '""' },
    ],
  },
  {
    id: 'eff-refs-blank-coordinate',
    rule: '3.4.9 blank refs coordinate',
    body: '[providers]\nprod = "onepassword://V"\n[profiles.default]\nA = { description = "a", refs = { prod = { item = "x", vault = "" } } }\n',
    expect: [{ severity: 'error', code: 'refs-blank-coordinate', message: '`refs.prod` coordinate `vault` cannot be empty or whitespace', at: '""' }],
  },
  {
    id: 'eff-ref-form-replaced',
    rule: '3.15 ref/refs are one unit: an override ref replaces inherited refs',
    body: '[providers]\nprod = "onepassword://V"\n[profiles.default]\nA = { description = "a", refs = { prod = { item = "x" } } }\n[profiles.prod]\nA = { ref = { item = "y" } }\n',
    expect: [],
  },

  // ---- §3.2 shape errors ----
  {
    id: 'shape-ref-and-refs-header',
    rule: '3.2 ref and refs in one declaration written as tables',
    body: '[profiles.default.A]\ndescription = "a"\nref = { item = "x" }\n[profiles.default.A.refs.remote]\nitem = "y"\n',
    expect: [
      { severity: 'error', code: 'ref-and-refs', message: '`ref` and `refs` cannot both be set' },
      { severity: 'warning', code: 'refs-undefined-alias', message: "Secret 'A' defines `refs.remote`, but provider alias 'remote' is not defined", at: 'remote' },
    ],
  },
  {
    id: 'shape-ref-dotted-typo',
    rule: '3.2 unknown ref key through dotted keys',
    body: '[profiles.default]\nA.description = "a"\nA.ref.item = "x"\nA.ref.filed = "y"\n',
    expect: [{ severity: 'error', code: 'unknown-field', message: 'unknown field `filed`, expected one of `item`, `field`, `vault`, `section`, `version`', at: 'filed', line: L + 3 }],
  },
  {
    id: 'shape-ref-string-4-segments',
    rule: '3.2 op:// string ref with a section',
    body: '[profiles.default]\nA = { description = "a", ref = "op://V/I/S/F" }\n',
    expect: [{ severity: 'error', code: 'ref-not-table', message: 'Use: ref = { vault = "V", item = "I", section = "S", field = "F" }' }],
  },
  {
    id: 'shape-ref-string-other',
    rule: '3.2 non-URI string ref',
    body: '[profiles.default]\nA = { description = "a", ref = "db/password" }\n',
    expect: [{ severity: 'error', code: 'ref-not-table', message: "`ref` takes a table of native secret coordinates, not a string: got 'db/password'." }],
  },
  {
    id: 'shape-ref-integer',
    rule: '3.2 ref of another type',
    body: '[profiles.default]\nA = { description = "a", ref = 3 }\n',
    expect: [{ severity: 'error', code: 'invalid-type', message: 'invalid type: integer `3`, expected a table of native secret coordinates like { item = "db", field = "password" }', at: '3' }],
  },
  {
    id: 'shape-refs-missing-item',
    rule: '3.2 refs.<alias> without item',
    body: '[providers]\nprod = "onepassword://V"\n[profiles.default]\nA = { description = "a", refs = { prod = { field = "x" } } }\n',
    expect: [{ severity: 'error', code: 'missing-field', message: 'missing field `item`' }],
  },
  {
    id: 'shape-required-variants',
    rule: '3.2 required: string, int group, extra key, mixed array → untagged enum',
    body: '[profiles.default]\nA = { description = "a", required = "yes" }\nB = { description = "b", required = { at_least_one = 3 } }\nC = { description = "c", required = { at_least_one = "g", bogus = 1 } }\nD = { description = "d", required = { at_least_one = ["g", 1] } }\n',
    expect: [
      { severity: 'error', code: 'invalid-required', message: 'data did not match any variant of untagged enum RequiredSetting', line: L + 1 },
      { severity: 'error', code: 'invalid-required', message: 'data did not match any variant of untagged enum RequiredSetting', line: L + 2 },
      { severity: 'error', code: 'invalid-required', message: 'data did not match any variant of untagged enum RequiredSetting', line: L + 3 },
      { severity: 'error', code: 'invalid-required', message: 'data did not match any variant of untagged enum RequiredSetting', line: L + 4 },
    ],
  },
  {
    id: 'shape-required-empty-header',
    rule: '3.2 empty required table written as a header',
    body: '[profiles.default.K]\ndescription = "k"\n[profiles.default.K.required]\n',
    expect: [{ severity: 'error', code: 'empty-required-table', message: '`required` table must set `at_least_one` or `exactly_one`' }],
  },
  {
    id: 'shape-generate-variants',
    rule: '3.2 generate: negative, string, float length; int charset → untagged enum',
    body: '[profiles.default]\nA = { description = "a", type = "password", generate = { length = -1 } }\nB = { description = "b", type = "password", generate = { length = "64" } }\nC = { description = "c", type = "password", generate = { length = 1.5 } }\nD = { description = "d", type = "password", generate = { charset = 1 } }\n',
    expect: [
      { severity: 'error', code: 'invalid-generate', message: 'data did not match any variant of untagged enum GenerateConfig', at: '{ length = -1 }' },
      { severity: 'error', code: 'invalid-generate', message: 'untagged enum GenerateConfig', at: '{ length = "64" }' },
      { severity: 'error', code: 'invalid-generate', message: 'untagged enum GenerateConfig', at: '{ length = 1.5 }' },
      { severity: 'error', code: 'invalid-generate', message: 'untagged enum GenerateConfig', at: '{ charset = 1 }' },
    ],
  },
  {
    id: 'shape-scalar-types',
    rule: '3.2 wrong scalar types give serde texts',
    body: '[profiles.default]\nA = { description = "a", as_path = "true" }\nB = { description = 5 }\nC = { description = "c", providers = "keyring" }\nD = { description = "d", encoding = 64 }\n',
    expect: [
      { severity: 'error', code: 'invalid-type', message: 'invalid type: string "true", expected a boolean', at: '"true"' },
      { severity: 'error', code: 'invalid-type', message: 'invalid type: integer `5`, expected a string', at: '5' },
      { severity: 'error', code: 'invalid-type', message: 'invalid type: string "keyring", expected a sequence', at: '"keyring"' },
      { severity: 'error', code: 'invalid-type', message: 'invalid type: integer `64`, expected string or map', at: '64' },
    ],
  },
  {
    id: 'shape-encoding-case',
    rule: '3.2 encoding spellings are case-sensitive',
    body: '[profiles.default]\nA = { description = "a", encoding = "Base64" }\n',
    expect: [{ severity: 'error', code: 'invalid-encoding', message: 'unknown variant `Base64`, expected one of `base64`, `base64url`, `hex`', at: '"Base64"' }],
  },
  {
    id: 'shape-extract-header',
    rule: '3.2 extract format in a standard sub-table',
    body: '[profiles.default.K]\ndescription = "k"\n[profiles.default.K.extract]\nformat = "yaml"\npointer = "/x"\n',
    expect: [{ severity: 'error', code: 'invalid-extract-format', message: 'unknown variant `yaml`, expected `json` or `ini`', at: '"yaml"', line: L + 3 }],
  },
  {
    id: 'shape-extract-missing-pointer',
    rule: '3.2 extract without pointer',
    body: '[profiles.default]\nK = { description = "k", extract = { format = "json" } }\n',
    expect: [{ severity: 'error', code: 'missing-field', message: 'missing field `pointer`' }],
  },
  {
    id: 'shape-only-broken-secret',
    rule: '1 a non-table secret is a shape error, and the profile is not also "empty"',
    body: '[profiles.default]\nA = 1\n',
    expect: [{ severity: 'error', code: 'invalid-type', message: 'invalid type: integer `1`, expected struct SecretSerde', at: '1' }],
    absent: ['empty-profile'],
  },
  {
    id: 'shape-array-of-tables-secret',
    rule: '1 [[profiles.default.A]] is a sequence, read by position: its table is the description, and 12 fields are missing',
    body: '[[profiles.default.A]]\ndescription = "a"\n',
    expect: [
      { severity: 'error', code: 'invalid-type', message: 'invalid type: map, expected a string', at: '[[profiles.default.A]]' },
      { severity: 'error', code: 'invalid-length', message: 'invalid length 1, expected struct SecretSerde with 13 elements', at: 'A' },
    ],
    absent: ['empty-profile'],
  },
  {
    id: 'shape-only-broken-profile',
    rule: '4.2 a non-table profile is a shape error, and `profiles` is not also "empty"',
    body: '[profiles]\ndefault = 1\n',
    expect: [{ severity: 'error', code: 'invalid-type', message: 'invalid type: integer `1`, expected struct Profile', at: '1' }],
    absent: ['no-profiles'],
  },

  // ---- §1/§2 unknown keys: Information with did-you-mean ----
  {
    id: 'ignored-secret-keys',
    rule: '1 unknown declaration keys are ignored: Information with did-you-mean',
    body: '[profiles.default]\nA = { description = "a", Description = "a", provider = ["env"], as_paths = true }\n',
    expect: [
      { severity: 'information', code: 'ignored-key', message: 'SecretSpec ignores `Description` in the declaration of \'A\'; did you mean `description`?', at: 'Description' },
      { severity: 'information', code: 'ignored-key', message: 'did you mean `providers`?', at: 'provider' },
      { severity: 'information', code: 'ignored-key', message: 'did you mean `as_path`?', at: 'as_paths' },
    ],
  },
  {
    id: 'ignored-secret-key-header',
    rule: '1 unknown declaration key in a standard table',
    body: '[profiles.default.A]\ndescription = "a"\nrequried = false\n',
    expect: [{ severity: 'information', code: 'ignored-key', message: 'did you mean `required`?', at: 'requried', line: L + 2 }],
  },
  {
    id: 'ignored-generate-option-header',
    rule: '1 unknown generate option in a standard sub-table',
    body: '[profiles.default.K]\ndescription = "k"\ntype = "password"\n[profiles.default.K.generate]\nlenght = 3\n',
    expect: [{ severity: 'information', code: 'ignored-key', message: 'did you mean `length`?', at: 'lenght' }],
  },
  {
    id: 'ignored-defaults-header-fields',
    rule: '1 [profiles.<p>.defaults] drops description/as_path/bogus: Information, not the reserved-name warning',
    body: `${A}[profiles.default.defaults]\ndescription = "x"\nas_path = true\nrequird = false\n`,
    expect: [
      { severity: 'information', code: 'ignored-key', message: 'SecretSpec ignores `description` in [profiles.default.defaults]', at: 'description' },
      { severity: 'information', code: 'ignored-key', message: 'SecretSpec ignores `as_path`', at: 'as_path' },
      { severity: 'information', code: 'ignored-key', message: 'did you mean `required`?', at: 'requird' },
    ],
    absent: ['defaults-reserved'],
  },
  {
    id: 'reserved-defaults-dotted',
    rule: '3.3.1 `defaults` written like a secret (dotted) still warns once',
    body: `${A}defaults.description = "x"\ndefaults.as_path = true\n`,
    expect: [{ severity: 'warning', code: 'defaults-reserved', message: '`defaults` is reserved for profile defaults', at: 'defaults' }],
  },
  {
    id: 'ignored-project-key',
    rule: '2 unknown [project] key',
    body: 'require-reason = true\n[profiles.default]\nA = { description = "a" }\n',
    expect: [{ severity: 'information', code: 'ignored-key', message: 'did you mean `require_reason`?', at: 'require-reason' }],
  },
  {
    id: 'ignored-root-tables',
    rule: '1 unknown root tables, with did-you-mean; `profiles` still required',
    body: '[Profiles.default]\nA = { description = "a" }\n[provider]\nx = "keyring"\n',
    expect: [
      { severity: 'information', code: 'ignored-table', message: 'did you mean `profiles`?', at: 'Profiles' },
      { severity: 'information', code: 'ignored-table', message: 'did you mean `providers`?', at: 'provider' },
      { severity: 'error', code: 'missing-field', message: 'missing field `profiles`' },
    ],
  },
  {
    id: 'ignored-scope-key',
    rule: '6 unknown [scopes.<s>] key; a misspelt `secrets` leaves it missing',
    body: `${A}[scopes.api]\nsecret = ["A"]\n`,
    expect: [
      { severity: 'information', code: 'ignored-key', message: 'did you mean `secrets`?', at: 'secret' },
      { severity: 'error', code: 'missing-field', message: 'missing field `secrets`', at: 'api' },
    ],
  },
  {
    id: 'x-table-unowned',
    rule: 'provider-protocol §7 x-* tables are never errors',
    body: `[x-editor]\ntheme = "dark"\n${A}`,
    expect: [{ severity: 'information', code: 'extension-unowned', message: 'SecretSpec ignores it', at: 'x-editor' }],
    absent: ['ignored-table'],
  },
  {
    id: 'x-key-not-table',
    rule: 'provider-protocol §7 an x-* key that is not a table',
    files: { 'secretspec.toml': `x-foo = 1\n${HEADER}${A}` },
    expect: [{ severity: 'warning', code: 'extension-not-table', message: '`x-foo` should be a table', at: 'x-foo', line: 0 }],
  },

  // ---- §2 project ----
  {
    id: 'project-whitespace-name',
    rule: '2 whitespace-only name is accepted',
    files: { 'secretspec.toml': `[project]\nname = "  "\nrevision = "1.0"\n${A}` },
    expect: [],
  },
  {
    id: 'project-revision-odd',
    rule: '2 revision must be exactly "1.0"',
    files: { 'secretspec.toml': `[project]\nname = "a"\nrevision = " 1.0"\n${A}` },
    expect: [{ severity: 'error', code: 'unsupported-revision', message: "Unsupported secretspec revision ' 1.0'", at: '" 1.0"', line: 2 }],
  },
  {
    id: 'project-require-reason-types',
    rule: '2 require_reason: case-sensitive "agents", other types',
    files: { 'secretspec.toml': `[project]\nname = "a"\nrevision = "1.0"\nrequire_reason = "Agents"\n${A}` },
    expect: [{ severity: 'error', code: 'invalid-require-reason', message: `invalid require_reason value 'Agents': expected true, false, or "agents"`, at: '"Agents"' }],
  },
  {
    id: 'project-require-reason-float',
    rule: '2 require_reason float',
    files: { 'secretspec.toml': `[project]\nname = "a"\nrevision = "1.0"\nrequire_reason = 1.5\n${A}` },
    expect: [{ severity: 'error', code: 'invalid-type', message: 'invalid type: floating point `1.5`, expected a boolean or the string "agents"', at: '1.5' }],
  },
  {
    id: 'project-float-rendering',
    rule: "2 serde shows floats as Rust does: no exponent, `.0` on whole numbers, `inf`",
    files: { 'secretspec.toml': `[project]\nname = "a"\nrevision = 1.5e-7\nrequire_reason = inf\n[profiles.default]\nA = { description = -0.0, as_path = 2e3 }\n` },
    expect: [
      { severity: 'error', code: 'invalid-type', message: 'invalid type: floating point `0.00000015`, expected a string', at: '1.5e-7' },
      { severity: 'error', code: 'invalid-type', message: 'invalid type: floating point `inf`, expected a boolean or the string "agents"', at: 'inf' },
      { severity: 'error', code: 'invalid-type', message: 'invalid type: floating point `-0.0`, expected a string', at: '-0.0' },
      { severity: 'error', code: 'invalid-type', message: 'invalid type: floating point `2000.0`, expected a boolean', at: '2e3' },
    ],
  },
  {
    id: 'project-extends-string',
    rule: '2 extends must be an array',
    files: { 'secretspec.toml': `[project]\nname = "a"\nrevision = "1.0"\nextends = "../x"\n${A}` },
    expect: [{ severity: 'error', code: 'invalid-type', message: 'invalid type: string "../x", expected a sequence', at: '"../x"' }],
  },

  // ---- §4 profiles ----
  {
    id: 'profile-empty-no-default',
    rule: '4.3 an empty non-default profile needs [profiles.default] to inherit from',
    body: '[profiles.prod.defaults]\ninherit = true\n',
    expect: [{ severity: 'error', code: 'empty-profile', message: "Profile 'prod': Profile must define at least one secret", at: 'prod' }],
  },
  {
    id: 'profile-default-only-defaults',
    rule: '4.3 default can never be empty, even with a defaults table',
    body: '[profiles.default.defaults]\nrequired = false\n',
    expect: [{ severity: 'error', code: 'empty-profile', message: "Profile 'default': Profile must define at least one secret" }],
  },
  {
    id: 'profile-defaults-types',
    rule: '4.4 defaults fields: inherit bool, default string, providers sequence',
    body: `${A}[profiles.p.defaults]\ninherit = "no"\ndefault = 1\nproviders = "keyring"\n`,
    expect: [
      { severity: 'error', code: 'invalid-type', message: 'invalid type: string "no", expected a boolean', at: '"no"' },
      { severity: 'error', code: 'invalid-type', message: 'invalid type: integer `1`, expected a string', at: '1' },
      { severity: 'error', code: 'invalid-type', message: 'invalid type: string "keyring", expected a sequence', at: '"keyring"' },
    ],
  },
  {
    id: 'profile-defaults-default-generate',
    rule: '4.4 D.default reaching an inherited generate (defaults before secrets)',
    body: '[profiles.default]\nT = { description = "t", type = "password", generate = true }\n[profiles.prod.defaults]\ndefault = "placeholder"\n[profiles.prod]\nOTHER = { description = "o" }\n',
    expect: [{ severity: 'error', code: 'generate-with-default', message: `Profile 'prod': Secret 'T': ${GEN_DEFAULT}`, line: L + 3 }],
  },
  {
    id: 'group-singleton-prod-only',
    rule: '4.7 exactly_one singleton in a non-default profile',
    body: `${A}[profiles.prod]\nP = { description = "p", required = { exactly_one = "g" } }\n`,
    expect: [{ severity: 'error', code: 'group-too-small', message: "Profile 'prod': exactly_one group 'g' must contain at least two secrets", at: '"g"' }],
  },
  {
    id: 'group-filled-by-inheritance',
    rule: '4.7 groups are per effective profile: prod is complete, default is not',
    body: '[profiles.default]\nA = { description = "a", required = { at_least_one = "g" } }\n[profiles.prod]\nB = { description = "b", required = { at_least_one = "g" } }\n',
    expect: [{ severity: 'error', code: 'group-too-small', message: "Profile 'default': at_least_one group 'g' must contain at least two secrets" }],
    absent: [],
  },
  {
    id: 'group-mixed-by-inheritance',
    rule: '4.7 mode mixing across inherited and own members',
    body: '[profiles.default]\nA = { description = "a", required = { at_least_one = "g" } }\nB = { description = "b", required = { at_least_one = "g" } }\n[profiles.prod]\nC = { description = "c", required = { exactly_one = "g" } }\n',
    expect: [{ severity: 'error', code: 'group-mixed-modes', message: "Profile 'prod': group 'g' cannot mix at_least_one and exactly_one membership", at: '"g"', line: L + 4 }],
  },
  {
    id: 'group-same-name-both-modes',
    rule: '3.5 both modes on one secret must use different names',
    body: '[profiles.default]\nA = { description = "a", required = { at_least_one = "g", exactly_one = "g" } }\nB = { description = "b", required = { at_least_one = "g", exactly_one = "g" } }\n',
    expect: [{ severity: 'error', code: 'group-mixed-modes', message: "group 'g' cannot mix at_least_one and exactly_one membership" }],
  },
  {
    id: 'group-standalone-profile',
    rule: '4.7 inherit=false profile with one member of a group default fills',
    body: '[profiles.default]\nA = { description = "a", required = { at_least_one = "g" } }\nB = { description = "b", required = { at_least_one = "g" } }\n[profiles.prod.defaults]\ninherit = false\n[profiles.prod]\nA = { description = "a", required = { at_least_one = "g" } }\n',
    expect: [{ severity: 'error', code: 'group-too-small', message: "Profile 'prod': at_least_one group 'g' must contain at least two secrets", line: L + 6 }],
  },
  {
    id: 'group-duplicate-dotted',
    rule: '3.4.2 duplicate group name through dotted keys',
    body: '[profiles.default.A]\ndescription = "a"\nrequired.exactly_one = ["g", "g"]\n[profiles.default.B]\ndescription = "b"\nrequired.exactly_one = "g"\n',
    expect: [{ severity: 'error', code: 'group-name-duplicate', message: "Profile 'default': Secret 'A': `exactly_one` contains duplicate group name 'g'", line: L + 2 }],
  },
  {
    id: 'group-blank-in-array',
    rule: '3.4.2 a blank name inside a group array',
    body: '[profiles.default]\nA = { description = "a", required = { at_least_one = ["g", ""] } }\nB = { description = "b", required = { at_least_one = "g" } }\n',
    expect: [{ severity: 'error', code: 'group-name-blank', message: '`at_least_one` group name cannot be empty or whitespace', at: '""' }],
  },

  // ---- §7 composed ----
  {
    id: 'composed-standalone-missing-ref',
    rule: '7.2 a standalone profile does not see default secrets',
    body: '[profiles.default]\nA = { description = "a" }\nC = { description = "c", composed = "${A}" }\n[profiles.prod.defaults]\ninherit = false\n[profiles.prod]\nC = { description = "c", composed = "${A}" }\n',
    expect: [{ severity: 'error', code: 'composed-unknown-reference', message: "Profile 'prod': Secret 'C': composed reference `${A}` does not name a declared secret", at: '${A}', line: L + 6 }],
  },
  {
    id: 'composed-other-profile-ok',
    rule: '7.2 references resolve within the effective profile (inherited included)',
    body: `${A}[profiles.prod]\nB = { description = "b" }\nC = { description = "c", composed = "\${A}-\${B}" }\n`,
    expect: [],
  },
  {
    id: 'composed-cycle-prod-only',
    rule: '7.2 a cycle created by overrides in one profile',
    body: '[profiles.default]\nA = { description = "a" }\nB = { description = "b" }\n[profiles.prod]\nA = { composed = "${B}" }\nB = { composed = "${A}" }\n',
    expect: [{ severity: 'error', code: 'composed-cycle', message: "Profile 'prod': composed secret cycle: A -> B -> A" }],
  },
  {
    id: 'composed-profile-defaults-ignored',
    rule: '7.3 D.default / D.providers are not applied to composed secrets',
    body: `${A}[profiles.prod]\nC = { description = "c", composed = "\${A}" }\n[profiles.prod.defaults]\ndefault = "x"\nproviders = ["env"]\n`,
    expect: [],
  },
  {
    id: 'composed-empty-providers',
    rule: '3.13 providers = [] still counts as set for composed',
    body: '[profiles.default]\nA = { description = "a" }\nC = { description = "c", composed = "${A}", providers = [] }\n',
    expect: [{ severity: 'error', code: 'composed-conflict', message: COMPOSED_CLASH, at: 'providers' }],
  },
  {
    id: 'composed-disabling-values-ok',
    rule: '3.4.4 prompt=false and generate=false are allowed with composed',
    body: '[profiles.default]\nA = { description = "a" }\nC = { description = "c", composed = "${A}", prompt = false, generate = false, as_path = true }\n',
    expect: [],
  },
  {
    id: 'composed-header-type',
    rule: '3.4.4 composed + type in a standard table',
    body: '[profiles.default]\nA = { description = "a" }\n[profiles.default.C]\ndescription = "c"\ncomposed = "${A}"\ntype = "password"\n',
    expect: [{ severity: 'error', code: 'composed-conflict', message: COMPOSED_CLASH, at: 'type', line: L + 5 }],
  },
  {
    id: 'composed-override-adds-providers',
    rule: '7.3 an override cannot give a composed secret storage fields',
    body: '[profiles.default]\nU = { description = "u" }\nURL = { description = "url", composed = "${U}" }\n[profiles.prod.URL]\nproviders = ["env"]\n',
    expect: [{ severity: 'error', code: 'composed-conflict', message: `Profile 'prod': Secret 'URL': ${COMPOSED_CLASH}`, at: 'providers' }],
  },
  {
    id: 'composed-template-grammar',
    rule: '7.1 ${}, ${ A }, ${_A}, "", {A} and $$$',
    body: '[profiles.default]\nA = { description = "a" }\n_A = { description = "u" }\nB = { description = "b", composed = "${}" }\nC = { description = "c", composed = "${ A }" }\nD = { description = "d", composed = "${_A}" }\nE = { description = "e", composed = "" }\nF = { description = "f", composed = "{A}" }\nG = { description = "g", composed = "$$${A}" }\n',
    expect: [
      { severity: 'error', code: 'composed-template', message: 'invalid composed reference `${}`; names must match `[A-Z][A-Z0-9_]*`', at: '${}' },
      { severity: 'error', code: 'composed-template', message: 'invalid composed reference `${ A }`', at: '${ A }' },
      { severity: 'error', code: 'composed-template', message: 'invalid composed reference `${_A}`', at: '${_A}' },
      { severity: 'error', code: 'composed-template', message: "Secret 'E': a composed template must reference at least one declared secret", at: '""' },
      { severity: 'error', code: 'composed-template', message: "Secret 'F': a composed template must reference at least one declared secret", at: '{A}' },
    ],
  },
  {
    id: 'composed-every-unknown-ref',
    rule: '0.3 every unknown reference of one template',
    body: '[profiles.default.C]\ndescription = "c"\ncomposed = """pg://${X}/${Y}"""\n',
    expect: [
      { severity: 'error', code: 'composed-unknown-reference', message: 'composed reference `${X}`', at: '${X}' },
      { severity: 'error', code: 'composed-unknown-reference', message: 'composed reference `${Y}`', at: '${Y}' },
    ],
  },

  // ---- §6 scopes ----
  {
    id: 'scope-dotted-and-case',
    rule: '6 dotted scope, case-sensitive names, entry ranges on multi-line arrays',
    body: `${A}[scopes]\napi.secrets = [\n  "A",\n  "a",\n]\n`,
    expect: [{ severity: 'error', code: 'scope-unknown-secret', message: "Scope 'api' references secret 'a', which is not declared in any profile", at: '"a"', line: L + 5 }],
  },
  {
    id: 'scope-inherited-and-standalone',
    rule: '6 members may be inherited or only in a standalone profile',
    body: '[profiles.default]\nA = { description = "a" }\n[profiles.p.defaults]\ninherit = false\n[profiles.p]\nB = { description = "b" }\n[profiles.q]\n[scopes.api]\nsecrets = ["A", "B"]\n',
    expect: [],
  },
  {
    id: 'scope-whitespace-name',
    rule: '6.1 a whitespace-only scope name',
    body: `${A}[scopes."  "]\nsecrets = ["A"]\n`,
    expect: [{ severity: 'error', code: 'scope-blank-name', message: 'Scope names cannot be empty', at: '"  "' }],
  },
  {
    id: 'scope-all-problems',
    rule: '6 every scope problem, sorted scopes',
    body: `${A}[scopes.b]\nsecrets = []\n[scopes.a]\nsecrets = ["A", "A", "Z", " "]\n`,
    expect: [
      { severity: 'error', code: 'scope-empty', message: "Scope 'b' lists no secrets; a scope must name at least one", at: '[]' },
      { severity: 'error', code: 'scope-duplicate-entry', message: "Scope 'a' lists secret 'A' more than once" },
      { severity: 'error', code: 'scope-unknown-secret', message: "Scope 'a' references secret 'Z'", at: '"Z"' },
      { severity: 'error', code: 'scope-blank-entry', message: "Scope 'a' lists an empty secret name", at: '" "' },
    ],
  },

  // ---- §5 providers: aliases, cache, credentials ----
  {
    id: 'alias-header-unknown-key',
    rule: '5.3 unknown key in a [providers.<a>] standard table',
    body: `[providers.bws]\nuri = "bws://${UUID}"\nurl = "x"\n${A}`,
    expect: [{ severity: 'error', code: 'unknown-field', message: 'unknown field `url`, expected one of `uri`, `credentials`, `ref`, `fallback`, `cache`', at: 'url' }],
  },
  {
    id: 'alias-header-empty',
    rule: '5.3 an empty alias table (header)',
    body: `[providers.p]\n${A}`,
    expect: [{ severity: 'error', code: 'alias-without-uri', message: 'a provider alias table requires uri or fallback plus cache' }],
  },
  {
    id: 'alias-other-types',
    rule: '5.2 alias value of another type',
    body: `[providers]\np = 3\nq = ["keyring"]\n${A}`,
    expect: [
      { severity: 'error', code: 'invalid-alias', message: 'invalid type: integer `3`, expected a provider URI string, a { uri, credentials, cache } table, or a { fallback, cache } table', at: '3' },
      { severity: 'error', code: 'invalid-alias', message: 'invalid type: sequence, expected a provider URI string', at: '["keyring"]' },
    ],
  },
  {
    id: 'alias-cached-empty-credentials',
    rule: '5.3 fallback+cache with credentials = {} is still refused',
    body: `[providers]\ns = "akv://v"\np = { fallback = ["s"], cache = { provider = "keyring", max_age = "1h" }, credentials = {} }\n${A}`,
    expect: [{ severity: 'error', code: 'cached-alias-credentials', message: 'a cached provider alias cannot declare credentials; put credentials on its leaf fallback aliases', at: 'credentials' }],
  },
  {
    id: 'alias-fallback-blank-entry',
    rule: '5.3 any blank fallback entry',
    body: `[providers]\ns = "akv://v"\np = { fallback = ["s", " "], cache = { provider = "keyring", max_age = "1h" } }\n${A}`,
    expect: [{ severity: 'error', code: 'cached-alias-empty-fallback', message: 'a cached provider alias requires at least one non-empty fallback', at: '" "' }],
  },
  {
    id: 'cache-shape',
    rule: '5.4 cache: unknown key, missing max_age, integer max_age',
    body: `[providers]\na = { uri = "akv://v", cache = { provider = "keyring", max_age = "1h", ttl = 1 } }\nb = { uri = "akv://v", cache = { provider = "keyring" } }\nc = { uri = "akv://v", cache = { provider = "keyring", max_age = 3600 } }\n${A}`,
    expect: [
      { severity: 'error', code: 'unknown-field', message: 'unknown field `ttl`, expected `provider` or `max_age`', at: 'ttl' },
      { severity: 'error', code: 'missing-field', message: 'missing field `max_age`' },
      { severity: 'error', code: 'invalid-type', message: 'invalid type: integer `3600`, expected a string', at: '3600' },
    ],
  },
  {
    id: 'cache-max-age-grammar',
    rule: '5.4 max_age: blank, no digit, space, trailing number, unit case, unknown unit, zero, overflow',
    body:
      '[providers]\n' +
      ['  ', 'h', '1h 30m', '1h30', '8H', '1.5h', '0h0m', '99999999999999999999w']
        .map((v, i) => `p${i} = { uri = "akv://v", cache = { provider = "keyring", max_age = ${JSON.stringify(v)} } }`)
        .join('\n') +
      `\nok = { uri = "akv://w", cache = { provider = "keyring", max_age = " 1w2d3h4m5s " } }\n${A}`,
    expect: [
      { severity: 'error', code: 'invalid-max-age', message: 'cache max_age must not be empty', line: L + 1 },
      { severity: 'error', code: 'invalid-max-age', message: "invalid cache max_age 'h'; expected a duration such as '30m', '8h', or '1d'" },
      { severity: 'error', code: 'invalid-max-age', message: "invalid cache max_age '1h 30m'; expected a duration such as" },
      { severity: 'error', code: 'invalid-max-age', message: "invalid cache max_age '1h30'; every number needs a unit (s, m, h, d, or w)" },
      { severity: 'error', code: 'invalid-max-age', message: "invalid cache max_age '8H'; supported units are s, m, h, d, and w" },
      { severity: 'error', code: 'invalid-max-age', message: "invalid cache max_age '1.5h'; supported units are s, m, h, d, and w" },
      { severity: 'error', code: 'invalid-max-age', message: 'cache max_age must be greater than zero' },
      { severity: 'error', code: 'invalid-max-age', message: "cache max_age '99999999999999999999w' is too large" },
    ],
  },
  {
    id: 'template-header-placeholder',
    rule: '5.5 alias ref template in a standard sub-table; placeholders are case-sensitive',
    body: `[providers.op]\nuri = "onepassword://P"\n[providers.op.ref]\nitem = "{project}"\nvault = "{Profile}"\n${A}`,
    expect: [{ severity: 'error', code: 'invalid-ref-template', message: "invalid provider ref template coordinate `vault`: unknown placeholder `{Profile}` in template '{Profile}'; expected {project}, {profile}, or {key}", at: '"{Profile}"' }],
  },
  {
    id: 'template-brace-and-blank',
    rule: '5.5 unmatched } and blank template coordinate',
    body: `[providers]\na = { uri = "onepassword://P", ref = { item = "x}" } }\nb = { uri = "onepassword://P", ref = { item = "{key}", field = " " } }\n${A}`,
    expect: [
      { severity: 'error', code: 'invalid-ref-template', message: "template 'x}' contains an unmatched `}`", at: '"x}"' },
      { severity: 'error', code: 'invalid-ref-template', message: 'provider ref template coordinate `field` cannot be empty or whitespace', at: '" "' },
    ],
  },
  {
    id: 'credentials-shapes',
    rule: '5.6 credential source: integer, missing provider, unknown key in a header table',
    body: `[providers.bws]\nuri = "bws://${UUID}"\n[providers.bws.credentials]\na = 1\nb = { ref = { item = "x" } }\n[providers.bws.credentials.access_token]\nprovider = "keyring"\nsource = 1\n${A}`,
    expect: [
      { severity: 'error', code: 'invalid-type', message: 'invalid type: integer `1`, expected a provider spec string or a { provider, ref } table', line: L + 3 },
      { severity: 'error', code: 'missing-field', message: 'missing field `provider`' },
      { severity: 'error', code: 'unknown-field', message: 'unknown field `source`, expected `provider` or `ref`', at: 'source' },
      { severity: 'warning', code: 'unsupported-credential', message: "credential 'b' is not supported by provider 'bws' for alias 'bws' (supported credentials: access_token)", at: 'b' },
    ],
  },
  {
    id: 'credentials-route-rules',
    rule: '5.6 [R] unsupported name (inline cached alias), unknown source, cached source, two-hop via table form',
    body:
      '[providers]\n' +
      'azure = { uri = "akv://team", credentials = { token = "keyring" }, cache = { provider = "keyring", max_age = "8h" } }\n' +
      `ghosted = { uri = "bws://${UUID}", credentials = { access_token = "ghost" } }\n` +
      's = "akv://v"\nc = { fallback = ["s"], cache = { provider = "keyring", max_age = "1h" } }\n' +
      `cached = { uri = "bws://${UUID}", credentials = { access_token = "c" } }\n` +
      `chained = { uri = "bws://${UUID}", credentials = { access_token = "keyring" } }\n` +
      `two = { uri = "bws://${UUID}", credentials = { access_token = { provider = "chained", ref = { item = "t" } } } }\n${A}`,
    expect: [
      { severity: 'warning', code: 'unsupported-credential', message: "credential 'token' is not supported by provider 'akv' for alias 'azure' (supported credentials: tenant_id, client_id, client_secret)", at: 'token' },
      { severity: 'warning', code: 'credential-unknown-provider', message: "credential source for 'access_token' in provider alias 'ghosted' names an unknown provider 'ghost'", at: '"ghost"' },
      { severity: 'warning', code: 'cached-alias-as-leaf', message: "cached provider alias 'c' is a complete route and cannot be used where a leaf provider is required", at: '"c"' },
      { severity: 'warning', code: 'credential-chain', message: "provider alias 'chained' cannot be a credential source for 'two' because it declares its own credentials; credential chains are limited to one hop", at: '"chained"' },
    ],
  },
  {
    id: 'routes-cached-misuse',
    rule: '5.7 [R] cached alias in a [defaults].providers chain; cached cache provider; undefined cache and fallback aliases',
    body:
      '[providers]\nlocal = "keyring://"\n' +
      'route = { uri = "akv://v", cache = { provider = "local", max_age = "1h" } }\n' +
      'outer = { uri = "akv://w", cache = { provider = "route", max_age = "1h" } }\n' +
      'lost = { uri = "akv://x", cache = { provider = "ghost", max_age = "1h" } }\n' +
      'fb = { fallback = ["nowhere"], cache = { provider = "local", max_age = "1h" } }\n' +
      `${A}[profiles.default.defaults]\nproviders = ["route", "env"]\n`,
    expect: [
      { severity: 'warning', code: 'cached-alias-in-chain', message: "cached provider alias 'route' is a complete route and cannot be combined with additional entries", at: '"route"', line: L + 9 },
      { severity: 'warning', code: 'nested-cached-alias', message: "cached provider alias 'outer' cannot use cached alias 'route' as a fallback or cache provider", at: '"route"', line: L + 3 },
      { severity: 'warning', code: 'undefined-alias', message: "Provider alias 'ghost' is not defined. Available aliases: fb, local, lost, outer, route", at: '"ghost"' },
      { severity: 'warning', code: 'undefined-alias', message: "Provider alias 'nowhere' is not defined.", at: '"nowhere"' },
    ],
  },
  {
    id: 'routes-cache-stores',
    rule: '5.7 [R] same store across vault/openbao and dotenv spellings; non-deletable cache through an alias',
    body:
      '[providers]\n' +
      'r1 = { uri = "vault://h:8200/secret?auth=approle", cache = { provider = "openbao://h:8200/secret", max_age = "1h" } }\n' +
      'r2 = { uri = "dotenv:./.env", cache = { provider = "dotenv", max_age = "1h" } }\n' +
      'e = "env://"\nr3 = { fallback = ["akv://v"], cache = { provider = "e", max_age = "1h" } }\n' +
      `r4 = { fallback = ["akv://v"], cache = { provider = "fly://app", max_age = "1h" } }\n${A}`,
    expect: [
      { severity: 'warning', code: 'cache-same-store', message: "cached provider alias 'r1' caches into 'openbao://h:8200/secret', which is also its authoritative source 'vault://h:8200/secret'" },
      { severity: 'warning', code: 'cache-same-store', message: "cached provider alias 'r2' caches into" },
      { severity: 'warning', code: 'cache-not-deletable', message: "cached provider alias 'r3' caches into 'env://', which cannot delete secrets", at: '"e"' },
    ],
  },
  {
    id: 'refs-undefined-dotted-prod',
    rule: '5.7 [R] refs key naming an undefined alias, dotted, in another profile',
    body: `${A}[profiles.prod]\nA.refs.ghost.item = "x"\n`,
    expect: [{ severity: 'warning', code: 'refs-undefined-alias', message: "Secret 'A' defines `refs.ghost`, but provider alias 'ghost' is not defined", at: 'ghost', line: L + 3 }],
  },
  {
    id: 'refs-blank-key',
    rule: '3.4.9 a blank refs key',
    body: '[profiles.default]\nA = { description = "a", refs = { " " = { item = "x" } } }\n',
    expect: [{ severity: 'error', code: 'refs-blank-alias', message: '`refs` provider alias cannot be empty or whitespace', at: '" "' }],
  },
  {
    id: 'providers-alias-resolution',
    rule: 'A.2 aliases shadow built-ins, even `1password`; a later undefined entry still warns; leading space is not trimmed',
    body: '[providers]\nkeyring = "keyring://x/{key}"\n1password = "onepassword://V"\n[profiles.default]\nA = { description = "a", providers = ["keyring", "1password", "ghost", " env"] }\n',
    expect: [
      { severity: 'warning', code: 'undefined-alias', message: "Provider alias 'ghost' is not defined. Available aliases: 1password, keyring", at: '"ghost"' },
      { severity: 'warning', code: 'undefined-alias', message: "Provider alias ' env' is not defined.", at: '" env"' },
    ],
  },
  {
    id: 'alias-name-with-scheme-separator',
    rule: '5.8 an alias name containing :// can never be selected',
    body: `[providers]\n"my://alias" = "keyring://"\n${A}`,
    expect: [{ severity: 'information', code: 'alias-name-unselectable', message: "provider alias 'my://alias' contains '://'", at: '"my://alias"' }],
  },
  {
    id: 'uri-password-everywhere',
    rule: 'A.5 a password is refused in an alias uri, a credential source and a plugin URI; the message is redacted',
    body: `[providers]\nv = { uri = "vault://u:hunter2@h/m?token=x", credentials = { token = "vault://u:p@h/m" } }\n[profiles.default]\nA = { description = "a", providers = ["myplug://u:pw@host"] }\n`,
    tolerate: ['plugin-not-installed'],
    expect: [
      { severity: 'warning', code: 'password-in-uri', message: "provider URI 'vault://h/m' carries a password", line: L + 1 },
      { severity: 'warning', code: 'password-in-uri', message: "provider URI 'vault://h/m' carries a password", at: '"vault://u:p@h/m"' },
      { severity: 'warning', code: 'password-in-uri', message: "provider URI 'myplug://host' carries a password", line: L + 3 },
    ],
  },
  {
    id: 'plugin-generic-grammar',
    rule: 'plugin URIs: bad %-escapes, .. segments (also encoded), 1,024 characters after decoding',
    body:
      '[profiles.default]\n' +
      'A = { description = "a", providers = ["myplug://host/%zz"] }\n' +
      'B = { description = "b", providers = ["myplug://host/%2e%2E/x"] }\n' +
      'C = { description = "c", providers = ["myplug://host/a/.."] }\n' +
      `D = { description = "d", providers = ["myplug://${'a'.repeat(1025 - 'myplug://'.length)}"] }\n` +
      `E = { description = "e", providers = ["myplug://${'a'.repeat(1024 - 'myplug://'.length)}"] }\n` +
      `F = { description = "f", providers = ["myplug://h/${'%41'.repeat(1000)}"] }\n` +
      'G = { description = "g", providers = ["myplug://u@host/a..b", "myplug://a%2Fb"] }\n',
    tolerate: ['plugin-not-installed'],
    expect: [
      { severity: 'warning', code: 'invalid-percent-encoding', message: "every '%' must start a percent-escape of two hexadecimal digits", line: L + 1 },
      { severity: 'warning', code: 'dot-dot-segment', message: "a '..' path segment is not allowed in a plugin provider URI", line: L + 2 },
      { severity: 'warning', code: 'dot-dot-segment', message: "a '..' path segment is not allowed", line: L + 3 },
      { severity: 'warning', code: 'uri-too-long', message: 'the URI is 1025 characters long after percent-decoding; plugin provider URIs are limited to 1,024', line: L + 4 },
    ],
  },
  ...validSpecs.map(
    (s, i): AuditCase => ({ id: `uri-valid-${i}`, rule: `A.7 valid: ${s}`, body: spec(s), expect: [] }),
  ),
  ...invalidSpecs.map(
    ([s, code, message], i): AuditCase => ({
      id: `uri-invalid-${i}`,
      rule: `A.7 invalid: ${s}`,
      body: spec(s),
      expect: [{ severity: 'warning', code, message, at: JSON.stringify(s), line: L + 1 }],
    }),
  ),

  // ---- §3.7 generation hints (Information, only for options the type uses) ----
  {
    id: 'hint-options-per-type',
    rule: '3.7 length is password-only, bytes hex/base64-only; charset only for password',
    body: '[profiles.default]\nH = { description = "h", type = "hex", generate = { length = 0, charset = "emoji", bytes = 0 } }\nP = { description = "p", type = "password", generate = { bytes = 0, length = 0, charset = "emoji" } }\n',
    expect: [
      { severity: 'information', code: 'generate-empty', message: '`bytes = 0` generates an empty value', line: L + 1 },
      { severity: 'information', code: 'generate-empty', message: '`length = 0` generates an empty value', line: L + 2 },
      { severity: 'information', code: 'generate-unknown-charset', message: "unknown charset 'emoji'", line: L + 2 },
    ],
  },

  // ---- §8 extends ----
  {
    id: 'extends-inherit-false-persists',
    rule: '8.3 an inherited `inherit = false` persists into the child',
    open: 'app/secretspec.toml',
    files: {
      'base/secretspec.toml': `${project('b')}${A}[profiles.prod.defaults]\ninherit = false\n[profiles.prod]\nB = { description = "b" }\n`,
      'app/secretspec.toml': `${project('app', ['../base'])}[profiles.prod]\nA = { required = true }\n`,
    },
    expect: [{ severity: 'error', code: 'missing-description', message: "Profile 'prod': Secret 'A': missing description", at: 'A', line: 5 }],
  },
  {
    id: 'extends-inherit-true-overrides',
    rule: '8.3 a later `inherit = true` lifts it',
    open: 'app/secretspec.toml',
    files: {
      'base/secretspec.toml': `${project('b')}${A}[profiles.prod.defaults]\ninherit = false\n[profiles.prod]\nB = { description = "b" }\n`,
      'app/secretspec.toml': `${project('app', ['../base'])}[profiles.prod.defaults]\ninherit = true\n[profiles.prod]\nA = { required = true }\n`,
    },
    expect: [],
  },
  {
    id: 'extends-defaults-fieldwise',
    rule: '8.3 defaults merge field by field: the parent D.default meets an inherited generate',
    open: 'app/secretspec.toml',
    files: {
      'base/secretspec.toml': `${project('b')}[profiles.default]\nT = { description = "t", type = "password", generate = true }\n[profiles.prod.defaults]\ndefault = "x"\n`,
      'app/secretspec.toml': `${project('app', ['../base'])}[profiles.prod.defaults]\nrequired = false\n[profiles.prod]\nO = { description = "o" }\n`,
    },
    expect: [{ severity: 'error', code: 'generate-with-default', message: `Profile 'prod': Secret 'T': ${GEN_DEFAULT}`, at: '"../base"' }],
  },
  {
    id: 'extends-later-parent-wins',
    rule: '8.2 for extends = [a, b], b replaces a\'s declaration whole',
    open: 'app/secretspec.toml',
    files: {
      'a/secretspec.toml': `${project('a')}${A}`,
      'b/secretspec.toml': `${project('b')}[profiles.default]\nA = { required = false }\n`,
      'app/secretspec.toml': `${project('app', ['../a', '../b'])}[profiles.default]\nB = { description = "b" }\n`,
    },
    expect: [{ severity: 'error', code: 'missing-description', message: "Profile 'default': Secret 'A': missing description", at: '"../b"' }],
  },
  {
    id: 'extends-diamond-and-aliases',
    rule: '8.2 a shared ancestor is no cycle; parent aliases and secrets are usable',
    open: 'app/secretspec.toml',
    files: {
      'base/secretspec.toml': `${project('base')}[providers]\nshared = "keyring://"\n${A}`,
      'l/secretspec.toml': `${project('l', ['../base'])}[profiles.default]\nL = { description = "l" }\n`,
      'r/secretspec.toml': `${project('r', ['../base'])}[profiles.default]\nR = { description = "r" }\n`,
      'app/secretspec.toml': `${project('app', ['../l', '../r'])}[profiles.default]\nB = { description = "b", composed = "\${A}\${L}\${R}" }\nC = { description = "c", providers = ["shared"] }\n`,
    },
    expect: [],
  },
  {
    id: 'extends-parent-shape-error',
    rule: '8.2 every parent must pass phases 1-3 (revision missing, shape error)',
    open: 'app/secretspec.toml',
    files: {
      'base/secretspec.toml': `[project]\nname = "b"\n${A}`,
      'other/secretspec.toml': `${project('o')}[profiles.default]\nO = { description = "o", encoding = "rot13" }\n`,
      'app/secretspec.toml': `${project('app', ['../base', '../other'])}[profiles.default]\nB = { description = "b" }\n`,
    },
    expect: [
      { severity: 'error', code: 'extends-parent-error', message: 'missing field `revision`', at: '"../base"' },
      { severity: 'error', code: 'extends-parent-error', message: 'unknown variant `rot13`', at: '"../other"' },
    ],
  },
  {
    id: 'extends-not-a-directory',
    rule: '8.1 a target not ending in .toml is a directory',
    files: { 'notes.txt': 'x', 'secretspec.toml': `${project('app', ['./notes.txt'])}${A}` },
    expect: [{ severity: 'error', code: 'extends-not-found', message: '/notes.txt/secretspec.toml', at: '"./notes.txt"' }],
  },
  {
    id: 'extends-empty-entry',
    rule: '8.1 extends = [""] is the file itself: a cycle',
    files: { 'secretspec.toml': `${project('app', [''])}${A}` },
    expect: [{ severity: 'error', code: 'extends-cycle', message: 'is part of a circular dependency chain', at: '""' }],
  },
];
