// Turns a provider's backend functions into a protocol session: refuses
// operations the provider did not advertise, checks request fields, and maps
// every failure to a protocol error without letting a value into a message.
import type { Capability, Declaration } from '../../providers/store';
import type { BundledSession, OpRequest, OpResponse } from '../types';
import { OpFailure, errorBody, systemErrorCode } from './errors';

export interface Coordinates {
  project: string;
  profile: string;
}

export interface Backend {
  get?(at: Coordinates, key: string): Promise<string | null>;
  /** Defaults to one `get` per key. */
  batchGet?(at: Coordinates, keys: string[]): Promise<Record<string, string | null>>;
  exists?(at: Coordinates, key: string): Promise<boolean>;
  set?(at: Coordinates, key: string, value: string): Promise<void>;
  delete?(at: Coordinates, key: string): Promise<void>;
  reflect?(project: string): Promise<Record<string, Declaration>>;
  close?(): Promise<void>;
}

type Request = Exclude<OpRequest, { op: 'bye' }>;

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

/** Why a request is malformed, or undefined when its fields are usable. */
export function requestProblem(request: Record<string, unknown>): string | undefined {
  const op = request.op;
  const needs = (fields: string[]): string | undefined => {
    const bad = fields.filter((f) => !isString(request[f]));
    return bad.length ? `'${String(op)}' needs string field(s) ${bad.join(', ')}` : undefined;
  };
  switch (op) {
    case 'get':
    case 'exists':
    case 'delete':
      return needs(['project', 'profile', 'key']) ?? (request.key === '' ? 'key must not be empty' : undefined);
    case 'set':
      return needs(['project', 'profile', 'key', 'value']) ?? (request.key === '' ? 'key must not be empty' : undefined);
    case 'batch_get': {
      const missing = needs(['project', 'profile']);
      if (missing) return missing;
      const keys = request.keys;
      if (!Array.isArray(keys) || !keys.every((k) => isString(k) && k !== '')) return "'batch_get' needs 'keys': an array of non-empty strings";
      return undefined;
    }
    case 'reflect':
      return needs(['project']);
    default:
      return `unknown op '${typeof op === 'string' ? op.slice(0, 40) : typeof op}'`;
  }
}

function failureResponse(err: unknown, provider: string): OpResponse {
  if (err instanceof OpFailure) return errorBody(err.kind, err.message);
  const code = systemErrorCode(err);
  // A system error's message names a path and syscall; anything else might echo input, so it is not copied.
  return errorBody('internal', code ? `${provider} provider: ${(err as Error).message}` : `${provider} provider failed unexpectedly; see the extension log`);
}

export function createSession(name: string, capabilities: readonly Capability[], backend: Backend): BundledSession {
  const can = (op: Capability): boolean => capabilities.includes(op);
  async function run(request: Request): Promise<OpResponse> {
    switch (request.op) {
      case 'get':
        return { ok: true, value: await backend.get!(request, request.key) };
      case 'batch_get': {
        if (backend.batchGet) return { ok: true, values: await backend.batchGet(request, request.keys) };
        const values: Record<string, string | null> = {};
        for (const key of request.keys) values[key] = await backend.get!(request, key);
        return { ok: true, values };
      }
      case 'exists':
        return { ok: true, exists: await backend.exists!(request, request.key) };
      case 'set':
        await backend.set!(request, request.key, request.value);
        return { ok: true };
      case 'delete':
        await backend.delete!(request, request.key);
        return { ok: true };
      case 'reflect':
        return { ok: true, secrets: await backend.reflect!(request.project) };
    }
  }
  return {
    name,
    capabilities,
    async handle(request) {
      const problem = requestProblem(request as unknown as Record<string, unknown>);
      if (problem) return errorBody('invalid_request', problem);
      if (!can(request.op)) {
        return errorBody('unsupported', `the ${name} provider does not support '${request.op}' (it supports ${capabilities.join(', ')})`);
      }
      try {
        return await run(request);
      } catch (err) {
        return failureResponse(err, name);
      }
    },
    async close() {
      await backend.close?.();
    },
  };
}
