// Provider spec strings as a manifest uses them (providers-and-check.md
// A.2, manifest-rules 5.7): what a `providers` entry names, and the storage
// identity the "distinct cache" rule compares.
import { builtinProvider, isPluginScheme } from './registry';
import { parseProviderUrl, splitSpec } from './uri';

export type SpecKind = 'uri' | 'alias' | 'cached-alias' | 'builtin' | 'plugin' | 'undefined-alias' | '1password';

export interface SpecClass {
  kind: SpecKind;
  /** The scheme token (text before the first `:`). */
  scheme: string;
}

/**
 * Classifies a `providers` list entry (or a fallback / cache / credential
 * source) per A.2. Aliases are matched exactly and shadow built-in names; a
 * string containing `://` is never an alias. A `scheme:` spelling whose scheme
 * is not built in but is a valid plugin scheme is a plugin spec, which is our
 * extension's reading: SecretSpec itself would call it an undefined alias.
 * `1password` is reported in every spelling, including `1password://`.
 */
export function classifySpec(spec: string, aliases: ReadonlySet<string>, cachedAliases?: ReadonlySet<string>): SpecClass {
  const { scheme } = splitSpec(spec);
  if (spec.includes('://')) {
    if (scheme === '1password') return { kind: '1password', scheme };
    return { kind: isPluginScheme(scheme) ? 'plugin' : 'uri', scheme };
  }
  if (cachedAliases?.has(spec)) return { kind: 'cached-alias', scheme };
  if (aliases.has(spec)) return { kind: 'alias', scheme };
  if (scheme === '1password') return { kind: '1password', scheme };
  if (builtinProvider(scheme)) return { kind: 'builtin', scheme };
  if (spec.includes(':') && isPluginScheme(scheme)) return { kind: 'plugin', scheme };
  return { kind: 'undefined-alias', scheme };
}

/** Said wherever a spec names no alias, no provider and no plugin scheme. */
export function undefinedAliasMessage(spec: string, aliases: Iterable<string>): string {
  const names = [...aliases].sort();
  return names.length
    ? `Provider alias '${spec}' is not defined. Available aliases: ${names.join(', ')}`
    : `Provider alias '${spec}' is not defined. Declare it in [providers] in secretspec.toml or in the global config.`;
}

/**
 * A key that is equal for two specs exactly when they address the same
 * store, for the "cache must be a distinct store" rule (manifest-rules 5.7):
 * `dotenv:.env` and `dotenv://.env` match, and so do `vault://` and
 * `openbao://` at the same address and mount whatever their auth. Undefined
 * when the spec does not parse.
 */
export function storageIdentity(spec: string): string | undefined {
  const parsed = parseProviderUrl(spec);
  if (!parsed.ok) return undefined;
  const u = parsed.url;
  const record = builtinProvider(u.scheme);
  if (record?.identity) return record.identity(u);
  const query = u.query.map(([k, v]) => `${k}=${v}`).sort().join('&');
  return `${record?.name ?? u.scheme}:${u.username}@${u.host}:${u.port}${u.path}?${query}`;
}
