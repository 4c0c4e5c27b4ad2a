// Writes through stores (lsp-extensions.md; providers-and-check §B.2, §D):
// where a value would go, set, delete, import and reflect, over `Stores`
// only, so every provider family behaves the same and an in-memory store can
// stand in for all of them. Every refusal is a ProviderError whose kind the
// request edge passes on. A value lives only in this module's locals for the
// duration of one call: it is never logged, echoed, put in a message or
// returned.
import type { DeleteResult, ImportResult, ReflectResult, SetResult, WriteTargetResult } from '../../../protocol/src';
import type { EffectiveProfile } from '../manifest/effective';
import type { PathBase } from '../providers/scheme';
import { asProviderError, ProviderError, type Address, type Store, type StoreContext, type Stores } from '../providers/store';
import { builtinProvider } from '../providers/registry';
import { splitSpec } from '../providers/uri';
import type { Problem } from './address';
import type { Endpoint, Routing } from './route';
import {
  anchorRelativePath,
  decideImport,
  importSource,
  isProblem,
  planImport,
  planWrite,
  profileProblem,
  reflectSource,
  reflectedDeclarations,
  type ImportDecision,
  type ImportEntry,
  type WritePlan,
} from './writes';

const UNTRUSTED = 'This workspace is not trusted: provider plugins run only in a trusted workspace; trust this folder to write, delete, import or reflect secrets';

// SecretSpec's cache envelope marker (cache.rs): only an entry that carries it was written by SecretSpec and may be dropped.
const CACHE_ENVELOPE_MARKER = 'secretspec-cache-v2:';

/** An analysed manifest as writes see it. */
export interface WriteScope extends Routing {
  profiles: ReadonlyMap<string, EffectiveProfile>;
  /** Absolute path of the manifest, or null when it is not a file. */
  configFile: string | null;
  base: PathBase;
}

/** An answer of the CLI bridge: done, or refused with a kind and a redacted message. */
type CliAnswer<T> = ({ ok: true } & T) | { ok: false; kind: ProviderError['kind']; message: string };

/**
 * The user's `secretspec` CLI, for stores no plugin serves (issue 11). It
 * walks the route itself, so it is given the secret, never a store key.
 */
export interface CliWrites {
  /** Whether the store `uri` names, which no plugin serves, is written through the CLI. */
  handles(uri: string): boolean;
  describeTarget(secret: SecretRef): Promise<CliAnswer<WriteTargetResult>>;
  set(secret: SecretRef, value: string): Promise<CliAnswer<object>>;
  delete(secret: SecretRef): Promise<CliAnswer<object>>;
  /** The CLI imports every declared secret of the profile at once; `composed` it skips. */
  import(request: ImportRequest & { names: readonly string[]; composed: ReadonlySet<string> }): Promise<CliAnswer<ImportResult>>;
}

export interface WriteEnv {
  stores: Stores;
  /** Absent: no CLI, and stores no plugin serves stay refused as not installed. */
  cli?: CliWrites;
  trusted: boolean;
  log(line: string): void;
  /** Something was written, so presence may have changed; called before the call settles, even when a later step fails. */
  wrote(): void;
}

export interface SecretRef {
  profile: string;
  name: string;
}

function failure(problem: Problem): ProviderError {
  return new ProviderError(problem.kind, problem.message);
}

function requireTrust(env: WriteEnv): void {
  if (!env.trusted) throw new ProviderError('untrusted_workspace', UNTRUSTED);
}

function projectOf(scope: WriteScope): string {
  return scope.manifest.project.name?.value ?? '';
}

function open(env: WriteEnv, scope: Pick<WriteScope, 'configFile'> & { project: string; profile?: string }, at: Endpoint, command: string): Promise<Store> {
  const context: StoreContext = { configFile: scope.configFile, project: scope.project, command, ...(scope.profile !== undefined ? { profile: scope.profile } : {}) };
  return env.stores.open(at.uri, context);
}

/** The store, or 'cli' when no plugin serves it and the user's CLI does. */
async function openOrCli(env: WriteEnv, scope: Parameters<typeof open>[1], at: Endpoint, command: string): Promise<Store | 'cli'> {
  try {
    return await open(env, scope, at, command);
  } catch (error) {
    if (error instanceof ProviderError && error.kind === 'plugin_not_installed' && env.cli?.handles(at.uri)) return 'cli';
    throw error;
  }
}

