// The one shape every provider family has, whatever carries its requests:
// the bundled providers and draft-protocol plugins (through the plugin
// host), and next the user's `secretspec` CLI and SecretSpec 0.21
// endpoints. `check/` plans and writes over `Stores` and `Store` only, so a
// new family implements these and registers with the stores; nothing in
// `check/` changes. A value read through a Store lives only in its caller's
// memory: never in a message, a log line or an error.
import type { ErrorKind } from '../../../protocol/src';
import type { Coordinates } from './scheme';

export type Capability = 'get' | 'batch_get' | 'exists' | 'set' | 'delete' | 'reflect';

/** Which secrets of which project and profile a request is about. */
export interface Address {
  project: string;
  profile: string;
}

/** A declaration as `reflect` returns it (shape of a secretspec.toml secret). */
export interface Declaration {
  description?: string;
  required?: boolean;
  default?: string;
  [field: string]: unknown;
}

/** A failure a store reports to its callers, with a kind from lsp-extensions.md. */
export class ProviderError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** Any failure as a ProviderError; an unexpected one is described by its type only, since its text could echo input. */
export function asProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  return new ProviderError('internal', `unexpected failure in the plugin host: ${error instanceof Error ? error.name : 'unknown error'}`);
}

export type KeyOutcome<T> = { ok: true; value: T } | { ok: false; error: ProviderError };

/** One store, opened for one manifest: what it can do, and doing it. Failures reject with a ProviderError. */
export interface Store {
  /** Names the store in messages, e.g. `bundled provider "dotenv"`. */
  readonly label: string;
  /** What the store offers, as it said when it was opened. */
  readonly capabilities: readonly Capability[];
  can(capability: Capability): boolean;
  /**
   * Whether each key has a value, asking the cheapest way the store offers
   * (exists, else get-many, else get); a value read to learn presence is
   * dropped at once. One outcome per distinct key; never rejects.
   */
  presence(address: Address, keys: readonly string[]): Promise<Record<string, KeyOutcome<boolean>>>;
  /** A value, or null for a miss. */
  get(address: Address, key: string): Promise<string | null>;
  /** One outcome per distinct key; never rejects. */
  getMany(address: Address, keys: readonly string[]): Promise<Record<string, KeyOutcome<string | null>>>;
  set(address: Address, key: string, value: string): Promise<void>;
  delete(address: Address, key: string): Promise<void>;
  reflect(project: string): Promise<Record<string, Declaration>>;
  /**
   * Where a write of `at` lands, for a store that knows better than its
   * scheme's record (one that can only learn it by asking its backend).
   * Absent: the record's description is shown.
   */
  describeTarget?(at: Coordinates): Promise<string>;
}

/** What a store is opened for. */
export interface StoreContext {
  /** Absolute path of the loaded secretspec.toml, or null when there is none. */
  configFile: string | null;
  project: string;
  /** The command (e.g. `check`), or the key of a single-key operation; a store may give it as its reason. */
  command: string;
  /** The profile the operation is about, when it is about one: a store whose sessions are per profile starts that one. */
  profile?: string;
}

/** Every provider family behind one door: the store a provider URI names. */
export interface Stores {
  /** The store `uri` names, opened (past any handshake) for `context`. Rejects with a ProviderError. */
  open(uri: string, context: StoreContext): Promise<Store>;
  /**
   * Whether the store `uri` names takes native addresses (`ref`, `refs`
   * coordinates, given as `nativeKey` keys), decided without starting it.
   * Absent or false: only keys, and check/ refuses what it cannot map.
   */
  takesNativeAddresses?(uri: string): boolean;
}

/** Native coordinates, for a store that takes them (SecretSpec 0.21 endpoints). */
export interface NativeCoordinates {
  item: string;
  field?: string;
  vault?: string;
  section?: string;
  version?: string;
}

/**
 * Keys stay strings through check/ (batched, deduplicated, matched to
 * answers), so a native address travels as a key no secret name can be:
 * secret names never contain NUL.
 */
const NATIVE_KEY = '\u0000native:';
const NATIVE_ORDER = ['item', 'field', 'vault', 'section', 'version'] as const;

/** The key that carries `coordinates` to a store that takes native addresses; equal coordinates give equal keys. */
export function nativeKey(coordinates: NativeCoordinates): string {
  const ordered: Record<string, string> = {};
  for (const name of NATIVE_ORDER) if (coordinates[name] !== undefined) ordered[name] = coordinates[name]!;
  return NATIVE_KEY + JSON.stringify(ordered);
}

/** The coordinates a `nativeKey` carries, or undefined for a plain key. */
export function nativeCoordinates(key: string): NativeCoordinates | undefined {
  return key.startsWith(NATIVE_KEY) ? (JSON.parse(key.slice(NATIVE_KEY.length)) as NativeCoordinates) : undefined;
}

/** SecretSpec's rendering order: outer scope first (config.rs `render`). */
const RENDER_ORDER = ['vault', 'item', 'section', 'field', 'version'] as const;

/** A key as messages show it: a native address by its coordinates, as SecretSpec renders them. */
export function showKey(key: string): string {
  const native = nativeCoordinates(key);
  return native ? RENDER_ORDER.filter((n) => native[n] !== undefined).map((n) => `${n}=${native[n]}`).join(' ') : key;
}
