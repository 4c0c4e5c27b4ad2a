// Provider specs and routes ([R], manifest-rules §5.1, §5.6, §5.7 and
// providers-and-check §A): checked statically, reported as Warnings because
// they fail only when secrets are resolved, and the user's environment (a
// provider installed later, SECRETSPEC_PROVIDER) can still decide otherwise.
import { KeyOrigin, type AliasModel, type MergedManifest, type Origin, type Sourced } from '../manifest/model';
import { suggest } from '../manifest/suggest';
import { BUILTIN_SCHEMES, builtinProvider, CACHE_CAPABLE_SCHEMES } from '../providers/registry';
import type { SpecIssue } from '../providers/scheme';
import { classifySpec, storageIdentity, undefinedAliasMessage, type SpecClass } from '../providers/specs';
import { redactSpec, splitSpec } from '../providers/uri';
import { checkProviderSpec } from '../providers/validate';
import type { Reporter } from './report';

export interface ProviderEnvironment {
  /** Whether a plugin for a non-built-in scheme can be found (settings, bundled, PATH). Absent: don't say. */
  pluginInstalled?: (scheme: string) => boolean;
  /** Non-built-in schemes with a plugin or a claim, for "did you mean" on one that has neither. */
  installedSchemes?: () => readonly string[];
  /** The user config's `[defaults.providers]`: every manifest can name them, and its own `[providers]` win. */
  userAliases?: ReadonlyMap<string, AliasModel>;
}

export function checkProviders(manifest: MergedManifest, env: ProviderEnvironment, r: Reporter): void {
  // Specs resolve as SecretSpec resolves them (project aliases, then the user's); only the project's own aliases are checked here.
  const known: ReadonlyMap<string, AliasModel> = env.userAliases?.size ? new Map([...env.userAliases, ...manifest.providers]) : manifest.providers;
  const aliases = new Set(known.keys());
  const cached = new Set([...known].filter(([, a]) => a.kind === 'inline-cached' || a.kind === 'cached-fallback').map(([name]) => name));
  const ctx: Ctx = { manifest, known, aliases, cached, env, r, classes: new Map(), issues: new Map() };

  for (const alias of manifest.providers.values()) checkAlias(alias, ctx);
  if (manifest.defaults?.providers) checkList(manifest.defaults.providers, ctx);

  for (const profile of manifest.profiles.values()) {
    if (profile.defaults?.providers) checkList(profile.defaults.providers, ctx);
    for (const decl of profile.secrets.values()) {
      const providers = decl.fields.providers;
      if (providers) checkList(providers, ctx);
      const refs = decl.fields.refs;
      if (refs) {
        for (const key of Object.keys(refs.value)) {
          if (key.trim() === '') continue;
          if (!aliases.has(key)) {
            r.warning('refs-undefined-alias', `Secret '${decl.name}' defines \`refs.${key}\`, but provider alias '${key}' is not defined`, refs.at, 'key', {
              sub: [key],
              data: { alias: key },
            });
          } else if (cached.has(key)) {
            r.warning('refs-cached-alias', `Secret '${decl.name}' defines \`refs.${key}\`, but '${key}' is a cached route; scoped refs must name leaf provider aliases`, refs.at, 'key', {
              sub: [key],
            });
          }
        }
      }
    }
  }
}

interface Ctx {
  manifest: MergedManifest;
  /** Every alias a spec can name, project first. */
  known: ReadonlyMap<string, AliasModel>;
  aliases: Set<string>;
  cached: Set<string>;
  env: ProviderEnvironment;
  r: Reporter;
  /**
   * Verdicts by spec text. A large manifest repeats a handful of specs
   * thousands of times, and both verdicts depend only on the text and on
   * this run's aliases and environment.
   */
  classes: Map<string, SpecClass>;
  issues: Map<string, SpecIssue[]>;
}

function classOf(spec: string, ctx: Ctx): SpecClass {
  let c = ctx.classes.get(spec);
  if (!c) ctx.classes.set(spec, (c = classifySpec(spec, ctx.aliases, ctx.cached)));
  return c;
}

/** A secret's (or a profile default's) `providers` chain. */
function checkList(list: Sourced<string[]>, ctx: Ctx): void {
  const specs = list.value;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    const c = classOf(spec, ctx);
    if (c.kind === 'cached-alias' && specs.length > 1) {
      ctx.r.warning(
        'cached-alias-in-chain',
        `cached provider alias '${spec}' is a complete route and cannot be combined with additional entries in a secret's providers list`,
        new KeyOrigin(list.at.file, list.at, i),
        'value',
        { data: { alias: spec } },
      );
    } else if (c.kind === 'undefined-alias') {
      ctx.r.warning('undefined-alias', undefinedAliasMessage(spec, ctx.aliases), new KeyOrigin(list.at.file, list.at, i), 'value', {
        data: { alias: spec, head: i === 0, aliases: [...ctx.aliases] },
      });
    } else if (c.kind !== 'alias' && c.kind !== 'cached-alias') {
      const issues = specIssues(spec, ctx);
      if (issues.length) reportIssues(issues, new KeyOrigin(list.at.file, list.at, i), ctx);
    }
  }
}

/** A served scheme within a typo of `scheme`: built in, else one with a plugin or a claim. */
export function closestScheme(scheme: string, installed?: () => readonly string[]): string | undefined {
  return suggest(scheme, [...BUILTIN_SCHEMES, ...(installed?.() ?? [])].filter((s) => s !== scheme));
}

function specIssues(spec: string, ctx: Ctx): SpecIssue[] {
  let issues = ctx.issues.get(spec);
  if (!issues) {
    const { pluginInstalled, installedSchemes } = ctx.env;
    const options = { ...(pluginInstalled ? { pluginInstalled, closestScheme: (scheme: string) => closestScheme(scheme, installedSchemes) } : {}) };
    ctx.issues.set(spec, (issues = checkProviderSpec(spec, options)));
  }
  return issues;
}

