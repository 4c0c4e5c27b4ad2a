// What the server says about where a secret lives (providers-and-check §E,
// §C.3), each answer from the scheme's record: the address a hover shows,
// the write target shown before a value is typed, and the store's own URI a
// report names. Addresses only; never a value.
import { builtinProvider } from './registry';
import type { Coordinates, PathBase } from './scheme';
import { nativeCoordinates, showKey } from './store';
import { parseProviderUrl, readProviderUri, redactSpec, splitSpec } from './uri';

export interface StorageAddress {
  /** Human-readable address, e.g. keyring service `secretspec/shop/production/API_KEY`. */
  text: string;
  /** True when every profile reads the same place (the store is flat). */
  flat: boolean;
}

/** Where `at` is kept in the store `spec` names, in Markdown; undefined when that cannot be said. */
export function storageAddress(spec: string, at: Coordinates): StorageAddress | undefined {
  const scheme = splitSpec(spec).scheme;
  const record = builtinProvider(scheme);
  if (!record) return { text: `decided by the \`${scheme}\` plugin`, flat: false };
  const parsed = parseProviderUrl(spec);
  const text = parsed.ok ? record.address?.(parsed.url, at) : undefined;
  return text === undefined ? undefined : { text, flat: record.flat };
}

/** The human-readable native location of `at` in the store `uri` names (§E). */
export function describeTarget(uri: string, at: Coordinates, base: PathBase): string {
  const parsed = readProviderUri(uri);
  const described = parsed.ok ? builtinProvider(parsed.url.scheme)?.target?.(parsed.url, at, base, uri) : undefined;
  if (described !== undefined) return described;
  // A native address names its entry by itself, whatever the project and profile.
  return nativeCoordinates(at.key) ? `${redactSpec(uri)}, ${showKey(at.key)}` : `${redactSpec(uri)}, project ${at.project}, profile ${at.profile}, key ${at.key}`;
}

/**
 * The store's own URI as SecretSpec's report names it (`source_provider`),
 * rebuilt from its non-secret configuration with relative paths joined to
 * the manifest's directory; undefined when the configured spec is shown
 * as it is (redacted).
 */
export function canonicalUri(uri: string, base: Pick<PathBase, 'baseDir' | 'home'>): string | undefined {
  const parsed = readProviderUri(uri);
  return parsed.ok ? builtinProvider(parsed.url.scheme)?.canonical?.(parsed.url, uri, base) : undefined;
}
