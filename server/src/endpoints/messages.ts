// The `secretspec.provider` version 1 application layer (upstream-provider-
// ipc-v1.md §3–4): what the host puts in `params`, and value-free checks of
// what comes back. Pure.
//
// Requests are built in the released 0.21 shape (R3: `application.context`,
// credentials only through `client.credential`). Results are read in the
// R3 shape and also in the earlier ones where that costs nothing: a found
// value without `expires_at_unix_ms` (R1), an initialize result without
// `capabilities` or `physical_store_path` (the Rust server omits empty
// capabilities). Unknown members anywhere in a result are ignored.
// Problems name the member at fault, never its value.
import { MIN_FRAME_BYTES } from './wire';

export const PROVIDER_PROTOCOL = 'secretspec.provider';
export const PROTOCOL_VERSION = 1;

export const METHOD = {
  discover: 'rpc.discover',
  initialize: 'rpc.initialize',
  shutdown: 'rpc.shutdown',
  cancel: 'rpc.cancel',
  resolveAddress: 'provider.resolve_address',
  get: 'provider.get',
  getMany: 'provider.get_many',
  exists: 'provider.exists',
  set: 'provider.set',
  delete: 'provider.delete',
  checkWritable: 'provider.check_writable',
  checkDeletable: 'provider.check_deletable',
  describeWriteTarget: 'provider.describe_write_target',
  reflect: 'provider.reflect',
  credential: 'client.credential',
} as const;

/** Coordinates beyond `item`, which every endpoint supports. */
export const COORDINATE_NAMES = ['field', 'vault', 'section', 'version'] as const;
export type CoordinateName = (typeof COORDINATE_NAMES)[number];

export interface Coordinates {
  item: string;
  field?: string;
  vault?: string;
  section?: string;
  version?: string;
}

export type Address = { kind: 'convention'; project: string; profile: string; key: string } | { kind: 'native'; coordinates: Coordinates };

/** What the endpoint says about itself at initialize; compared across reconnects. */
export interface Metadata {
  name: string;
  displayUri: string;
  supportedCoordinates: CoordinateName[];
  generatedValuePersistence: 'persist' | 'ephemeral';
  promptedValuePersistence: 'persist' | 'ephemeral';
  storageIdentity: string;
  entryContainerIdentity: string;
  physicalStorePath: string | null;
}

export interface Limits {
  maxFrameBytes: number;
  maxInFlight: number;
}

export interface Product {
  name: string;
  version: string;
}

export interface Initialized {
  server: Product;
  methods: ReadonlySet<string>;
  limits: Limits;
  metadata: Metadata;
}

/** The R3 session context: assertions for the endpoint's approval and audit, never identity. */
export interface ApplicationContext {
  project: string | null;
  profile: string | null;
  baseDir: string | null;
  reason: string | null;
}

export const SCHEME = /^[a-z][a-z0-9-]*$/;
const MAX_NAME_BYTES = 4096;
const MAX_URI_BYTES = 32768;

export type Decoded<T> = { ok: true; value: T } | { ok: false; problem: string };

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && bytes(value) <= max;
}

const bad = (problem: string): { ok: false; problem: string } => ({ ok: false, problem });

// ---------------------------------------------------------------------------
// What the host sends

export function initializeParams(input: { client: Product; limits: Limits; clientMethods: readonly string[]; scheme: string; uri: string; context: ApplicationContext }): object {
  return {
    protocol: PROVIDER_PROTOCOL,
    versions: [PROTOCOL_VERSION],
    client: input.client,
    limits: { max_frame_bytes: input.limits.maxFrameBytes, max_in_flight: input.limits.maxInFlight },
    // Omitted when empty, as SecretSpec does: a client that answers no callback says nothing.
    ...(input.clientMethods.length ? { client_methods: [...input.clientMethods] } : {}),
    application: {
      scheme: input.scheme,
      uri: input.uri,
      context: { project: input.context.project, profile: input.context.profile, base_dir: input.context.baseDir, reason: input.context.reason },
    },
  };
}

function wireCoordinates(c: Coordinates): Record<string, string> {
  const out: Record<string, string> = { item: c.item };
  for (const name of COORDINATE_NAMES) if (c[name] !== undefined) out[name] = c[name]!;
  return out;
}

