// The wire format (provider-protocol.md §3–6): newline-framed JSON with a cap
// on line length, and schemas that validate what a plugin answers. Unknown
// fields are ignored everywhere; unknown error kinds become `internal`.
import { z } from 'zod';
import type { Capability, Declaration } from '../providers/store';
import { CAPABILITIES, type OpRequest, type PluginErrorKind } from './types';

export const PROTOCOL_VERSION = 1;
export const MAX_LINE_BYTES = 1024 * 1024;

export function encodeMessage(message: object): string {
  // JSON.stringify escapes newlines inside strings, so one message is one line.
  return `${JSON.stringify(message)}\n`;
}

export type LineEvent = { type: 'line'; text: string } | { type: 'oversized' } | { type: 'invalid_utf8' };

/**
 * Splits a byte stream into lines. Holds at most MAX_LINE_BYTES of an
 * unfinished line: a plugin that streams an endless line is cut off as soon
 * as it crosses the cap, not when (if ever) it writes a newline.
 */
export class LineDecoder {
  private chunks: Buffer[] = [];
  private pending = 0;
  private broken = false;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  push(chunk: Buffer): LineEvent[] {
    if (this.broken) return [];
    const events: LineEvent[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl);
      if (this.pending + piece.length > this.maxLineBytes) return this.fail(events, { type: 'oversized' });
      const bytes = this.chunks.length ? Buffer.concat([...this.chunks, piece]) : piece;
      this.chunks = [];
      this.pending = 0;
      try {
        events.push({ type: 'line', text: this.utf8.decode(bytes) });
      } catch {
        return this.fail(events, { type: 'invalid_utf8' });
      }
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length) {
      if (this.pending + rest.length > this.maxLineBytes) return this.fail(events, { type: 'oversized' });
      this.chunks.push(Buffer.from(rest));
      this.pending += rest.length;
    }
    return events;
  }

  private fail(events: LineEvent[], event: LineEvent): LineEvent[] {
    this.broken = true;
    this.chunks = [];
    this.pending = 0;
    events.push(event);
    return events;
  }
}

const PLUGIN_ERROR_KINDS: readonly PluginErrorKind[] = [
  'not_found',
  'auth_failed',
  'permission_denied',
  'rate_limited',
  'unavailable',
  'unsupported',
  'unsupported_version',
  'invalid_request',
  'internal',
];

const errorBodySchema = z
  .object({
    kind: z.string(),
    message: z.string().optional(),
    retry_after_ms: z.number().finite().nonnegative().optional().catch(undefined),
  })
  .passthrough();

const failureSchema = z.object({ ok: z.literal(false), error: errorBodySchema }).passthrough();

export interface PluginFailure {
  kind: PluginErrorKind;
  message: string;
  retryAfterMs?: number;
}

function toFailure(body: z.infer<typeof errorBodySchema>): PluginFailure {
  const kind = (PLUGIN_ERROR_KINDS as readonly string[]).includes(body.kind) ? (body.kind as PluginErrorKind) : 'internal';
  return { kind, message: body.message ?? '', ...(body.retry_after_ms !== undefined ? { retryAfterMs: body.retry_after_ms } : {}) };
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; failure: PluginFailure } | { ok: 'invalid'; problem: string };

/** Names what is wrong without quoting the offending value, which could be a secret. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : 'answer';
      const expected = 'expected' in issue ? ` (expected ${String(issue.expected)})` : '';
      return `${where}: ${issue.code}${expected}`;
    })
    .join('; ');
}

function decodeWith<S extends z.ZodTypeAny>(schema: S, message: unknown): Decoded<z.infer<S>> {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return { ok: 'invalid', problem: 'the answer is not a JSON object' };
  if ((message as { ok?: unknown }).ok === false) {
    const failure = failureSchema.safeParse(message);
    return failure.success ? { ok: false, failure: toFailure(failure.data.error) } : { ok: 'invalid', problem: describeIssues(failure.error) };
  }
  const parsed = schema.safeParse(message);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: 'invalid', problem: describeIssues(parsed.error) };
}

const helloAnswerSchema = z
  .object({
    ok: z.literal(true),
    protocol_version: z.number().int().positive(),
    name: z.string().optional(),
    capabilities: z.array(z.string()),
  })
  .passthrough();

export interface ValidHello {
  protocolVersion: number;
  name?: string;
  /** Advertised operations the host knows; names it does not know are ignored (the protocol grows by adding them). */
  capabilities: Capability[];
}

