// Static validation of one provider spec (providers-and-check.md A.3–A.7,
// manifest-rules.md 5.1): the factory gate, the URL parse, the password ban,
// then each built-in scheme's own parser, or the generic grammar for a plugin
// scheme. Every message echoes the spec only in its redacted form.
import { builtinProvider, isBuiltinScheme } from './registry';
import {
  authorityOf,
  hierarchicalPartOf,
  parseProviderUrl,
  percentDecode,
  PLUGIN_SCHEME_PATTERN,
  redactSpec,
  splitSpec,
  type ProviderUrl,
} from './specs';

export type SpecIssueSeverity = 'error' | 'warning' | 'information';

export interface SpecIssue {
  /** Stable kebab-case id. */
  code: string;
  severity: SpecIssueSeverity;
  message: string;
  /** What a quick fix needs (`replacement`: a whole corrected spec). Never a credential. */
  data?: Record<string, unknown>;
}

export interface CheckSpecOptions {
  /** Whether a plugin executable exists for a non-built-in scheme; omitted = don't check. */
  pluginInstalled?: (scheme: string) => boolean;
}

export const ONE_PASSWORD_MESSAGE = "Invalid scheme '1password'. Use 'onepassword' instead (e.g., onepassword://vault)";
export const FILE_WITHOUT_PATH_MESSAGE =
  "file provider requires an explicit relative or absolute directory path (for example, 'file:./.secrets' or 'file:///run/secrets')";

const PLUGIN_URI_MAX_CHARS = 1024;

/** Schemes whose authority is the first segment of a file path, so `./` keeps a `:` out of the host. */
const PATH_SCHEMES = new Set(['dotenv', 'file', 'kdbx', 'age', 'sops']);

class Issues {
  readonly list: SpecIssue[] = [];
  constructor(
    readonly spec: string,
    readonly shown: string,
  ) {}

  add(code: string, message: string, data?: Record<string, unknown>, severity: SpecIssueSeverity = 'warning'): void {
    this.list.push(data ? { code, severity, message, data } : { code, severity, message });
  }

  /**
   * A quick-fix replacement is offered only when the spec has nothing to
   * redact, so a replacement can never carry a credential or query secret.
   */
  replacement(value: string): Record<string, unknown> | undefined {
    return this.shown === this.spec ? { replacement: value } : undefined;
  }
}

/**
 * A.5 redaction, then also everything up to a remaining `@`: a password
 * holding `/` (`vault://u:pa/ss@h`) ends the authority early, so the URL
 * parser never sees it as userinfo, yet it is still a credential.
 */
function redactForMessage(spec: string): string {
  const shown = redactSpec(spec);
  const colon = shown.indexOf(':');
  const at = shown.lastIndexOf('@');
  if (colon < 0 || at < colon) return shown;
  const start = shown.startsWith('//', colon + 1) ? colon + 3 : colon + 1;
  return shown.slice(0, start) + shown.slice(at + 1);
}

export function checkProviderSpec(spec: string, options: CheckSpecOptions = {}): SpecIssue[] {
  const { scheme, rest } = splitSpec(spec);
  const issues = new Issues(spec, redactForMessage(spec));

  if (scheme === '1password') {
    issues.add('invalid-scheme-1password', ONE_PASSWORD_MESSAGE, issues.replacement(`onepassword${spec.slice(9)}`));
    return issues.list;
  }
  if (scheme === 'file' && (rest === '' || rest === '//')) {
    issues.add('file-without-path', FILE_WITHOUT_PATH_MESSAGE, issues.replacement('file:./.secrets'));
    return issues.list;
  }
  if (!isBuiltinScheme(scheme)) {
    if (PLUGIN_SCHEME_PATTERN.test(scheme)) checkPluginSpec(scheme, issues, options);
    else unknownProvider(scheme, rest, issues);
    return issues.list;
  }

  const parsed = parseProviderUrl(spec);
  if (!parsed.ok) {
    invalidSpecification(parsed.reason, scheme, rest, issues);
    return issues.list;
  }
  if (parsed.url.hasPassword) {
    passwordInUri(scheme, issues);
    return issues.list;
  }
  SCHEME_RULES[scheme]?.(parsed.url, issues, { rest, urlText: parsed.urlText });
  return issues.list;
}