export function wireAddress(address: Address): object {
  return address.kind === 'convention'
    ? { kind: 'convention', project: address.project, profile: address.profile, key: address.key }
    : { kind: 'native', coordinates: wireCoordinates(address.coordinates) };
}

/**
 * Why the host must not send `address`, or undefined: the bounds of §4, and
 * a native coordinate the endpoint did not list in `supported_coordinates`
 * (it would answer `invalid_params`; the caller says which coordinate).
 */
export function addressProblem(address: Address, supported: readonly CoordinateName[]): { coordinate?: CoordinateName; problem: string } | undefined {
  if (address.kind === 'convention') {
    for (const part of ['project', 'profile', 'key'] as const) {
      if (bytes(address[part]) > MAX_NAME_BYTES) return { problem: `the ${part} is longer than ${MAX_NAME_BYTES} bytes` };
    }
    return undefined;
  }
  const c = address.coordinates;
  if (!isString(c.item, 1, MAX_NAME_BYTES)) return { problem: `the item must be 1 to ${MAX_NAME_BYTES} bytes` };
  for (const name of COORDINATE_NAMES) {
    const value = c[name];
    if (value === undefined) continue;
    if (bytes(value) > MAX_NAME_BYTES) return { problem: `the ${name} coordinate is longer than ${MAX_NAME_BYTES} bytes` };
    if (!supported.includes(name)) return { coordinate: name, problem: `the endpoint does not support the \`${name}\` coordinate` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// What comes back

const PERSISTENCE = new Set(['persist', 'ephemeral']);
/** POSIX, drive-letter and UNC absolute paths: the endpoint may run on either kind of system. */
const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

function decodeProduct(value: unknown): Product | undefined {
  return isRecord(value) && isString(value.name, 1, 256) && isString(value.version, 1, 256) ? { name: value.name, version: value.version } : undefined;
}

function decodeMetadata(value: unknown, scheme: string): Decoded<Metadata> {
  if (!isRecord(value)) return bad('application.provider is not an object');
  const m = value;
  if (typeof m.name !== 'string' || !SCHEME.test(m.name)) return bad('application.provider.name is not a scheme');
  if (m.name !== scheme) return bad(`application.provider.name is "${m.name}", not the scheme "${scheme}"`);
  for (const key of ['display_uri', 'storage_identity', 'entry_container_identity'] as const) {
    if (!isString(m[key], 0, MAX_URI_BYTES)) return bad(`application.provider.${key} is not a string of at most ${MAX_URI_BYTES} bytes`);
  }
  if (!Array.isArray(m.supported_coordinates) || !m.supported_coordinates.every((c) => typeof c === 'string') || new Set(m.supported_coordinates).size !== m.supported_coordinates.length) {
    return bad('application.provider.supported_coordinates is not a list of distinct names');
  }
  for (const key of ['generated_value_persistence', 'prompted_value_persistence'] as const) {
    if (typeof m[key] !== 'string' || !PERSISTENCE.has(m[key])) return bad(`application.provider.${key} is neither persist nor ephemeral`);
  }
  const path = m.physical_store_path ?? null;
  if (path !== null && !(isString(path, 1, MAX_URI_BYTES) && ABSOLUTE_PATH.test(path))) return bad('application.provider.physical_store_path is not an absolute path or null');
  return {
    ok: true,
    value: {
      name: m.name,
      displayUri: m.display_uri as string,
      // Names a later revision adds are not ours to send, so they are left out rather than refused.
      supportedCoordinates: COORDINATE_NAMES.filter((c) => (m.supported_coordinates as string[]).includes(c)),
      generatedValuePersistence: m.generated_value_persistence as Metadata['generatedValuePersistence'],
      promptedValuePersistence: m.prompted_value_persistence as Metadata['promptedValuePersistence'],
      storageIdentity: m.storage_identity as string,
      entryContainerIdentity: m.entry_container_identity as string,
      physicalStorePath: path as string | null,
    },
  };
}

/** §3 capability rules, as both sides check them. */
function methodsProblem(methods: ReadonlySet<string>): string | undefined {
  if (!methods.has(METHOD.resolveAddress)) return 'it does not offer provider.resolve_address, which every endpoint must';
  if (![METHOD.get, METHOD.exists, METHOD.set].some((m) => methods.has(m))) return 'it offers none of provider.get, provider.exists and provider.set';
  if (methods.has(METHOD.getMany) && !methods.has(METHOD.get)) return 'it offers provider.get_many without provider.get';
  if (methods.has('provider.set_expiring') && !methods.has(METHOD.set)) return 'it offers provider.set_expiring without provider.set';
  return undefined;
}

export function decodeInitializeResult(value: unknown, offer: Limits, scheme: string): Decoded<Initialized> {
  if (!isRecord(value)) return bad('the result is not an object');
  if (value.protocol !== PROVIDER_PROTOCOL) return bad('protocol is not secretspec.provider');
  if (value.version !== PROTOCOL_VERSION) return bad('version is not 1, the only one offered');
  const server = decodeProduct(value.server);
  if (!server) return bad('server is not a product name and version');
  const methodList = value.methods;
  if (!Array.isArray(methodList) || !methodList.every((m) => isString(m, 1, 256)) || new Set(methodList).size !== methodList.length) {
    return bad('methods is not a list of distinct method names');
  }
  const methods = new Set(methodList as string[]);
  const methodsWrong = methodsProblem(methods);
  if (methodsWrong) return bad(methodsWrong);
  if (value.capabilities !== undefined && !(isRecord(value.capabilities) && Object.values(value.capabilities).every((v) => typeof v === 'boolean'))) {
    return bad('capabilities is not a map of flags');
  }
  const limits = value.limits;
  if (!isRecord(limits)) return bad('limits is not an object');
  const frame = limits.max_frame_bytes;
  const inFlight = limits.max_in_flight;
  if (typeof frame !== 'number' || !Number.isInteger(frame) || frame < MIN_FRAME_BYTES || frame > offer.maxFrameBytes) return bad('limits.max_frame_bytes is outside 4,096 and the offer');
  if (typeof inFlight !== 'number' || !Number.isInteger(inFlight) || inFlight < 1 || inFlight > offer.maxInFlight) return bad('limits.max_in_flight is outside 1 and the offer');
  if (!isRecord(value.application)) return bad('application is not an object');
  const metadata = decodeMetadata(value.application.provider, scheme);
  if (!metadata.ok) return metadata;
  return { ok: true, value: { server, methods, limits: { maxFrameBytes: frame, maxInFlight: inFlight }, metadata: metadata.value } };
}

/** The `x-secretspec` section of an `rpc.discover` document: enough to know the peer speaks this protocol before anything sensitive is sent. */
export function decodeDiscovery(value: unknown): Decoded<{ server: Product; methods: string[] }> {
  const x = isRecord(value) ? value['x-secretspec'] : undefined;
  if (!isRecord(x)) return bad('the discovery document has no x-secretspec section');
  if (x.protocol !== PROVIDER_PROTOCOL) return bad('the discovery document is not for secretspec.provider');
  if (!Array.isArray(x.versions) || !x.versions.includes(PROTOCOL_VERSION)) return bad('the discovery document does not offer version 1');
  const server = decodeProduct(x.server);
  if (!server || !Array.isArray(x.methods) || !x.methods.every((m) => typeof m === 'string')) return bad('the discovery document has no server or methods');
  return { ok: true, value: { server, methods: x.methods as string[] } };
}

export function decodeCoordinates(value: unknown, where: string): Decoded<Coordinates> {
  if (!isRecord(value) || !isString(value.item, 1, MAX_NAME_BYTES)) return bad(`${where}.item is not a non-empty string`);
  const out: Coordinates = { item: value.item };
  for (const name of COORDINATE_NAMES) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    if (!isString(v, 0, MAX_NAME_BYTES)) return bad(`${where}.${name} is not a string`);
    out[name] = v;
  }
  return { ok: true, value: out };
}

export type Read = { found: true; value: string; expiresAtUnixMs: number | null } | { found: false };

function decodeRead(value: Record<string, unknown>, where: string): Decoded<Read> {
  if (value.status === 'missing') return { ok: true, value: { found: false } };
  if (value.status !== 'found') return bad(`${where}.status is neither found nor missing`);
  if (typeof value.value !== 'string') return bad(`${where}.value is not a string`);
  const expires = value.expires_at_unix_ms ?? null;
  if (expires !== null && !(typeof expires === 'number' && Number.isInteger(expires) && expires >= 0)) return bad(`${where}.expires_at_unix_ms is not a time or null`);
  return { ok: true, value: { found: true, value: value.value, expiresAtUnixMs: expires } };
}

export function decodeGet(value: unknown): Decoded<Read> {
  return isRecord(value) ? decodeRead(value, 'result') : bad('the result is not an object');
}

/** One read per asked name, in the order asked: the host verifies the order (§4). */
export function decodeGetMany(value: unknown, names: readonly string[]): Decoded<Read[]> {
  if (!isRecord(value) || !Array.isArray(value.results)) return bad('results is not a list');
  if (value.results.length !== names.length) return bad(`results has ${value.results.length} entries for ${names.length} requests`);
  const out: Read[] = [];
  for (let i = 0; i < names.length; i++) {
    const entry: unknown = value.results[i];
    if (!isRecord(entry) || entry.name !== names[i]) return bad(`results[${i}] does not answer request ${i} (names must come back in the order asked)`);
    const read = decodeRead(entry, `results[${i}]`);
    if (!read.ok) return read;
    out.push(read.value);
  }
  return { ok: true, value: out };
}

export function decodeFlag(value: unknown, member: 'exists' | 'stored' | 'deleted'): Decoded<boolean> {
  return isRecord(value) && typeof value[member] === 'boolean' ? { ok: true, value: value[member] } : bad(`${member} is not a boolean`);
}

/** `check_writable`, `check_deletable`, `rpc.shutdown`: an object, whatever members a later revision puts in it. */
export function decodeEmpty(value: unknown): Decoded<undefined> {
  return isRecord(value) ? { ok: true, value: undefined } : bad('the result is not an object');
}

export function decodeDescription(value: unknown): Decoded<string> {
  return isRecord(value) && isString(value.description, 0, MAX_NAME_BYTES) ? { ok: true, value: value.description } : bad('description is not a string');
}

export interface Reflected {
  description: string;
  required: boolean;
  ref: Coordinates;
}

export function decodeReflect(value: unknown): Decoded<Record<string, Reflected>> {
  if (!isRecord(value)) return bad('the result is not an object');
  if (value.schema_version !== 1) return bad('schema_version is not 1');
  if (!isRecord(value.declarations)) return bad('declarations is not an object');
  const out: Record<string, Reflected> = {};
  for (const [name, d] of Object.entries(value.declarations)) {
    const where = `declarations.${name}`;
    if (bytes(name) > MAX_NAME_BYTES) return bad('a declared name is longer than 4,096 bytes');
    if (!isRecord(d) || !isString(d.description, 0, MAX_NAME_BYTES) || typeof d.required !== 'boolean') return bad(`${where} has no description and required flag`);
    const ref = decodeCoordinates(d.ref, `${where}.ref`);
    if (!ref.ok) return ref;
    out[name] = { description: d.description, required: d.required, ref: ref.value };
  }
  return { ok: true, value: out };
}

// ---------------------------------------------------------------------------
// The `client.credential` callback (R2/R3)

export interface CredentialParams {
  name: string;
  scope: string;
  required: boolean;
}

const CREDENTIAL_NAME = /^[a-z][a-z0-9_]*$/;

/** The callback's params, or undefined when they break its closed shape (answered `invalid_params`). */
export function decodeCredentialParams(params: Record<string, unknown>): CredentialParams | undefined {
  const { name, scope, required } = params;
  if (Object.keys(params).some((k) => k !== 'name' && k !== 'scope' && k !== 'required')) return undefined;
  if (typeof name !== 'string' || !CREDENTIAL_NAME.test(name) || bytes(name) > 256) return undefined;
  if (!isString(scope, 1, MAX_NAME_BYTES) || typeof required !== 'boolean') return undefined;
  return { name, scope, required };
}
