// Where writes go and what an import would do (providers-and-check §B.2,
// §D.1, §D.2), decided without I/O: the write target of a secret (the
// authoritative primary, never a fallback; for a cached route the cache's
// authoritative source), the human-readable native target shown before a
// value is typed, the import source, and the per-secret import outcome.
import type { ImportOutcome } from '../../../protocol/src';
import type { EffectiveProfile, EffectiveSecret } from '../manifest/effective';
import type { MergedManifest } from '../manifest/model';
import { describeTarget } from '../providers/describe';
import { builtinProvider, isBuiltinScheme } from '../providers/registry';
import type { PathBase } from '../providers/scheme';
import { undefinedAliasMessage } from '../providers/specs';
import { readProviderUri, splitSpec } from '../providers/uri';
import { addressKey, type Problem, type TakesNative } from './address';
import { endpoint, namesStore, noProviderMessage, type Endpoint } from './route';

export type { Problem } from './address';


function isCached(kind: string): boolean {
  return kind === 'inline-cached' || kind === 'cached-fallback';
}

/** A spec that must name one store: a leaf alias, a provider name, a shorthand or a URI. */
function leafEndpoint(spec: string, manifest: MergedManifest): Endpoint | Problem {
  if (spec.includes('://')) return endpoint(spec);
  const alias = manifest.providers.get(spec);
  if (alias) {
    if (isCached(alias.kind)) {
      return { kind: 'invalid_request', message: `cached provider alias '${spec}' is a complete route and cannot be used where a leaf provider is required` };
    }
    if (!alias.uri) return { kind: 'invalid_request', message: `provider alias '${spec}' has no uri` };
    return endpoint(alias.uri.value, spec);
  }
  return namesStore(spec) ? endpoint(spec) : { kind: 'invalid_request', message: undefinedAliasMessage(spec, manifest.providers.keys()) };
}

export function isProblem(x: object): x is Problem {
  return 'kind' in x && 'message' in x;
}

export interface WriteRoute {
  /** The store a write goes to. */
  primary: Endpoint;
  /** The cache of a cached route, whose entry goes stale when the primary changes. */
  cache?: Endpoint;
}

/**
 * The write destination of a secret: the override (SECRETSPEC_PROVIDER), else
 * the first `providers` entry, else the default provider. A cached alias is a whole route whose cache only
 * accelerates reads, so its writes go to the authoritative source (the inline
 * `uri`, or the first `fallback`), as SecretSpec's write path does.
 */
export function writeRoute(secret: EffectiveSecret, manifest: MergedManifest, defaultProvider: string | undefined, override?: string): WriteRoute | Problem {
  const chain = secret.fields.providers?.value ?? [];
  const first = override ?? chain[0] ?? defaultProvider;
  if (first === undefined) return { kind: 'no_provider_configured', message: noProviderMessage(secret) };
  const alias = first.includes('://') ? undefined : manifest.providers.get(first);
  if (!alias || !isCached(alias.kind)) {
    const primary = leafEndpoint(first, manifest);
    return isProblem(primary) ? primary : { primary };
  }
  let primary: Endpoint | Problem;
  if (alias.kind === 'inline-cached') {
    primary = alias.uri ? endpoint(alias.uri.value, alias.name) : { kind: 'invalid_request', message: `cached provider alias '${first}' has no uri` };
  } else {
    const source = alias.fallback?.[0]?.value;
    primary = source ? leafEndpoint(source, manifest) : { kind: 'invalid_request', message: `cached provider alias '${first}' has no fallback to write to` };
  }
  if (isProblem(primary)) return primary;
  const cacheSpec = alias.cache?.provider?.value;
  const cache = cacheSpec ? leafEndpoint(cacheSpec, manifest) : undefined;
  return cache && !isProblem(cache) ? { primary, cache } : { primary };
}

/**
 * The import source (`import <FROM>`, §D.2): an alias first (exact match), then
 * a provider name, shorthand or URI. A cached alias is refused: it is a route,
 * not one store to read from.
 */
export function importSource(from: string, manifest: MergedManifest): Endpoint | Problem {
  if (from.trim() === '') return { kind: 'invalid_request', message: 'Choose a provider to import from (an alias, a provider name, or a URI such as dotenv:.env.legacy)' };
  const alias = manifest.providers.get(from);
  if (alias) return leafEndpoint(from, manifest);
  if (from.includes(':')) return endpoint(from);
  if (isBuiltinScheme(from)) return endpoint(from);
  const names = [...manifest.providers.keys()].sort().join(', ');
  return { kind: 'invalid_request', message: `Provider backend '${from} (not a known provider or alias; available aliases: ${names || 'none'})' not found` };
}

