// `secretspec/writeTarget`, `set`, `delete`, `import` and `reflect` (lsp-extensions.md,
// providers-and-check §D): every store is reached through the plugin host,
// every failure is a ResponseError whose data names its kind, and a value
// lives only in this request's memory: it is never logged, echoed, put in a
// message or returned.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResponseError } from 'vscode-languageserver/node';
import {
  DeleteRequest,
  DidChangePresenceNotification,
  ImportRequest,
  ReflectRequest,
  SetRequest,
  WriteTargetRequest,
  type DeleteParams,
  type DeleteResult,
  type ErrorKind,
  type ImportParams,
  type ImportResult,
  type ReflectParams,
  type ReflectResult,
  type SetParams,
  type SetResult,
  type WriteTargetParams,
  type WriteTargetResult,
} from '../../../protocol/src';
import type { Endpoint } from '../check/route';
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
  type PathBase,
  type Problem,
  type WritePlan,
} from '../check/writes';
import type { EffectiveProfile } from '../manifest/effective';
import type { MergedManifest } from '../manifest/model';
import type { PluginSession } from '../plugins/host';
import { asProviderError } from '../plugins/session';
import { ProviderError, type Address } from '../plugins/types';
import type { ServerContext } from '../context';
import type { PresenceService } from './presence';
import { documentUri, isManifest, optionalBoolean, requestFailure, requireString } from './requestParams';

const UNTRUSTED = 'provider plugins run only in a trusted workspace; trust this folder to write, delete, import or reflect secrets';

// SecretSpec's cache envelope marker (cache.rs): only an entry that carries it was written by SecretSpec and may be dropped.
const CACHE_ENVELOPE_MARKER = 'secretspec-cache-v2:';

function fromProblem(problem: Problem): ResponseError<{ kind: ErrorKind }> {
  return requestFailure(problem.kind, problem.message);
}

/** Any failure as a ResponseError; an unexpected one is described by its type only, since its text could echo input. */
function asResponseError(error: unknown): ResponseError<unknown> {
  if (error instanceof ResponseError) return error;
  const e = asProviderError(error);
  return requestFailure(e.kind, e.message);
}

interface LoadedManifest {
  uri: string;
  manifest: MergedManifest;
  profiles: Map<string, EffectiveProfile>;
  project: string;
  configFile: string | null;
  base: PathBase;
}

interface Stored {
  session: PluginSession;
  address: Address;
}

class Mutations {
  constructor(
    private readonly ctx: ServerContext,
    private readonly presence: PresenceService,
  ) {}

  private get trusted(): boolean {
    return this.ctx.options.trusted === true;
  }

  private requireTrust(): void {
    if (!this.trusted) throw requestFailure('untrusted_workspace', `This workspace is not trusted: ${UNTRUSTED}`);
  }

  private async load(uri: string): Promise<LoadedManifest> {
    await this.presence.settingsReady();
    const analysis = isManifest(uri) ? await this.ctx.analysisFor(uri) : undefined;
    if (!analysis) throw requestFailure('invalid_request', `${uri} is not an open secretspec.toml`);
    const manifest = analysis.load.merged;
    const profiles = analysis.validation.profiles;
    if (!manifest || !profiles) throw requestFailure('invalid_request', 'the manifest does not parse; fix its syntax errors first');
    const configFile = uri.startsWith('file:') ? fileURLToPath(uri) : null;
    const baseDir = configFile ? path.dirname(configFile) : process.cwd();
    return {
      uri,
      manifest: this.presence.routingManifest(manifest),
      profiles,
      project: manifest.project.name?.value ?? '',
      configFile,
      base: { configFile, baseDir, ...this.home() },
    };
  }

  private home(): { home?: string } {
    return process.env.HOME ? { home: process.env.HOME } : {};
  }

  private session(at: Endpoint, loaded: { configFile: string | null; project: string }, command: string): Promise<PluginSession> {
    return this.presence.pluginHost().session(at.uri, { configFile: loaded.configFile, project: loaded.project, command });
  }

  private plan(loaded: LoadedManifest, profile: string, name: string): WritePlan {
    const override = this.presence.providerOverride;
    return planWrite({
      manifest: loaded.manifest,
      profiles: loaded.profiles,
      profile,
      name,
      defaultProvider: this.presence.defaultProvider,
      ...(override ? { override } : {}),
      base: loaded.base,
    });
  }