function cliRefusal(answer: { kind: ProviderError['kind']; message: string }): ProviderError {
  return new ProviderError(answer.kind, answer.message);
}

function advertised(store: Store): string {
  return store.capabilities.join(', ') || 'nothing';
}

function cannot(store: Store, capability: 'set' | 'delete'): ProviderError {
  const effect = capability === 'set' ? 'values cannot be written through it' : 'values cannot be removed through it';
  return new ProviderError('capability_required', `${store.label} does not offer ${capability}; it advertises only ${advertised(store)}, so ${effect}`);
}

function requireReads(store: Store, role: string): void {
  if (!store.can('get') && !store.can('batch_get')) {
    throw new ProviderError('capability_required', `${store.label} cannot read values (it advertises only ${advertised(store)}), so it cannot be ${role}`);
  }
}

function takesNative(env: WriteEnv): (uri: string) => boolean {
  return (uri) => env.stores.takesNativeAddresses?.(uri) ?? false;
}

function plan(scope: WriteScope, env: WriteEnv, secret: SecretRef): WritePlan {
  return planWrite({
    takesNative: takesNative(env),
    manifest: scope.manifest,
    profiles: scope.profiles,
    profile: secret.profile,
    name: secret.name,
    defaultProvider: scope.defaultProvider,
    ...(scope.override ? { override: scope.override } : {}),
    base: scope.base,
  });
}

/** Where `set` would write, said before a value is typed; `deletable` only when asked. */
export async function writeTarget(scope: WriteScope, env: WriteEnv, secret: SecretRef, withDeletable: boolean): Promise<WriteTargetResult> {
  const planned = plan(scope, env, secret);
  const shown = { provider: planned.route?.primary.display ?? '', target: planned.target ?? '' };
  const answer = (writable: boolean, reason: string | undefined, deletable: boolean, target = shown.target): WriteTargetResult => ({
    ...shown,
    target,
    writable,
    ...(reason !== undefined ? { reason } : {}),
    ...(withDeletable ? { deletable } : {}),
  });
  if (planned.problem) return answer(false, planned.problem.message, false);
  if (!env.trusted) return answer(false, UNTRUSTED, false);
  try {
    const primary = planned.route!.primary;
    const store = await openOrCli(env, { configFile: scope.configFile, project: projectOf(scope), profile: secret.profile }, primary, secret.name);
    if (store === 'cli') {
      const previewed = await env.cli!.describeTarget(secret);
      if (!previewed.ok) return answer(false, previewed.message, false);
      // SecretSpec's delete works where its store registration says it can delete.
      const deletes = builtinProvider(splitSpec(primary.uri).scheme)?.deletes === true;
      return { provider: previewed.provider, target: previewed.target, writable: previewed.writable, ...(previewed.reason !== undefined ? { reason: previewed.reason } : {}), ...(withDeletable ? { deletable: previewed.writable && deletes } : {}) };
    }
    const target = store.describeTarget ? await store.describeTarget({ project: projectOf(scope), profile: secret.profile, key: planned.key! }) : shown.target;
    if (!store.can('set')) return answer(false, cannot(store, 'set').message, store.can('delete'), target);
    return answer(true, undefined, store.can('delete'), target);
  } catch (error) {
    return answer(false, asProviderError(error).message, false);
  }
}

/** Writes one value through the secret's primary store (never a fallback). */
export function setValue(scope: WriteScope, env: WriteEnv, secret: SecretRef, value: string): Promise<SetResult> {
  return change(scope, env, secret, { capability: 'set', value });
}

/** Removes the value from the primary only (B.2, D.5): the same route and refusals as `set`, and absent is not an error. */
export function deleteValue(scope: WriteScope, env: WriteEnv, secret: SecretRef): Promise<DeleteResult> {
  return change(scope, env, secret, { capability: 'delete' });
}

type Change = { capability: 'set'; value: string } | { capability: 'delete' };

