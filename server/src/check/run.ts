// The capability-aware presence check: one planned pass per provider URI per
// chain position. Each store is asked the cheapest way it offers (see
// Store.presence); a value read to learn presence is dropped by the store.
// Fallback only on a miss: an error stops that secret's chain and is
// reported, never turned into "missing".
import type { CheckResult } from '../../../protocol/src';
import type { EffectiveProfile, EffectiveSecret } from '../manifest/effective';
import type { MergedManifest } from '../manifest/model';
import { parseTemplate } from '../manifest/template';
import { builtinProvider } from '../providers/registry';
import { ProviderError, type KeyOutcome, type Stores } from '../providers/store';
import { redactSpec, splitSpec } from '../providers/uri';
import { addressKey } from './address';
import { buildReport, type Presence } from './report';
import { defaultProviderLabel, overrideLabel, routeFor, type Endpoint, type Route, type Routing } from './route';

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

/** The secrets asked of one provider URI at the same link of their chains, with the chain each is walking. */
interface Batch {
  endpoint: Endpoint;
  /** The key each secret is stored under at this store (its name, unless a native address renames it). */
  keys: string[];
  /** Parallel to `keys`: each secret's position in profile.secrets, and its chain. */
  positions: number[];
  chains: Endpoint[][];
}

const MISSING: Presence = { kind: 'missing' };

interface Walk {
  secrets: EffectiveSecret[];
  presence: Array<Presence | undefined>;
  manifest: MergedManifest;
  where: { project: string; profile: string };
  untrusted: boolean;
  takesNative: (uri: string) => boolean;
  /** Positions of secrets whose route reached a store only the CLI answers. */
  delegated: Set<number>;
}

/** Queues the secret at `position` for `endpoint`, or settles it when its address cannot be asked there. */
function enqueue(batches: Map<string, Batch>, walk: Walk, endpoint: Endpoint, position: number, chain: Endpoint[]): void {
  const secret = walk.secrets[position]!;
  const addressed = walk.untrusted ? { ok: true as const, key: secret.name } : addressKey(secret, endpoint, walk.manifest, walk.where, walk.takesNative);
  if (!addressed.ok) {
    walk.presence[position] = { kind: 'unknown', provider: endpoint.display, error: addressed.problem.kind, message: addressed.problem.message };
    return;
  }
  let batch = batches.get(endpoint.uri);
  if (!batch) {
    batch = { endpoint, keys: [], positions: [], chains: [] };
    batches.set(endpoint.uri, batch);
  }
  batch.keys.push(addressed.key);
  batch.positions.push(position);
  batch.chains.push(chain);
}

async function checkProfile(profile: EffectiveProfile, project: string, input: CheckInput) {
  const sourceLabel = (e: Endpoint): string => input.canonical?.(e.uri) ?? e.display;
  // By position in profile.secrets, which buildReport walks in the same order.
  const presence = new Array<Presence | undefined>(profile.secrets.size);
  const walk: Walk = {
    secrets: [...profile.secrets.values()],
    presence,
    manifest: input.manifest,
    where: { project, profile: profile.name },
    untrusted: input.untrusted === true,
    takesNative: (uri) => input.stores.takesNativeAddresses?.(uri) ?? false,
    delegated: new Set(),
  };
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
  // Every chain is walked one link at a time, batching per URI at each link.
  let batches = new Map<string, Batch>();
  // The report's provider label: if every route is explicit, the least primary spec as the route names it
  // (an alias resolved, a bare name kept: `keyring`, not `keyring://`), redacted after choosing, as
  // SecretSpec's `validation_report_provider_uri` does; else the first implicit one.
  let explicitAll = true;
  let leastPrimary: string | undefined;
  let firstImplicit: string | undefined;
  let index = -1;
  for (const s of profile.secrets.values()) {
    index++;
    if (s.fields.composed !== undefined) continue;
    const route = routeOf(s);
    if (!route.ok) {
      presence[index] = { kind: 'unknown', provider: route.provider, error: route.kind, message: route.message };
      continue;
    }
    const primary = route.endpoints[0]!;
    enqueue(batches, walk, primary, index, route.endpoints);
    if (!route.explicit) {
      explicitAll = false;
      firstImplicit ??= sourceLabel(primary);
    }
    if (leastPrimary === undefined || primary.spec < leastPrimary) leastPrimary = primary.spec;
  }

  for (let link = 0; batches.size; link++) {
    const next = new Map<string, Batch>();
    await Promise.all(
      [...batches.values()].map(async ({ endpoint, keys, positions, chains }) => {
        const answers = await ask(input, endpoint, { project, profile: profile.name }, keys);
        const found: Presence = { kind: 'found', provider: sourceLabel(endpoint) };
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i]!;
          const at = positions[i]!;
          const a = answers[key];
          if (!a) {
            presence[at] = { kind: 'unknown', provider: endpoint.display, error: 'invalid_response', message: `${endpoint.display} gave no answer for ${key}` };
          } else if (!a.ok) {
            presence[at] = { kind: 'unknown', provider: endpoint.display, error: a.error.kind, message: a.error.message };
            // The CLI walks the whole chain itself, fallbacks included, so the whole secret goes to it.
            if (a.error.kind === 'plugin_not_installed' && input.delegable?.(endpoint.uri)) walk.delegated.add(at);
          } else if (a.value) {
            presence[at] = found;
          } else if (link + 1 < chains[i]!.length) {
            enqueue(next, walk, chains[i]![link + 1]!, at, chains[i]!);
          } else {
            presence[at] = MISSING;
          }
        }
      }),
    );
    batches = next;
  }

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
  return { ...built, delegated: delegatedNames(profile, walk.delegated, built.unresolved) };
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
  const pending = new Set(unresolved.map((u) => u.name).filter((n) => profile.secrets.get(n)?.fields.composed !== undefined));
  // Until nothing changes: a composition may depend on another composition.
  for (let grew = true; grew; ) {
    grew = false;
    for (const name of pending) {
      if (!parseTemplate(profile.secrets.get(name)!.fields.composed!.value).refs.some((r) => names.has(r.name))) continue;
      names.add(name);
      pending.delete(name);
      grew = true;
    }
  }
  return [...names].sort();
}

async function ask(input: CheckInput, endpoint: Endpoint, address: { project: string; profile: string }, keys: string[]): Promise<Record<string, KeyOutcome<boolean>>> {
  try {
    const store = await input.stores.open(endpoint.uri, { configFile: input.configFile, project: address.project, command: 'check', profile: address.profile });
    // Two secrets may share one native key; the store is asked about it once.
    return await store.presence(address, [...new Set(keys)]);
  } catch (error) {
    const e = error instanceof ProviderError ? error : new ProviderError('internal', `${endpoint.display}: ${error instanceof Error ? error.message : String(error)}`);
    const failed: KeyOutcome<boolean> = { ok: false, error: e };
    return Object.fromEntries(keys.map((k) => [k, failed]));
  }
}
