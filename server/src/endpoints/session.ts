// One SecretSpec 0.21 endpoint process and its `secretspec.provider` v1
// session (upstream-provider-ipc-v1.md §2–3, §6), and the reconnecting
// session callers hold.
//
// The process is started directly (no shell) as `<executable> provider`
// with the environment its claim allows, leads its own process group on
// POSIX so a kill reaches what it forked (and what it forked into a new
// session: plugins/descendants.ts), and, only with the server trace on, has
// its stderr kept as a bounded, redacted log. A closed stdout is a crash at
// once. Requests carry absolute deadlines; one that runs out is cancelled
// with `rpc.cancel`, and an endpoint that does not end it within a grace
// period counts as hung and is stopped. Closing is §6: `rpc.shutdown`, end
// of input, a bounded wait, then a kill and reap.
//
// Values cross only in `provider.get`/`get_many` results, `provider.set`
// params and `client.credential` answers; none of them is ever logged or put
// in an error message, and each one is remembered by the redactor so that an
// endpoint echoing it on stderr is scrubbed. Logs name the method, the
// request id, the duration and the kind, nothing else (§5).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { ErrorKind } from '../../../protocol/src';
import type { CircuitBreaker } from '../plugins/breaker';
import { forgetPlugin, killDescendants, noteDescendants, trackPlugin } from '../plugins/descendants';
import type { Redactor } from '../plugins/redact';
import { ProviderError } from '../providers/store';
import {
  METHOD,
  decodeCredentialParams,
  decodeDiscovery,
  decodeEmpty,
  decodeInitializeResult,
  initializeParams,
  type ApplicationContext,
  type Initialized,
  type Limits,
  type Metadata,
  type Product,
} from './messages';
import {
  ABSOLUTE_MAX_FRAME_BYTES,
  FrameDecoder,
  cancelMessage,
  classify,
  deadlineAfter,
  encodeFrame,
  errorMessage,
  requestMessage,
  resultMessage,
  serverKind,
  type FrameEvent,
  type Incoming,
  type WireErrorKind,
} from './wire';

/** A failure of an endpoint request, with the server's kind and, when the endpoint said so, its own. */
export class EndpointError extends ProviderError {
  constructor(
    kind: ErrorKind,
    message: string,
    readonly wireKind?: WireErrorKind | 'unrecognized',
    readonly retryAfterMs?: number,
  ) {
    super(kind, message);
    this.name = 'EndpointError';
  }
}

export interface EndpointLaunch {
  scheme: string;
  /** Absolute and canonical (claims.ts). */
  executable: string;
  args: readonly string[];
  /** The whole environment of the process (environment.ts). */
  env: Record<string, string>;
  cwd?: string;
}

/** What `secretspec/credential` asks the editor (lsp-extensions.md). */
export interface CredentialRequest {
  scheme: string;
  name: string;
  scope: string;
  required: boolean;
}
export type CredentialAnswer = { status: 'found'; value: string } | { status: 'missing' };
/** Answers `client.credential`; `signal` aborts when the endpoint no longer waits for the answer. */
export type CredentialSource = (request: CredentialRequest, signal: AbortSignal) => Promise<CredentialAnswer>;

export interface ConnectionOptions {
  launch: EndpointLaunch;
  /** The configured provider URI; sensitive (§3), so never logged unscrubbed. */
  uri: string;
  context: ApplicationContext;
  /** Names the endpoint in messages, e.g. `endpoint acme (/opt/acme/bin/acme)`. */
  label: string;
  client: Product;
  /** What the host offers; the endpoint picks no more. */
  limits?: Limits;
  startupMs?: number;
  /** How long a cancelled request may take to end before the endpoint counts as hung. */
  cancelGraceMs?: number;
  /** The `rpc.shutdown` deadline of a normal close. */
  shutdownMs?: number;
  /** Offered as `client.credential` when given; without it the endpoint sees an empty broker. */
  credentials?: CredentialSource;
  /** Ask `rpc.discover` first and send nothing sensitive unless the answer is a v1 provider's (for executables whose protocol is not known from a claim). */
  discoverFirst?: boolean;
  redactor: Redactor;
  log(line: string): void;
  /** Whether the endpoint's stderr may be logged (the server trace is on); off when absent: an endpoint's own words may hold anything. */
  showStderr?: () => boolean;
}

