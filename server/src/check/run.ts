// The capability-aware presence check: one planned pass per provider URI per
// chain position. Each session is asked only what it advertised (`exists`,
// else `batch_get`, else `get`: see PluginSession.presence); a value read to
// learn presence is dropped by the session. Fallback only on a miss: an error
// stops that secret's chain and is reported, never turned into "missing".
import type { CheckResult, ErrorKind } from '../../../protocol/src';
import type { EffectiveProfile } from '../manifest/effective';
import type { MergedManifest } from '../manifest/model';
import { splitSpec } from '../manifest/providers/specs';
import { ProviderError } from '../plugins/types';
import { buildReport, type Presence } from './report';
import { routeFor, type Endpoint } from './route';

export type PresenceOutcome = { ok: true; value: boolean } | { ok: false; error: { kind: ErrorKind; message: string } };

/** What the check needs from the plugin host. */
export interface PresenceProbe {
  presence(uri: string, address: { project: string; profile: string }, keys: readonly string[]): Promise<Record<string, PresenceOutcome>>;
}

export interface CheckInput {
  manifest: MergedManifest;
  profiles: Map<string, EffectiveProfile>;
  /** Profiles to check; default: all. */
  only?: readonly string[];
  defaultProvider?: string;
  probe: PresenceProbe;
}

export async function runCheck(input: CheckInput): Promise<CheckResult> {
  const project = input.manifest.project.name?.value ?? '';
  const names = input.only?.length ? input.only.filter((p) => input.profiles.has(p)) : [...input.profiles.keys()];
  const results: CheckResult['results'] = [];
  for (const name of names) {
    const profile = input.profiles.get(name)!;
    results.push({ profile: name, ...(await checkProfile(profile, project, input)) });
  }
  return { results };
}

async function checkProfile(profile: EffectiveProfile, project: string, input: CheckInput) {
  const presence = new Map<string, Presence>();
  const chains = new Map<string, Endpoint[]>();
  const primaries: Array<{ display: string; explicit: boolean }> = [];
  // Most secrets share a handful of chains: resolve each distinct chain once.
  const routes = new Map<string, ReturnType<typeof routeFor>>();
  for (const s of profile.secrets.values()) {
    if (s.fields.composed !== undefined) continue;
    const chainKey = (s.fields.providers?.value ?? []).join('\u0000');
    let route = routes.get(chainKey);
    if (!route) {
      route = routeFor(s, input.manifest, input.defaultProvider);
      // Failures name the secret, so only successes are shared.
      if (route.ok) routes.set(chainKey, route);
    }
    if (!route.ok) {
      presence.set(s.name, { kind: 'unknown', provider: route.provider, error: route.kind, message: route.message });
      continue;
    }
    chains.set(s.name, route.endpoints);
    primaries.push({ display: route.endpoints[0]!.display, explicit: route.explicit });
  }

  // Walk every chain one position at a time, batching per URI at each position.
  let pending = [...chains.keys()];
  for (let position = 0; pending.length; position++) {
    const byUri = new Map<string, { endpoint: Endpoint; keys: string[] }>();
    for (const name of pending) {
      const endpoint = chains.get(name)![position]!;
      const batch = byUri.get(endpoint.uri) ?? { endpoint, keys: [] };
      batch.keys.push(name);
      byUri.set(endpoint.uri, batch);
    }
    const next: string[] = [];
    await Promise.all(
      [...byUri.values()].map(async ({ endpoint, keys }) => {
        const answers = await ask(input.probe, endpoint, project, profile.name, keys);
        for (const key of keys) {
          const a = answers[key];
          if (!a) {
            presence.set(key, { kind: 'unknown', provider: endpoint.display, error: 'invalid_response', message: `${endpoint.display} gave no answer for ${key}` });
          } else if (!a.ok) {
            presence.set(key, { kind: 'unknown', provider: endpoint.display, error: a.error.kind, message: a.error.message });
          } else if (a.value) {
            presence.set(key, { kind: 'found', provider: endpoint.display });
          } else if (position + 1 < chains.get(key)!.length) {
            next.push(key);
          } else {
            presence.set(key, { kind: 'missing' });
          }
        }
      }),
    );
    pending = next;
  }

  const explicitAll = primaries.length > 0 && primaries.every((p) => p.explicit);
  const providerLabel = explicitAll
    ? [...primaries.map((p) => p.display)].sort()[0]!
    : input.defaultProvider
      ? (primaries.find((p) => !p.explicit)?.display ?? input.defaultProvider)
      : '';
  return buildReport({
    profile,
    presence,
    providerLabel,
    persistsGenerated: (name) => {
      const primary = chains.get(name)?.[0];
      return !primary || splitSpec(primary.uri).scheme !== 'null';
    },
  });
}

async function ask(probe: PresenceProbe, endpoint: Endpoint, project: string, profile: string, keys: string[]): Promise<Record<string, PresenceOutcome>> {
  try {
    return await probe.presence(endpoint.uri, { project, profile }, keys);
  } catch (error) {
    const e = error instanceof ProviderError ? error : new ProviderError('internal', `${endpoint.display}: ${error instanceof Error ? error.message : String(error)}`);
    return Object.fromEntries(keys.map((k) => [k, { ok: false, error: { kind: e.kind, message: e.message } }]));
  }
}
