// A session with one provider URI (provider-protocol.md §2, §4–6, §9):
// `hello` first, capability checks before every request, one request at a
// time, retries with backoff for throttling and outages (reads only; a
// mutation is never replayed), and every failure mapped to a host error
// kind with a message that names the plugin and says what to do.
import type { ErrorKind } from '../../../protocol/src';
import type { CircuitBreaker } from './breaker';
import { PROTOCOL_VERSION, decodeBatchGetAnswer, decodeHelloAnswer, decodeOpAnswer, type Decoded, type OpName, type OpResults, type PluginFailure } from './codec';
import type { Redactor } from './redact';
import { secretAllowed, secretFilter, type PluginSetting } from './settings';
import { delay, type Transport } from './transport';
import { asProviderError, ProviderError, type Address, type Capability, type Declaration, type KeyOutcome, type Store } from '../providers/store';
import type { HelloRequest, OpRequest } from './types';

export const MAX_BATCH_KEYS = 1024;

// Presence outcomes carry no per-key data, so every key shares one of two frozen answers.
const PRESENT: KeyOutcome<boolean> = Object.freeze({ ok: true, value: true });
const ABSENT: KeyOutcome<boolean> = Object.freeze({ ok: true, value: false });
const presenceOf = (value: string | null): KeyOutcome<boolean> => (value === null ? ABSENT : PRESENT);

/** Whether every key sorts strictly after the one before it, so the keys are distinct without hashing each (a check asks in name order). */
function ascending(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1]! < keys[i]!)) return false;
  return true;
}

/** What callers of the host hold: a Store for one provider URI, whichever transport serves it. */
export interface PluginSession extends Store {
  readonly uri: string;
  exists(address: Address, key: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface SessionTimeouts {
  helloMs: number;
  requestMs: number;
  batchGetMs: number;
}

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface SessionConfig {
  uri: string;
  label: string;
  /** Identifies the plugin for the circuit breaker (shared by all its sessions). */
  pluginKey: string;
  scheme: string;
  hello: HelloRequest;
  setting: PluginSetting | undefined;
  startTransport(): Promise<Transport>;
  timeouts: SessionTimeouts;
  retry: RetryPolicy;
  breaker: CircuitBreaker;
  redactor: Redactor;
  log(text: string): void;
}

/** Failures that say the plugin itself is unwell, as opposed to an answer about the backend or the request. */
const BREAKER_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'timeout',
  'plugin_crashed',
  'invalid_response',
  'unsupported_version',
  'internal',
  'unavailable',
  'rate_limited',
]);
/** Failures that concern one key; the others of a batch are still worth asking about. */
const KEY_SPECIFIC_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['permission_denied', 'not_found', 'invalid_request']);
const RETRIED: ReadonlySet<string> = new Set(['rate_limited', 'unavailable']);
const READS: ReadonlySet<OpName> = new Set<OpName>(['get', 'batch_get', 'exists', 'reflect']);

const CAPABILITY_OF: Record<Exclude<OpName, 'bye'>, Capability> = {
  get: 'get',
  batch_get: 'batch_get',
  exists: 'exists',
  set: 'set',
  delete: 'delete',
  reflect: 'reflect',
};

