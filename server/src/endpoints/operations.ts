// What the server asks a SecretSpec 0.21 endpoint (upstream-provider-ipc-
// v1.md §4), over an EndpointSession, with external.rs's choices: presence
// by `provider.exists`, else `provider.get_many` (at most 1,024 per call),
// else `provider.get`, never a false miss when none is offered; a write
// target described by the endpoint, else by its resolved coordinates; the
// write and delete preflights when offered, a global pass when not.
//
// Addresses are convention (project, profile, key) or native coordinates
// (`ref`, `refs.<alias>`, an alias template, already expanded by the
// caller). A native coordinate the endpoint does not list in
// `supported_coordinates` is refused here, with SecretSpec's advice, before
// anything is sent. Values leave this module only from `read` and
// `readMany`, and enter it only through `write`; each is remembered by the
// session's redactor. Presence drops the values it reads at once.
import { ProviderError } from '../providers/store';
import {
  METHOD,
  addressProblem,
  decodeCoordinates,
  decodeDescription,
  decodeEmpty,
  decodeFlag,
  decodeGet,
  decodeGetMany,
  decodeReflect,
  wireAddress,
  type Address,
  type Coordinates,
  type Decoded,
  type Read,
  type Reflected,
} from './messages';
import { EndpointError, type EndpointConnection, type EndpointSession } from './session';

const MAX_BATCH = 1024;
/** How long a read refused for capacity waits before it is asked once more. */
const CAPACITY_RETRY_MS = 50;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ProviderError };

/** One named entry of a batch. */
export interface Query {
  /** Unique per call: the secret's name. */
  name: string;
  address: Address;
}

/**
 * A read, asked once more when the endpoint refused it as `unavailable`:
 * the secretspec-ipc server frees a request's in-flight slot only after it
 * has written the answer, so a host that sends its next request as soon as
 * the answer arrives can be refused for capacity within the negotiated
 * limit. A read changes nothing, so asking again is safe; writes never are.
 */
async function readCall(session: EndpointSession, method: string, params: object): Promise<unknown> {
  try {
    return await session.call(method, params);
  } catch (error) {
    if (!(error instanceof EndpointError && error.wireKind === 'unavailable')) throw error;
    await new Promise((resolve) => setTimeout(resolve, CAPACITY_RETRY_MS));
    return session.call(method, params);
  }
}

function invalid(session: EndpointSession, method: string, problem: string): EndpointError {
  return new EndpointError('invalid_response', `${session.label} answered ${method} with an invalid result (${problem})`);
}

function decoded<T>(session: EndpointSession, method: string, result: Decoded<T>): T {
  if (!result.ok) throw invalid(session, method, result.problem);
  return result.value;
}

function asError(error: unknown, session: EndpointSession): ProviderError {
  return error instanceof ProviderError ? error : new EndpointError('internal', `${session.label}: the request failed`);
}

/** SecretSpec's own words for a coordinate the store does not have (providers-and-check §A.8). */
function addressError(connection: EndpointConnection, address: Address): ProviderError | undefined {
  const problem = addressProblem(address, connection.info.metadata.supportedCoordinates);
  if (!problem) return undefined;
  if (problem.coordinate && address.kind === 'native') {
    const c = problem.coordinate;
    return new ProviderError(
      'unsupported',
      `the ${connection.info.metadata.name} provider does not support the \`${c}\` coordinate. Drop \`${c}\` from the ref for \`${address.coordinates.item}\`, or give this provider its own address with \`refs.<alias>\` or an alias \`ref\` template`,
    );
  }
  return new ProviderError('invalid_request', `${connection.label} cannot be asked about this address: ${problem.problem}`);
}

async function addressed(session: EndpointSession, address: Address): Promise<object> {
  const connection = await session.ready();
  const error = addressError(connection, address);
  if (error) throw error;
  return { address: wireAddress(address) };
}

function require(connection: EndpointConnection, method: string, what: string): void {
  if (!connection.supports(method)) {
    throw new EndpointError('capability_required', `${connection.label} does not offer ${method}, so it cannot ${what}; it offers ${[...connection.info.methods].sort().join(', ')}`);
  }
}