function unknownProvider(scheme: string, rest: string, issues: Issues): void {
  const intended = scheme.trim().toLowerCase();
  const fix = isBuiltinScheme(intended) && intended !== scheme ? intended : undefined;
  const help = fix ? `. Scheme names are exact and case-sensitive: did you mean '${fix}'?` : '';
  issues.add(
    'unknown-provider',
    `Provider backend '${scheme}' not found${help}`,
    fix ? issues.replacement(`${fix}:${rest}`) : undefined,
  );
}

function invalidSpecification(reason: string, scheme: string, rest: string, issues: Issues): void {
  let message = `Invalid provider specification '${issues.shown}': ${reason}`;
  let data: Record<string, unknown> | undefined;
  if (reason === 'invalid port number' && PATH_SCHEMES.has(scheme)) {
    const uriForm = rest.startsWith('//');
    const path = uriForm ? rest.slice(2) : rest;
    if (path !== '' && !path.startsWith('/') && !path.startsWith('./')) {
      const fixed = `${scheme}:${uriForm ? '//' : ''}./${path}`;
      data = issues.replacement(fixed);
      message += data
        ? `. Write '${fixed}' instead: the first segment of the path becomes the URI host, and a ':' in a host starts a port.`
        : ". Start the path with './': the first segment of the path becomes the URI host, and a ':' in a host starts a port.";
    }
  }
  issues.add('invalid-provider-uri', message, data);
}

function passwordInUri(scheme: string, issues: Issues): void {
  const provider = builtinProvider(scheme);
  let remedy: string;
  if (!provider) {
    remedy = 'See https://secretspec.dev/reference/provider-credentials/';
  } else if (provider.credentialNames.length > 0) {
    const names = provider.credentialNames.map((n) => `\`${n}\``).join(', ');
    remedy =
      `Supply it as the ${names} provider credential instead (\`secretspec config provider login <alias>\`, ` +
      `or \`credentials = { ... }\` on the alias), or use the provider's environment variable. ` +
      `See https://secretspec.dev/providers/${provider.name}/`;
  } else {
    remedy =
      `The ${provider.name} provider takes no credentials, so remove the userinfo from the URI. ` +
      `See https://secretspec.dev/providers/${provider.name}/`;
  }
  issues.add(
    'password-in-uri',
    `provider URI '${issues.shown}' carries a password. SecretSpec does not accept credentials in URIs: ` +
      `a URI reaches committed manifests, shell history, and CI logs, so a credential written there is already disclosed. ${remedy}`,
  );
}

/** Generic grammar for out-of-tree plugin URIs, plus the "is it installed" warning. */
function checkPluginSpec(scheme: string, issues: Issues, options: CheckSpecOptions): void {
  const { spec, shown } = issues;
  if (/%(?![0-9A-Fa-f]{2})/.test(spec)) {
    issues.add(
      'invalid-percent-encoding',
      `Invalid provider specification '${shown}': every '%' must start a percent-escape of two hexadecimal digits (write %25 for a literal '%')`,
    );
  }
  const parsed = parseProviderUrl(spec);
  if (!parsed.ok) {
    issues.add('invalid-provider-uri', `Invalid provider specification '${shown}': ${parsed.reason}`);
  } else if (parsed.url.hasPassword) {
    passwordInUri(scheme, issues);
  } else {
    const hierarchical = hierarchicalPartOf(parsed.urlText).slice(scheme.length + 3);
    if (hierarchical.split('/').some((segment) => percentDecode(segment) === '..')) {
      issues.add('dot-dot-segment', `Invalid provider specification '${shown}': a '..' path segment is not allowed in a plugin provider URI`);
    }
  }
  const length = [...percentDecode(spec)].length;
  if (length > PLUGIN_URI_MAX_CHARS) {
    issues.add(
      'uri-too-long',
      `Invalid provider specification: the URI is ${length} characters long after percent-decoding; plugin provider URIs are limited to 1,024`,
    );
  }
  if (options.pluginInstalled && !options.pluginInstalled(scheme)) {
    issues.add(
      'plugin-not-installed',
      `no plugin installed for scheme '${scheme}': install secretspec-provider-${scheme} on PATH, or register it with a SecretSpec 0.21 provider claim providers.d/${scheme}.secretspec.json`,
      { scheme },
    );
  }
}

// ---- per-scheme parsers (A.7) ----

interface RuleInput {
  /** Text after the first `:` of the spec, as written. */
  rest: string;
  /** The rewritten URL string that was parsed. */
  urlText: string;
}

type SchemeRule = (url: ProviderUrl, issues: Issues, input: RuleInput) => void;

