// Which providers answer for a secret, in order (providers-and-check §B.1,
// plan.rs `route_for`): an explicit override (SECRETSPEC_PROVIDER) replaces
// every chain; else the effective `providers` chain (already merged with the
// default profile and the `[defaults]` tables); else the default provider
// (the secretspec.defaultProvider setting, else the user config's
// `[defaults] provider`, chosen by the caller). Aliases are the manifest's,
// with the user config's already merged in by the caller.
import type { EffectiveSecret } from '../manifest/effective';
import type { MergedManifest } from '../manifest/model';
import { BUILTIN_SCHEMES } from '../manifest/providers/registry';
import { redactSpec, splitSpec } from '../manifest/providers/specs';

const KNOWN_BARE = new Set(BUILTIN_SCHEMES);

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

function endpoint(spec: string, alias?: string): Endpoint {
  const uri = hostUri(spec);
  return { spec, uri, display: redactSpec(uri), ...(alias ? { alias } : {}) };
}

/** Resolves one spec to the leaf endpoints it stands for (a cached alias: its cache, then its sources). */
function expand(spec: string, manifest: MergedManifest): Endpoint[] | string {
  if (spec.includes('://')) return [endpoint(spec)];
  const alias = manifest.providers.get(spec);
  if (!alias) {
    const { scheme } = splitSpec(spec);
    if (!/^[a-z][a-z0-9_-]*$/.test(scheme) || (!spec.includes(':') && !KNOWN_BARE.has(spec))) {
      const names = [...manifest.providers.keys()].sort();
      return names.length
        ? `Provider alias '${spec}' is not defined. Available aliases: ${names.join(', ')}`
        : `Provider alias '${spec}' is not defined. Declare it in [providers] in secretspec.toml or in the global config.`;
    }
    return [endpoint(spec)];
  }
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

export function routeFor(secret: EffectiveSecret, manifest: MergedManifest, defaultProvider: string | undefined, override?: string): Route {
  const chain = secret.fields.providers?.value ?? [];
  // The override collapses the route to that one store, with no fallback; a cached alias keeps its own route.
  const specs = override ? [override] : chain.length ? chain : defaultProvider ? [defaultProvider] : [];
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
  return { ok: true, endpoints, explicit: override !== undefined || chain.length > 0 };
}
