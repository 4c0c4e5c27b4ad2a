// What one built-in provider scheme is (providers-and-check.md A.6, A.7, §E):
// the shape of a record in schemes/, with the helpers records share. A record
// says everything the server knows about its scheme: capabilities, URI
// grammar, storage identity and address, and the URI a report shows.
import { posix } from 'node:path';
import type { ProviderUrl } from './uri';

/** A `ref` coordinate other than `item`, which every provider accepts. */
export type RefCoordinate = 'field' | 'vault' | 'section' | 'version';

/** Where one secret lives: a store is asked about (project, profile, key). */
export interface Coordinates {
  project: string;
  profile: string;
  key: string;
}

/** Where a manifest's relative provider paths resolve, and the home `~` expands to. */
export interface PathBase {
  configFile: string | null;
  /** The manifest's directory (or the directory a reflect was asked for). */
  baseDir: string;
  home?: string;
}

export type SpecIssueSeverity = 'error' | 'warning' | 'information';

export interface SpecIssue {
  /** Stable kebab-case id. */
  code: string;
  severity: SpecIssueSeverity;
  message: string;
  /** What a quick fix needs (`replacement`: a whole corrected spec). Never a credential. */
  data?: Record<string, unknown>;
}

/** The issues found in one spec, which a scheme's grammar adds to. */
export class Issues {
  readonly list: SpecIssue[] = [];
  constructor(
    readonly spec: string,
    /** The spec as a message may show it: credential-free. */
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

export interface GrammarInput {
  /** Text after the first `:` of the spec, as written. */
  rest: string;
  /** The rewritten URL string that was parsed. */
  urlText: string;
}

export interface UriShape {
  /** The URI's grammar in one line, for completion details and hovers. */
  shape: string;
  /** What completion inserts (LSP snippet syntax). */
  snippet: string;
}

export interface SchemeRecord {
  /** The provider's registered name (what `Provider '<name>' ...` messages use). */
  readonly name: string;
  /** Every URI scheme that selects this provider. */
  readonly schemes: readonly string[];
  /** The schemes completion offers, with their shapes. */
  readonly shapes: Readonly<Record<string, UriShape>>;
  /** The registration's `reads` flag: false only for the write-only `fly`. */
  readonly reads: boolean;
  /** Whether `set` can write to it at all (some only by convention, see A.6). */
  readonly writes: boolean;
  /** The registration's `deletes` flag: the provider can be a `cache.provider`. */
  readonly deletes: boolean;
  /** Implements discovery for `init --from` / `reflect`. */
  readonly reflect: boolean;
  /** `ref` coordinates accepted beyond `item`. */
  readonly refCoordinates: readonly RefCoordinate[];
  /** Semantic credential names an alias may declare under `credentials`. */
  readonly credentialNames: readonly string[];
  /** Runs an authentication probe before its first operation. */
  readonly preflight: boolean;
  /** The authority is the first segment of a file path, so `./` keeps a `:` out of the host. */
  readonly pathInAuthority: boolean;
  /** Every profile reads the same place. */
  readonly flat: boolean;
  /**
   * A secret's whole native address is one key of a flat key space, so a
   * `ref.item` can be asked about through the plugin protocol, which
   * addresses by (project, profile, key) only.
   */
  readonly itemIsKey: boolean;
  /** Keeps no value at any address, so every coordinate is accepted and ignored. */
  readonly storesNothing: boolean;
  /** The scheme's own grammar (A.7), after the URL parsed and carried no password. */
  grammar?(url: ProviderUrl, issues: Issues, input: GrammarInput): void;
  /** Equal for two URIs of this scheme exactly when they address the same store (the distinct-cache rule). */
  identity?(url: ProviderUrl): string;
  /** Where `at` is stored, in Markdown, for hovers. */
  address?(url: ProviderUrl, at: Coordinates): string | undefined;
  /** How the bundled provider learns presence on `platform`, when a hover should say (whether a value is read). */
  presence?(platform: NodeJS.Platform): string;
  /** Where a write of `at` lands, with paths resolved, shown before a value is typed; `spec` as written. */
  target?(url: ProviderUrl, at: Coordinates, base: PathBase, spec: string): string | undefined;
  /**
   * The spec with its relative path made absolute against `baseDir`, for a
   * store opened with no manifest to resolve it against (reflect before
   * `init`), as SecretSpec resolves it against the directory it runs in.
   */
  absolute?(url: ProviderUrl, baseDir: string, home: string | undefined): string;
  /** The store's own URI as SecretSpec's reports name it (`source_provider`); `spec` as written. */
  canonical?(url: ProviderUrl, spec: string, base: Pick<PathBase, 'baseDir' | 'home'>): string | undefined;
}

type Defaults = Omit<SchemeRecord, 'name' | 'grammar' | 'identity' | 'address' | 'presence' | 'target' | 'absolute' | 'canonical'>;

export function defineScheme(name: string, record: Partial<SchemeRecord>): SchemeRecord {
  const defaults: Defaults = {
    schemes: [name],
    shapes: {},
    reads: true,
    writes: true,
    deletes: false,
    reflect: false,
    refCoordinates: [],
    credentialNames: [],
    preflight: false,
    pathInAuthority: false,
    flat: false,
    itemIsKey: false,
    storesNothing: false,
  };
  return { ...defaults, ...record, name };
}

// ---- grammar helpers ----

export function hasPath(url: ProviderUrl): boolean {
  return url.path !== '' && url.path !== '/';
}

export function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

export function quote(value: string): string {
  return JSON.stringify(value);
}

/** `ref = { vault = "...", item = "...", ... }` in SecretSpec's coordinate order. */
export function refTableHint(coords: { vault?: string; item: string; section?: string; field?: string; version?: string }): string {
  const order = ['vault', 'item', 'section', 'field', 'version'] as const;
  const parts = order.filter((k) => coords[k] !== undefined).map((k) => `${k} = ${quote(coords[k] as string)}`);
  return `ref = { ${parts.join(', ')} }`;
}

/**
 * Strict query sets: every key known, each at most once, each non-empty.
 * Reports the first offence; returns whether the query passed.
 */
export function strictQuery(
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
export function templateInAuthority(url: ProviderUrl, issues: Issues, { rest }: GrammarInput): void {
  if (url.host === '' && hasPath(url)) {
    const fixed = `${url.scheme}://${rest.replace(/^\/+/, '')}`;
    issues.add(
      'uri-path-ignored',
      `'${issues.shown}' has no host, so its path is ignored and the default template is used. The template must start in the authority, as in '${url.scheme}://secretspec/{project}/{profile}/{key}'.`,
      issues.replacement(fixed),
      'information',
    );
  }
}

/** A scheme whose URI must be bare. */
export function emptyOnly(message: string): NonNullable<SchemeRecord['grammar']> {
  return (url, issues) => {
    if (url.username !== '' || url.host !== '' || hasPath(url) || url.hasQuery) issues.add('uri-must-be-empty', message);
  };
}

const PLACEHOLDER = /\{([^{}]*)\}/g;

export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

export function hasUnbalancedBraces(template: string): boolean {
  return /[{}]/.test(template.replace(PLACEHOLDER, ''));
}

export const UUID = /^(?:\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32})$/;

/** Azure's authentication methods (akv, and aac's key-vault references). */
export const AZURE_AUTH = ['env', 'cli', 'managed_identity', 'workload_identity'];
export const AZURE_CREDENTIALS = ['tenant_id', 'client_id', 'client_secret'] as const;

// ---- address helpers ----

export const DEFAULT_TEMPLATE = 'secretspec/{project}/{profile}/{key}';

/**
 * Expands `{project}`, `{profile}` and `{key}` one placeholder after the
 * other, as SecretSpec's keyring and pass providers do (`str::replace` in
 * sequence), so both tools compute the same service or entry name.
 */
export function expandTemplate(template: string, at: Coordinates): string {
  return template.replaceAll('{project}', at.project).replaceAll('{profile}', at.profile).replaceAll('{key}', at.key);
}

/** The template a keyring/pass-like URI selects: host + path, or the default when there is no host (A.7). */
export function templateFromUri(url: Pick<ProviderUrl, 'host' | 'path'>): string {
  return url.host === '' ? DEFAULT_TEMPLATE : url.host + url.path;
}

/** `~` and `~/…` expand to the home directory, like SecretSpec's `expand_tilde`. */
export function expandTilde(path: string, home: string | undefined): string {
  if (home === undefined || home === '') return path;
  if (path === '~') return home;
  if (path.startsWith('~/')) return home + path.slice(1);
  return path;
}

/** Rust `Path::join`: an absolute path replaces the base; nothing is normalised. */
export function rustJoin(base: string, path: string): string {
  if (path.startsWith('/')) return path;
  return base.endsWith('/') ? base + path : `${base}/${path}`;
}

/** A file path as the distinct-cache rule compares it. */
export function comparablePath(path: string): string {
  const normal = posix.normalize(path.replace(/\\/g, '/'));
  return normal.length > 1 ? normal.replace(/\/$/, '') : normal;
}
