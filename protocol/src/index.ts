// The server's public surface beyond plain LSP (spec: lsp-extensions.md).
// One definition per message, imported by the client and the server.

/** Kinds carried in `ResponseError.data.kind` and in `unresolved[].kind`. */
export const ERROR_KINDS = [
  'plugin_not_installed',
  'untrusted_workspace',
  'no_provider_configured',
  'capability_required',
  'timeout',
  'plugin_crashed',
  'invalid_response',
  'unsupported_version',
  'circuit_open',
  'not_found',
  'auth_failed',
  'permission_denied',
  'rate_limited',
  'unavailable',
  'invalid_request',
  'unsupported',
  'read_only',
  'not_declared',
  'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface TextDocumentRef {
  uri: string;
}

/** `initializationOptions` of the server. */
export interface InitializationOptions {
  trusted?: boolean;
  profile?: string;
}

export type SecretStatus = 'resolved' | 'missing_required' | 'missing_optional';

/** One secret of SecretSpec's `check --json` report (schema_version 1); no value, ever. */
export interface ReportSecret {
  name: string;
  status: SecretStatus;
  required: boolean;
  /** The answering provider's credential-free URI; absent when no provider answered. */
  source_provider?: string;
  default_applied: boolean;
  generated: boolean;
  as_path: boolean;
}

export interface ConstraintViolation {
  kind: 'at_least_one' | 'exactly_one';
  group: string;
  secrets: string[];
  present: string[];
}

/** SecretSpec's `check --json` shape (schema/resolution-report.schema.json). */
export interface ResolutionReport {
  schema_version: 1;
  provider: string;
  profile: string;
  scope?: string;
  secrets: ReportSecret[];
  constraint_violations?: ConstraintViolation[];
}

export interface Unresolved {
  name: string;
  provider: string;
  kind: ErrorKind;
  message: string;
}

/** client → server: value-free presence check through the plugin host. */
export const CheckRequest = 'secretspec/check';
export interface CheckParams {
  textDocument: TextDocumentRef;
  profiles?: string[];
}
export interface CheckResult {
  results: Array<{ profile: string; report: ResolutionReport; unresolved: Unresolved[] }>;
}

/** client → server: where `set` would write, shown before the user types a value. */
export const WriteTargetRequest = 'secretspec/writeTarget';
export interface WriteTargetParams {
  textDocument: TextDocumentRef;
  profile: string;
  name: string;
}
export interface WriteTargetResult {
  provider: string;
  target: string;
  writable: boolean;
  reason?: string;
}

/** client → server: write one value through the secret's primary provider. */
export const SetRequest = 'secretspec/set';
export interface SetParams {
  textDocument: TextDocumentRef;
  profile: string;
  name: string;
  value: string;
}
export interface SetResult {
  provider: string;
  target: string;
}

/** client → server: copy values from another provider, never overwriting. */
export const ImportRequest = 'secretspec/import';
export interface ImportParams {
  textDocument: TextDocumentRef;
  profile: string;
  from: string;
  dryRun?: boolean;
  deleteSource?: boolean;
}
export type ImportOutcome = 'imported' | 'exists' | 'differs' | 'not_found' | 'skipped';
export interface ImportResult {
  items: Array<{ name: string; outcome: ImportOutcome; target?: string; deletedFromSource?: boolean; message?: string }>;
}

/** client → server: declarations a provider knows about (capability `reflect`). */
export const ReflectRequest = 'secretspec/reflect';
export interface ReflectParams {
  from: string;
  project: string;
  profile?: string;
  directory: string;
}
export interface ReflectResult {
  secrets: Record<string, { description?: string; required?: boolean }>;
}

/** server → client: presence results for a manifest may have changed. */
export const DidChangePresenceNotification = 'secretspec/didChangePresence';
export interface DidChangePresenceParams {
  textDocument: TextDocumentRef;
}