async function change(scope: WriteScope, env: WriteEnv, secret: SecretRef, what: Change): Promise<SetResult> {
  requireTrust(env);
  if (what.capability === 'set' && what.value === '') throw new ProviderError('invalid_request', 'Secret value cannot be empty');
  const planned = plan(scope, env, secret);
  if (planned.problem) throw failure(planned.problem);
  const route = planned.route!;
  const project = projectOf(scope);
  const store = await openOrCli(env, { configFile: scope.configFile, project, profile: secret.profile }, route.primary, secret.name);
  if (store === 'cli') {
    // SecretSpec keeps its own caches fresh on a write, so no eviction here.
    const done = what.capability === 'set' ? await env.cli!.set(secret, what.value) : await env.cli!.delete(secret);
    if (!done.ok) throw cliRefusal(done);
    env.log(`${what.capability === 'set' ? 'set' : 'deleted'} ${secret.name} (profile ${secret.profile}) through the secretspec CLI, ${what.capability === 'set' ? 'in' : 'from'} ${planned.target}`);
    env.wrote();
    return { provider: route.primary.display, target: planned.target! };
  }
  if (!store.can(what.capability)) throw cannot(store, what.capability);
  const address = { project, profile: secret.profile };
  if (what.capability === 'set') await store.set(address, planned.key!, what.value);
  else await store.delete(address, planned.key!);
  env.log(`${what.capability === 'set' ? 'set' : 'deleted'} ${secret.name} (profile ${secret.profile}) ${what.capability === 'set' ? 'in' : 'from'} ${planned.target}`);
  if (route.cache) await evictCache(scope, env, route.cache, address, secret.name);
  env.wrote();
  return { provider: route.primary.display, target: planned.target! };
}

/**
 * After the authoritative store changed, a cached copy is stale. SecretSpec
 * refreshes it in its own envelope format; the route fingerprint inside is
 * SecretSpec's, so the entry is dropped instead and the next read refills
 * it. Only SecretSpec's own entries are touched, and a cache failure never
 * fails the write, exactly as in SecretSpec.
 */
async function evictCache(scope: WriteScope, env: WriteEnv, cache: Endpoint, address: Address, name: string): Promise<void> {
  try {
    const store = await open(env, { configFile: scope.configFile, ...address }, cache, name);
    if (!store.can('delete') || !store.can('get')) return;
    const stored = await store.get(address, name);
    if (stored === null || !stored.startsWith(CACHE_ENVELOPE_MARKER)) return;
    await store.delete(address, name);
  } catch (error) {
    env.log(`cache ${cache.display} for ${name} could not be dropped (${asProviderError(error).kind}); a read may serve the old value until it expires`);
  }
}

export interface ImportRequest {
  profile: string;
  from: string;
  dryRun: boolean;
  deleteSource: boolean;
}

type CopyEntry = Extract<ImportEntry, { kind: 'copy' }>;

/** What an import read: values by secret name, held for this call only, and the store each destination lives in. */
interface Holdings {
  source: Map<string, string | null>;
  destination: Map<string, string | null>;
  stores: Map<string, Store>;
  /** Whether anything was written yet (set or deleted). */
  wrote: boolean;
}