  async writeTarget(params: WriteTargetParams): Promise<WriteTargetResult> {
    const uri = documentUri(params);
    const profile = requireString(params.profile, 'profile', { nonEmpty: true });
    const name = requireString(params.name, 'name', { nonEmpty: true });
    const loaded = await this.load(uri);
    const plan = this.plan(loaded, profile, name);
    const shown = { provider: plan.route?.primary.display ?? '', target: plan.target ?? '' };
    const answer = (writable: boolean, reason: string | undefined, deletable: boolean): WriteTargetResult => ({
      ...shown,
      writable,
      ...(reason !== undefined ? { reason } : {}),
      ...(params.withDeletable === true ? { deletable } : {}),
    });
    if (plan.problem) return answer(false, plan.problem.message, false);
    if (!this.trusted) return answer(false, `This workspace is not trusted: ${UNTRUSTED}`, false);
    try {
      const session = await this.session(plan.route!.primary, loaded, name);
      if (!session.can('set')) return answer(false, cannotSet(session).message, session.can('delete'));
      return answer(true, undefined, session.can('delete'));
    } catch (error) {
      return answer(false, asProviderError(error).message, false);
    }
  }

  async set(params: SetParams): Promise<SetResult> {
    this.requireTrust();
    const uri = documentUri(params);
    const profile = requireString(params.profile, 'profile', { nonEmpty: true });
    const name = requireString(params.name, 'name', { nonEmpty: true });
    const value = requireString(params.value, 'value');
    if (value === '') throw requestFailure('invalid_request', 'Secret value cannot be empty');
    const loaded = await this.load(uri);
    const plan = this.plan(loaded, profile, name);
    if (plan.problem) throw fromProblem(plan.problem);
    const route = plan.route!;
    const session = await this.session(route.primary, loaded, name);
    if (!session.can('set')) throw cannotSet(session);
    const address = { project: loaded.project, profile };
    await session.set(address, plan.key!, value);
    this.ctx.connection.console.log(`set ${name} (profile ${profile}) in ${plan.target}`);
    if (route.cache) await this.evictCache(route.cache, loaded, address, name);
    this.changed(uri);
    return { provider: route.primary.display, target: plan.target! };
  }

  /** Removes the value from the primary only (B.2, D.5): the same route and refusals as `set`, and absent is not an error. */
  async delete(params: DeleteParams): Promise<DeleteResult> {
    this.requireTrust();
    const uri = documentUri(params);
    const profile = requireString(params.profile, 'profile', { nonEmpty: true });
    const name = requireString(params.name, 'name', { nonEmpty: true });
    const loaded = await this.load(uri);
    const plan = this.plan(loaded, profile, name);
    if (plan.problem) throw fromProblem(plan.problem);
    const route = plan.route!;
    const session = await this.session(route.primary, loaded, name);
    if (!session.can('delete')) throw cannotDelete(session);
    const address = { project: loaded.project, profile };
    await session.delete(address, plan.key!);
    this.ctx.connection.console.log(`deleted ${name} (profile ${profile}) from ${plan.target}`);
    if (route.cache) await this.evictCache(route.cache, loaded, address, name);
    this.changed(uri);
    return { provider: route.primary.display, target: plan.target! };
  }