/** How much of a plugin's `error.message` is quoted to the user. */
const PLUGIN_MESSAGE_CHARS = 200;

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export class ProviderSession implements PluginSession {
  private transport: Transport | undefined;
  private caps: readonly Capability[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly config: SessionConfig) {}

  get uri(): string {
    return this.config.uri;
  }
  get label(): string {
    return this.config.label;
  }
  get capabilities(): readonly Capability[] {
    return this.caps;
  }
  can(capability: Capability): boolean {
    return this.caps.includes(capability);
  }

  /** Starts the plugin and completes `hello` unless a live session exists. */
  open(): Promise<void> {
    return this.serialized(async () => {
      await this.ensureStarted();
    });
  }

  async get(address: Address, key: string): Promise<string | null> {
    this.checkAllowed(key);
    const value = await this.run({ op: 'get', ...address, key });
    if (value !== null) this.config.redactor.remember(value);
    return value;
  }

  async exists(address: Address, key: string): Promise<boolean> {
    this.checkAllowed(key);
    return this.run({ op: 'exists', ...address, key });
  }

  async set(address: Address, key: string, value: string): Promise<void> {
    this.checkAllowed(key);
    this.config.redactor.remember(value);
    await this.run({ op: 'set', ...address, key, value });
  }

  async delete(address: Address, key: string): Promise<void> {
    this.checkAllowed(key);
    await this.run({ op: 'delete', ...address, key });
  }

  reflect(project: string): Promise<Record<string, Declaration>> {
    return this.run({ op: 'reflect', project });
  }

  async getMany(address: Address, keys: readonly string[]): Promise<Record<string, KeyOutcome<string | null>>> {
    const out: Record<string, KeyOutcome<string | null>> = {};
    // Each value is remembered as its answer is decoded, before the plugin's stderr from that request is logged.
    await this.readChunks(address, this.partitionAllowed(keys, out), out, (value) => {
      if (value !== null) this.config.redactor.remember(value);
      return { ok: true, value };
    });
    return out;
  }

  async presence(address: Address, keys: readonly string[]): Promise<Record<string, KeyOutcome<boolean>>> {
    const out: Record<string, KeyOutcome<boolean>> = {};
    const wanted = this.partitionAllowed(keys, out);
    if (!wanted.length) return out;
    let stop: ProviderError | undefined;
    try {
      await this.open();
    } catch (error) {
      stop = asProviderError(error);
    }
    if (!stop && !this.can('exists') && this.can('batch_get')) {
      // A value read to learn presence is dropped here: never kept, logged or returned, only scrubbable from then on.
      await this.readChunks(address, wanted, out, (value) => {
        if (value !== null) this.config.redactor.rememberPresenceValue(value);
        return presenceOf(value);
      });
      return out;
    }
    if (!stop && !this.can('exists') && !this.can('get')) {
      stop = new ProviderError(
        'capability_required',
        `${this.label} advertises none of exists, batch_get or get, so presence cannot be checked through it (it is write-only); check presence where the values are read from`,
      );
    }
    for (const key of wanted) {
      if (stop) {
        out[key] = { ok: false, error: stop };
        continue;
      }
      try {
        let present: boolean;
        if (this.can('exists')) present = await this.run({ op: 'exists', ...address, key });
        else {
          const value = await this.run({ op: 'get', ...address, key });
          if (value !== null) this.config.redactor.rememberPresenceValue(value);
          present = value !== null;
        }
        out[key] = present ? PRESENT : ABSENT;
      } catch (error) {
        const failure = asProviderError(error);
        out[key] = { ok: false, error: failure };
        if (!KEY_SPECIFIC_KINDS.has(failure.kind)) stop = failure;
      }
    }
    return out;
  }

  close(): Promise<void> {
    this.closed = true;
    const transport = this.transport;
    this.transport = undefined;
    return transport ? transport.close() : Promise.resolve();
  }

  /**
   * Asks `batch_get` for `wanted` (distinct, already allowed) in chunks of
   * MAX_BATCH_KEYS and writes one outcome per key into `out`; `outcome`
   * decides what of a read value is kept.
   */
  private async readChunks<T>(address: Address, wanted: readonly string[], out: Record<string, KeyOutcome<T>>, outcome: (value: string | null) => KeyOutcome<T>): Promise<void> {
    let stop: KeyOutcome<T> | undefined;
    for (let i = 0; i < wanted.length; i += MAX_BATCH_KEYS) {
      const end = Math.min(i + MAX_BATCH_KEYS, wanted.length);
      if (!stop) {
        const chunk = wanted.slice(i, end);
        try {
          const request = { op: 'batch_get' as const, ...address, keys: chunk };
          // Outcomes are written as the answer is checked; if it turns out invalid, the catch below overwrites them all.
          await this.runDecoded(request, (raw) =>
            decodeBatchGetAnswer(request, raw, (key, value) => {
              out[key] = outcome(value);
            }),
          );
          continue;
        } catch (error) {
          const failure = asProviderError(error);
          const failed: KeyOutcome<T> = { ok: false, error: failure };
          if (!KEY_SPECIFIC_KINDS.has(failure.kind)) stop = failed;
          for (const key of chunk) out[key] = failed;
          continue;
        }
      }
      for (let j = i; j < end; j++) out[wanted[j]!] = stop;
    }
  }

  /** Records a permission_denied outcome for keys outside `allowedSecrets`; returns the distinct keys that may be sent. */
  private partitionAllowed<T>(keys: readonly string[], out: Record<string, KeyOutcome<T>>): string[] {
    const allowed = secretFilter(this.config.setting);
    const wanted: string[] = [];
    for (const key of ascending(keys) ? keys : new Set(keys)) {
      if (allowed(key)) wanted.push(key);
      else out[key] = { ok: false, error: this.notAllowed(key) };
    }
    return wanted;
  }

  private checkAllowed(key: string): void {
    if (!secretAllowed(this.config.setting, key)) throw this.notAllowed(key);
  }

  private notAllowed(key: string): ProviderError {
    return new ProviderError(
      'permission_denied',
      `${key} was not sent to ${this.label}: it is outside secretspec.plugins.${this.config.scheme}.allowedSecrets; add a matching pattern there if this plugin should serve it`,
    );
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private run<K extends Exclude<OpName, 'bye'>>(request: OpRequest & { op: K }): Promise<OpResults[K]> {
    return this.runDecoded(request, (raw) => decodeOpAnswer<K>(request, raw));
  }

  /** Sends one request (retrying reads that were throttled or hit an outage) and decodes its answer with `decode`. */
  private runDecoded<T>(request: Exclude<OpRequest, { op: 'bye' }>, decode: (raw: unknown) => Decoded<T>): Promise<T> {
    return this.serialized(async () => {
      const { retry } = this.config;
      for (let attempt = 1; ; attempt++) {
        const transport = await this.ensureStarted();
        this.requireCapability(request.op);
        const timeoutMs = this.timeoutFor(request.op);
        let raw: unknown;
        try {
          raw = await transport.exchange(request, timeoutMs, request.op);
        } catch (error) {
          throw this.transportFailed(transport, asProviderError(error));
        }
        const decoded = decode(raw);
        if (decoded.ok === true) {
          this.config.breaker.success(this.config.pluginKey);
          return decoded.value;
        }
        if (decoded.ok === 'invalid') {
          void transport.close();
          throw this.transportFailed(
            transport,
            new ProviderError(
              'invalid_response',
              `${this.label} answered ${request.op} with an invalid response (${decoded.problem}), so the session was ended; the plugin is faulty or too old, update it or report it to its author`,
            ),
          );
        }
        const { failure } = decoded;
        if (RETRIED.has(failure.kind) && READS.has(request.op) && attempt < retry.attempts) {
          const backoff = Math.min(retry.initialDelayMs * 2 ** (attempt - 1), retry.maxDelayMs);
          const wait = Math.min(failure.retryAfterMs ?? backoff, retry.maxDelayMs);
          this.config.log(`${this.label} answered ${request.op} with ${failure.kind}; retrying in ${wait} ms (attempt ${attempt + 1} of ${retry.attempts})`);
          await delay(wait);
          continue;
        }
        const error = this.failureError(failure, request.op);
        const unquoted = this.failureError(failure, request.op, false).message;
        if (BREAKER_KINDS.has(error.kind)) this.config.breaker.failure(this.config.pluginKey, unquoted);
        else this.config.breaker.success(this.config.pluginKey);
        this.config.log(unquoted);
        throw error;
      }
    });
  }

  private timeoutFor(op: OpName): number {
    const configured = this.config.setting?.timeoutMs ?? this.config.timeouts.requestMs;
    return op === 'batch_get' ? Math.max(configured, this.config.timeouts.batchGetMs) : configured;
  }

  private requireCapability(op: Exclude<OpName, 'bye'>): void {
    const capability = CAPABILITY_OF[op];
    if (this.caps.includes(capability)) return;
    const reads = op === 'get' || op === 'batch_get';
    throw new ProviderError(
      'capability_required',
      reads
        ? `${this.label} does not offer value reads (${op}); it advertises only ${this.caps.join(', ') || 'nothing'}, so it is a write-only sink and cannot say whether a value is there by reading it`
        : `${this.label} does not offer ${op}; it advertises only ${this.caps.join(', ') || 'nothing'}. Use a provider that supports ${op}`,
    );
  }

  private transportFailed(transport: Transport, error: ProviderError): ProviderError {
    if (this.transport === transport) this.transport = undefined;
    this.config.breaker.failure(this.config.pluginKey, error.message);
    this.config.log(error.message);
    return error;
  }

  private async ensureStarted(): Promise<Transport> {
    if (this.closed) throw new ProviderError('internal', `${this.label}: this session was closed; ask the host for a new one`);
    if (this.transport && this.transport.state !== 'done') return this.transport;
    this.transport = undefined;
    const breaker = this.config.breaker.state(this.config.pluginKey);
    if (breaker.open) {
      const seconds = Math.max(1, Math.ceil(breaker.remainingMs / 1000));
      throw new ProviderError(
        'circuit_open',
        `${this.label} failed ${breaker.failures} times in a row, so it is not started again for ${seconds} s. Last problem: ${clip(breaker.lastProblem, 300)}`,
      );
    }
    let transport: Transport;
    try {
      transport = await this.config.startTransport();
    } catch (error) {
      const failure = error instanceof ProviderError ? error : new ProviderError('plugin_crashed', `${this.label} could not be started; check that it is an executable file you may run`);
      this.config.breaker.failure(this.config.pluginKey, failure.message);
      throw failure;
    }
    let raw: unknown;
    try {
      raw = await transport.exchange(this.config.hello, this.config.timeouts.helloMs, 'hello');
    } catch (error) {
      throw this.transportFailed(transport, asProviderError(error));
    }
    const decoded = decodeHelloAnswer(raw);
    let problem: ProviderError | undefined;
    let unquoted: string | undefined;
    if (decoded.ok === 'invalid') {
      problem = new ProviderError('invalid_response', `${this.label} answered hello with an invalid response (${decoded.problem}); the plugin is faulty or too old, update it`);
    } else if (decoded.ok === false) {
      problem = this.failureError(decoded.failure, 'hello');
      unquoted = this.failureError(decoded.failure, 'hello', false).message;
    } else if (decoded.value.protocolVersion > PROTOCOL_VERSION) {
      problem = new ProviderError(
        'unsupported_version',
        `${this.label} answered hello with protocol version ${decoded.value.protocolVersion}, but this extension speaks only version ${PROTOCOL_VERSION}; update the extension or install an older plugin`,
      );
    }
    if (problem || decoded.ok !== true) {
      void transport.close();
      const failure = problem ?? new ProviderError('internal', `${this.label}: hello failed`);
      if (BREAKER_KINDS.has(failure.kind)) this.config.breaker.failure(this.config.pluginKey, unquoted ?? failure.message);
      this.config.log(unquoted ?? failure.message);
      throw failure;
    }
    if (this.closed) {
      await transport.close();
      throw new ProviderError('internal', `${this.label}: this session was closed while it was starting`);
    }
    this.caps = decoded.value.capabilities;
    this.transport = transport;
    this.config.log(
      `${this.label} started${transport.pid !== undefined ? ` (pid ${transport.pid})` : ''} for ${this.config.redactor.scrub(this.uri)}; capabilities: ${this.caps.join(', ') || 'none'}`,
    );
    return transport;
  }

  /**
   * The failure as the user reads it. The plugin's own words are quoted only
   * when `quote` (provider-protocol §6: shown only as diagnostics text, i.e.
   * in the reason a failed check or write gives the user; never in the log,
   * nor in the breaker's last problem, which the log repeats), and then as
   * one line, scrubbed before it is cut, and short.
   */
  private failureError(failure: PluginFailure, op: string, quote = true): ProviderError {
    const said = quote && failure.message ? ` (it said: "${clip(this.config.redactor.scrub(failure.message), PLUGIN_MESSAGE_CHARS)}")` : '';
    const label = this.label;
    switch (failure.kind) {
      case 'auth_failed':
        return new ProviderError('auth_failed', `${label} could not authenticate to its backend${said}; sign in to the service behind it (for example with its CLI) and try again`);
      case 'permission_denied':
        return new ProviderError('permission_denied', `${label} is signed in but not allowed to ${op}${said}; ask for access or use another account`);
      case 'not_found':
        return new ProviderError('not_found', `${label} found no such project, profile or container${said}; check the provider URI and the project and profile names`);
      case 'rate_limited':
        return new ProviderError('rate_limited', `${label} is being throttled by its backend${said}; wait a moment and try again`);
      case 'unavailable':
        return new ProviderError('unavailable', `${label} cannot reach its backend${said}; check your network connection or the provider's service or daemon`);
      case 'unsupported':
        return new ProviderError('unsupported', `${label} does not support ${op} here${said}`);
      case 'unsupported_version':
        return new ProviderError('unsupported_version', `${label} does not speak protocol version ${PROTOCOL_VERSION}${said}; update the plugin or the extension`);
      case 'invalid_request':
        return new ProviderError(
          'invalid_request',
          op === 'hello'
            ? `${label} refused to start${said}; it may need context the host did not give, check the plugin's documentation`
            : `${label} rejected the ${op} request as invalid${said}`,
        );
      case 'internal':
        return new ProviderError('internal', `${label} failed to ${op}${said}; with secretspec.trace.server on, its stderr is in the SecretSpec output log`);
    }
  }
}
