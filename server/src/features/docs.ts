// What every manifest key means (manifest-rules §1–§6), for completion
// documentation and hovers: one entry per key, keyed by where it may appear.
import { ENCODINGS, SECRET_TYPES } from '../manifest/model';

export interface KeyDoc {
  /** What the key does, one or two sentences. */
  doc: string;
  /** Allowed values, as TOML. */
  values?: readonly string[];
  since?: string;
  /** Snippet inserted after the key (` = …`), LSP snippet syntax. */
  snippet: string;
}

const choice = (values: readonly string[], quoted = true) => `\${1|${values.map((v) => (quoted ? `"${v}"` : v)).join(',')}|}`;

export const PROJECT_KEYS: Record<string, KeyDoc> = {
  name: { doc: 'The project name. Part of every convention storage address (`secretspec/{project}/{profile}/{key}`); cannot be empty.', snippet: '"$1"' },
  revision: { doc: 'Manifest format revision. Must be exactly `"1.0"`.', values: ['"1.0"'], snippet: '"1.0"' },
  extends: { doc: 'Parent manifests merged before this one: directories holding a `secretspec.toml` (or `.toml` files), relative to this file.', snippet: '["$1"]' },
  require_reason: {
    doc: 'Whether reading a secret needs a stated reason: `true` always, `false` never, `"agents"` only for detected AI agents (the default).',
    values: ['true', 'false', '"agents"'],
    snippet: choice(['true', 'false', '"agents"'], false),
  },
};

export const SECRET_FIELD_DOCS: Record<string, KeyDoc> = {
  description: { doc: 'What the secret is for. Required on every effective secret (inherited from `default` when omitted); `""` is rejected.', snippet: '"$1"' },
  required: {
    doc: 'Whether the secret must be present. Defaults to `true` unless it has a `default` or belongs to a presence group. The table form `{ at_least_one = "g" }` / `{ exactly_one = "g" }` puts it in a group.',
    values: ['true', 'false', '{ at_least_one = "…" }', '{ exactly_one = "…" }'],
    since: 'table form 0.17',
    snippet: choice(['true', 'false'], false),
  },
  default: { doc: 'Value used when no provider has the secret. Cannot be combined with `required = true`, `generate` or `prompt = true`.', snippet: '"$1"' },
  composed: { doc: 'A template built from other secrets of the same profile: `${NAME}` references, `$$` for a literal `$`. Composed secrets are never stored.', since: '0.16', snippet: '"\\${$1}"' },
  providers: { doc: 'The provider chain for this secret, tried in order: aliases from `[providers]` or provider URIs.', snippet: '["$1"]' },
  ref: {
    doc: 'Native coordinates of an existing secret in the store: `item` (required) plus `field`, `vault`, `section`, `version` where the provider supports them.',
    since: '0.14',
    snippet: '{ item = "$1" }',
  },
  refs: { doc: 'Per-alias native coordinates: each key is a leaf provider alias, each value a `ref`-shaped table. Cannot be combined with `ref`.', since: '0.19', snippet: '{ ${1:alias} = { item = "$2" } }' },
  as_path: { doc: 'Hand the secret to the program as a path to a temporary file holding the value, instead of the value itself.', values: ['true', 'false'], snippet: choice(['true', 'false'], false) },
  encoding: { doc: 'How the stored value is encoded; SecretSpec decodes it before use.', values: ENCODINGS.map((e) => `"${e}"`), since: '0.19', snippet: choice(ENCODINGS) },
  extract: {
    doc: 'Read one entry out of a structured value: `format` (`"json"`, or `"ini"` since 0.20) and `pointer` (RFC 6901 for JSON, `/section/key` for INI). Extracted secrets are read-only.',
    since: '0.19 (ini 0.20)',
    snippet: '{ format = ${1|"json","ini"|}, pointer = "/$2" }',
  },
  type: {
    doc: 'The kind of value `generate` produces. `openpgp_private_key` needs `generate = { user_id = "Name <email>" }`.',
    values: SECRET_TYPES.map((t) => `"${t}"`),
    since: '0.7 (openpgp_private_key, ssh_private_key 0.21)',
    snippet: choice(SECRET_TYPES),
  },
  generate: {
    doc: 'Generate the value when it is missing. `true` or a table of options (`length`, `bytes`, `bits`, `charset`, `command`; for keys `algorithm`, `user_id`, `capabilities`, `comment`); any table, even `{}`, enables generation. Needs `type`.',
    values: ['true', 'false', '{ length = 32 }'],
    since: '0.7',
    snippet: choice(['true', 'false'], false),
  },
  prompt: { doc: 'Ask for the value interactively when it is missing. The secret must be individually required.', values: ['true', 'false'], since: '0.19', snippet: choice(['true', 'false'], false) },
};

