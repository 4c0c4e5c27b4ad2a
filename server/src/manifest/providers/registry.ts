// SecretSpec's built-in provider registry (providers-and-check.md A.6,
// manifest-rules.md Appendix B), default build with every feature on.
// Capabilities are what the registration macro and trait overrides declare;
// the validator uses them for cache, credential and `ref` coordinate rules.

/** A `ref` coordinate other than `item`, which every provider accepts. */
export type RefCoordinate = 'field' | 'vault' | 'section' | 'version';

export interface BuiltinProvider {
  /** The provider's registered name (what `Provider '<name>' ...` messages use). */
  readonly name: string;
  /** Every URI scheme that selects this provider. */
  readonly schemes: readonly string[];
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
}

function provider(
  name: string,
  caps: Partial<Omit<BuiltinProvider, 'name'>> = {},
): BuiltinProvider {
  return {
    name,
    schemes: caps.schemes ?? [name],
    reads: caps.reads ?? true,
    writes: caps.writes ?? true,
    deletes: caps.deletes ?? false,
    reflect: caps.reflect ?? false,
    refCoordinates: caps.refCoordinates ?? [],
    credentialNames: caps.credentialNames ?? [],
    preflight: caps.preflight ?? false,
  };
}

const AZURE_CREDENTIALS = ['tenant_id', 'client_id', 'client_secret'] as const;
const VAULT_CREDENTIALS = ['role_id', 'secret_id', 'token'] as const;

export const BUILTIN_PROVIDERS: readonly BuiltinProvider[] = [
  provider('keyring', { deletes: true, refCoordinates: ['field'] }),
  provider('dotenv', { deletes: true, reflect: true }),
  provider('env', { writes: false }),
  provider('file', { deletes: true }),
  provider('null', { writes: false, refCoordinates: ['field', 'vault', 'section', 'version'] }),
  provider('systemd-credential', { writes: false }),
  provider('fly', { reads: false, deletes: true, reflect: true, credentialNames: ['access_token'] }),
  provider('pass', { deletes: true }),
  provider('gopass', { deletes: true }),
  provider('lastpass', { preflight: true }),
  provider('dashlane', {
    writes: false,
    refCoordinates: ['field'],
    credentialNames: ['service_device_keys'],
    preflight: true,
  }),
  provider('protonpass', { preflight: true }),
  provider('passbolt', {
    reflect: true,
    refCoordinates: ['field'],
    credentialNames: ['private_key', 'passphrase'],
    preflight: true,
  }),
  provider('onepassword', {
    schemes: ['onepassword', 'onepassword+token', 'op'],
    refCoordinates: ['field', 'vault', 'section'],
    credentialNames: ['service_account_token'],
    preflight: true,
  }),
  provider('keeper', { deletes: true, refCoordinates: ['field'], credentialNames: ['config', 'token'] }),
  provider('kdbx', { refCoordinates: ['field'], credentialNames: ['password'] }),
  provider('bw', { reflect: true, refCoordinates: ['field'] }),
  provider('bws', { credentialNames: ['access_token'] }),
  provider('gcsm', { refCoordinates: ['version'] }),
  provider('awssm', { refCoordinates: ['field'] }),
  provider('awsps', { reflect: true, refCoordinates: ['version'] }),
  provider('scaleway', { refCoordinates: ['field', 'version'], credentialNames: ['secret_key'] }),
  provider('vault', { deletes: true, refCoordinates: ['field'], credentialNames: VAULT_CREDENTIALS }),
  provider('openbao', { deletes: true, refCoordinates: ['field'], credentialNames: VAULT_CREDENTIALS }),
  provider('akv', { refCoordinates: ['version'], credentialNames: AZURE_CREDENTIALS }),
  provider('aac', {
    deletes: true,
    reflect: true,
    credentialNames: [...AZURE_CREDENTIALS, 'connection_string'],
  }),
  provider('infisical', { refCoordinates: ['version'], credentialNames: ['client_id', 'client_secret', 'token'] }),
  provider('age', { deletes: true, reflect: true, credentialNames: ['identity'] }),
  provider('sops', {
    credentialNames: [
      'age_key',
      'aws_secret_access_key',
      'azure_client_secret',
      'hc_vault_token',
      'huawei_sdk_ak',
      'huawei_sdk_sk',
      'google_oauth_access_token',
    ],
  }),
];

const BY_SCHEME: ReadonlyMap<string, BuiltinProvider> = new Map(
  BUILTIN_PROVIDERS.flatMap((p) => p.schemes.map((s) => [s, p] as const)),
);

/** Every registered scheme, sorted (the order SecretSpec lists them in). */
export const BUILTIN_SCHEMES: readonly string[] = [...BY_SCHEME.keys()].sort();

/** Schemes that may be a `cache.provider` (registered with delete support), sorted. */
export const CACHE_CAPABLE_SCHEMES: readonly string[] = BUILTIN_SCHEMES.filter((s) => BY_SCHEME.get(s)?.deletes);

/** Exact, case-sensitive, like SecretSpec's own lookup. */
export function isBuiltinScheme(scheme: string): boolean {
  return BY_SCHEME.has(scheme);
}

export function builtinProvider(scheme: string): BuiltinProvider | undefined {
  return BY_SCHEME.get(scheme);
}
