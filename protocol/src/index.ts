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

/** LSP positions: zero-based line, UTF-16 character. */
export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
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

/**
 * Which secrets of one profile's check were answered through the user's
 * `secretspec` CLI (`secretspec check --json`), for the views' "via
 * secretspec 0.21.1" and the run's duration. An addition for issue 11:
 * present on a CheckResult entry only when some secret went to the CLI.
 */
export interface CliCheckInfo {
  /** The CLI's release, e.g. "0.21.1". */
  version: string;
  /** Secrets whose status (or unresolved reason) came from the CLI run. */
  names: string[];
  /** How long the CLI run took, in milliseconds (of the run that produced a cached answer, when `cached`). */
  durationMs: number;
  /** The answer was kept from an earlier run: nothing the check depends on changed since. */
  cached: boolean;
}

/** client → server: value-free presence check through the plugin host. */
export const CheckRequest = 'secretspec/check';
export interface CheckParams {
  textDocument: TextDocumentRef;
  profiles?: string[];
  /**
   * The user asked (Check Now): the `secretspec` CLI is run again even if an
   * answer for the same inputs is kept. An addition for issue 11.
   */
  force?: boolean;
}
export interface CheckResult {
  results: Array<{ profile: string; report: ResolutionReport; unresolved: Unresolved[]; cli?: CliCheckInfo }>;
}