/** The live connection and the queries it may be asked, or a failure for every query. */
async function askable<T>(session: EndpointSession, queries: readonly Query[], out: Map<string, Outcome<T>>): Promise<{ connection: EndpointConnection; queries: Query[] } | undefined> {
  let connection: EndpointConnection;
  try {
    connection = await session.ready();
  } catch (error) {
    for (const q of queries) out.set(q.name, { ok: false, error: asError(error, session) });
    return undefined;
  }
  const ok: Query[] = [];
  for (const q of queries) {
    const error = addressError(connection, q.address);
    if (error) out.set(q.name, { ok: false, error });
    else ok.push(q);
  }
  return { connection, queries: ok };
}

/**
 * Values by `provider.get_many` (at most 1,024 per call) when offered, else
 * by `provider.get` per name, as external.rs `get_many_with_metadata` does.
 * A failed batch fails each of its names: the endpoint's batch is
 * all-or-nothing. `keep` sees every value found before it is returned.
 */
async function reads(session: EndpointSession, connection: EndpointConnection, queries: readonly Query[], out: Map<string, Outcome<Read>>, keep: (value: string) => void): Promise<void> {
  if (connection.supports(METHOD.getMany)) {
    for (let i = 0; i < queries.length; i += MAX_BATCH) {
      const batch = queries.slice(i, i + MAX_BATCH);
      const names = batch.map((q) => q.name);
      try {
        const result = await readCall(session, METHOD.getMany, { requests: batch.map((q) => ({ name: q.name, address: wireAddress(q.address) })) });
        decoded(session, METHOD.getMany, decodeGetMany(result, names)).forEach((read, j) => {
          if (read.found) keep(read.value);
          out.set(names[j]!, { ok: true, value: read });
        });
      } catch (error) {
        for (const name of names) out.set(name, { ok: false, error: asError(error, session) });
      }
    }
    return;
  }
  // Concurrent: the connection holds them to the negotiated in-flight limit.
  await Promise.all(
    queries.map(async (q) => {
      try {
        const read = decoded(session, METHOD.get, decodeGet(await readCall(session, METHOD.get, { address: wireAddress(q.address) })));
        if (read.found) keep(read.value);
        out.set(q.name, { ok: true, value: read });
      } catch (error) {
        out.set(q.name, { ok: false, error: asError(error, session) });
      }
    }),
  );
}

/**
 * Whether each queried entry holds a value, by `provider.exists` when
 * offered, else by reading it (and dropping the value at once). Never
 * rejects: every name gets an answer or the reason it has none.
 */
export async function presence(session: EndpointSession, queries: readonly Query[]): Promise<Map<string, Outcome<boolean>>> {
  const out = new Map<string, Outcome<boolean>>();
  const ready = await askable(session, queries, out);
  if (!ready) return out;
  const { connection } = ready;
  if (connection.supports(METHOD.exists)) {
    await Promise.all(
      ready.queries.map(async (q) => {
        try {
          out.set(q.name, { ok: true, value: decoded(session, METHOD.exists, decodeFlag(await readCall(session, METHOD.exists, { address: wireAddress(q.address) }), 'exists')) });
        } catch (error) {
          out.set(q.name, { ok: false, error: asError(error, session) });
        }
      }),
    );
  } else if (connection.supports(METHOD.get)) {
    const values = new Map<string, Outcome<Read>>();
    // Read only to learn presence: scrubbable while the stderr of the answer is written, then forgotten.
    await reads(session, connection, ready.queries, values, (v) => session.rememberPresenceValue(v));
    for (const [name, o] of values) out.set(name, o.ok ? { ok: true, value: o.value.found } : o);
  } else {
    const error = new EndpointError('capability_required', `${connection.label} offers none of provider.exists, provider.get_many and provider.get, so it cannot say whether a value is there (a write-only store)`);
    for (const q of ready.queries) out.set(q.name, { ok: false, error });
  }
  return out;
}

