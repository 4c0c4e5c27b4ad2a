// The capability-aware presence check: one planned pass per provider URI per
// chain position (walk.ts, with SecretSpec's chain rules). Each store is
// asked the cheapest way it offers (see Store.presence); a value read to
// learn presence is dropped by the store. A failure is reported as such,
// never turned into "missing".
import type { CheckResult } from '../../../protocol/src';
import type { EffectiveProfile, EffectiveSecret } from '../manifest/effective';
import { parseTemplate } from '../manifest/template';
import { builtinProvider } from '../providers/registry';
import type { Stores } from '../providers/store';
import { redactSpec, splitSpec } from '../providers/uri';
import { buildReport, type Presence } from './report';
import { defaultProviderLabel, overrideLabel, routeFor, type Endpoint, type Route, type Routing } from './route';
import { askStore, walkChains, type Walked } from './walk';

export interface CheckInput extends Routing {
  profiles: Map<string, EffectiveProfile>;
  /** Profiles to check; default: all. */
  only?: readonly string[];
  stores: Stores;
  /** Absolute path of the manifest the stores are opened for, or null when it is not a file. */
  configFile: string | null;
  /**
   * An untrusted workspace: the host refuses every question, and that refusal
   * is the answer for every stored secret, even one whose address no plugin
   * could be asked about anyway.
   */
  untrusted?: boolean;
  /**
   * A store's own URI as SecretSpec reports it (`source_provider`, the
   * default provider's label), when it differs from the configured spec:
   * bundled providers rebuild it from their configuration. Credential-free.
   */
  canonical?: (uri: string) => string | undefined;
  /**
   * Whether a store no plugin serves (`plugin_not_installed`) is one the
   * user's `secretspec` CLI answers: its secrets are then reported in the
   * profile's `delegated`, for a CLI check to replace their entries.
   */
  delegable?: (uri: string) => boolean;
}

/** One profile's native check, with the secrets it leaves to the CLI (issue 11). */
export type NativeProfileCheck = CheckResult['results'][number] & { delegated: string[] };

export async function runCheck(input: CheckInput): Promise<{ results: NativeProfileCheck[] }> {
  const project = input.manifest.project.name?.value ?? '';
  const names = input.only?.length ? input.only.filter((p) => input.profiles.has(p)) : [...input.profiles.keys()];
  const results: NativeProfileCheck[] = [];
  for (const name of names) {
    const profile = input.profiles.get(name)!;
    results.push({ profile: name, ...(await checkProfile(profile, project, input)) });
  }
  return { results };
}

/** A walk's outcome as the report takes it. */
function presenceOf(walked: Walked<boolean>, sourceLabel: (e: Endpoint) => string): Presence {
  switch (walked.kind) {
    case 'found':
      return { kind: 'found', provider: sourceLabel(walked.endpoint) };
    case 'missing':
      return { kind: 'missing' };
    case 'failed':
    case 'delegated':
      return { kind: 'unknown', provider: walked.provider, error: walked.error.kind, message: walked.error.message };
  }
}