const DEFAULT_LIMITS: Limits = { maxFrameBytes: ABSOLUTE_MAX_FRAME_BYTES, maxInFlight: 16 };
/** SecretSpec's host: 10 s to initialize, 30 s per operation (external.rs). */
const STARTUP_MS = 10_000;
const OPERATION_MS = 30_000;
const CANCEL_GRACE_MS = 2_000;
const SHUTDOWN_MS = 2_000;
/** §6: however generous the shutdown deadline, the exit wait stops here. */
const EXIT_WAIT_CAP_MS = 5_000;
/** §6: reaping a killed process and draining its stderr, each measured from when it starts. */
const REAP_MS = 2_000;
/** A broken peer gets this long to exit after its input closes before it is killed. */
const BROKEN_EXIT_MS = 500;
/** After the process exits, how long its pipes may stay open: longer means something it forked holds them. */
const PIPE_DRAIN_MS = 200;
/** §1: at most this many distinct credentials per session. */
const MAX_DISTINCT_CREDENTIALS = 64;
const STDERR_LOG_BYTES = 64 * 1024;
const STDERR_LINE_CHARS = 2_000;
const MAX_CREDENTIAL_BYTES = ABSOLUTE_MAX_FRAME_BYTES;

const GROUPS = process.platform !== 'win32';
/** Process groups of endpoints that may still run, killed if the server exits first. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number): boolean {
  try {
    process.kill(-pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of liveGroups) killGroup(group);
  });
}

function after(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms));
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

interface Pending {
  id: number;
  method: string;
  deadlineUnixMs: number;
  started: number;
  timer: NodeJS.Timeout | undefined;
  /** Called synchronously with the frame that ends the request, so its effects (initialize's limits) apply before the next frame. */
  settle(outcome: { ok: true; result: unknown } | { ok: false; error: EndpointError }): void;
  /** Callbacks this request raised; they end with it. */
  callbacks: Set<AbortController>;
}

type ConnectionState = 'starting' | 'ready' | 'closing' | 'closed';

export class EndpointConnection {
  private readonly child: ChildProcessWithoutNullStreams;
  private state: ConnectionState = 'starting';
  private failure: EndpointError | undefined;
  private readonly decoder: FrameDecoder;
  private frameLimit = ABSOLUTE_MAX_FRAME_BYTES;
  private maxInFlight = 1;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Requests given up on that the endpoint has not ended yet: they still hold their in-flight slot. */
  private readonly abandoned = new Map<number, NodeJS.Timeout>();
  private inFlight = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private readonly inbound = new Map<number, AbortController>();
  private lastInboundId = 0;
  private readonly credentialKeys = new Set<string>();
  private credentialFloodLogged = false;
  private initialized: Initialized | undefined;
  private exited = false;
  readonly ended: Promise<void>;
  /** Settles at the process's exit, before its pipes are drained. */
  private readonly processExited: Promise<void>;
  private closing: Promise<void> | undefined;
  private readonly stderrDecoder = new StringDecoder('utf8');
  private stderrLine = '';
  private stderrHeld: string[] = [];
  private stderrLogged = 0;

  private constructor(private readonly options: ConnectionOptions) {
    const { launch } = options;
    this.decoder = new FrameDecoder(ABSOLUTE_MAX_FRAME_BYTES, (event) => this.onFrame(event));
    this.child = spawn(launch.executable, [...launch.args], {
      env: launch.env,
      cwd: launch.cwd,
      shell: false,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: GROUPS,
      windowsHide: true,
    });
    if (GROUPS && this.child.pid !== undefined) {
      trackGroup(this.child.pid);
      // Also what it forks into a new session, which a group kill misses (plugins/descendants.ts).
      trackPlugin(this.child.pid);
    }
    // A write to an endpoint that already died fails with EPIPE; its exit is what gets reported.
    this.child.stdin.on('error', () => undefined);
    this.child.stdout.on('data', (chunk: Buffer) => this.decoder.push(chunk));
    this.child.stdout.once('end', () => void this.onStdoutEnd());
    this.processExited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stderr.on('data', (chunk: Buffer) => this.onStderr(chunk));
    this.ended = new Promise<void>((resolve) => {
      // `on`, not `once`: a second error event without a listener would throw in the server.
      this.child.on('error', (error: NodeJS.ErrnoException) => {
        // Only a failed spawn: errors of a running child (a failed kill) change nothing here.
        if (this.child.pid !== undefined) return;
        const missing = error.code === 'ENOENT';
        this.onExit(
          missing ? 'plugin_not_installed' : 'plugin_crashed',
          '',
          `${options.label} could not be started (${error.code ?? 'unknown error'}); ${missing ? 'its executable is gone, reinstall it' : 'check that it is an executable file you may run'}`,
        );
        resolve();
      });
      this.child.once('exit', (code, signal) => {
        void this.drainAfterExit().then(() => {
          this.onExit('plugin_crashed', signal ? `was killed by ${signal}` : `exited with code ${code ?? 'unknown'}`);
          resolve();
        });
      });
    });
  }