function hasPath(url: ProviderUrl): boolean {
  return url.path !== '' && url.path !== '/';
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/** SecretSpec's `query_value`: first match, an empty value counts as absent. */
function queryValue(url: ProviderUrl, key: string): string | undefined {
  const value = url.query.find(([k]) => k === key)?.[1];
  return value === '' ? undefined : value;
}

function quote(value: string): string {
  return JSON.stringify(value);
}

/** `ref = { vault = "...", item = "...", ... }` in SecretSpec's coordinate order. */
function refTableHint(coords: { vault?: string; item: string; section?: string; field?: string; version?: string }): string {
  const order = ['vault', 'item', 'section', 'field', 'version'] as const;
  const parts = order.filter((k) => coords[k] !== undefined).map((k) => `${k} = ${quote(coords[k] as string)}`);
  return `ref = { ${parts.join(', ')} }`;
}

/**
 * Strict query sets: every key known, each at most once, each non-empty.
 * Reports the first offence; returns whether the query passed.
 */
function strictQuery(
  url: ProviderUrl,
  issues: Issues,
  allowed: readonly string[],
  words: { unknown: (k: string) => string; duplicate: (k: string) => string; empty?: (k: string) => string },
): boolean {
  const seen = new Set<string>();
  for (const [key, value] of url.query) {
    if (!allowed.includes(key)) {
      issues.add('unknown-query-parameter', words.unknown(key), { parameter: key });
      return false;
    }
    if (seen.has(key)) {
      issues.add('duplicate-query-parameter', words.duplicate(key), { parameter: key });
      return false;
    }
    seen.add(key);
    if (words.empty && value === '') {
      issues.add('empty-query-parameter', words.empty(key), { parameter: key });
      return false;
    }
  }
  return true;
}

/** `keyring:///x`: with no host the template path is silently ignored (A.7, G.10). */
const templateInAuthority: SchemeRule = (url, issues, { rest }) => {
  if (url.host === '' && hasPath(url)) {
    const fixed = `${url.scheme}://${rest.replace(/^\/+/, '')}`;
    issues.add(
      'uri-path-ignored',
      `'${issues.shown}' has no host, so its path is ignored and the default template is used. The template must start in the authority, as in '${url.scheme}://secretspec/{project}/{profile}/{key}'.`,
      issues.replacement(fixed),
      'information',
    );
  }
};

const PLACEHOLDER = /\{([^{}]*)\}/g;

function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

function hasUnbalancedBraces(template: string): boolean {
  return /[{}]/.test(template.replace(PLACEHOLDER, ''));
}

const AKV_AUTH = ['env', 'cli', 'managed_identity', 'workload_identity'];
const BW_TYPES = ['login', 'note', 'securenote', 'secure_note', 'card', 'identity', 'ssh', 'sshkey', 'ssh_key'];
const SOPS_OPTIONS = [
  'age_key_cmd',
  'age_key_file',
  'age_recipients',
  'age_ssh_private_key_cmd',
  'age_ssh_private_key_file',
  'kms_arn',
  'aws_profile',
  'aws_access_key_id',
  'aws_region',
  'azure_client_id',
  'azure_tenant_id',
  'azure_keyvault_urls',
  'gcp_kms_client_type',
  'gcp_kms_endpoint',
  'gcp_kms_ids',
  'gcp_kms_universe_domain',
  'pgp_fp',
  'gpg_exec',
  'hc_vault_addr',
  'hc_vault_allowlist',
  'huawei_sdk_project_id',
  'huawei_kms_ids',
  'sops_decryption_order',
  'sops_editor',
  'sops_enable_local_keyservice',
  'sops_keyservice',
  'sops_config',
];
const SOPS_FORMATS = ['yaml', 'yml', 'json', 'env', 'dotenv', 'ini'];
const UUID = /^(?:\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32})$/;

const env: SchemeRule = (url, issues) => {
  if (url.host !== '' || url.username !== '') {
    const item = url.host || 'SOME_VAR';
    issues.add(
      'uri-takes-no-authority',
      `env:// takes no authority: to read one specific variable, use ${refTableHint({ item })} on the secret instead`,
      { ref: { item } },
    );
  }
};