  async import(params: ImportParams): Promise<ImportResult> {
    this.requireTrust();
    const uri = documentUri(params);
    const profileName = requireString(params.profile, 'profile', { nonEmpty: true });
    const from = requireString(params.from, 'from', { nonEmpty: true });
    const dryRun = optionalBoolean(params.dryRun, 'dryRun');
    const deleteSource = optionalBoolean(params.deleteSource, 'deleteSource');
    const loaded = await this.load(uri);
    const missingProfile = profileProblem(loaded.profiles, profileName);
    if (missingProfile) throw fromProblem(missingProfile);
    const source = importSource(from, loaded.manifest);
    if (isProblem(source)) throw fromProblem(source);
    const planned = planImport({
      manifest: loaded.manifest,
      profile: loaded.profiles.get(profileName)!,
      source,
      defaultProvider: this.presence.defaultProvider,
      ...(this.presence.providerOverride ? { override: this.presence.providerOverride } : {}),
      deleteSource,
      base: loaded.base,
    });
    if (!planned.ok) throw fromProblem(planned.problem);
    const copies = planned.entries.filter((e): e is Extract<ImportEntry, { kind: 'copy' }> => e.kind === 'copy');
    const address = { project: loaded.project, profile: profileName };

    const sourceSession = await this.session(source, loaded, 'import');
    requireReads(sourceSession, 'the import source');
    if (deleteSource && !sourceSession.can('delete')) {
      throw requestFailure('capability_required', `provider '${source.display}' does not support deleting secrets and cannot be used with import --delete-source`);
    }

    // Values are held only in these maps, for the duration of this request.
    const sourceValues = await readByName(sourceSession, address, copies.map((e) => ({ name: e.name, key: e.sourceKey })));
    const destinations = new Map<string, Stored>();
    const destinationValues = new Map<string, string | null>();
    try {
      for (const group of groupByUri(copies)) {
        const session = await this.session(group.at, loaded, 'import');
        requireReads(session, 'the import destination');
        const values = await readByName(session, address, group.entries.map((e) => ({ name: e.name, key: e.key })));
        for (const e of group.entries) {
          destinations.set(e.name, { session, address });
          destinationValues.set(e.name, values.get(e.name) ?? null);
        }
      }

      const decisions = new Map<string, ImportDecision>();
      for (const e of copies) {
        const decision = decideImport(sourceValues.get(e.name) ?? null, destinationValues.get(e.name) ?? null);
        decisions.set(e.name, decision);
        if (!decision.copy) continue;
        // All-or-nothing up to the copy: an unwritable destination fails the import before anything is written.
        if (e.readOnly) throw fromProblem(e.readOnly);
        const session = destinations.get(e.name)!.session;
        if (!session.can('set')) throw cannotSet(session);
      }

      const items = planned.entries.map((e): ImportResult['items'][number] => {
        if (e.kind === 'skipped') return { name: e.name, outcome: 'skipped', message: e.message };
        const d = decisions.get(e.name)!;
        const message = dryRun && d.copy ? 'would be imported (dry run)' : d.message;
        return { name: e.name, outcome: d.outcome, target: e.target, ...(message ? { message } : {}) };
      });
      if (dryRun) {
        if (deleteSource) for (const item of items) if (decisions.get(item.name)?.deletable) item.message = `${item.message ? `${item.message}; ` : ''}would be deleted from source after verification`;
        return { items };
      }

      let wrote = false;
      try {
        for (const e of copies) {
          if (!decisions.get(e.name)!.copy) continue;
          const { session } = destinations.get(e.name)!;
          await session.set(address, e.key, sourceValues.get(e.name)!);
          wrote = true;
          if (e.destination.cache) await this.evictCache(e.destination.cache, loaded, address, e.name);
        }
        if (deleteSource) {
          const deletable = copies.filter((e) => decisions.get(e.name)!.deletable);
          // Every destination is read back first, so a failed verification deletes nothing.
          for (const e of deletable) {
            const stored = await destinations.get(e.name)!.session.get(address, e.key);
            if (stored !== sourceValues.get(e.name)) {
              throw requestFailure('internal', `destination verification failed for '${e.name}'; the source value was retained`);
            }
          }
          const deleted = new Set<string>();
          for (const e of deletable) {
            await sourceSession.delete(address, e.sourceKey);
            deleted.add(e.name);
            wrote = true;
          }
          for (const item of items) {
            if (item.outcome === 'skipped' || sourceValues.get(item.name) === undefined || sourceValues.get(item.name) === null) continue;
            item.deletedFromSource = deleted.has(item.name);
            if (item.outcome === 'differs') item.message = `${item.message}; source retained`;
          }
        }
      } finally {
        if (wrote) this.changed(uri);
      }
      this.ctx.connection.console.log(`import from ${source.display} into profile ${profileName}: ${summary(items)}`);
      return { items };
    } finally {
      sourceValues.clear();
      destinationValues.clear();
    }
  }

  async reflect(params: ReflectParams): Promise<ReflectResult> {
    this.requireTrust();
    const from = requireString(params?.from, 'from', { nonEmpty: true });
    const project = requireString(params.project, 'project');
    if (params.profile !== undefined) requireString(params.profile, 'profile');
    const directory = requireString(params.directory, 'directory', { nonEmpty: true });
    if (!path.isAbsolute(directory)) throw requestFailure('invalid_request', `'directory' must be an absolute path, got '${directory}'`);
    const resolved = reflectSource(from);
    if (isProblem(resolved)) throw fromProblem(resolved);
    const manifestPath = path.join(directory, 'secretspec.toml');
    const configFile = existsSync(manifestPath) ? manifestPath : null;
    const source = configFile ? resolved : anchorRelativePath(resolved, directory, this.home().home);
    const session = await this.session(source, { configFile, project }, 'reflect');
    if (!session.can('reflect')) throw requestFailure('capability_required', `Provider '${resolved.display}' does not support reflection (${session.label} advertises ${session.capabilities.join(', ') || 'nothing'})`);
    return { secrets: reflectedDeclarations(await session.reflect(project)) };
  }

