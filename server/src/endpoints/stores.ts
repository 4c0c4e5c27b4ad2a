// SecretSpec 0.21 endpoints as Stores: what check/ asks of a store, done
// over EndpointSessions with operations.ts. One session (one process) per
// URI, manifest, project, profile and reason, since one process serves one
// session context (upstream-provider-ipc-v1.md §6) and the profile is part
// of it; a session idle for a while is closed, and every one is closed when
// the host is disposed. Which scheme is an endpoint is decided by
// plugins/stores.ts; this module only runs what it is given.
import * as path from 'node:path';
import { CircuitBreaker } from '../plugins/breaker';
import { Redactor } from '../plugins/redact';
import type { Coordinates as StoreCoordinates } from '../providers/scheme';
import { nativeCoordinates, ProviderError, type Address, type Capability, type Declaration, type KeyOutcome, type Store, type StoreContext } from '../providers/store';
import { METHOD, type Address as WireAddress, type Product } from './messages';
import { describeWriteTarget, presence, read, readMany, reflect, remove, write, type Query } from './operations';
import { EndpointSession, type CredentialAnswer, type CredentialRequest, type EndpointConnection } from './session';

/** How to start the endpoint that serves a scheme, as plugins/stores.ts found it. */
export interface EndpointPlan {
  scheme: string;
  /** Absolute; the breaker and the session identity key on it. */
  executable: string;
  args: readonly string[];
  /** The whole environment of the process. */
  env: Record<string, string>;
  /** Known from the user's setting rather than a claim: `rpc.discover` must confirm it before the URI is sent. */
  discoverFirst: boolean;
}

/** A `client.credential` callback with what it is about, for the broker that answers it. */
export interface EndpointCredentialRequest extends CredentialRequest {
  uri: string;
  configFile: string | null;
  project: string;
  profile: string;
}
export type EndpointCredentials = (request: EndpointCredentialRequest, signal: AbortSignal) => Promise<CredentialAnswer>;

export interface EndpointHostOptions {
  client: Product;
  credentials: EndpointCredentials;
  /** Per request; SecretSpec's 30 s when absent. */
  requestMs?: number;
  /** Receives log lines; each is scrubbed first. */
  log(line: string): void;
  /** Whether endpoints' stderr may be logged (the server trace is on); off when absent. */
  showStderr?: () => boolean;
}

/** A session nobody used for this long is closed; the next use starts the endpoint again. */
const IDLE_MS = 5 * 60_000;
/** What the endpoint's methods mean as the Store capabilities check/ asks about. */
const CAPABILITIES: ReadonlyArray<[string, Capability]> = [
  [METHOD.get, 'get'],
  [METHOD.getMany, 'batch_get'],
  [METHOD.exists, 'exists'],
  [METHOD.set, 'set'],
  [METHOD.delete, 'delete'],
  [METHOD.reflect, 'reflect'],
];

interface Held {
  session: EndpointSession;
  idle: NodeJS.Timeout | undefined;
}

export class EndpointHost {
  private readonly redactor = new Redactor();
  private readonly breaker = new CircuitBreaker({ threshold: 5, cooldownMs: 30_000, now: Date.now });
  private readonly sessions = new Map<string, Held>();
  private disposed = false;

  constructor(private readonly options: EndpointHostOptions) {}

  /** The store `uri` names, its endpoint started for `context` (its profile, else `default`). */
  async open(uri: string, context: StoreContext, plan: EndpointPlan): Promise<Store> {
    const store = new EndpointStore(this, uri, context, plan);
    await store.start();
    return store;
  }

  /** The session for one context, made on first use; every use postpones its idle close. */
  session(uri: string, context: StoreContext, plan: EndpointPlan, profile: string): EndpointSession {
    if (this.disposed) throw new ProviderError('internal', 'the endpoint host has been shut down');
    const key = JSON.stringify([plan.executable, uri, context.configFile, context.project, profile, context.command]);
    let held = this.sessions.get(key);
    if (!held) {
      held = { session: this.create(uri, context, plan, profile), idle: undefined };
      this.sessions.set(key, held);
    }
    const h = held;
    clearTimeout(h.idle);
    h.idle = setTimeout(() => {
      this.sessions.delete(key);
      void h.session.close();
    }, IDLE_MS);
    h.idle.unref();
    return h.session;
  }