// A `file` URL cannot carry userinfo at all (WHATWG fails the parse), so only the query is left to refuse.
const file: SchemeRule = (url, issues, { rest, urlText }) => {
  if (url.hasQuery) {
    issues.add(
      'file-uri-options-not-supported',
      'file provider URIs take only a directory path; user information and query options are not supported',
    );
    return;
  }
  const writtenHost = percentDecode(authorityOf(urlText));
  if (writtenHost !== writtenHost.toLowerCase() && writtenHost.toLowerCase() === url.host) {
    const uriForm = rest.startsWith('//');
    const fixed = `file:${uriForm ? '//' : ''}./${uriForm ? rest.slice(2) : rest}`;
    issues.add(
      'file-host-lowercased',
      `'${issues.shown}' names the directory '${url.host}': the file scheme lowercases the first path segment because it is the URI host. Write '${fixed}' to keep its case.`,
      issues.replacement(fixed),
      'information',
    );
  }
};

const emptyOnly =
  (message: string): SchemeRule =>
  (url, issues) => {
    if (url.username !== '' || url.host !== '' || hasPath(url) || url.hasQuery) issues.add('uri-must-be-empty', message);
  };

const fly: SchemeRule = (url, issues) => {
  if (url.host === '') {
    issues.add('uri-missing-authority', 'fly provider requires a Fly.io app name, for example fly://my-app');
    return;
  }
  if (url.username !== '') {
    issues.add('uri-userinfo-not-allowed', 'fly provider URIs take no user information: the authority is the Fly.io app name, for example fly://my-app');
    return;
  }
  if (hasPath(url)) {
    issues.add('uri-path-not-allowed', `fly provider URIs take no path: the app name is the whole address, for example fly://${url.host}`);
    return;
  }
  const ok = strictQuery(url, issues, ['stage', 'detach'], {
    unknown: (k) => `unknown fly query parameter '${k}'; expected 'stage' or 'detach'`,
    duplicate: (k) => `fly query parameter '${k}' may appear only once`,
  });
  if (!ok) return;
  for (const [key, value] of url.query) {
    if (value !== 'true' && value !== 'false') {
      issues.add('invalid-query-value', `fly query parameter '${key}' must be 'true' or 'false'`, { parameter: key });
      return;
    }
  }
};

const DASHLANE_TYPES = ['secret', 'secrets', 'note', 'notes', 'password', 'passwords', 'login', 'logins'];

const dashlane: SchemeRule = (url, issues) => {
  if (url.host !== '' && !DASHLANE_TYPES.includes(url.host.toLowerCase())) {
    issues.add(
      'invalid-host',
      `unknown Dashlane item type '${url.host}'. Use dashlane://secret, dashlane://note or dashlane://password, or plain dashlane:// to search all three.`,
    );
    return;
  }
  if (hasPath(url)) {
    const item = url.path.replace(/^\/+/, '');
    issues.add(
      'uri-path-not-allowed',
      `dashlane:// takes no path: the authority selects the item type, not an item. To name one specific item, use ${refTableHint({ item })} on the secret instead`,
      { ref: { item } },
    );
  }
};

const passbolt: SchemeRule = (url, issues) => {
  if (url.host !== '' || hasPath(url)) {
    issues.add(
      'uri-path-not-allowed',
      'Passbolt resource templates belong in the `template` query parameter. Use `passbolt://?template=secretspec/{project}/{profile}/{key}`.',
    );
    return;
  }
  strictQuery(url, issues, ['template', 'folder', 'server'], {
    unknown: (k) => `unknown Passbolt query parameter \`${k}\`; expected \`template\`, \`folder\`, or \`server\``,
    duplicate: (k) => `Passbolt query parameter \`${k}\` may appear only once`,
    empty: (k) => `Passbolt query parameter \`${k}\` must not be empty`,
  });
};

function onePasswordPathHint(url: ProviderUrl, issues: Issues): void {
  const vault = url.host || '<vault>';
  const segments = url.path.split('/').filter((s) => s !== '');
  let coords: { vault: string; item: string; section?: string; field: string };
  if (segments.length === 2) coords = { vault, item: segments[0] as string, field: segments[1] as string };
  else if (segments.length === 3) coords = { vault, item: segments[0] as string, section: segments[1] as string, field: segments[2] as string };
  else coords = { vault, item: '<item>', field: '<field>' };
  const data: Record<string, unknown> = { ref: coords };
  if (url.host !== '') Object.assign(data, issues.replacement(`onepassword://${url.host}`));
  issues.add(
    'address-in-provider-uri',
    `1Password items are addressed with a secret's \`ref\`, not in the provider URI: use providers = ["onepassword://${vault}"] with ${refTableHint(coords)}`,
    data,
  );
}