/** Values for import and run: one outcome per name, never rejects. */
export async function readMany(session: EndpointSession, queries: readonly Query[]): Promise<Map<string, Outcome<Read>>> {
  const out = new Map<string, Outcome<Read>>();
  const ready = await askable(session, queries, out);
  if (!ready) return out;
  if (!ready.connection.supports(METHOD.get)) {
    const error = new EndpointError('capability_required', `${ready.connection.label} does not offer provider.get, so it cannot read values (a write-only store)`);
    for (const q of ready.queries) out.set(q.name, { ok: false, error });
    return out;
  }
  await reads(session, ready.connection, ready.queries, out, (v) => session.remember(v));
  return out;
}

/** One value, for the callers that need it (run, import). */
export async function read(session: EndpointSession, address: Address): Promise<Read> {
  const params = await addressed(session, address);
  require(await session.ready(), METHOD.get, 'read values');
  const result = decoded(session, METHOD.get, decodeGet(await session.call(METHOD.get, params)));
  if (result.found) session.remember(result.value);
  return result;
}

/** The endpoint's coordinates for an address: naming only, no store access (§4). */
export async function resolveAddress(session: EndpointSession, address: Address): Promise<Coordinates> {
  const params = await addressed(session, address);
  const result = await session.call(METHOD.resolveAddress, params);
  return decoded(session, METHOD.resolveAddress, decodeCoordinates((result as { coordinates?: unknown } | null)?.coordinates, 'coordinates'));
}

/** SecretSpec's rendering of coordinates: outer scope first, present ones only (config.rs `render`). */
function renderCoordinates(c: Coordinates): string {
  const order = ['vault', 'item', 'section', 'field', 'version'] as const;
  return order
    .filter((name) => c[name] !== undefined)
    .map((name) => `${name}=${c[name]}`)
    .join(' ');
}

/** Non-secret text for Set's preview: the endpoint's own, else its coordinates. */
export async function describeWriteTarget(session: EndpointSession, address: Address): Promise<string> {
  const params = await addressed(session, address);
  const connection = await session.ready();
  if (!connection.supports(METHOD.describeWriteTarget)) return renderCoordinates(await resolveAddress(session, address));
  return decoded(session, METHOD.describeWriteTarget, decodeDescription(await session.call(METHOD.describeWriteTarget, params)));
}

/** Rejects with the endpoint's refusal (permission_denied, read_only for a conflict, capability_required); a store without the preflight passes. */
export async function checkWritable(session: EndpointSession, address: Address): Promise<void> {
  const params = await addressed(session, address);
  const connection = await session.ready();
  require(connection, METHOD.set, 'store values');
  if (!connection.supports(METHOD.checkWritable)) return;
  decoded(session, METHOD.checkWritable, decodeEmpty(await session.call(METHOD.checkWritable, params)));
}

/** Preflight, then the write; the endpoint must confirm it stored the value. */
export async function write(session: EndpointSession, address: Address, value: string): Promise<void> {
  session.remember(value);
  await checkWritable(session, address);
  const params = await addressed(session, address);
  const stored = decoded(session, METHOD.set, decodeFlag(await session.call(METHOD.set, { ...params, value }), 'stored'));
  if (!stored) throw new EndpointError('internal', `${session.label} did not confirm the write (stored: false)`);
}

export async function checkDeletable(session: EndpointSession, address: Address): Promise<void> {
  const params = await addressed(session, address);
  const connection = await session.ready();
  require(connection, METHOD.delete, 'delete values');
  if (!connection.supports(METHOD.checkDeletable)) return;
  decoded(session, METHOD.checkDeletable, decodeEmpty(await session.call(METHOD.checkDeletable, params)));
}

/** Preflight, then the delete; true when this call removed an entry (absent is a successful false). */
export async function remove(session: EndpointSession, address: Address): Promise<boolean> {
  await checkDeletable(session, address);
  const params = await addressed(session, address);
  return decoded(session, METHOD.delete, decodeFlag(await session.call(METHOD.delete, params), 'deleted'));
}

/** Value-free declarations for Init, each with its native `ref`. */
export async function reflect(session: EndpointSession, project: string, profile: string): Promise<Record<string, Reflected>> {
  require(await session.ready(), METHOD.reflect, 'list the secrets it holds');
  return decoded(session, METHOD.reflect, decodeReflect(await session.call(METHOD.reflect, { project, profile })));
}