/** The provider spec of `init --from` / reflect: aliases do not exist there (§D.4). */
export function reflectSource(from: string): Endpoint | Problem {
  if (from.trim() === '') return { kind: 'invalid_request', message: 'Choose a provider to reflect from, such as dotenv://.env' };
  if (from.includes(':') || isBuiltinScheme(from)) return endpoint(from);
  return { kind: 'invalid_request', message: `Provider backend '${from}' not found: write a provider name or URI such as dotenv://.env (aliases are not available before a manifest exists)` };
}

/**
 * With no manifest, a plugin has nothing to resolve relative paths against;
 * SecretSpec resolves them against the directory `init` runs in, so a relative
 * path is made absolute here (by the scheme's record).
 */
export function anchorRelativePath(source: Endpoint, baseDir: string, home?: string): Endpoint {
  const parsed = readProviderUri(source.uri);
  const absolute = parsed.ok ? builtinProvider(parsed.url.scheme)?.absolute?.(parsed.url, baseDir, home) : undefined;
  return absolute === undefined ? source : endpoint(absolute);
}

/** A read-only built-in store, with SecretSpec's reason (A.6). */
export function readOnlyProblem(at: Endpoint): Problem | undefined {
  const provider = builtinProvider(splitSpec(at.uri).scheme);
  if (!provider || provider.writes) return undefined;
  return {
    kind: 'read_only',
    message: `${at.display} is read-only: the ${provider.name} provider cannot store values. Put a writable provider (e.g. keyring or dotenv) first in the secret's providers list`,
  };
}

export interface WritePlan {
  /** The store and its native target, when a route could be found. */
  route?: WriteRoute;
  target?: string;
  /** The key the store holds the value under (the name, unless a `ref` renames it in a flat store). */
  key?: string;
  /** Why nothing may be written (the caller still shows route and target). */
  problem?: Problem;
}

export interface WriteInput {
  manifest: MergedManifest;
  profiles: ReadonlyMap<string, EffectiveProfile>;
  profile: string;
  name: string;
  defaultProvider: string | undefined;
  /** SECRETSPEC_PROVIDER: where every write goes. */
  override?: string;
  base: PathBase;
  takesNative?: TakesNative;
}

export function profileProblem(profiles: ReadonlyMap<string, EffectiveProfile>, profile: string): Problem | undefined {
  if (profiles.has(profile)) return undefined;
  return { kind: 'not_declared', message: `Profile '${profile}' is not defined in secretspec.toml. Available profiles: ${[...profiles.keys()].join(', ')}` };
}

/** Everything `set` decides before it opens a plugin (§D.1). */
export function planWrite(input: WriteInput): WritePlan {
  const missingProfile = profileProblem(input.profiles, input.profile);
  if (missingProfile) return { problem: missingProfile };
  const profile = input.profiles.get(input.profile)!;
  const secret = profile.secrets.get(input.name);
  if (!secret) {
    return {
      problem: {
        kind: 'not_declared',
        message: `Secret '${input.name}' is not defined in profile '${input.profile}'. Available secrets: ${[...profile.secrets.keys()].join(', ')}`,
      },
    };
  }
  if (secret.fields.composed !== undefined) {
    return { problem: { kind: 'read_only', message: `Composed secret '${secret.name}' is derived from other secrets and has no stored value to change` } };
  }
  if (secret.fields.extract !== undefined) {
    return {
      problem: {
        kind: 'read_only',
        message: `Secret '${secret.name}' uses \`extract\` and is read-only; update its containing document in the source provider instead`,
      },
    };
  }
  const route = writeRoute(secret, input.manifest, input.defaultProvider, input.override);
  if (isProblem(route)) return { problem: route };
  const project = input.manifest.project.name?.value ?? '';
  const addressed = addressKey(secret, route.primary, input.manifest, { project, profile: input.profile }, input.takesNative);
  const key = addressed.ok ? addressed.key : secret.name;
  const target = describeTarget(route.primary.uri, { project, profile: input.profile, key }, input.base);
  const problem = addressed.ok ? readOnlyProblem(route.primary) : addressed.problem;
  return { route, target, key, ...(problem ? { problem } : {}) };
}

/** One declared secret of an import, before anything is read. */
export type ImportEntry =
  | { name: string; kind: 'skipped'; message: string }
  | {
      name: string;
      kind: 'copy';
      destination: WriteRoute;
      /** The keys the value is held under at the source and at the destination. */
      sourceKey: string;
      key: string;
      /** Human-readable native destination; also the entry's identity for collision checks. */
      target: string;
      /** The source's native location, the identity the same-entry rule compares. */
      sourceTarget: string;
      /** Set when the destination cannot be written (only matters if a copy is needed). */
      readOnly?: Problem;
    };

export interface ImportInput {
  manifest: MergedManifest;
  profile: EffectiveProfile;
  source: Endpoint;
  defaultProvider: string | undefined;
  /** SECRETSPEC_PROVIDER: the destination of every copy. */
  override?: string;
  deleteSource: boolean;
  base: PathBase;
  takesNative?: TakesNative;
}