/** Copies values from another store into each secret's write destination, never overwriting (§D.2). */
export async function importValues(scope: WriteScope, env: WriteEnv, request: ImportRequest): Promise<ImportResult> {
  requireTrust(env);
  const missingProfile = profileProblem(scope.profiles, request.profile);
  if (missingProfile) throw failure(missingProfile);
  const source = importSource(request.from, scope.manifest);
  if (isProblem(source)) throw failure(source);
  const planned = planImport({
    manifest: scope.manifest,
    profile: scope.profiles.get(request.profile)!,
    source,
    defaultProvider: scope.defaultProvider,
    ...(scope.override ? { override: scope.override } : {}),
    deleteSource: request.deleteSource,
    base: scope.base,
    takesNative: takesNative(env),
  });
  if (!planned.ok) throw failure(planned.problem);
  const copies = planned.entries.filter((e): e is CopyEntry => e.kind === 'copy');
  const project = projectOf(scope);
  const address = { project, profile: request.profile };

  const sourceStore = await openOrCli(env, { configFile: scope.configFile, ...address }, source, 'import');
  if (sourceStore === 'cli' || (await anyViaCli(scope, env, address, copies))) {
    // `secretspec import` copies the whole profile, so a source or a destination only it can reach gets the whole import.
    const profile = scope.profiles.get(request.profile)!;
    const names = [...profile.secrets.keys()];
    const composed = new Set(names.filter((n) => profile.secrets.get(n)!.fields.composed !== undefined));
    const done = await env.cli!.import({ ...request, names, composed });
    if (!done.ok) throw cliRefusal(done);
    if (!request.dryRun) {
      env.wrote();
      env.log(`import from ${source.display} into profile ${request.profile} through the secretspec CLI: ${summary(done.items)}`);
    }
    return { items: done.items };
  }
  requireReads(sourceStore, 'the import source');
  if (request.deleteSource && !sourceStore.can('delete')) {
    throw new ProviderError('capability_required', `provider '${source.display}' does not support deleting secrets and cannot be used with import --delete-source`);
  }
  const held: Holdings = { source: new Map(), destination: new Map(), stores: new Map(), wrote: false };
  try {
    held.source = await readByName(sourceStore, address, copies.map((e) => ({ name: e.name, key: e.sourceKey })));
    await readDestinations(scope, env, address, copies, held);
    const decisions = decide(copies, held);
    const items = planned.entries.map((e): ImportResult['items'][number] => {
      if (e.kind === 'skipped') return { name: e.name, outcome: 'skipped', message: e.message };
      const d = decisions.get(e.name)!;
      const message = request.dryRun && d.copy ? 'would be imported (dry run)' : d.message;
      return { name: e.name, outcome: d.outcome, target: e.target, ...(message ? { message } : {}) };
    });
    if (request.dryRun) {
      if (request.deleteSource) {
        for (const item of items) if (decisions.get(item.name)?.deletable) item.message = `${item.message ? `${item.message}; ` : ''}would be deleted from source after verification`;
      }
      return { items };
    }
    try {
      await copy(scope, env, address, copies, decisions, held);
      if (request.deleteSource) await deleteFromSource(sourceStore, address, copies, decisions, held, items);
    } finally {
      if (held.wrote) env.wrote();
    }
    env.log(`import from ${source.display} into profile ${request.profile}: ${summary(items)}`);
    return { items };
  } finally {
    held.source.clear();
    held.destination.clear();
  }
}

/** Whether a destination of the import is a store only the CLI reaches. */
async function anyViaCli(scope: WriteScope, env: WriteEnv, address: Address, copies: readonly CopyEntry[]): Promise<boolean> {
  if (!env.cli) return false;
  for (const group of groupByUri(copies)) {
    if ((await openOrCli(env, { configFile: scope.configFile, ...address }, group.at, 'import')) === 'cli') return true;
  }
  return false;
}

async function readDestinations(scope: WriteScope, env: WriteEnv, address: Address, copies: readonly CopyEntry[], held: Holdings): Promise<void> {
  for (const group of groupByUri(copies)) {
    const store = await open(env, { configFile: scope.configFile, ...address }, group.at, 'import');
    requireReads(store, 'the import destination');
    const values = await readByName(store, address, group.entries.map((e) => ({ name: e.name, key: e.key })));
    for (const e of group.entries) {
      held.stores.set(e.name, store);
      held.destination.set(e.name, values.get(e.name) ?? null);
    }
  }
}

/** Each secret's outcome; all-or-nothing up to the copy: an unwritable destination fails the import before anything is written. */
function decide(copies: readonly CopyEntry[], held: Holdings): Map<string, ImportDecision> {
  const decisions = new Map<string, ImportDecision>();
  for (const e of copies) {
    const decision = decideImport(held.source.get(e.name) ?? null, held.destination.get(e.name) ?? null);
    decisions.set(e.name, decision);
    if (!decision.copy) continue;
    if (e.readOnly) throw failure(e.readOnly);
    const store = held.stores.get(e.name)!;
    if (!store.can('set')) throw cannot(store, 'set');
  }
  return decisions;
}

async function copy(scope: WriteScope, env: WriteEnv, address: Address, copies: readonly CopyEntry[], decisions: ReadonlyMap<string, ImportDecision>, held: Holdings): Promise<void> {
  for (const e of copies) {
    if (!decisions.get(e.name)!.copy) continue;
    await held.stores.get(e.name)!.set(address, e.key, held.source.get(e.name)!);
    held.wrote = true;
    if (e.destination.cache) await evictCache(scope, env, e.destination.cache, address, e.name);
  }
}