  /** Starts the endpoint and completes initialize; a failure leaves no process behind. */
  static async open(options: ConnectionOptions): Promise<EndpointConnection> {
    const connection = new EndpointConnection(options);
    try {
      await connection.start();
      return connection;
    } catch (error) {
      await connection.stop();
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
  get usable(): boolean {
    return this.state === 'ready';
  }
  get label(): string {
    return this.options.label;
  }
  /** After open: what initialize negotiated. */
  get info(): Initialized {
    return this.initialized!;
  }

  supports(method: string): boolean {
    return this.initialized?.methods.has(method) ?? false;
  }

  private async start(): Promise<void> {
    const { options } = this;
    const deadline = deadlineAfter(options.startupMs ?? STARTUP_MS, Date.now());
    if (options.discoverFirst) {
      const document = decodeDiscovery(await this.request(METHOD.discover, {}, deadline));
      if (!document.ok) {
        throw new EndpointError('unsupported_version', `${options.label} does not describe itself as a secretspec.provider version 1 endpoint (${document.problem}), so it was not sent the provider URI`);
      }
    }
    const offer = options.limits ?? DEFAULT_LIMITS;
    const params = initializeParams({
      client: options.client,
      limits: offer,
      clientMethods: options.credentials ? [METHOD.credential] : [],
      scheme: options.launch.scheme,
      uri: options.uri,
      context: options.context,
    });
    // Decoded as the response frame is handled: the negotiated frame limit holds for the very next frame (§1).
    let problem: string | undefined;
    await this.request(METHOD.initialize, params, deadline, undefined, (result) => {
      const decoded = decodeInitializeResult(result, offer, options.launch.scheme);
      if (!decoded.ok) {
        problem = decoded.problem;
        return;
      }
      this.initialized = decoded.value;
      this.frameLimit = decoded.value.limits.maxFrameBytes;
      this.decoder.setLimit(this.frameLimit);
      this.maxInFlight = decoded.value.limits.maxInFlight;
      this.state = 'ready';
    });
    if (problem !== undefined) throw new EndpointError('invalid_response', `${options.label} answered rpc.initialize with an invalid result: ${problem}`);
  }

  /**
   * Sends one request and resolves with its raw result. Never replayed: a
   * request that fails (timeout, crash, cancel) is reported, not retried.
   */
  call(method: string, params: object, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    if (this.state !== 'ready') return Promise.reject(this.closedError());
    if (!this.supports(method)) {
      return Promise.reject(new EndpointError('capability_required', `${this.options.label} does not offer ${method}; it offers ${[...this.info.methods].sort().join(', ')}`));
    }
    return this.request(method, params, deadlineAfter(timeoutMs, Date.now()), signal);
  }

  private closedError(): EndpointError {
    return this.failure ?? new EndpointError('internal', `${this.options.label}: the session is closed`);
  }

  private request(method: string, params: object, deadlineUnixMs: number, signal?: AbortSignal, onResult?: (result: unknown) => void): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const fail = (error: EndpointError) => reject(error);
      if (signal?.aborted) return fail(new EndpointError('timeout', `${this.options.label}: ${method} was cancelled before it was sent`, 'cancelled'));
      const send = () => {
        if (this.failure) return fail(this.failure);
        const remaining = deadlineUnixMs - Date.now();
        // §2: a request whose deadline has passed is not written; the session stays usable.
        if (remaining <= 0) {
          this.releaseSlot();
          return fail(new EndpointError('timeout', `${this.options.label}: ${method} reached its deadline before it was sent`, 'deadline_exceeded'));
        }
        const id = this.nextId++;
        const frame = encodeFrame(requestMessage(id, method, deadlineUnixMs, params), this.frameLimit);
        if (frame === undefined) {
          this.releaseSlot();
          return fail(new EndpointError('invalid_request', `${this.options.label}: the ${method} request is larger than the frame limit of ${this.frameLimit} bytes; nothing was sent`));
        }
        const pending: Pending = {
          id,
          method,
          deadlineUnixMs,
          started: Date.now(),
          timer: undefined,
          callbacks: new Set(),
          settle: (outcome) => {
            signal?.removeEventListener('abort', onAbort);
            if (outcome.ok) {
              onResult?.(outcome.result);
              resolve(outcome.result);
            } else {
              fail(outcome.error);
            }
          },
        };
        const onAbort = () => this.abandon(pending, new EndpointError('timeout', `${this.options.label}: ${method} was cancelled`, 'cancelled'));
        pending.timer = setTimeout(
          () => this.abandon(pending, new EndpointError('timeout', `${this.options.label} did not answer ${method} within ${deadlineUnixMs - pending.started} ms; it was cancelled and is not retried`, 'deadline_exceeded')),
          remaining,
        );
        signal?.addEventListener('abort', onAbort, { once: true });
        this.pending.set(id, pending);
        this.child.stdin.write(frame);
      };
      this.takeSlot(method, deadlineUnixMs, signal).then(send, fail);
    });
  }

  /**
   * In-flight limit (§2): a request waits for a slot, so the endpoint never
   * sees more than it accepted; it stops waiting at its deadline or when
   * cancelled, with nothing sent.
   */
  private takeSlot(method: string, deadlineUnixMs: number, signal?: AbortSignal): Promise<void> {
    // Shutdown is not an application request: the endpoint takes it whatever is in flight.
    if (method === METHOD.shutdown || this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const giveUp = (error: EndpointError) => {
        const at = this.slotWaiters.indexOf(waiter);
        if (at !== -1) this.slotWaiters.splice(at, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      };
      const timer = setTimeout(
        () => giveUp(new EndpointError('timeout', `${this.options.label}: ${method} waited for a free request slot until its deadline; nothing was sent`)),
        deadlineUnixMs - Date.now(),
      );
      const onAbort = () => giveUp(new EndpointError('timeout', `${this.options.label}: ${method} was cancelled before it was sent`, 'cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const waiter = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.failure) return reject(this.failure);
        this.inFlight++;
        resolve();
      };
      this.slotWaiters.push(waiter);
    });
  }

  private releaseSlot(): void {
    this.inFlight--;
    this.slotWaiters.shift()?.();
  }

  /** The caller gives up on a request: it is told at once, the endpoint is sent `rpc.cancel`, and the slot stays taken until the endpoint ends the request. */
  private abandon(pending: Pending, error: EndpointError): void {
    if (this.pending.get(pending.id) !== pending) return;
    this.pending.delete(pending.id);
    clearTimeout(pending.timer);
    for (const callback of pending.callbacks) callback.abort();
    this.logRequest(pending, error.wireKind ?? error.kind);
    pending.settle({ ok: false, error });
    if (this.state !== 'ready' && this.state !== 'closing') return;
    this.write(cancelMessage(pending.id));
    const grace = setTimeout(() => {
      if (!this.abandoned.has(pending.id)) return;
      this.fail('timeout', `${this.options.label} did not end ${pending.method} within ${this.options.cancelGraceMs ?? CANCEL_GRACE_MS} ms of its cancellation, so it counts as hung and was stopped; the next request starts it again`);
    }, this.options.cancelGraceMs ?? CANCEL_GRACE_MS);
    // Bounded without eviction: each keeps its slot, so there are never more than max_in_flight (§1 allows 128).
    this.abandoned.set(pending.id, grace);
  }

  private write(message: object): void {
    const frame = encodeFrame(message, this.frameLimit);
    if (frame !== undefined && !this.exited) this.child.stdin.write(frame);
  }

  private logRequest(pending: Pending, outcome: string): void {
    this.options.log(`${this.options.label}: ${pending.method} #${pending.id} ${outcome} in ${Date.now() - pending.started} ms`);
  }

  // -------------------------------------------------------------------------
  // What the endpoint writes

  private onFrame(event: FrameEvent): void {
    if (this.failure) return;
    if (event.type === 'violation') {
      // §1: the peer is out of step; the transport closes without a JSON answer.
      const what = {
        empty: 'an empty line',
        carriage_return: 'a carriage return',
        invalid_utf8: 'bytes that are not UTF-8',
        oversize: `a frame longer than the limit of ${this.frameLimit} bytes`,
      }[event.reason];
      return this.fail('invalid_response', `${this.options.label} wrote ${what} on its protocol output, so the session was ended`);
    }
    const classified = classify(event.text);
    if (!classified.ok) {
      // The frame itself is never quoted: it could hold a secret.
      this.write(errorMessage(null, classified.kind));
      return this.fail('invalid_response', `${this.options.label} wrote a frame that is not ${classified.kind === 'parse_error' ? 'JSON' : 'a valid JSON-RPC message'}, so the session was ended`);
    }
    this.onMessage(classified.message);
  }

  private onMessage(message: Incoming): void {
    switch (message.type) {
      case 'notification':
        if (message.method === METHOD.cancel) this.inbound.get(message.params.id as number)?.abort();
        return;
      case 'request':
        return this.onCallback(message);
      case 'error':
        if (message.id === null) {
          const kind = message.error.kind;
          return this.fail(serverKind(kind), `${this.options.label} refused a frame the host sent (${kind}) and closes the session`, kind);
        }
        return this.onTerminal(message.id, {
          ok: false,
          error: new EndpointError(serverKind(message.error.kind), `${this.options.label} failed ${this.pending.get(message.id)?.method ?? 'a request'}: ${message.error.kind}`, message.error.kind, message.error.retryAfterMs),
        });
      case 'response':
        return this.onTerminal(message.id, { ok: true, result: message.result });
    }
  }

  private onTerminal(id: number, outcome: { ok: true; result: unknown } | { ok: false; error: EndpointError }): void {
    const pending = this.pending.get(id);
    if (pending) {
      this.pending.delete(id);
      clearTimeout(pending.timer);
      for (const callback of pending.callbacks) callback.abort();
      this.logRequest(pending, outcome.ok ? 'ok' : (outcome.error.wireKind ?? outcome.error.kind));
      this.releaseSlot();
      pending.settle(outcome);
      this.flushStderrIfIdle();
      return;
    }
    const grace = this.abandoned.get(id);
    if (grace !== undefined) {
      clearTimeout(grace);
      this.abandoned.delete(id);
      this.releaseSlot();
      return;
    }
    // §2: an answer to a request never sent, or a second answer to one.
    this.fail('invalid_response', `${this.options.label} answered request #${id}, which it was never sent or had already answered, so the session was ended`);
  }

  /** `client.credential` (R2/R3): the only callback; anything else, or one that breaks §2's rules, ends the session as the Rust client does. */
  private onCallback(request: Extract<Incoming, { type: 'request' }>): void {
    const source = this.options.credentials;
    const parent = request.parentRequestId !== undefined ? this.pending.get(request.parentRequestId) : undefined;
    const limit = this.state === 'ready' ? this.maxInFlight : 1;
    let broken: string | undefined;
    if (request.method !== METHOD.credential || !source) broken = `sent a ${request.method} callback it was not offered`;
    else if (request.id <= this.lastInboundId) broken = 'sent a callback whose id does not increase';
    else if (!parent) broken = 'sent a callback for no request in progress';
    else if (request.deadlineUnixMs > parent.deadlineUnixMs) broken = 'sent a callback with a later deadline than its request';
    else if (this.inbound.size >= limit) broken = `had more than ${limit} callbacks in flight`;
    if (broken || !source || !parent) {
      this.write(errorMessage(request.id, 'invalid_request'));
      return this.fail('invalid_response', `${this.options.label} ${broken}, so the session was ended`);
    }
    this.lastInboundId = request.id;
    const controller = new AbortController();
    this.inbound.set(request.id, controller);
    parent.callbacks.add(controller);
    let expired = false;
    const timer = setTimeout(
      () => {
        expired = true;
        controller.abort();
      },
      Math.max(0, request.deadlineUnixMs - Date.now()),
    );
    void this.answerCredential(request.params, source, controller.signal).then((answer) => {
      clearTimeout(timer);
      parent.callbacks.delete(controller);
      this.inbound.delete(request.id);
      if (this.failure || this.exited) return;
      // A parent that ended first, or a cancelled callback, gets a value-free answer, never a late secret.
      if (controller.signal.aborted) return this.write(errorMessage(request.id, expired ? 'deadline_exceeded' : 'cancelled'));
      if ('error' in answer) return this.write(errorMessage(request.id, answer.error));
      const frame = encodeFrame(resultMessage(request.id, answer), this.frameLimit);
      if (frame === undefined) return this.write(errorMessage(request.id, 'message_too_large'));
      this.child.stdin.write(frame);
    });
  }

  private async answerCredential(params: Record<string, unknown>, source: CredentialSource, signal: AbortSignal): Promise<CredentialAnswer | { error: WireErrorKind }> {
    const request = decodeCredentialParams(params);
    if (!request) return { error: 'invalid_params' };
    // §1: the set of credentials one session may ask for is bounded; asking again for one already asked (a token refresh) is fine.
    const key = `${request.scope}\0${request.name}`;
    if (!this.credentialKeys.has(key)) {
      if (this.credentialKeys.size >= MAX_DISTINCT_CREDENTIALS) {
        if (!this.credentialFloodLogged) this.options.log(`${this.options.label} asked for more than ${MAX_DISTINCT_CREDENTIALS} distinct credentials in one session; the rest are refused`);
        this.credentialFloodLogged = true;
        return { error: 'invalid_params' };
      }
      this.credentialKeys.add(key);
    }
    let answer: CredentialAnswer;
    try {
      answer = await source({ scheme: this.options.launch.scheme, ...request }, signal);
    } catch {
      return { error: 'operation_failed' };
    }
    // An empty or oversized value is no credential: the endpoint may fall back to another way of signing in.
    if (answer.status !== 'found' || typeof answer.value !== 'string' || answer.value === '' || Buffer.byteLength(answer.value) > MAX_CREDENTIAL_BYTES) {
      return { status: 'missing' };
    }
    this.options.redactor.remember(answer.value);
    return { status: 'found', value: answer.value };
  }

  // -------------------------------------------------------------------------
  // Failure, exit and close

  /** Ends the session for a reason the endpoint gave: every waiting caller gets `error`, the process is stopped. */
  private fail(kind: ErrorKind, message: string, wireKind?: WireErrorKind | 'unrecognized'): void {
    if (this.failure) return;
    this.failure = new EndpointError(kind, message, wireKind);
    // While starting, the failure goes to whoever opens the connection, and is logged there.
    if (this.state !== 'starting') this.options.log(message);
    this.settleAll(this.failure);
    void this.stop();
  }

  private settleAll(error: EndpointError): void {
    if (this.state !== 'closing') this.state = 'closed';
    for (const pending of [...this.pending.values()]) {
      this.pending.delete(pending.id);
      clearTimeout(pending.timer);
      for (const callback of pending.callbacks) callback.abort();
      pending.settle({ ok: false, error });
    }
    for (const timer of this.abandoned.values()) clearTimeout(timer);
    this.abandoned.clear();
    for (const controller of this.inbound.values()) controller.abort();
    for (const waiter of this.slotWaiters.splice(0)) waiter();
  }

  /** The process is gone: `how` it ended, or `startFailure` when it never ran. */
  private onExit(kind: ErrorKind, how: string, startFailure?: string): void {
    if (this.exited) return;
    this.exited = true;
    if (this.child.pid !== undefined) {
      liveGroups.delete(this.child.pid);
      forgetPlugin(this.child.pid);
    }
    const rest = this.stderrLine + this.stderrDecoder.end();
    if (rest.trim()) this.stderrHeld.push(rest);
    this.stderrLine = '';
    this.flushStderr();
    if (this.failure) return;
    const inProgress = [...this.pending.values()].map((p) => p.method);
    const when =
      this.state === 'starting' ? 'while starting' : inProgress.length ? `while answering ${[...new Set(inProgress)].join(', ')}` : this.state === 'closing' ? 'while closing' : 'between requests';
    const cut = this.decoder.truncated() ? ' in the middle of a frame' : '';
    this.failure = new EndpointError(
      this.state === 'closing' ? 'internal' : kind,
      startFailure ?? `${this.options.label} ${how} ${when}${cut}; a request in progress is not replayed, the next one starts it again`,
    );
    if (this.state === 'ready') this.options.log(this.failure.message);
    this.settleAll(this.failure);
  }

  /** Gives the pipes a moment after the exit; a process it forked that still holds them is killed with its group. */
  private async drainAfterExit(): Promise<void> {
    const open = [this.child.stdout, this.child.stderr].filter((s) => !s.readableEnded && !s.destroyed);
    if (!open.length) return;
    const wait = after(PIPE_DRAIN_MS);
    const drained = await Promise.race([Promise.all(open.map((s) => new Promise<void>((resolve) => s.once('end', resolve)))).then(() => true), wait.promise.then(() => false)]);
    wait.cancel();
    if (drained) return;
    if (GROUPS && this.child.pid !== undefined) {
      killGroup(this.child.pid);
      killDescendants(this.child.pid);
    }
    for (const s of open) s.destroy();
  }

  private async exitWithin(ms: number): Promise<boolean> {
    if (this.exited) return true;
    const wait = after(ms);
    const done = await Promise.race([this.ended.then(() => true), wait.promise.then(() => false)]);
    wait.cancel();
    return done;
  }

  private kill(): void {
    if (GROUPS && this.child.pid !== undefined) killDescendants(this.child.pid);
    if (!(GROUPS && this.child.pid !== undefined && killGroup(this.child.pid))) this.child.kill('SIGKILL');
  }

  /** After the endpoint is gone: what it forked and left running, in its group or in a new session, goes too. */
  private killLeftovers(): void {
    if (GROUPS && this.child.pid !== undefined) killDescendants(this.child.pid);
  }

  /**
   * Stdout closed. An endpoint that exits closes it too, and its exit is what
   * gets reported; one that keeps running can never answer again, so it is a
   * crash now rather than at the request deadline.
   */
  private async onStdoutEnd(): Promise<void> {
    // Closing on purpose ends its input, and an endpoint may close stdout before it exits.
    if (this.failure || this.closing) return;
    const wait = after(PIPE_DRAIN_MS);
    const exited = await Promise.race([this.processExited.then(() => true), wait.promise.then(() => false)]);
    wait.cancel();
    if (exited || this.exited || this.failure || this.closing) return;
    const inProgress = [...this.pending.values()].map((p) => p.method);
    const when = this.state === 'starting' ? 'while starting' : inProgress.length ? `while answering ${[...new Set(inProgress)].join(', ')}` : 'between requests';
    this.kill();
    this.fail('plugin_crashed', `${this.options.label} closed its standard output ${when} but kept running, so it was stopped; a request in progress is not replayed, the next one starts it again`);
  }

  /** Ends a broken or failed-to-start session: input closed, a moment to exit, then the group killed and reaped. */
  private stop(): Promise<void> {
    this.closing ??= (async () => {
      if (GROUPS) noteDescendants();
      this.child.stdin.end();
      if (!(await this.exitWithin(BROKEN_EXIT_MS))) {
        this.kill();
        await this.exitWithin(REAP_MS);
      }
      this.killLeftovers();
    })();
    return this.closing;
  }

  /**
   * §6: `rpc.shutdown` (the endpoint finishes accepted work, then answers),
   * end of input, a wait for the exit until the shutdown deadline (at most
   * 5 s), then a kill of the process group and a bounded reap.
   */
  close(shutdownMs = this.options.shutdownMs ?? SHUTDOWN_MS): Promise<void> {
    if (this.state !== 'ready') return this.stop();
    this.state = 'closing';
    this.closing = (async () => {
      const deadline = deadlineAfter(shutdownMs, Date.now());
      // Seen while the endpoint still runs: once it exits, what it forked is orphaned and no longer traceable to it.
      if (GROUPS) noteDescendants();
      try {
        decodeEmpty(await this.request(METHOD.shutdown, {}, deadline));
      } catch {
        // No answer in time, or the endpoint is gone: the exit below is what matters.
      }
      this.settleAll(new EndpointError('internal', `${this.options.label}: the session was closed`));
      this.child.stdin.end();
      if (!(await this.exitWithin(Math.min(Math.max(deadline - Date.now(), 0), EXIT_WAIT_CAP_MS)))) {
        this.kill();
        await this.exitWithin(REAP_MS);
      }
      this.killLeftovers();
      this.state = 'closed';
    })();
    return this.closing;
  }

  // -------------------------------------------------------------------------
  // stderr (with the server trace on; dropped otherwise, as a plugin's is):
  // a bounded, redacted log, written when no answer is in flight so
  // that a value the endpoint printed while answering is known to the
  // redactor (from the answer) by the time its line is scrubbed.

  private onStderr(chunk: Buffer): void {
    if (!this.options.showStderr?.()) return;
    const lines = (this.stderrLine + this.stderrDecoder.write(chunk)).split('\n');
    this.stderrLine = lines.pop() ?? '';
    if (this.stderrLine.length > STDERR_LOG_BYTES) {
      lines.push(this.stderrLine);
      this.stderrLine = '';
    }
    for (const line of lines) {
      if (!line.trim() || this.stderrLogged >= STDERR_LOG_BYTES) continue;
      this.stderrLogged += line.length;
      this.stderrHeld.push(line);
    }
    this.flushStderrIfIdle();
  }

  private flushStderrIfIdle(): void {
    if (this.pending.size === 0) setImmediate(() => this.flushStderr());
  }

  private flushStderr(): void {
    const held = this.stderrHeld;
    this.stderrHeld = [];
    for (const line of held) {
      // Scrubbed before it is shortened, or a value cut off at the end would no longer match.
      const text = this.options.redactor.scrub(line).replace(/\s+/g, ' ').trim();
      this.options.log(`${this.options.label} stderr: ${text.length > STDERR_LINE_CHARS ? `${text.slice(0, STDERR_LINE_CHARS)}…` : text}`);
    }
    if (this.stderrLogged >= STDERR_LOG_BYTES && held.length) this.options.log(`${this.options.label} stderr: (more output suppressed)`);
  }
}

