// The plugin protocol's message shapes (provider-protocol.md §4–6) and the
// interface a bundled provider implements at that level.
import type { Address, Capability, Declaration } from '../providers/store';

/** Every capability a `hello` may advertise, in the order the host reports them. */
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