const onepassword: SchemeRule = (url, issues) => {
  if (url.scheme === 'onepassword+token' && url.username !== '') {
    issues.add(
      'uri-userinfo-not-allowed',
      'onepassword+token:// URIs take no user information: the service account token is never accepted in the URI. Supply it as the `service_account_token` provider credential or set OP_SERVICE_ACCOUNT_TOKEN.',
    );
    return;
  }
  if (url.scheme === 'op' || hasPath(url)) onePasswordPathHint(url, issues);
};

const keeper: SchemeRule = (url, issues) => {
  if (url.query.some(([k]) => k === 'folder')) {
    issues.add(
      'unknown-query-parameter',
      'keeper:// takes no folder query parameter: the shared folder UID belongs in the authority. Use keeper://SHARED_FOLDER_UID.',
      { parameter: 'folder' },
    );
    return;
  }
  if (url.host === '') {
    issues.add('uri-missing-authority', 'Keeper shared folder UID is required. Use keeper://SHARED_FOLDER_UID.');
    return;
  }
  if (hasPath(url)) {
    issues.add(
      'uri-path-not-allowed',
      `keeper:// takes no path: the authority is the shared folder UID. Address one record with ${refTableHint({ item: '<record>' })} on the secret instead`,
    );
  }
};

const kdbx: SchemeRule = (url, issues) => {
  if (url.host + url.path === '') {
    issues.add('uri-missing-path', 'No KDBX database path given. Use kdbx:./secrets.kdbx or kdbx:/absolute/path/secrets.kdbx.');
    return;
  }
  strictQuery(url, issues, ['keyfile', 'prefix'], {
    unknown: (k) => `unknown KDBX query parameter '${k}'; expected 'keyfile' or 'prefix'`,
    duplicate: (k) => `KDBX query parameter '${k}' may appear only once`,
    empty: (k) => `KDBX query parameter '${k}' must not be empty`,
  });
};

const bw: SchemeRule = (url, issues) => {
  const allowed = ['org', 'organization', 'collection', 'server', 'folder', 'type', 'field'];
  for (const [key] of url.query) {
    if (!allowed.includes(key)) {
      issues.add(
        'unknown-query-parameter',
        `Unknown Bitwarden URI parameter '${key}'. Valid parameters are org (or organization), collection, server, folder, type, and field.`,
        { parameter: key },
      );
      return;
    }
  }
  const type = queryValue(url, 'type');
  if (type !== undefined && !BW_TYPES.includes(type.toLowerCase())) {
    issues.add(
      'invalid-query-value',
      `Unknown Bitwarden item type '${type}'. Valid types are login, note (securenote, secure_note), card, identity, and ssh (sshkey, ssh_key).`,
      { parameter: 'type' },
    );
  }
};

const bws: SchemeRule = (url, issues) => {
  if (url.host === '') {
    issues.add(
      'uri-missing-authority',
      'BWS project ID is required. Use bws://PROJECT_UUID, or bws://SERVER_BASE@PROJECT_UUID for a self-hosted or EU server.',
    );
  } else if (!UUID.test(url.host)) {
    issues.add(
      'invalid-host',
      `Invalid BWS project UUID '${url.host}': expected a UUID such as a9230ec4-5507-4870-b8b5-b3f500587e4c`,
    );
  }
};

function gcpProjectIdProblem(id: string): string | undefined {
  if (id.length < 6 || id.length > 30) return 'must be 6–30 characters long';
  if (!/^[a-z]/.test(id)) return 'must start with a lowercase letter';
  if (!/^[a-z0-9-]*$/.test(id)) return 'may contain only lowercase letters, digits, and hyphens';
  if (id.endsWith('-')) return 'must not end with a hyphen';
  return undefined;
}

const gcsm: SchemeRule = (url, issues) => {
  if (url.host === '') {
    issues.add('uri-missing-authority', 'gcsm provider requires a Google Cloud project ID, for example gcsm://my-project');
    return;
  }
  const problem = gcpProjectIdProblem(url.host);
  if (problem) {
    issues.add('invalid-host', `Invalid GCP project ID '${url.host}': it ${problem}`);
    return;
  }
  if (hasPath(url)) {
    const named = /^\/secrets\/([^/]+)(?:\/versions\/([^/]+))?\/?$/.exec(url.path);
    const item = named?.[1] ?? '<id>';
    const version = named?.[2] ?? '<n>';
    issues.add(
      'uri-path-not-allowed',
      `gcsm URIs take no path: address the secret with ${refTableHint({ item })} on the secret instead (add version = ${quote(version)} to pin a version)`,
      named ? { ref: named[2] ? { item, version } : { item } } : undefined,
    );
  }
};