  private create(uri: string, context: StoreContext, plan: EndpointPlan, profile: string): EndpointSession {
    this.redactor.rememberUriCredentials(uri);
    const scope = { uri, configFile: context.configFile, project: context.project, profile };
    return new EndpointSession({
      launch: { scheme: plan.scheme, executable: plan.executable, args: plan.args, env: plan.env, ...(context.configFile ? { cwd: path.dirname(context.configFile) } : {}) },
      uri,
      // What SecretSpec asserts for a session (R3 `application.context`).
      context: { project: context.project || null, profile, baseDir: context.configFile ? path.dirname(context.configFile) : null, reason: context.command || null },
      label: `endpoint ${plan.scheme} (${plan.executable})`,
      client: this.options.client,
      credentials: (request, signal) => this.options.credentials({ ...request, ...scope }, signal),
      discoverFirst: plan.discoverFirst,
      redactor: this.redactor,
      log: (line) => this.options.log(this.redactor.scrub(line)),
      ...(this.options.showStderr ? { showStderr: this.options.showStderr } : {}),
      breaker: this.breaker,
      breakerKey: plan.executable,
      ...(this.options.requestMs ? { requestMs: this.options.requestMs } : {}),
    });
  }

  /** Endpoint processes that have not exited yet. */
  livePids(): number[] {
    return [...this.sessions.values()].map((h) => h.session.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** Closes every session (§6 shutdown) and waits until their processes are gone. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const held = [...this.sessions.values()];
    this.sessions.clear();
    for (const h of held) clearTimeout(h.idle);
    await Promise.all(held.map((h) => h.session.close()));
  }
}

/** A key as the endpoint is asked about it: the native coordinates it carries, else SecretSpec's convention address. */
function wireAddress(address: Address, key: string): WireAddress {
  const native = nativeCoordinates(key);
  return native ? { kind: 'native', coordinates: native } : { kind: 'convention', project: address.project, profile: address.profile, key };
}

class EndpointStore implements Store {
  capabilities: readonly Capability[] = [];
  private connection: EndpointConnection | undefined;

  constructor(
    private readonly host: EndpointHost,
    private readonly uri: string,
    private readonly context: StoreContext,
    private readonly plan: EndpointPlan,
  ) {}

  /** Starts the endpoint for the context's profile: its methods are the store's capabilities. */
  async start(): Promise<void> {
    this.connection = await this.session(this.context.profile ?? 'default').ready();
    this.capabilities = CAPABILITIES.filter(([method]) => this.connection!.supports(method)).map(([, capability]) => capability);
  }

  get label(): string {
    return this.connection?.label ?? `endpoint ${this.plan.scheme}`;
  }

  can(capability: Capability): boolean {
    return this.capabilities.includes(capability);
  }

  private session(profile: string): EndpointSession {
    return this.host.session(this.uri, this.context, this.plan, profile);
  }

  private queries(address: Address, keys: readonly string[]): Query[] {
    return keys.map((key) => ({ name: key, address: wireAddress(address, key) }));
  }

  async presence(address: Address, keys: readonly string[]): Promise<Record<string, KeyOutcome<boolean>>> {
    return Object.fromEntries(await presence(this.session(address.profile), this.queries(address, keys)));
  }

  async get(address: Address, key: string): Promise<string | null> {
    const found = await read(this.session(address.profile), wireAddress(address, key));
    return found.found ? found.value : null;
  }

  async getMany(address: Address, keys: readonly string[]): Promise<Record<string, KeyOutcome<string | null>>> {
    const out: Record<string, KeyOutcome<string | null>> = {};
    for (const [key, o] of await readMany(this.session(address.profile), this.queries(address, keys))) {
      out[key] = o.ok ? { ok: true, value: o.value.found ? o.value.value : null } : o;
    }
    return out;
  }

  set(address: Address, key: string, value: string): Promise<void> {
    return write(this.session(address.profile), wireAddress(address, key), value);
  }

  async delete(address: Address, key: string): Promise<void> {
    // Absent is a successful delete, as for every store.
    await remove(this.session(address.profile), wireAddress(address, key));
  }

  /** Declarations of the context's profile (reflect is per profile in 0.21), each with its native `ref`. */
  async reflect(project: string): Promise<Record<string, Declaration>> {
    const profile = this.context.profile ?? 'default';
    const found = await reflect(this.session(profile), project, profile);
    return Object.fromEntries(Object.entries(found).map(([name, d]) => [name, { description: d.description, required: d.required, ref: d.ref }]));
  }

  describeTarget(at: StoreCoordinates): Promise<string> {
    return describeWriteTarget(this.session(at.profile), wireAddress(at, at.key));
  }
}
