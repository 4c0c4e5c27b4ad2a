// Which providers answer for a secret, in order (providers-and-check §B.1,
// plan.rs `route_for`): an explicit override (SECRETSPEC_PROVIDER) replaces
// every chain; else the effective `providers` chain (already merged with the
// default profile and the `[defaults]` tables); else the default provider
// (the secretspec.defaultProvider setting, else the user config's
// `[defaults] provider`, chosen by the caller). Aliases are the manifest's,
// with the user config's already merged in by the caller.
import type { EffectiveSecret } from '../manifest/effective';
import type { MergedManifest } from '../manifest/model';
import { isBuiltinScheme } from '../providers/registry';
import { undefinedAliasMessage } from '../providers/specs';
import { PLUGIN_SCHEME_PATTERN, redactSpec, splitSpec } from '../providers/uri';

/** How the secrets of one manifest are routed. */
export interface Routing {
  /** The manifest with the user config's aliases merged in, as routing resolves names. */
  manifest: MergedManifest;
  /** The route of a secret without a chain: the setting, else the user config's `[defaults] provider`. */
  defaultProvider?: string;
  /** SECRETSPEC_PROVIDER: the one store every secret is routed to, whatever its chain. */
  override?: string;
}

export interface Endpoint {
  /** The spec as written (alias, name, shorthand or URI). */
  spec: string;
  /** What the plugin host is asked for. */
  uri: string;
  /** Credential-free form for reports and messages. */
  display: string;
  /** The alias this endpoint came through, when there is one (for `refs`). */
  alias?: string;
}

export type Route =
  | { ok: true; endpoints: Endpoint[]; explicit: boolean }
  | { ok: false; kind: 'no_provider_configured' | 'invalid_request'; provider: string; message: string };

/** A bare provider name becomes `name://`; everything else reaches the host as written. */
export function hostUri(spec: string): string {
  return spec.includes(':') ? spec : `${spec}://`;
}

export function endpoint(spec: string, alias?: string): Endpoint {
  const uri = hostUri(spec);
  return { spec, uri, display: redactSpec(uri), ...(alias ? { alias } : {}) };
}

/** Whether a spec that is no alias names a store: a provider name, or `scheme:…` with a plugin-valid scheme. */
export function namesStore(spec: string): boolean {
  return PLUGIN_SCHEME_PATTERN.test(splitSpec(spec).scheme) && (spec.includes(':') || isBuiltinScheme(spec));
}

/** Resolves one spec to the leaf endpoints it stands for (a cached alias: its cache, then its sources). */
function expand(spec: string, manifest: MergedManifest): Endpoint[] | string {
  if (spec.includes('://')) return [endpoint(spec)];
  const alias = manifest.providers.get(spec);
  if (!alias) return namesStore(spec) ? [endpoint(spec)] : undefinedAliasMessage(spec, manifest.providers.keys());
  if (alias.kind === 'cached-fallback' || alias.kind === 'inline-cached') {
    const out: Endpoint[] = [];
    const cache = alias.cache?.provider?.value;
    if (cache) {
      const c = expand(cache, manifest);
      if (typeof c === 'string') return c;
      out.push(...c);
    }
    const sources = alias.kind === 'inline-cached' ? (alias.uri ? [alias.uri.value] : []) : (alias.fallback ?? []).map((f) => f.value);
    for (const s of sources) {
      const leaf = manifest.providers.get(s);
      if (leaf?.uri && !s.includes('://')) out.push(endpoint(leaf.uri.value, s));
      else if (alias.kind === 'inline-cached') out.push(endpoint(s, alias.name));
      else {
        const e = expand(s, manifest);
        if (typeof e === 'string') return e;
        out.push(...e);
      }
    }
    return out;
  }
  if (!alias.uri) return `provider alias '${spec}' has no uri`;
  return [endpoint(alias.uri.value, spec)];
}

/** How the default provider is shown as the report's label: through its alias, as `label` shows a store, credential-free. */
export function defaultProviderLabel(spec: string, manifest: MergedManifest, label: (e: Endpoint) => string = (e) => e.display): string {
  const e = expand(spec, manifest);
  return typeof e === 'string' ? redactSpec(spec) : e[0] ? label(e[0]) : '';
}

/**
 * How SecretSpec's report names an override (`override_display_uri`): through
 * its alias (a cached route: its first source), else as written (`env`, not
 * `env://`), credential-free.
 */
export function overrideLabel(spec: string, manifest: MergedManifest): string {
  const alias = spec.includes('://') ? undefined : manifest.providers.get(spec);
  const source = alias?.uri?.value ?? alias?.fallback?.[0]?.value;
  const leaf = source !== undefined && !source.includes('://') ? (manifest.providers.get(source)?.uri?.value ?? source) : source;
  return redactSpec(leaf ?? spec);
}

/** Said when a secret has no route, by `check` and by writes alike. */
export function noProviderMessage(secret: EffectiveSecret): string {
  return `No provider backend configured for '${secret.name}': add providers = [...] to it, a [profiles.${secret.profile}.defaults] providers list, set [defaults] provider in the SecretSpec user config, or set secretspec.defaultProvider`;
}

/** The specs a secret is routed through, as written: the override, else its chain, else the default provider. */
export function routeSpecs(secret: EffectiveSecret, defaultProvider: string | undefined, override?: string): string[] {
  const chain = secret.fields.providers?.value ?? [];
  // The override collapses the route to that one store, with no fallback; a cached alias keeps its own route.
  return override ? [override] : chain.length ? chain : defaultProvider ? [defaultProvider] : [];
}

export function routeFor(secret: EffectiveSecret, manifest: MergedManifest, defaultProvider: string | undefined, override?: string): Route {
  const specs = routeSpecs(secret, defaultProvider, override);
  if (!specs.length) return { ok: false, kind: 'no_provider_configured', provider: '', message: noProviderMessage(secret) };
  const endpoints: Endpoint[] = [];
  for (const spec of specs) {
    const e = expand(spec, manifest);
    if (typeof e === 'string') {
      if (!endpoints.length) return { ok: false, kind: 'invalid_request', provider: spec, message: e };
      break;
    }
    endpoints.push(...e);
  }
  return { ok: true, endpoints, explicit: override !== undefined || (secret.fields.providers?.value.length ?? 0) > 0 };
}