  /**
   * After the authoritative store changed, a cached copy is stale. SecretSpec
   * refreshes it in its own envelope format; the route fingerprint inside is
   * SecretSpec's, so the entry is dropped instead and the next read refills
   * it. Only SecretSpec's own entries are touched, and a cache failure never
   * fails the write, exactly as in SecretSpec.
   */
  private async evictCache(cache: Endpoint, loaded: LoadedManifest, address: Address, name: string): Promise<void> {
    try {
      const session = await this.session(cache, loaded, name);
      if (!session.can('delete') || !session.can('get')) return;
      const stored = await session.get(address, name);
      if (stored === null || !stored.startsWith(CACHE_ENVELOPE_MARKER)) return;
      await session.delete(address, name);
    } catch (error) {
      this.ctx.connection.console.log(`cache ${cache.display} for ${name} could not be dropped (${asProviderError(error).kind}); a read may serve the old value until it expires`);
    }
  }

  private changed(uri: string): void {
    void this.ctx.connection.sendNotification(DidChangePresenceNotification, { textDocument: { uri } });
    this.presence.recheckAfterWrite(uri).catch((error: unknown) => this.ctx.connection.console.log(`re-check of ${uri} after a write failed: ${asProviderError(error).message}`));
  }
}

function cannotSet(session: PluginSession): ResponseError<{ kind: ErrorKind }> {
  return requestFailure('capability_required', `${session.label} does not offer set; it advertises only ${session.capabilities.join(', ') || 'nothing'}, so values cannot be written through it`);
}

function cannotDelete(session: PluginSession): ResponseError<{ kind: ErrorKind }> {
  return requestFailure('capability_required', `${session.label} does not offer delete; it advertises only ${session.capabilities.join(', ') || 'nothing'}, so values cannot be removed through it`);
}

function requireReads(session: PluginSession, role: string): void {
  if (!session.can('get') && !session.can('batch_get')) {
    throw requestFailure('capability_required', `${session.label} cannot read values (it advertises only ${session.capabilities.join(', ') || 'nothing'}), so it cannot be ${role}`);
  }
}

/** Values by key, asking by batch_get when advertised; any failure fails the whole read. */
async function readValues(session: PluginSession, address: Address, keys: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (!keys.length) return out;
  if (session.can('batch_get')) {
    const answers = await session.batchGet(address, keys);
    for (const key of keys) {
      const a = answers[key];
      if (!a) throw new ProviderError('invalid_response', `${session.label} gave no answer for ${key}`);
      if (!a.ok) throw a.error;
      out.set(key, a.value);
    }
    return out;
  }
  for (const key of keys) out.set(key, await session.get(address, key));
  return out;
}

/** Values by secret name, each read under the key its store holds it at. */
async function readByName(session: PluginSession, address: Address, wanted: ReadonlyArray<{ name: string; key: string }>): Promise<Map<string, string | null>> {
  const byKey = await readValues(session, address, [...new Set(wanted.map((w) => w.key))]);
  const out = new Map<string, string | null>();
  for (const w of wanted) out.set(w.name, byKey.get(w.key) ?? null);
  byKey.clear();
  return out;
}

type CopyEntry = Extract<ImportEntry, { kind: 'copy' }>;

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

export function registerMutations(ctx: ServerContext, presence: PresenceService): void {
  const mutations = new Mutations(ctx, presence);
  const handle =
    <P, R>(run: (params: P) => Promise<R>) =>
    async (params: P): Promise<R> => {
      try {
        return await run(params ?? ({} as P));
      } catch (error) {
        throw asResponseError(error);
      }
    };
  ctx.connection.onRequest(WriteTargetRequest, handle((p: WriteTargetParams) => mutations.writeTarget(p)));
  ctx.connection.onRequest(SetRequest, handle((p: SetParams) => mutations.set(p)));
  ctx.connection.onRequest(DeleteRequest, handle((p: DeleteParams) => mutations.delete(p)));
  ctx.connection.onRequest(ImportRequest, handle((p: ImportParams) => mutations.import(p)));
  ctx.connection.onRequest(ReflectRequest, handle((p: ReflectParams) => mutations.reflect(p)));
}