/** With deleteSource: every destination is read back first, so a failed verification deletes nothing. */
async function deleteFromSource(
  source: Store,
  address: Address,
  copies: readonly CopyEntry[],
  decisions: ReadonlyMap<string, ImportDecision>,
  held: Holdings,
  items: ImportResult['items'],
): Promise<void> {
  const deletable = copies.filter((e) => decisions.get(e.name)!.deletable);
  for (const e of deletable) {
    const stored = await held.stores.get(e.name)!.get(address, e.key);
    if (stored !== held.source.get(e.name)) {
      throw new ProviderError('internal', `destination verification failed for '${e.name}'; the source value was retained`);
    }
  }
  const deleted = new Set<string>();
  for (const e of deletable) {
    await source.delete(address, e.sourceKey);
    deleted.add(e.name);
    held.wrote = true;
  }
  for (const item of items) {
    const value = held.source.get(item.name);
    if (item.outcome === 'skipped' || value === undefined || value === null) continue;
    item.deletedFromSource = deleted.has(item.name);
    if (item.outcome === 'differs') item.message = `${item.message}; source retained`;
  }
}

/** Values by key, asking get-many when the store offers it; any failure fails the whole read. */
async function readValues(store: Store, address: Address, keys: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (!keys.length) return out;
  if (store.can('batch_get')) {
    const answers = await store.getMany(address, keys);
    for (const key of keys) {
      const a = answers[key];
      if (!a) throw new ProviderError('invalid_response', `${store.label} gave no answer for ${key}`);
      if (!a.ok) throw a.error;
      out.set(key, a.value);
    }
    return out;
  }
  for (const key of keys) out.set(key, await store.get(address, key));
  return out;
}

/** Values by secret name, each read under the key its store holds it at. */
async function readByName(store: Store, address: Address, wanted: ReadonlyArray<{ name: string; key: string }>): Promise<Map<string, string | null>> {
  const byKey = await readValues(store, address, [...new Set(wanted.map((w) => w.key))]);
  const out = new Map<string, string | null>();
  for (const w of wanted) out.set(w.name, byKey.get(w.key) ?? null);
  byKey.clear();
  return out;
}

function groupByUri(entries: readonly CopyEntry[]): Array<{ at: Endpoint; entries: CopyEntry[] }> {
  const groups = new Map<string, { at: Endpoint; entries: CopyEntry[] }>();
  for (const e of entries) {
    const at = e.destination.primary;
    const group = groups.get(at.uri) ?? { at, entries: [] };
    group.entries.push(e);
    groups.set(at.uri, group);
  }
  return [...groups.values()];
}

function summary(items: ImportResult['items']): string {
  const count = (o: string) => items.filter((i) => i.outcome === o).length;
  const deleted = items.filter((i) => i.deletedFromSource).length;
  return `${count('imported')} imported, ${count('exists')} already exist, ${count('differs')} differ, ${count('not_found')} not found in source, ${count('skipped')} skipped${deleted ? `, ${deleted} deleted from source` : ''}`;
}

export interface ReflectRequest {
  from: string;
  project: string;
  /** Absolute directory the manifest would be created in. */
  directory: string;
  /** The manifest already there, which relative paths resolve against; null when there is none. */
  configFile: string | null;
  /** The profile whose declarations are asked for, for a store that answers per profile. */
  profile?: string;
  home?: string;
}

/** Declarations a store knows about, shaped as a manifest may hold them (§D.4). */
export async function reflectFrom(env: WriteEnv, request: ReflectRequest): Promise<ReflectResult> {
  requireTrust(env);
  const resolved = reflectSource(request.from);
  if (isProblem(resolved)) throw failure(resolved);
  const source = request.configFile ? resolved : anchorRelativePath(resolved, request.directory, request.home);
  const store = await open(env, { configFile: request.configFile, project: request.project, ...(request.profile !== undefined ? { profile: request.profile } : {}) }, source, 'reflect');
  if (!store.can('reflect')) {
    throw new ProviderError('capability_required', `Provider '${resolved.display}' does not support reflection (${store.label} advertises ${advertised(store)})`);
  }
  return { secrets: reflectedDeclarations(await store.reflect(request.project)) };
}