export const DEFAULTS_KEYS: Record<string, KeyDoc> = {
  inherit: { doc: 'Non-default profiles only: `false` makes the profile standalone (no declarations or fields inherited from `default`).', values: ['true', 'false'], since: '0.19', snippet: choice(['true', 'false'], false) },
  required: { doc: '`required` for every secret of this profile that does not set it (boolean only).', values: ['true', 'false'], snippet: choice(['true', 'false'], false) },
  default: { doc: '`default` for every non-composed secret of this profile without one.', snippet: '"$1"' },
  providers: { doc: 'Provider chain for every non-composed secret of this profile without `providers`.', snippet: '["$1"]' },
};

export const ALIAS_KEYS: Record<string, KeyDoc> = {
  uri: { doc: 'The provider URI this alias stands for.', since: '0.15', snippet: '"$1"' },
  credentials: { doc: 'Where the provider\'s credentials come from: semantic credential name → provider spec or `{ provider, ref }`.', since: '0.15', snippet: '{ $1 }' },
  ref: { doc: 'Address template for every secret routed through this leaf alias: `item` plus optional coordinates, with `{project}`, `{profile}` and `{key}` placeholders.', since: '0.19', snippet: '{ item = "${1:secretspec/{project\\}/{profile\\}/{key\\}}" }' },
  fallback: { doc: 'The authoritative sources of a cached route, tried in order (leaf aliases or URIs). Requires `cache`.', since: '0.17', snippet: '["$1"]' },
  cache: { doc: 'Cache the route\'s values in another (deletable) store: `provider` and `max_age` (e.g. `"8h"`).', since: '0.17 (inline 0.19)', snippet: '{ provider = "$1", max_age = "${2:8h}" }' },
};

export const CACHE_KEYS: Record<string, KeyDoc> = {
  provider: { doc: 'The store cached values are written to; it must support delete.', snippet: '"$1"' },
  max_age: { doc: 'How long a cached value stays fresh: `<digits><unit>` groups with units `s m h d w`, e.g. `"1h30m"`.', snippet: '"${1:8h}"' },
};

export const CREDENTIAL_SOURCE_KEYS: Record<string, KeyDoc> = {
  provider: { doc: 'The provider spec or alias that holds the credential.', snippet: '"$1"' },
  ref: { doc: 'Native coordinates of the credential in that provider.', snippet: '{ item = "$1" }' },
};

export const REF_KEYS: Record<string, KeyDoc> = {
  item: { doc: 'The item (entry, secret name, path) in the store. Required.', snippet: '"$1"' },
  field: { doc: 'A field inside the item (keyring account, 1Password field, JSON key…).', snippet: '"$1"' },
  vault: { doc: 'The vault holding the item (1Password).', snippet: '"$1"' },
  section: { doc: 'A section of the item (1Password).', snippet: '"$1"' },
  version: { doc: 'A pinned version of the secret (gcsm, awsps, akv, scaleway, infisical).', snippet: '"$1"' },
};

export const EXTRACT_KEYS: Record<string, KeyDoc> = {
  format: { doc: 'How the stored value is structured.', values: ['"json"', '"ini"'], since: '0.19 (ini 0.20)', snippet: choice(['json', 'ini']) },
  pointer: { doc: 'Which entry to read: an RFC 6901 pointer for JSON (`""` or `/a/b`), `/key` or `/section/key` for INI.', snippet: '"/$1"' },
};