const awssm: SchemeRule = (url, issues) => {
  if (hasPath(url)) {
    const item = url.path.replace(/^\/+/, '');
    issues.add(
      'uri-path-not-allowed',
      `awssm URIs take no path: address the secret with ${refTableHint({ item })} on the secret instead (add field = "<key>" to read one JSON key)`,
      { ref: { item } },
    );
  }
};

function awspsTemplateProblem(template: string): string | undefined {
  if (!template.startsWith('/')) return 'must start with /';
  if (hasUnbalancedBraces(template)) return 'has an unmatched brace';
  const unknown = placeholdersOf(template).find((p) => !['project', 'profile', 'key'].includes(p));
  if (unknown !== undefined) return `uses the unknown placeholder {${unknown}}; only {project}, {profile} and {key} are allowed`;
  const keys = placeholdersOf(template).filter((p) => p === 'key').length;
  if (keys !== 1 || !template.endsWith('/{key}')) return 'must contain {key} exactly once, as its final segment';
  if (template === '/{key}') return 'needs a bounded parent path before {key}, for example /{project}/{profile}/{key}';
  return undefined;
}

const awsps: SchemeRule = (url, issues) => {
  if (hasPath(url)) {
    issues.add(
      'uri-path-not-allowed',
      "awsps URIs take no path: set a parameter path with '?prefix=/path' or '?template=/path/{key}', or address one parameter with ref = { item = \"/path/name\" } on the secret",
    );
    return;
  }
  const prefix = queryValue(url, 'prefix');
  const template = queryValue(url, 'template');
  if (prefix !== undefined && template !== undefined) {
    issues.add('conflicting-query-parameters', 'awsps URIs accept either `prefix` or `template`, not both: they are mutually exclusive');
    return;
  }
  if (template !== undefined) {
    const problem = awspsTemplateProblem(template);
    if (problem) {
      issues.add('invalid-template', `Invalid awsps template '${template}': it ${problem}`);
      return;
    }
  }
  const tier = queryValue(url, 'tier');
  if (tier !== undefined && !['standard', 'advanced', 'intelligent-tiering'].includes(tier)) {
    issues.add(
      'invalid-query-value',
      `Invalid awsps tier '${tier}'. Expected 'standard', 'advanced', or 'intelligent-tiering'.`,
      { parameter: 'tier' },
    );
  }
};

const scaleway: SchemeRule = (url, issues) => {
  if (hasPath(url)) {
    issues.add(
      'uri-path-not-allowed',
      `scaleway provider URI must not contain a path ('${url.path}'); configure a folder with '?path=/folder' instead`,
    );
  }
};

const vault: SchemeRule = (url, issues) => {
  if (url.query.some(([k]) => k === 'field')) {
    issues.add(
      'address-in-provider-uri',
      `${url.scheme} URIs take no \`field\` query: select a field with ${refTableHint({ item: '<path>', field: '<field>' })} on the secret instead`,
      { parameter: 'field' },
    );
    return;
  }
  const auth = queryValue(url, 'auth') ?? 'token';
  if (!['token', 'approle', 'jwt'].includes(auth)) {
    issues.add('invalid-query-value', `Unknown auth method '${auth}'. Expected 'token', 'approle', or 'jwt'.`, { parameter: 'auth' });
    return;
  }
  const authMount = queryValue(url, 'auth_mount');
  if (authMount !== undefined) {
    if (auth === 'token') {
      issues.add('conflicting-query-parameters', '`auth_mount` requires `auth=approle` or `auth=jwt`', { parameter: 'auth_mount' });
      return;
    }
    if (trimSlashes(authMount).split('/').some((s) => s === '' || s === '.' || s === '..')) {
      issues.add(
        'invalid-query-value',
        `auth_mount '${authMount}' must not contain empty, '.' or '..' segments`,
        { parameter: 'auth_mount' },
      );
      return;
    }
  }
  if (url.host === '') {
    const vars = url.scheme === 'openbao' ? 'BAO_ADDR or VAULT_ADDR' : 'VAULT_ADDR';
    const example = `${url.scheme}://127.0.0.1:8200`;
    issues.add(
      'uri-missing-authority',
      `No ${url.scheme === 'openbao' ? 'OpenBao' : 'Vault'} address provided. Specify a host in the URI (for example, ${example}) or set ${vars}.`,
      undefined,
      'information',
    );
  }
};

