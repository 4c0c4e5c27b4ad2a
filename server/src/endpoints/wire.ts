// The wire layer of SecretSpec 0.21's endpoint protocols (upstream-provider-
// ipc-v1.md §1, §2, §5): LF-delimited UTF-8 JSON frames under a byte limit,
// strict JSON-RPC 2.0 envelopes, and the closed error objects. Pure: the
// process side (session.ts) feeds bytes in and writes what is built here.
//
// Strict on what we send (every envelope is built here, closed, with a
// deadline), tolerant of unknown members in the responses and results we
// receive (§2: a later revision may add them), strict on the requests and
// notifications the endpoint sends us (§2: unknown members there are fatal).
import type { ErrorKind } from '../../../protocol/src';

/** The frame ceiling before initialize has been answered, and the largest negotiable one. */
export const ABSOLUTE_MAX_FRAME_BYTES = 1_048_576;
export const MIN_FRAME_BYTES = 4_096;
/** Largest request id a JavaScript peer represents exactly (2^53 − 1). */
export const MAX_REQUEST_ID = Number.MAX_SAFE_INTEGER;
/** Deadlines are clamped to this far ahead, by sender and receiver alike. */
export const MAX_DEADLINE_HORIZON_MS = 300_000;
/** A value may sit inside at most this many containers (the Rust reader's bound). */
export const MAX_NESTING = 64;
const MAX_METHOD_BYTES = 256;

// ---------------------------------------------------------------------------
// Frames

export type FrameViolation = 'empty' | 'carriage_return' | 'invalid_utf8' | 'oversize';
export type FrameEvent = { type: 'frame'; text: string } | { type: 'violation'; reason: FrameViolation };

/**
 * Splits a byte stream into frames. Each event goes to `sink` as soon as its
 * frame is complete, so the sink may change the limit (after initialize) and
 * the bytes that follow in the same chunk are already held to the new one.
 * A violation ends decoding for good: the peer is out of step and the
 * transport must close, without a JSON answer (§1).
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private broken = false;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private limit: number,
    private readonly sink: (event: FrameEvent) => void,
  ) {}

  /** The limit counts payload bytes, not the LF. */
  setLimit(limit: number): void {
    this.limit = limit;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (!this.broken && start < chunk.length) {
      const lf = chunk.indexOf(0x0a, start);
      const end = lf === -1 ? chunk.length : lf;
      const piece = chunk.subarray(start, end);
      // The limit is checked before the LF is seen: an endless line is cut off at the limit, not when it ends.
      if (this.buffered + piece.length > this.limit) return this.fail('oversize');
      if (piece.includes(0x0d)) return this.fail('carriage_return');
      if (lf === -1) {
        this.chunks.push(Buffer.from(piece));
        this.buffered += piece.length;
        return;
      }
      const bytes = this.chunks.length ? Buffer.concat([...this.chunks, piece]) : piece;
      this.chunks = [];
      this.buffered = 0;
      start = lf + 1;
      if (bytes.length === 0) return this.fail('empty');
      let text: string;
      try {
        text = this.utf8.decode(bytes);
      } catch {
        return this.fail('invalid_utf8');
      }
      this.sink({ type: 'frame', text });
    }
  }

  /** At end of input: a frame cut short by EOF is a violation (§1); EOF between frames is a clean disconnect. */
  truncated(): boolean {
    return !this.broken && this.buffered > 0;
  }

  private fail(reason: FrameViolation): void {
    this.broken = true;
    this.chunks = [];
    this.buffered = 0;
    this.sink({ type: 'violation', reason });
  }
}

/** One frame for `message`, or undefined when its JSON exceeds `limit` bytes. JSON.stringify escapes CR and LF inside strings, so the payload is one line. */
export function encodeFrame(message: object, limit: number): string | undefined {
  const payload = JSON.stringify(message);
  return Buffer.byteLength(payload, 'utf8') > limit ? undefined : `${payload}\n`;
}

// ---------------------------------------------------------------------------
// Strict JSON

export type StrictParse = { ok: true; value: unknown } | { ok: false; kind: 'parse_error' | 'invalid_request' };

/**
 * Parses one frame payload as SecretSpec's reader does: malformed bytes are
 * `parse_error`; well-formed JSON with a duplicate object key or nested
 * deeper than MAX_NESTING is `invalid_request` (§2).
 */
export function parseStrict(text: string): StrictParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, kind: 'parse_error' };
  }
  return wellShaped(text) ? { ok: true, value } : { ok: false, kind: 'invalid_request' };
}

/**
 * Walks syntactically valid JSON text checking what JSON.parse does not:
 * no object repeats a key, and no value sits deeper than MAX_NESTING.
 */