export function decodeHelloAnswer(message: unknown): Decoded<ValidHello> {
  const decoded = decodeWith(helloAnswerSchema, message);
  if (decoded.ok !== true) return decoded;
  const capabilities = CAPABILITIES.filter((c) => decoded.value.capabilities.includes(c));
  return {
    ok: true,
    value: { protocolVersion: decoded.value.protocol_version, ...(decoded.value.name !== undefined ? { name: decoded.value.name } : {}), capabilities },
  };
}

const ok = z.literal(true);
const declarationSchema = z
  .object({ description: z.string().optional(), required: z.boolean().optional(), default: z.string().optional() })
  .passthrough();

const answerSchemas = {
  get: z.object({ ok, value: z.string().nullable() }).passthrough(),
  // `values` is checked by readBatchValues, for the asked keys only: a record schema would copy and check up to 1,024 entries per answer.
  batch_get: z.object({ ok, values: z.unknown() }).passthrough(),
  exists: z.object({ ok, exists: z.boolean() }).passthrough(),
  set: z.object({ ok }).passthrough(),
  delete: z.object({ ok }).passthrough(),
  reflect: z.object({ ok, secrets: z.record(declarationSchema) }).passthrough(),
  bye: z.object({ ok }).passthrough(),
};

/** What each operation yields once its answer is validated. */
export interface OpResults {
  get: string | null;
  batch_get: Record<string, string | null>;
  exists: boolean;
  set: undefined;
  delete: undefined;
  reflect: Record<string, Declaration>;
  bye: undefined;
}
export type OpName = OpRequest['op'];

export function decodeOpAnswer<K extends OpName>(request: OpRequest & { op: K }, message: unknown): Decoded<OpResults[K]> {
  return decodeAnyOpAnswer(request, message) as Decoded<OpResults[K]>;
}

function decodeAnyOpAnswer(request: OpRequest, message: unknown): Decoded<OpResults[OpName]> {
  const decoded = decodeWith(answerSchemas[request.op], message);
  if (decoded.ok !== true) return decoded;
  const answer = decoded.value as Record<string, unknown>;
  switch (request.op) {
    case 'get':
      return { ok: true, value: answer.value as OpResults[OpName] };
    case 'batch_get': {
      // Keys that were not asked are ignored, like any unknown field.
      const asked: Record<string, string | null> = {};
      const problem = readBatchValues(request.keys, answer.values, (key, value) => {
        asked[key] = value;
      });
      return problem ?? { ok: true, value: asked as OpResults[OpName] };
    }
    case 'exists':
      return { ok: true, value: answer.exists as OpResults[OpName] };
    case 'reflect':
      return { ok: true, value: answer.secrets as OpResults[OpName] };
    default:
      return { ok: true, value: undefined as OpResults[OpName] };
  }
}

/**
 * decodeOpAnswer for `batch_get`, without building the result: each asked
 * key's value goes to `take`, in the order asked, as it is checked. When the
 * answer turns out invalid, `take` may already have seen a prefix of the keys.
 */
export function decodeBatchGetAnswer(request: OpRequest & { op: 'batch_get' }, message: unknown, take: (key: string, value: string | null) => void): Decoded<undefined> {
  const decoded = decodeWith(answerSchemas.batch_get, message);
  if (decoded.ok !== true) return decoded;
  return readBatchValues(request.keys, decoded.value.values, take) ?? { ok: true, value: undefined };
}

/** Checks that `values` answers every asked key with a string or null; names keys, never values, in what it reports. */
function readBatchValues(keys: readonly string[], values: unknown, take: (key: string, value: string | null) => void): { ok: 'invalid'; problem: string } | undefined {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return { ok: 'invalid', problem: 'values: invalid_type (expected object)' };
  let missing = 0;
  let firstMissing = '';
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(values, key)) {
      if (!missing++) firstMissing = key;
      continue;
    }
    const value = (values as Record<string, unknown>)[key];
    if (value !== null && typeof value !== 'string') return { ok: 'invalid', problem: `values.${key}: invalid_type (expected string)` };
    if (!missing) take(key, value);
  }
  return missing ? { ok: 'invalid', problem: `values: no answer for ${missing} asked key(s), e.g. ${firstMissing}` } : undefined;
}