export const GENERATE_KEYS: Record<string, KeyDoc> = {
  length: { doc: 'Length of a generated password.', snippet: '${1:32}' },
  bytes: { doc: 'Number of random bytes for `hex` and `base64` values.', snippet: '${1:32}' },
  bits: {
    doc: 'RSA key size: `rsa_private_key` (default 2048); OpenPGP and SSH keys with `algorithm = "rsa"` (2048–8192, default 3072; not allowed with ed25519).',
    snippet: '${1:3072}',
  },
  charset: { doc: 'Password alphabet.', values: ['"alphanumeric"', '"ascii"'], snippet: choice(['alphanumeric', 'ascii']) },
  command: { doc: 'Shell command whose output becomes the value (`type = "command"`).', snippet: '"$1"' },
  algorithm: { doc: 'Key algorithm of an `openpgp_private_key` or `ssh_private_key` (default `ed25519`).', values: ['"ed25519"', '"rsa"'], since: '0.21', snippet: choice(['ed25519', 'rsa']) },
  user_id: { doc: 'OpenPGP User ID bound to the generated certificate, e.g. `"Name <email>"`. Required for `openpgp_private_key`; no control characters.', since: '0.21', snippet: '"${1:Name <email>}"' },
  capabilities: { doc: 'OpenPGP subkey capabilities: `sign`, `encrypt` or both (default both).', values: ['["sign", "encrypt"]', '["sign"]', '["encrypt"]'], since: '0.21', snippet: '[${1|"sign", "encrypt","sign","encrypt"|}]' },
  comment: { doc: 'Comment embedded in a generated OpenSSH private key (`ssh_private_key` only; no control characters).', since: '0.21', snippet: '"$1"' },
};

export const PROJECT_DEFAULTS_KEYS: Record<string, KeyDoc> = {
  providers: {
    doc: 'Provider chain for every provider-backed secret whose declaration and profile `[defaults]` name none (composed secrets excepted). Must name at least one provider.',
    since: '0.21',
    snippet: '["$1"]',
  },
};

export const REQUIRED_KEYS: Record<string, KeyDoc> = {
  at_least_one: { doc: 'Presence group(s) of which at least one member must be present.', since: '0.17', snippet: '"$1"' },
  exactly_one: { doc: 'Presence group(s) of which exactly one member must be present.', since: '0.17', snippet: '"$1"' },
};

export const SCOPE_KEYS: Record<string, KeyDoc> = {
  secrets: { doc: 'The declared secrets this scope exposes.', since: '0.17', snippet: '["$1"]' },
};

export const ROOT_TABLE_DOCS: Record<string, string> = {
  project: 'Project identity: `name`, `revision`, optional `extends` and `require_reason`.',
  profiles: 'Secret declarations per profile; `default` is the base other profiles inherit from.',
  providers: 'Project-level provider aliases (alias = "uri" or a table).',
  scopes: 'Named subsets of the declared secrets.',
  defaults: 'Project-wide defaults (0.21+): `providers`, the chain for every secret whose declaration and profile name none. A later `extends` file\'s `[defaults]` replaces an earlier one.',
};

/** Which key table applies to a (key) path inside the manifest. */
export function keyDocsFor(container: readonly (string | number)[]): Record<string, KeyDoc> | undefined {
  const [root, , b, c, d] = container;
  if (root === 'project' && container.length === 1) return PROJECT_KEYS;
  if (root === 'defaults' && container.length === 1) return PROJECT_DEFAULTS_KEYS;
  if (root === 'profiles' && container.length === 3 && b === 'defaults') return DEFAULTS_KEYS;
  if (root === 'profiles' && container.length === 3) return SECRET_FIELD_DOCS;
  if (root === 'profiles' && container.length === 4) {
    if (c === 'extract') return EXTRACT_KEYS;
    if (c === 'generate') return GENERATE_KEYS;
    if (c === 'required') return REQUIRED_KEYS;
    if (c === 'ref') return REF_KEYS;
  }
  if (root === 'profiles' && container.length === 5 && c === 'refs') return REF_KEYS;
  if (root === 'providers' && container.length === 2) return ALIAS_KEYS;
  if (root === 'providers' && container.length === 3) {
    if (b === 'cache') return CACHE_KEYS;
    if (b === 'ref') return REF_KEYS;
  }
  if (root === 'providers' && container.length === 4 && b === 'credentials') return CREDENTIAL_SOURCE_KEYS;
  if (root === 'providers' && container.length === 5 && b === 'credentials' && d === 'ref') return REF_KEYS;
  if (root === 'scopes' && container.length === 2) return SCOPE_KEYS;
  return undefined;
}

export function keyDocMarkdown(key: string, d: KeyDoc): string {
  const lines = [`**\`${key}\`**`, '', d.doc];
  if (d.values) lines.push('', `Allowed: ${d.values.map((v) => `\`${v}\``).join(', ')}`);
  if (d.since) lines.push('', `Since SecretSpec ${d.since}.`);
  return lines.join('\n');
}