const akv: SchemeRule = (url, issues) => {
  if (url.host === '') {
    issues.add('uri-missing-authority', 'akv provider requires a Key Vault name, for example akv://my-vault');
    return;
  }
  if (hasPath(url)) {
    issues.add(
      'uri-path-not-allowed',
      `akv URIs take no path: address the secret with ${refTableHint({ item: url.path.replace(/^\/+/, '') })} on the secret instead`,
    );
    return;
  }
  const auth = queryValue(url, 'auth');
  if (auth !== undefined && !AKV_AUTH.includes(auth)) {
    issues.add(
      'invalid-query-value',
      `Unknown akv auth method '${auth}'. Expected 'env', 'cli', 'managed_identity', or 'workload_identity'.`,
      { parameter: 'auth' },
    );
  }
};

const AAC_KEYS = ['auth', 'suffix', 'audience', 'key_vault_auth', 'key_vault_suffix', 'label', 'prefix', 'tag'];

const aac: SchemeRule = (url, issues) => {
  if (url.username !== '') return issues.add('uri-userinfo-not-allowed', 'aac URIs take no user information');
  if (url.port !== '') return issues.add('uri-port-not-allowed', 'aac URIs take no explicit port');
  if (hasPath(url)) return issues.add('uri-path-not-allowed', 'aac URIs take no path: address a key with ref = { item = "..." } on the secret');
  if (url.host === '') return issues.add('uri-missing-authority', 'aac provider requires an App Configuration store, for example aac://my-store');
  const seen = new Set<string>();
  const tagNames = new Set<string>();
  for (const [key, value] of url.query) {
    if (!AAC_KEYS.includes(key)) return issues.add('unknown-query-parameter', `unknown aac parameter '${key}'`, { parameter: key });
    if (key === 'tag') {
      const eq = value.indexOf('=');
      if (eq <= 0) return issues.add('invalid-query-value', 'aac tag must have the form NAME=VALUE', { parameter: 'tag' });
      const name = value.slice(0, eq);
      if (tagNames.has(name)) return issues.add('duplicate-query-parameter', `aac tag '${name}' is given more than once`, { parameter: 'tag' });
      tagNames.add(name);
      if (tagNames.size > 5) return issues.add('invalid-query-value', 'aac accepts at most 5 tag parameters', { parameter: 'tag' });
      continue;
    }
    if (seen.has(key)) return issues.add('duplicate-query-parameter', `aac parameter '${key}' may appear only once`, { parameter: key });
    seen.add(key);
    if (value === '') return issues.add('empty-query-parameter', `aac parameter '${key}' must not be empty`, { parameter: key });
  }
  const auth = queryValue(url, 'auth');
  if (auth !== undefined && ![...AKV_AUTH, 'connection_string'].includes(auth)) {
    return issues.add(
      'invalid-query-value',
      `Unknown aac auth method '${auth}'. Expected 'env', 'cli', 'managed_identity', 'workload_identity', or 'connection_string'.`,
      { parameter: 'auth' },
    );
  }
  const keyVaultAuth = queryValue(url, 'key_vault_auth');
  if (keyVaultAuth !== undefined && ![...AKV_AUTH, 'inherit'].includes(keyVaultAuth)) {
    return issues.add(
      'invalid-query-value',
      `Unknown aac key_vault_auth '${keyVaultAuth}'. Expected 'inherit', 'env', 'cli', 'managed_identity', or 'workload_identity'.`,
      { parameter: 'key_vault_auth' },
    );
  }
  if (keyVaultAuth === 'inherit' && auth === 'connection_string') {
    return issues.add(
      'conflicting-query-parameters',
      'aac key_vault_auth=inherit cannot be used with auth=connection_string: a connection string cannot authenticate to Key Vault',
      { parameter: 'key_vault_auth' },
    );
  }
  const host = url.host.toLowerCase();
  const suffix = queryValue(url, 'suffix');
  if (suffix !== undefined && host.includes('.')) {
    return issues.add(
      'conflicting-query-parameters',
      `aac suffix applies only to a bare store name; '${url.host}' is already a full DNS name`,
      { parameter: 'suffix' },
    );
  }
  const fullHost = host.includes('.') ? host : `${host}.${(suffix ?? 'azconfig.io').toLowerCase()}`;
  if (!fullHost.endsWith('.azconfig.io') && queryValue(url, 'audience') === undefined) {
    issues.add(
      'missing-query-parameter',
      `aac store '${fullHost}' is outside azconfig.io, so the token audience must be set explicitly with ?audience=`,
      { parameter: 'audience' },
    );
  }
};

