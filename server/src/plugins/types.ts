// The plugin protocol's message shapes (provider-protocol.md §4–6) and the
// one interface every provider implements, whatever its transport.
import type { ErrorKind } from '../../../protocol/src';

export type Capability = 'get' | 'batch_get' | 'exists' | 'set' | 'delete' | 'reflect';
export const CAPABILITIES: readonly Capability[] = ['get', 'batch_get', 'exists', 'set', 'delete', 'reflect'];

export type PluginErrorKind =
  | 'not_found'
  | 'auth_failed'
  | 'permission_denied'
  | 'rate_limited'
  | 'unavailable'
  | 'unsupported'
  | 'unsupported_version'
  | 'invalid_request'
  | 'internal';

export interface HelloRequest {
  op: 'hello';
  protocol_version: number;
  uri: string;
  config_file: string | null;
  context: Record<string, string>;
}

export interface Address {
  project: string;
  profile: string;
}
export type OpRequest =
  | ({ op: 'get'; key: string } & Address)
  | ({ op: 'batch_get'; keys: string[] } & Address)
  | ({ op: 'exists'; key: string } & Address)
  | ({ op: 'set'; key: string; value: string } & Address)
  | ({ op: 'delete'; key: string } & Address)
  | { op: 'reflect'; project: string }
  | { op: 'bye' };

export interface ErrorBody {
  kind: string;
  message: string;
  retry_after_ms?: number;
}
export type OpResponse =
  | { ok: true; value?: string | null; values?: Record<string, string | null>; exists?: boolean; secrets?: Record<string, Declaration> }
  | { ok: false; error: ErrorBody };

export interface HelloAnswer {
  ok: true;
  protocol_version: number;
  name: string;
  capabilities: Capability[];
}

/** A declaration as `reflect` returns it (shape of a secretspec.toml secret). */
export interface Declaration {
  description?: string;
  required?: boolean;
  default?: string;
  [field: string]: unknown;
}

/**
 * A provider built into the extension. It speaks the protocol at the message
 * level, so the same object serves the in-process transport and the
 * stand-alone stdio plugin (`dist/provider.js --provider <scheme>`).
 */
export interface BundledProvider {
  readonly scheme: string;
  open(hello: HelloRequest, env: NodeJS.ProcessEnv): Promise<BundledSession | { ok: false; error: ErrorBody }>;
}
export interface BundledSession {
  readonly name: string;
  readonly capabilities: readonly Capability[];
  handle(request: Exclude<OpRequest, { op: 'bye' }>): Promise<OpResponse>;
  close(): Promise<void>;
}

/** A failure the host reports to its callers, with a kind from lsp-extensions.md. */
export class ProviderError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