/**
 * The secrets an import visits and where each goes (§D.2): every declared
 * secret, sorted; composed ones skipped; any `extract` secret aborts it all;
 * two secrets landing on one destination entry, or (with deleteSource) a
 * source entry that is also a destination entry, refuse it before any read.
 */
export function planImport(input: ImportInput): { ok: true; entries: ImportEntry[] } | { ok: false; problem: Problem } {
  const project = input.manifest.project.name?.value ?? '';
  const entries: ImportEntry[] = [];
  for (const secret of [...input.profile.secrets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (secret.fields.composed !== undefined) {
      entries.push({ name: secret.name, kind: 'skipped', message: 'composed from other secrets; nothing to import' });
      continue;
    }
    if (secret.fields.extract !== undefined) {
      return {
        ok: false,
        problem: { kind: 'read_only', message: `Secret '${secret.name}' uses \`extract\` and is read-only; update its containing document in the source provider instead` },
      };
    }
    const route = writeRoute(secret, input.manifest, input.defaultProvider, input.override);
    if (isProblem(route)) return { ok: false, problem: route };
    const where = { project, profile: input.profile.name };
    const from = addressKey(secret, input.source, input.manifest, where, input.takesNative);
    const to = addressKey(secret, route.primary, input.manifest, where, input.takesNative);
    if (!from.ok) {
      entries.push({ name: secret.name, kind: 'skipped', message: from.problem.message });
      continue;
    }
    if (!to.ok) {
      entries.push({ name: secret.name, kind: 'skipped', message: to.problem.message });
      continue;
    }
    const readOnly = readOnlyProblem(route.primary);
    entries.push({
      name: secret.name,
      kind: 'copy',
      destination: route,
      sourceKey: from.key,
      key: to.key,
      target: describeTarget(route.primary.uri, { ...where, key: to.key }, input.base),
      sourceTarget: describeTarget(input.source.uri, { ...where, key: from.key }, input.base),
      ...(readOnly ? { readOnly } : {}),
    });
  }
  const collision = importCollision(entries, input.deleteSource);
  return collision ? { ok: false, problem: collision } : { ok: true, entries };
}

function importCollision(entries: readonly ImportEntry[], deleteSource: boolean): Problem | undefined {
  const copies = entries.filter((e): e is Extract<ImportEntry, { kind: 'copy' }> => e.kind === 'copy');
  const byTarget = new Map<string, string>();
  for (const e of copies) {
    const other = byTarget.get(e.target);
    if (other) {
      return { kind: 'invalid_request', message: `refusing to import '${other}' and '${e.name}' because they resolve to the same destination provider entry (${e.target})` };
    }
    byTarget.set(e.target, e.name);
  }
  if (!deleteSource) return undefined;
  for (const e of copies) {
    const owner = byTarget.get(e.sourceTarget);
    if (owner === e.name) {
      return {
        kind: 'invalid_request',
        message: `refusing to delete '${e.name}' from the import source because source and destination resolve to the same provider entry (${e.target})`,
      };
    }
    if (owner) {
      return {
        kind: 'invalid_request',
        message: `refusing to delete '${e.name}' from the import source because it resolves to the destination provider entry for '${owner}' (${e.sourceTarget})`,
      };
    }
  }
  return undefined;
}

export interface ImportDecision {
  outcome: Exclude<ImportOutcome, 'skipped'>;
  /** Copy the source value into the empty destination. */
  copy: boolean;
  /** With deleteSource: the source value may go once the destination reads back equal. */
  deletable: boolean;
  message?: string;
}

/** What happens to one secret given what source and destination hold. Never overwrites. */
export function decideImport(source: string | null, destination: string | null): ImportDecision {
  if (source === null) {
    return destination === null
      ? { outcome: 'not_found', copy: false, deletable: false, message: 'not found in source' }
      : { outcome: 'exists', copy: false, deletable: false, message: 'already in target, not in source' };
  }
  if (destination === null) return { outcome: 'imported', copy: true, deletable: true };
  if (destination === source) return { outcome: 'exists', copy: false, deletable: true, message: 'already exists in target' };
  return { outcome: 'differs', copy: false, deletable: false, message: 'target value differs; it was not overwritten' };
}

/** Keeps what a declaration from `reflect` may put in a manifest (§D.4). */
export function reflectedDeclarations(found: Record<string, unknown>): Record<string, { description: string; required: boolean }> {
  const out: Record<string, { description: string; required: boolean }> = {};
  for (const key of Object.keys(found).sort()) {
    const decl = found[key];
    const fields = typeof decl === 'object' && decl !== null ? (decl as Record<string, unknown>) : {};
    out[key] = {
      description: typeof fields.description === 'string' && fields.description !== '' ? fields.description : `${key} secret`,
      required: typeof fields.required === 'boolean' ? fields.required : true,
    };
  }
  return out;
}