async function checkProfile(profile: EffectiveProfile, project: string, input: CheckInput) {
  const sourceLabel = (e: Endpoint): string => input.canonical?.(e.uri) ?? e.display;
  const secrets = [...profile.secrets.values()];
  // By position in profile.secrets, which buildReport walks in the same order.
  const presence = new Array<Presence | undefined>(secrets.length);
  const routesOf = new Array<Route | undefined>(secrets.length);
  // Most secrets share a handful of chains: resolve each distinct chain once.
  const routes = new Map<string, Route>();
  const routeOf = (s: EffectiveSecret): Route => {
    const chain = s.fields.providers?.value ?? [];
    // Equal to chain.join('\u0000'), without building a string for the usual one-link chain.
    const chainKey = chain.length === 1 ? chain[0]! : chain.join('\u0000');
    const known = routes.get(chainKey);
    if (known) return known;
    const route = routeFor(s, input.manifest, input.defaultProvider, input.override);
    // Failures name the secret, so only successes are shared.
    if (route.ok) routes.set(chainKey, route);
    return route;
  };
  // The report's provider label: if every route is explicit, the least primary spec as the route names it
  // (an alias resolved, a bare name kept: `keyring`, not `keyring://`), redacted after choosing, as
  // SecretSpec's `validation_report_provider_uri` does; else the first implicit one.
  let explicitAll = true;
  let leastPrimary: string | undefined;
  let firstImplicit: string | undefined;
  secrets.forEach((s, index) => {
    if (s.fields.composed !== undefined) return;
    const route = routeOf(s);
    if (!route.ok) {
      presence[index] = { kind: 'unknown', provider: route.provider, error: route.kind, message: route.message };
      return;
    }
    routesOf[index] = route;
    const primary = route.endpoints[0]!;
    if (!route.explicit) {
      explicitAll = false;
      firstImplicit ??= sourceLabel(primary);
    }
    if (leastPrimary === undefined || primary.spec < leastPrimary) leastPrimary = primary.spec;
  });

  const where = { project, profile: profile.name };
  const walked = await walkChains<boolean>({
    secrets,
    routes: routesOf,
    manifest: input.manifest,
    where,
    hit: (present) => present,
    ask: (endpoint, keys) => askStore(input.stores, endpoint, keys, { configFile: input.configFile, ...where, command: 'check' }, (store) => store.presence(where, keys)),
    namesOnly: input.untrusted === true,
    takesNative: (uri) => input.stores.takesNativeAddresses?.(uri) ?? false,
    ...(input.delegable ? { delegable: input.delegable } : {}),
  });
  const delegated = new Set<number>();
  walked.forEach((w, index) => {
    if (!w) return;
    presence[index] = presenceOf(w, sourceLabel);
    if (w.kind === 'delegated') delegated.add(index);
  });

  const providerLabel =
    input.override !== undefined
      ? overrideLabel(input.override, input.manifest)
      : explicitAll && leastPrimary !== undefined
        ? redactSpec(leastPrimary)
        : input.defaultProvider
          ? (firstImplicit ?? defaultProviderLabel(input.defaultProvider, input.manifest, sourceLabel))
          : '';
  const built = buildReport({
    profile,
    presence,
    providerLabel,
    persistsGenerated: (name) => {
      const secret = profile.secrets.get(name);
      const route = secret && routeOf(secret);
      const primary = route?.ok ? route.endpoints[0] : undefined;
      return !primary || builtinProvider(splitSpec(primary.uri).scheme)?.storesNothing !== true;
    },
  });
  return { ...built, delegated: delegatedNames(profile, delegated, built.unresolved) };
}

/**
 * The delegated secrets by name, plus the compositions left unresolved
 * because an input (directly or through another composition) is delegated:
 * the CLI resolves those too, having seen every input.
 */
function delegatedNames(profile: EffectiveProfile, positions: ReadonlySet<number>, unresolved: readonly { name: string }[]): string[] {
  if (!positions.size) return [];
  const names = new Set<string>();
  let index = -1;
  for (const name of profile.secrets.keys()) if (positions.has(++index)) names.add(name);
  // Which unresolved compositions read each name, so delegation spreads along edges once each (a composition may build on another).
  const readers = new Map<string, string[]>();
  for (const u of unresolved) {
    const composed = profile.secrets.get(u.name)?.fields.composed;
    if (composed === undefined) continue;
    for (const ref of parseTemplate(composed.value).refs) {
      const list = readers.get(ref.name);
      if (list) list.push(u.name);
      else readers.set(ref.name, [u.name]);
    }
  }
  const queue = [...names];
  while (queue.length) {
    for (const reader of readers.get(queue.pop()!) ?? []) {
      if (names.has(reader)) continue;
      names.add(reader);
      queue.push(reader);
    }
  }
  return [...names].sort();
}
