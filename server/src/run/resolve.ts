// Reads the values a run needs through the same routes and stores as the
// presence check (check/route.ts, check/address.ts, the Stores door): each
// chain walked as check/walk.ts walks it (SecretSpec's chain rules). A
// failure settles that secret as unresolved with the reason, never as
// missing. Values live only in the returned map, in this process's memory.
import type { EffectiveProfile, EffectiveSecret } from '../manifest/effective';
import type { Presence } from '../check/report';
import { routeFor, type Route, type Routing } from '../check/route';
import { askStore, walkChains } from '../check/walk';
import type { Stores } from '../providers/store';

export interface ResolveInput extends Routing {
  /** The secrets to read (composed ones are skipped: they are rendered from these). */
  profile: EffectiveProfile;
  stores: Stores;
  configFile: string;
  /** A store no plugin serves that the user's `secretspec` CLI answers (check/run.ts `delegable`). */
  delegable(uri: string): boolean;
  /** A store's own URI as SecretSpec names it, for `source_provider`-like messages. */
  canonical?(uri: string): string | undefined;
}

export interface Resolution {
  /** Presence of each secret by its position in `profile.secrets`, as check/report.ts `buildReport` takes it. */
  presence: Array<Presence | undefined>;
  /** The values found, by secret name. */
  values: Map<string, string>;
  /** Secrets whose route reached a store only the user's CLI answers. */
  delegated: Set<string>;
}

export async function resolveValues(input: ResolveInput): Promise<Resolution> {
  const { profile, manifest } = input;
  const project = manifest.project.name?.value ?? '';
  const where = { project, profile: profile.name };
  const secrets = [...profile.secrets.values()];
  const presence = new Array<Presence | undefined>(secrets.length);
  const values = new Map<string, string>();
  const delegated = new Set<string>();

  const routes = secrets.map((s: EffectiveSecret, position): Route | undefined => {
    if (s.fields.composed !== undefined) return undefined;
    const route = routeFor(s, manifest, input.defaultProvider, input.override);
    if (!route.ok) presence[position] = { kind: 'unknown', provider: route.provider, error: route.kind, message: route.message };
    return route;
  });
  const walked = await walkChains<string | null>({
    secrets,
    routes,
    manifest,
    where,
    hit: (value) => value !== null,
    ask: (endpoint, keys) => askStore(input.stores, endpoint, keys, { configFile: input.configFile, ...where, command: 'run' }, (store) => store.getMany(where, keys)),
    takesNative: (uri) => input.stores.takesNativeAddresses?.(uri) ?? false,
    delegable: input.delegable,
  });
  walked.forEach((w, at) => {
    if (!w) return;
    const name = secrets[at]!.name;
    if (w.kind === 'found') {
      values.set(name, w.answer!);
      presence[at] = { kind: 'found', provider: input.canonical?.(w.endpoint.uri) ?? w.endpoint.display };
    } else if (w.kind === 'missing') {
      presence[at] = { kind: 'missing' };
    } else {
      presence[at] = { kind: 'unknown', provider: w.provider, error: w.error.kind, message: w.error.message };
      if (w.kind === 'delegated') delegated.add(name);
    }
  });
  return { presence, values, delegated };
}