function wellShaped(text: string): boolean {
  // One entry per open container: its keys when it is an object, null for an array.
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      if (expectKey) {
        const keys = stack[stack.length - 1]!;
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (keys.has(key)) return false;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      // A container at depth MAX_NESTING (0-based) may exist but hold nothing.
      if (stack.length === MAX_NESTING) {
        let j = i + 1;
        while (/\s/.test(text[j]!)) j++;
        if (text[j] !== '}' && text[j] !== ']') return false;
      }
      stack.push(c === 0x7b ? new Set() : null);
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// Errors (§5)

/** The error kinds version 1 defines, with their codes, fixed messages and default retryability. */
export const WIRE_ERRORS = {
  parse_error: { code: -32700, message: 'parse error', retryable: false },
  invalid_request: { code: -32600, message: 'invalid request', retryable: false },
  method_not_found: { code: -32601, message: 'method not found', retryable: false },
  invalid_params: { code: -32602, message: 'invalid params', retryable: false },
  internal: { code: -32603, message: 'internal error', retryable: false },
  unsupported_version: { code: -32000, message: 'unsupported version', retryable: false },
  capability_required: { code: -32001, message: 'capability required', retryable: false },
  deadline_exceeded: { code: -32002, message: 'deadline exceeded', retryable: false },
  cancelled: { code: -32003, message: 'cancelled', retryable: false },
  unavailable: { code: -32004, message: 'unavailable', retryable: true },
  permission_denied: { code: -32005, message: 'permission denied', retryable: false },
  interaction_required: { code: -32006, message: 'interaction required', retryable: false },
  conflict: { code: -32007, message: 'conflict', retryable: false },
  operation_failed: { code: -32008, message: 'operation failed', retryable: false },
  message_too_large: { code: -32009, message: 'message too large', retryable: false },
  representation_mismatch: { code: -32010, message: 'representation mismatch', retryable: false },
} as const;
export type WireErrorKind = keyof typeof WIRE_ERRORS;

const KIND_OF_CODE = new Map<number, WireErrorKind>(Object.entries(WIRE_ERRORS).map(([kind, e]) => [e.code, kind as WireErrorKind]));

/**
 * The server's unresolved kind for an endpoint's error kind. Chosen by what
 * the user should do about it, since the editor shows our kinds, not the
 * endpoint's: the endpoint refused what the host sent (invalid_request),
 * a method it lacks (capability_required), a login or unlock it needs
 * (auth_failed), a write it refuses at that address (read_only), and the
 * catch-alls (internal).
 */
const SERVER_KIND: Record<WireErrorKind, ErrorKind> = {
  parse_error: 'invalid_request',
  invalid_request: 'invalid_request',
  method_not_found: 'capability_required',
  invalid_params: 'invalid_request',
  internal: 'internal',
  unsupported_version: 'unsupported_version',
  capability_required: 'capability_required',
  deadline_exceeded: 'timeout',
  cancelled: 'timeout',
  unavailable: 'unavailable',
  permission_denied: 'permission_denied',
  interaction_required: 'auth_failed',
  // A version-pinned write, an ambiguous clear, two names for one entry: the store will not take this write here.
  conflict: 'read_only',
  operation_failed: 'internal',
  message_too_large: 'internal',
  representation_mismatch: 'invalid_response',
};

export function serverKind(kind: WireErrorKind | 'unrecognized'): ErrorKind {
  return kind === 'unrecognized' ? 'internal' : SERVER_KIND[kind];
}

/** A decoded error object: its message is the peer's and is never shown (it is untrusted text). */
export interface WireError {
  code: number;
  kind: WireErrorKind | 'unrecognized';
  retryable: boolean;
  retryAfterMs?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** An error object, or undefined when it breaks §5 (a known code with another or unknown kind, a bad message, a misplaced retry hint). */
export function decodeError(value: unknown): WireError | undefined {
  if (!isRecord(value) || !isRecord(value.data)) return undefined;
  const { code, message, data } = value;
  if (!isInteger(code, -(2 ** 31), 2 ** 31 - 1) || typeof message !== 'string' || message.length === 0 || byteLength(message) > 256) return undefined;
  if (typeof data.kind !== 'string' || typeof data.retryable !== 'boolean') return undefined;
  const known = Object.prototype.hasOwnProperty.call(WIRE_ERRORS, data.kind) ? (data.kind as WireErrorKind) : undefined;
  if (known ? WIRE_ERRORS[known].code !== code : KIND_OF_CODE.has(code)) return undefined;
  const kind = known ?? 'unrecognized';
  let retryAfterMs: number | undefined;
  if (data.retry_after_ms !== undefined) {
    if (kind !== 'unavailable' && kind !== 'unrecognized') return undefined;
    if (!isInteger(data.retry_after_ms, 1, Number.MAX_SAFE_INTEGER)) return undefined;
    retryAfterMs = data.retry_after_ms;
  }
  if (data.interaction !== undefined && kind !== 'interaction_required') return undefined;
  return { code, kind, retryable: data.retryable, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

function errorObject(kind: WireErrorKind): { code: number; message: string; data: { kind: WireErrorKind; retryable: boolean } } {
  const e = WIRE_ERRORS[kind];
  return { code: e.code, message: e.message, data: { kind, retryable: e.retryable } };
}

// ---------------------------------------------------------------------------
// Envelopes

export type Incoming =
  | { type: 'response'; id: number; result: unknown }
  | { type: 'error'; id: number | null; error: WireError }
  | { type: 'request'; id: number; method: string; deadlineUnixMs: number; parentRequestId?: number; params: Record<string, unknown> }
  | { type: 'notification'; method: string; params: Record<string, unknown> };

export type Classified = { ok: true; message: Incoming } | { ok: false; kind: 'parse_error' | 'invalid_request' };

const REQUEST_MEMBERS = new Set(['jsonrpc', 'id', 'method', '_meta', 'params']);
const NOTIFICATION_MEMBERS = new Set(['jsonrpc', 'method', 'params']);
const META_MEMBERS = new Set(['deadline_unix_ms', 'parent_request_id']);

function only(object: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  return Object.keys(object).every((k) => allowed.has(k));
}

function validMethod(method: unknown): method is string {
  return typeof method === 'string' && method.length > 0 && byteLength(method) <= MAX_METHOD_BYTES;
}

function validId(id: unknown): id is number {
  return isInteger(id, 1, MAX_REQUEST_ID);
}

/** Classifies one received frame (§2). Envelopes the endpoint sends us as requests or notifications are closed; responses may carry members a later revision adds. */
export function classify(text: string): Classified {
  const parsed = parseStrict(text);
  if (!parsed.ok) return parsed;
  const m = parsed.value;
  const invalid = { ok: false, kind: 'invalid_request' } as const;
  if (!isRecord(m) || m.jsonrpc !== '2.0') return invalid;
  if ('method' in m) {
    if (!validMethod(m.method) || !isRecord(m.params)) return invalid;
    if (!('id' in m)) {
      return only(m, NOTIFICATION_MEMBERS) ? { ok: true, message: { type: 'notification', method: m.method, params: m.params } } : invalid;
    }
    const meta = m._meta;
    if (!only(m, REQUEST_MEMBERS) || !validId(m.id) || !isRecord(meta) || !only(meta, META_MEMBERS)) return invalid;
    if (!isInteger(meta.deadline_unix_ms, 0, Number.MAX_VALUE)) return invalid;
    if (meta.parent_request_id !== undefined && !validId(meta.parent_request_id)) return invalid;
    return {
      ok: true,
      message: {
        type: 'request',
        id: m.id,
        method: m.method,
        deadlineUnixMs: meta.deadline_unix_ms,
        ...(meta.parent_request_id !== undefined ? { parentRequestId: meta.parent_request_id } : {}),
        params: m.params,
      },
    };
  }
  const hasResult = 'result' in m;
  const hasError = 'error' in m;
  if (hasResult === hasError || !('id' in m)) return invalid;
  if (hasResult) return validId(m.id) ? { ok: true, message: { type: 'response', id: m.id, result: m.result } } : invalid;
  if (m.id !== null && !validId(m.id)) return invalid;
  const error = decodeError(m.error);
  return error ? { ok: true, message: { type: 'error', id: m.id as number | null, error } } : invalid;
}

/** An absolute deadline `ms` from `now`, clamped to the horizon every sender must respect. */
export function deadlineAfter(ms: number, now: number): number {
  return Math.floor(now + Math.min(Math.max(ms, 0), MAX_DEADLINE_HORIZON_MS));
}

export function requestMessage(id: number, method: string, deadlineUnixMs: number, params: object): object {
  return { jsonrpc: '2.0', id, method, _meta: { deadline_unix_ms: deadlineUnixMs }, params };
}

export function cancelMessage(id: number): object {
  return { jsonrpc: '2.0', method: 'rpc.cancel', params: { id } };
}

export function resultMessage(id: number, result: object): object {
  return { jsonrpc: '2.0', id, result };
}

export function errorMessage(id: number | null, kind: WireErrorKind): object {
  return { jsonrpc: '2.0', id, error: errorObject(kind) };
}