/** client → server: where `set` would write, shown before the user types a value. */
export const WriteTargetRequest = 'secretspec/writeTarget';
export interface WriteTargetParams {
  textDocument: TextDocumentRef;
  profile: string;
  name: string;
  /**
   * Also say whether `secretspec/delete` would be accepted (`deletable` in the
   * result). An addition to lsp-extensions.md: without it the result has
   * exactly the documented shape.
   */
  withDeletable?: boolean;
}
export interface WriteTargetResult {
  provider: string;
  target: string;
  writable: boolean;
  reason?: string;
  /**
   * Whether `secretspec/delete` would be accepted for this secret: none of
   * `set`'s refusals applies (composed, `extract`, read-only store, untrusted
   * workspace) and the provider advertises `delete`. Only when asked with
   * `withDeletable`; the client treats absent as "do not offer Delete".
   */
  deletable?: boolean;
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

/**
 * client → server: remove one stored value through the secret's primary
 * provider (fallbacks are never touched), for the presence view's Delete
 * action. Idempotent: an absent value is not an error. Refused like `set` for
 * composed, `extract` and undeclared secrets, with `capability_required` when
 * the provider does not advertise `delete`, and with `untrusted_workspace` in
 * Restricted Mode.
 */
export const DeleteRequest = 'secretspec/delete';
export interface DeleteParams {
  textDocument: TextDocumentRef;
  profile: string;
  name: string;
}
export interface DeleteResult {
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

/**
 * client → server: what the presence view shows beside a check result and the
 * check result does not carry (each secret's description, provider chain and
 * declaration), so the client never parses the manifest itself. Computed from
 * the server's analysis of the open document, including `extends` parents;
 * works in Restricted Mode since no provider is asked. Fails with
 * `invalid_request` when the document is not open or does not parse.
 */
export const OutlineRequest = 'secretspec/outline';
export interface OutlineParams {
  textDocument: TextDocumentRef;
}
export interface OutlineSecret {
  name: string;
  description?: string;
  /** The effective `providers` chain as written (aliases unresolved), credentials redacted; empty when none applies. */
  providers: string[];
  /**
   * The providers the secret is asked of, in order, as the server routes it:
   * `SECRETSPEC_PROVIDER`, else its chain, else the `secretspec.defaultProvider`
   * setting, else the user config's `[defaults] provider`; as written
   * (aliases unresolved), credentials redacted; empty for a composed secret or
   * when no provider applies. The first is the one writes go to. An addition
   * to lsp-extensions.md.
   */
  route: string[];
  composed: boolean;
  /**
   * For a composed secret, the secrets its template reads, in first-use
   * order: a report only says a composition is missing, and the client names
   * the input to blame. An addition to lsp-extensions.md.
   */
  inputs?: string[];
  /** False for `required = false`; a conditional requirement (a group) counts as required. */
  required: boolean;
  /**
   * Where the effective declaration is written: the profile's own, else the
   * `[profiles.default]` one it inherits; in an `extends` parent, that file.
   * `range` covers the secret's name; `extent` the whole declaration (an
   * inline entry, or a `[profiles.p.NAME]` table with its body).
   */
  declaration: { uri: string; range: Range; extent?: Range };
  /** The profile whose declaration this secret inherits, when it has none of its own. */
  inheritedFrom?: string;
}
export interface OutlineResult {
  project: string;
  /**
   * Aliases that name one store, alias → credential-free URI, for showing what
   * a chain entry stands for: the manifest's `[providers]` and the user
   * config's `[defaults.providers]` (the manifest's win).
   */
  aliases?: Record<string, string>;
  /**
   * The profile SecretSpec uses when none is chosen: `SECRETSPEC_PROFILE` in
   * the server's environment, else the user config's `[defaults] profile`,
   * else `default`. A client starts on it until the user picks a profile.
   * An addition to lsp-extensions.md.
   */
  defaultProfile?: string;
  profiles: Array<{ name: string; inherits: boolean; secrets: OutlineSecret[] }>;
  /**
   * `[scopes.<name>]` → the secret names it lists, as written (merged across
   * `extends`), for offering `--scope` choices and judging a scoped run's
   * presence. An addition to lsp-extensions.md.
   */
  scopes?: Record<string, string[]>;
}

/**
 * client → server: the TOML that declares secrets a provider reported (for
 * "Create secretspec.toml from provider…"), so the client neither writes nor
 * scans manifest syntax. With `textDocument` (an open manifest that parses):
 * the insertion that adds them to `[profiles.default]` after its last
 * declaration (a new table at the end when there is none), leaving every
 * other byte as it was. Without: a whole new manifest for `project`. Each
 * declaration is an inline table with a description (the name when the
 * provider gave none) and `required = false` when the provider said so,
 * sorted by name. An addition to lsp-extensions.md.
 */
export const DeclareRequest = 'secretspec/declare';
export interface DeclareParams {
  textDocument?: TextDocumentRef;
  project?: string;
  secrets: ReflectResult['secrets'];
}
export interface DeclareResult {
  /** Zero-based line the text goes before (the line count appends); 0 for a new manifest. */
  line: number;
  text: string;
}

/**
 * server → client: presence results for a manifest may have changed (a
 * write, a saved manifest, a watched `.env` file, the user config). Sent once
 * per change, when the server starts checking again, so the client's own
 * check joins that one; never for a check the client asked for, nor for
 * opening a manifest.
 */
export const DidChangePresenceNotification = 'secretspec/didChangePresence';
export interface DidChangePresenceParams {
  textDocument: TextDocumentRef;
}

/** Server → client: the SecretSpec release manifests are checked against changed (or is first known). */
export const DidChangeEngineNotification = 'secretspec/didChangeEngine';
export interface DidChangeEngineParams {
  /** e.g. "0.21.1". */
  version: string;
  /** The CLI the version was read from; absent when the server uses the newest release it knows. */
  cli?: string;
  /** Why no CLI was used (not found, Restricted Mode, no version printed). */
  reason?: string;
}

/**
 * Server → client: a credential a SecretSpec 0.21 endpoint asked for with
 * `client.credential`, when the alias declares no `credentials` source for
 * it. A client that does not implement it answers `null` (read as
 * `missing`). The value goes only to the endpoint that asked; never logged.
 */
export const CredentialRequest = 'secretspec/credential';
export interface CredentialParams {
  /** The endpoint's scheme. */
  scheme: string;
  /** The credential's name, e.g. `access_token`. */
  name: string;
  /** What the credential is for, as the endpoint says (normally the provider URI). */
  scope: string;
  required: boolean;
}
export type CredentialResult = { status: 'found'; value: string } | { status: 'missing' };