function reportIssues(issues: readonly SpecIssue[], at: Origin, ctx: Ctx): void {
  for (const issue of issues) {
    ctx.r.add(issue.severity, issue.code, issue.message, at, 'value', issue.data ? { data: issue.data } : {});
  }
}

function checkSpec(spec: string, at: Origin, ctx: Ctx): void {
  reportIssues(specIssues(spec, ctx), at, ctx);
}

/** What scheme an alias or spec finally stores in. */
function resolveScheme(spec: string, ctx: Ctx): string | undefined {
  const alias = ctx.known.get(spec);
  if (alias && !spec.includes('://')) return alias.uri ? splitSpec(alias.uri.value).scheme : undefined;
  return splitSpec(spec).scheme;
}

function resolveUri(spec: string, ctx: Ctx): string {
  const alias = ctx.known.get(spec);
  return alias?.uri && !spec.includes('://') ? alias.uri.value : spec;
}

/** A fallback or the cache of a cached alias must be a defined leaf provider; false when it is not. */
function checkRouteEntry(alias: AliasModel, entry: Sourced<string>, ctx: Ctx): boolean {
  const c = classOf(entry.value, ctx);
  if (c.kind === 'cached-alias') {
    ctx.r.warning(
      'nested-cached-alias',
      `cached provider alias '${alias.name}' cannot use cached alias '${entry.value}' as a fallback or cache provider; cached aliases may contain only leaf providers`,
      entry.at,
      'value',
    );
    return false;
  }
  if (c.kind === 'undefined-alias') {
    ctx.r.warning('undefined-alias', undefinedAliasMessage(entry.value, ctx.aliases), entry.at, 'value', { data: { alias: entry.value } });
    return false;
  }
  if (c.kind !== 'alias') checkSpec(entry.value, entry.at, ctx);
  return true;
}

function checkAlias(alias: AliasModel, ctx: Ctx): void {
  const { r } = ctx;
  if (alias.name.includes('://')) {
    // A `providers` entry containing `://` is always read as a URI (manifest-rules §5.8).
    r.info('alias-name-unselectable', `provider alias '${alias.name}' contains '://', so a providers list reads it as a URI and can never select this alias`, alias.at, 'key');
  }
  if (alias.uri) checkSpec(alias.uri.value, alias.uri.at, ctx);

  const target = alias.uri ? builtinProvider(splitSpec(alias.uri.value).scheme) : undefined;
  for (const cred of alias.credentials) {
    if (target && !target.credentialNames.includes(cred.name)) {
      const supported = target.credentialNames.length ? target.credentialNames.join(', ') : 'none';
      r.warning(
        'unsupported-credential',
        `credential '${cred.name}' is not supported by provider '${target.name}' for alias '${alias.name}' (supported credentials: ${supported})`,
        cred.at,
        'key',
        { data: { supported: target.credentialNames } },
      );
    }
    const src = cred.provider;
    if (!src) continue;
    const c = classOf(src.value, ctx);
    if (c.kind === 'alias') {
      const source = ctx.known.get(src.value)!;
      if (source.credentials.length) {
        r.warning(
          'credential-chain',
          `provider alias '${src.value}' cannot be a credential source for '${alias.name}' because it declares its own credentials; credential chains are limited to one hop`,
          src.at,
          'value',
        );
      }
    } else if (c.kind === 'cached-alias') {
      r.warning('cached-alias-as-leaf', `cached provider alias '${src.value}' is a complete route and cannot be used where a leaf provider is required`, src.at, 'value');
    } else if (c.kind === 'undefined-alias') {
      r.warning(
        'credential-unknown-provider',
        `credential source for '${cred.name}' in provider alias '${alias.name}' names an unknown provider '${src.value}'`,
        src.at,
        'value',
      );
    } else {
      checkSpec(src.value, src.at, ctx);
    }
  }

  const leafEntries: Array<Sourced<string>> = alias.kind === 'cached-fallback' ? (alias.fallback ?? []) : alias.uri ? [alias.uri] : [];
  if (alias.kind === 'cached-fallback') for (const entry of leafEntries) checkRouteEntry(alias, entry, ctx);

  const cacheProvider = alias.cache?.provider;
  if (cacheProvider && (alias.kind === 'cached-fallback' || alias.kind === 'inline-cached')) {
    if (!checkRouteEntry(alias, cacheProvider, ctx)) return;
    const spec = cacheProvider.value;
    const uri = resolveUri(spec, ctx);
    const scheme = resolveScheme(spec, ctx);
    if (scheme && !(CACHE_CAPABLE_SCHEMES as readonly string[]).includes(scheme)) {
      r.warning(
        'cache-not-deletable',
        `cached provider alias '${alias.name}' caches into '${redactSpec(uri)}', which cannot delete secrets, so its entries could never be invalidated. Cache into one of: ${[...CACHE_CAPABLE_SCHEMES].join(', ')}.`,
        cacheProvider.at,
        'value',
      );
    }
    const cacheId = storageIdentity(uri);
    for (const entry of leafEntries) {
      const srcUri = resolveUri(entry.value, ctx);
      if (cacheId !== undefined && storageIdentity(srcUri) === cacheId) {
        r.warning(
          'cache-same-store',
          `cached provider alias '${alias.name}' caches into '${redactSpec(uri)}', which is also its authoritative source '${redactSpec(entry.value)}'. A cache must be a distinct store, otherwise refreshing it overwrites the secret it caches.`,
          cacheProvider.at,
          'value',
        );
        break;
      }
    }
  }
}