// ---------------------------------------------------------------------------

export interface SessionOptions extends ConnectionOptions {
  breaker: CircuitBreaker;
  /** Identifies the endpoint for the breaker, shared by all its sessions (the executable). */
  breakerKey: string;
  /** Per request; SecretSpec uses 30 s. */
  requestMs?: number;
}

/** Failures that say the endpoint itself is unwell, as opposed to an answer about the store or the request. */
const BREAKER_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['timeout', 'plugin_crashed', 'plugin_not_installed', 'invalid_response', 'unsupported_version', 'internal']);

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * What callers hold for one endpoint, one URI and one context (§6: one
 * process serves one session context). Starts the endpoint on first use and
 * again after it crashed or was stopped; a request that failed is never
 * replayed. The metadata of the first initialize is kept: an endpoint that
 * comes back describing another store is refused (§3, reconnect).
 */
export class EndpointSession {
  private connection: EndpointConnection | undefined;
  private opening: Promise<EndpointConnection> | undefined;
  private pinned: Metadata | undefined;
  private closed = false;

  constructor(private readonly options: SessionOptions) {}

  get label(): string {
    return this.options.label;
  }

  /** The running endpoint's process id, so a dying server can take it down with it. */
  get pid(): number | undefined {
    return this.connection?.pid;
  }