const infisical: SchemeRule = (url, issues) => {
  const segments = trimSlashes(url.path).split('/').filter((s) => s !== '');
  if (segments.length === 0) {
    const fixed = url.host !== '' && UUID.test(url.host) ? `infisical:///${url.host}` : undefined;
    issues.add(
      'uri-missing-path',
      'No Infisical project given. The project UUID is the URI path: use infisical:///PROJECT_UUID, or infisical://HOST/PROJECT_UUID for a self-hosted instance.',
      fixed ? issues.replacement(fixed) : undefined,
    );
    return;
  }
  if (segments.length > 1) {
    issues.add(
      'uri-path-not-allowed',
      "Infisical URIs take exactly one path segment, the project UUID; select a folder with '?path=/PREFIX' instead",
    );
    return;
  }
  const tls = queryValue(url, 'tls');
  if (tls !== undefined && !['true', 'false', '1', '0'].includes(tls)) {
    issues.add('invalid-query-value', `Invalid Infisical tls value '${tls}'. Expected true, false, 1, or 0.`, { parameter: 'tls' });
  }
};

function sopsFormatFromPath(path: string): string | undefined {
  const base = (path.split('/').pop() ?? '').replace(/\.enc$/, '');
  if (/^\.env(\.|$)/.test(base)) return 'dotenv';
  const dot = base.lastIndexOf('.');
  const ext = dot < 0 ? '' : base.slice(dot + 1).toLowerCase();
  if (ext === 'yaml' || ext === 'yml') return 'yaml';
  if (ext === 'json') return 'json';
  if (ext === 'env' || ext === 'dotenv') return 'dotenv';
  if (ext === 'ini') return 'ini';
  return undefined;
}

const sops: SchemeRule = (url, issues) => {
  for (const [key] of url.query) {
    if (key !== 'format' && !SOPS_OPTIONS.includes(key)) {
      issues.add('unknown-query-parameter', `Invalid query parameter: ${key}`, { parameter: key });
      return;
    }
  }
  const path = (url.host === 'localhost' ? '' : url.host) + url.path || 'secrets.enc.yaml';
  if (/[{}]/.test(path)) {
    const placeholders = placeholdersOf(path);
    const unknown = placeholders.find((p) => p !== 'project' && p !== 'profile');
    if (hasUnbalancedBraces(path) || unknown !== undefined) {
      issues.add('invalid-template', `Invalid SOPS path template '${path}': only {project} and {profile} placeholders are allowed`);
      return;
    }
    const missing = ['project', 'profile'].filter((p) => !placeholders.includes(p));
    if (missing.length > 0) {
      issues.add(
        'invalid-template',
        `Invalid SOPS path template '${path}': a templated path must contain both {project} and {profile} (missing ${missing.map((m) => `{${m}}`).join(' and ')})`,
      );
      return;
    }
  }
  const format = queryValue(url, 'format');
  if (format !== undefined) {
    if (!SOPS_FORMATS.includes(format)) {
      issues.add('invalid-query-value', `Invalid SOPS format '${format}'. Expected yaml, yml, json, env, dotenv, or ini.`, { parameter: 'format' });
    } else if (format === 'ini' && sopsFormatFromPath(path) !== 'ini') {
      issues.add('invalid-query-value', `?format=ini requires an .ini file, but '${path}' is not one`, { parameter: 'format' });
    }
    return;
  }
  if (sopsFormatFromPath(path) === undefined) {
    issues.add(
      'invalid-query-value',
      `cannot infer SOPS format from '${path}': name the file .yaml, .json, .env or .ini, or add ?format=yaml|json|dotenv|ini`,
      { parameter: 'format' },
    );
  }
};

const noRules: SchemeRule = () => undefined;

const SCHEME_RULES: Readonly<Record<string, SchemeRule>> = {
  keyring: templateInAuthority,
  dotenv: noRules,
  env,
  file,
  null: emptyOnly('null:// takes no authority, path, or query'),
  'systemd-credential': emptyOnly(
    'systemd-credential:// takes no authority, path, or query: to read one specific credential, use ref = { item = "..." } on the secret instead',
  ),
  fly,
  pass: templateInAuthority,
  gopass: templateInAuthority,
  lastpass: templateInAuthority,
  dashlane,
  protonpass: noRules,
  passbolt,
  onepassword,
  'onepassword+token': onepassword,
  op: onepassword,
  keeper,
  kdbx,
  bw,
  bws,
  gcsm,
  awssm,
  awsps,
  scaleway,
  vault,
  openbao: vault,
  akv,
  aac,
  infisical,
  age: noRules,
  sops,
};
