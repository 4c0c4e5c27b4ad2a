// Walking each secret's provider chain, one link at a time, batched per
// store URI at each link: shared by the presence check (asking presence)
// and the runner (asking values), so both follow the same chain rules,
// SecretSpec 0.21.1's (secrets.rs `resolve_provider_backed_values`,
// `read_fallback_chain`; providers-and-check §B.3):
// - a value anywhere in the chain answers the secret;
// - a miss or an error at a link moves on to the next link;
// - with no value at the end, a failed primary is the answer (an outage is
//   never turned into "missing"); else a miss at any later link makes the
//   secret missing; else (every later link failed) the last failure is.
// A store only the user's CLI answers (`plugin_not_installed`, delegable)
// ends the walk: the CLI walks the whole chain itself.
import type { EffectiveSecret } from '../manifest/effective';
import type { MergedManifest } from '../manifest/model';
import { ProviderError, type KeyOutcome, type Stores } from '../providers/store';
import { addressKey, type Problem } from './address';
import type { Endpoint, Route } from './route';

/** What a store is asked for a batch of keys: one outcome per distinct key; never rejects. */
export type Ask<T> = (endpoint: Endpoint, keys: string[]) => Promise<Record<string, KeyOutcome<T>>>;

export type Walked<T> =
  | { kind: 'found'; endpoint: Endpoint; answer: T }
  | { kind: 'missing' }
  | { kind: 'failed'; provider: string; error: ProviderError | Problem }
  /** Its chain reached a store only the user's `secretspec` CLI answers. */
  | { kind: 'delegated'; provider: string; error: ProviderError };

export interface WalkInput<T> {
  /** The secrets whose chains are walked; a hole in `routes` skips a secret (e.g. a composition). */
  secrets: readonly EffectiveSecret[];
  /** Each secret's route, by position; undefined: not walked. */
  routes: ReadonlyArray<Route | undefined>;
  manifest: MergedManifest;
  where: { project: string; profile: string };
  /** Whether `answer` is a value (a hit) rather than a miss. */
  hit(answer: T): boolean;
  ask: Ask<T>;
  /** Every key as the secret's name: addresses are not worked out (an untrusted workspace asks nothing). */
  namesOnly?: boolean;
  takesNative(uri: string): boolean;
  delegable?(uri: string): boolean;
}

interface Batch {
  endpoint: Endpoint;
  keys: string[];
  positions: number[];
}

/** Where a secret's walk stands between links. */
interface Progress {
  chain: Endpoint[];
  primaryFailure?: { provider: string; error: ProviderError };
  lastFailure?: { provider: string; error: ProviderError };
  laterMiss: boolean;
}

/** The outcome of each secret, by position (undefined where no route was given or the route failed). */
export async function walkChains<T>(input: WalkInput<T>): Promise<Array<Walked<T> | undefined>> {
  const outcomes = new Array<Walked<T> | undefined>(input.secrets.length);
  const progress = new Array<Progress | undefined>(input.secrets.length);

  const enqueue = (batches: Map<string, Batch>, position: number, link: number): void => {
    const p = progress[position]!;
    const endpoint = p.chain[link];
    if (!endpoint) {
      outcomes[position] = settle(p);
      return;
    }
    const secret = input.secrets[position]!;
    const addressed = input.namesOnly ? { ok: true as const, key: secret.name } : addressKey(secret, endpoint, input.manifest, input.where, input.takesNative);
    if (!addressed.ok) {
      // SecretSpec stops the whole read on an address it cannot form; here only this secret stops.
      outcomes[position] = { kind: 'failed', provider: endpoint.display, error: addressed.problem };
      return;
    }
    let batch = batches.get(endpoint.uri);
    if (!batch) batches.set(endpoint.uri, (batch = { endpoint, keys: [], positions: [] }));
    batch.keys.push(addressed.key);
    batch.positions.push(position);
  };

  let batches = new Map<string, Batch>();
  input.routes.forEach((route, position) => {
    if (!route?.ok) return;
    progress[position] = { chain: route.endpoints, laterMiss: false };
    enqueue(batches, position, 0);
  });

  for (let link = 0; batches.size; link++) {
    const next = new Map<string, Batch>();
    await Promise.all(
      [...batches.values()].map(async ({ endpoint, keys, positions }) => {
        const answers = await input.ask(endpoint, [...new Set(keys)]);
        for (let i = 0; i < keys.length; i++) {
          const at = positions[i]!;
          const p = progress[at]!;
          const a = answers[keys[i]!] ?? { ok: false, error: new ProviderError('invalid_response', `${endpoint.display} gave no answer for ${input.secrets[at]!.name}`) };
          if (a.ok && input.hit(a.value)) {
            outcomes[at] = { kind: 'found', endpoint, answer: a.value };
            continue;
          }
          if (!a.ok && a.error.kind === 'plugin_not_installed' && input.delegable?.(endpoint.uri)) {
            outcomes[at] = { kind: 'delegated', provider: endpoint.display, error: a.error };
            continue;
          }
          if (!a.ok) {
            const failure = { provider: endpoint.display, error: a.error };
            if (link === 0) p.primaryFailure = failure;
            else p.lastFailure = failure;
          } else if (link > 0) {
            p.laterMiss = true;
          }
          enqueue(next, at, link + 1);
        }
      }),
    );
    batches = next;
  }
  return outcomes;
}

function settle<T>(p: Progress): Walked<T> {
  const failure = p.primaryFailure ?? (p.laterMiss ? undefined : p.lastFailure);
  return failure ? { kind: 'failed', ...failure } : { kind: 'missing' };
}

/** Asks one store, opened for `context`; a failure to open or answer is every key's failure. */
export async function askStore<T>(
  stores: Stores,
  endpoint: Endpoint,
  keys: string[],
  open: Parameters<Stores['open']>[1],
  question: (store: Awaited<ReturnType<Stores['open']>>) => Promise<Record<string, KeyOutcome<T>>>,
): Promise<Record<string, KeyOutcome<T>>> {
  try {
    return await question(await stores.open(endpoint.uri, open));
  } catch (error) {
    const e = error instanceof ProviderError ? error : new ProviderError('internal', `${endpoint.display}: unexpected failure (${error instanceof Error ? error.name : 'unknown error'})`);
    const failed: KeyOutcome<T> = { ok: false, error: e };
    return Object.fromEntries(keys.map((k) => [k, failed]));
  }
}