  /** The live connection, started (or restarted) if needed. */
  ready(): Promise<EndpointConnection> {
    if (this.closed) return Promise.reject(new EndpointError('internal', `${this.label}: this session was closed; ask for a new one`));
    if (this.connection?.usable) return Promise.resolve(this.connection);
    this.opening ??= this.open().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async open(): Promise<EndpointConnection> {
    const { breaker, breakerKey } = this.options;
    const stale = this.connection;
    this.connection = undefined;
    if (stale) await stale.close();
    const state = breaker.state(breakerKey);
    if (state.open) {
      throw new EndpointError(
        'circuit_open',
        `${this.label} failed ${state.failures} times in a row, so it is not started again for ${Math.max(1, Math.ceil(state.remainingMs / 1000))} s. Last problem: ${clip(state.lastProblem, 300)}`,
      );
    }
    let connection: EndpointConnection;
    try {
      connection = await EndpointConnection.open(this.options);
    } catch (error) {
      const failure = error instanceof ProviderError ? error : new EndpointError('plugin_crashed', `${this.label} could not be started`);
      breaker.failure(breakerKey, failure.message);
      this.options.log(failure.message);
      throw failure;
    }
    const metadata = connection.info.metadata;
    if (this.pinned && JSON.stringify(this.pinned) !== JSON.stringify(metadata)) {
      await connection.close(1_000);
      const changed = (Object.keys(metadata) as Array<keyof Metadata>).filter((k) => JSON.stringify(metadata[k]) !== JSON.stringify(this.pinned![k]));
      const failure = new EndpointError('invalid_response', `${this.label}: provider metadata changed after reconnect (${changed.join(', ')}), so the restarted endpoint was stopped; it no longer describes the store this session started with`);
      breaker.failure(breakerKey, failure.message);
      this.options.log(failure.message);
      throw failure;
    }
    if (this.closed) {
      await connection.close();
      throw new EndpointError('internal', `${this.label}: this session was closed while it was starting`);
    }
    this.pinned = metadata;
    this.connection = connection;
    this.options.log(
      `${this.label} started (pid ${connection.pid}) for ${this.options.redactor.scrub(this.options.uri)}: ${connection.info.server.name} ${connection.info.server.version}, methods ${[...connection.info.methods].sort().join(', ')}`,
    );
    return connection;
  }

  /** A value that crossed this session: scrubbed from its logs and stderr from now on. */
  remember(value: string): void {
    this.options.redactor.remember(value);
  }

  /** A value read only to learn presence: never kept, but scrubbed from logs and stderr for as long as the host lives. */
  rememberPresenceValue(value: string): void {
    this.options.redactor.rememberPresenceValue(value);
  }

  /** One request on the live connection; its failure is reported, never retried. */
  async call(method: string, params: object, signal?: AbortSignal): Promise<unknown> {
    const connection = await this.ready();
    try {
      const result = await connection.call(method, params, this.options.requestMs ?? OPERATION_MS, signal);
      this.options.breaker.success(this.options.breakerKey);
      return result;
    } catch (error) {
      const failure = error instanceof ProviderError ? error : new EndpointError('internal', `${this.label}: ${method} failed`);
      if (BREAKER_KINDS.has(failure.kind)) this.options.breaker.failure(this.options.breakerKey, failure.message);
      else this.options.breaker.success(this.options.breakerKey);
      throw failure;
    }
  }

  close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = undefined;
    return (this.opening ?? Promise.resolve(undefined)).catch(() => undefined).then(() => connection?.close());
  }
}
